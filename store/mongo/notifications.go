package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// Notifications are kept one document per (event, recipient): the same
// document is the recipient's feed item (read state) and the delivery
// queue entry (push state, lease, attempts), so a notification whose push
// failed is still in the feed. Its id is derived from the event id and the
// recipient, which makes the relay's enqueue idempotent.
const (
	colNotifications     = "notifications"
	colNotificationPrefs = "notificationPrefs"
)

// notificationDoc is a notification as stored.
type notificationDoc struct {
	ID        string            `bson:"_id"`
	ProgramID string            `bson:"programId"`
	UserID    string            `bson:"userId"`
	EventID   string            `bson:"eventId,omitempty"`
	EventType models.EventType  `bson:"eventType,omitempty"`
	Category  string            `bson:"category"`
	Title     string            `bson:"title"`
	Body      string            `bson:"body"`
	Data      map[string]string `bson:"data,omitempty"`
	CreatedAt time.Time         `bson:"createdAt"`
	Read      bool              `bson:"read"`
	ReadAt    *time.Time        `bson:"readAt,omitempty"`

	State         models.PushState `bson:"state"`
	Attempts      int              `bson:"attempts"`
	Delivered     []string         `bson:"delivered"`
	NextAttemptAt time.Time        `bson:"nextAttemptAt"`
	// LeaseOwner is the claim of the worker delivering it until LeaseUntil.
	LeaseOwner string    `bson:"leaseOwner"`
	LeaseUntil time.Time `bson:"leaseUntil"`
	LastError  string    `bson:"lastError,omitempty"`
	Version    int64     `bson:"version"`
}

// notificationID is the id of the notification of event eventID to userID.
func notificationID(eventID, userID string) string {
	return shortHash("notification", eventID, userID)
}

// noLease is the lease time of a notification nobody holds.
var noLease = time.Unix(0, 0).UTC()

// newNotification is the queued notification n, with id, of an event (or
// of no event: a reminder).
func (s *Store) newNotification(id, programID, eventID string, eventType models.EventType, n models.Notification) notificationDoc {
	now := s.now()
	return notificationDoc{
		ID: id, ProgramID: programID, UserID: n.UserID, EventID: eventID, EventType: eventType,
		Category: n.Category, Title: n.Title, Body: n.Body, Data: n.Data, CreatedAt: now,
		State: models.PushPending, Delivered: []string{}, NextAttemptAt: now, LeaseUntil: noLease, Version: 1,
	}
}

// notificationsOf returns the queue entries of event e, one per recipient.
func (s *Store) notificationsOf(e models.Event) []notificationDoc {
	out := make([]notificationDoc, 0, len(e.Notify))
	seen := make(map[string]bool, len(e.Notify))
	for _, n := range e.Notify {
		if n.UserID == "" || seen[n.UserID] {
			continue
		}
		seen[n.UserID] = true
		out = append(out, s.newNotification(notificationID(e.ID, n.UserID), e.ProgramID, e.ID, e.Type, n))
	}
	return out
}

// queueNotifications inserts docs, leaving out those already queued (a
// repeated relay), and reports how many are new.
func (s *Store) queueNotifications(ctx context.Context, docs []notificationDoc) (int, error) {
	if len(docs) == 0 {
		return 0, nil
	}
	all := make([]any, len(docs))
	for i := range docs {
		all[i] = docs[i]
	}
	res, err := s.collection(colNotifications).InsertMany(ctx, all, options.InsertMany().SetOrdered(false))
	if err == nil {
		return len(res.InsertedIDs), nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return 0, translate(err, "queue notifications")
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != 11000 {
			return 0, translate(err, "queue notifications")
		}
	}
	return len(docs) - len(bwe.WriteErrors), nil
}

// FeedFilter selects and orders a user's feed (models.FeedFilter; the
// name stays for the store's callers).
type FeedFilter = models.FeedFilter

// feedKey is the keyset position in a feed.
type feedKey struct {
	Read bool   `json:"r"`
	At   int64  `json:"t"`
	ID   string `json:"i"`
}

// Notifications lists one user's feed: newest first, or unread ones first
// (each part newest first).
func (s *Store) Notifications(ctx context.Context, programID, userID string, f models.FeedFilter, page models.Page) (models.List[models.FeedItem], error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	unreadFirst := f.Order == models.FeedUnreadFirst && !f.UnreadOnly
	list := "feed:" + string(f.Order)
	q := bson.M{"programId": programID, "userId": userID}
	if f.UnreadOnly {
		q["read"] = false
	}
	sort := bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: -1}}
	if unreadFirst {
		sort = append(bson.D{{Key: "read", Value: 1}}, sort...)
	}
	if page.Cursor != "" {
		var k feedKey
		if err := decodeCursor(list, page.Cursor, &k); err != nil {
			return models.List[models.FeedItem]{}, err
		}
		at := time.UnixMilli(k.At).UTC()
		later := bson.A{
			bson.M{"createdAt": bson.M{"$lt": at}},
			bson.M{"createdAt": at, "_id": bson.M{"$lt": k.ID}},
		}
		if unreadFirst {
			later = bson.A{
				bson.M{"read": k.Read, "createdAt": bson.M{"$lt": at}},
				bson.M{"read": k.Read, "createdAt": at, "_id": bson.M{"$lt": k.ID}},
			}
			if !k.Read {
				later = append(later, bson.M{"read": true})
			}
		}
		q = withAnd(q, bson.M{"$or": later})
	}
	size := page.Size()
	cur, err := s.collection(colNotifications).Find(ctx, q, options.Find().SetSort(sort).SetLimit(int64(size)+1))
	if err != nil {
		return models.List[models.FeedItem]{}, translate(err, "list notifications")
	}
	items := []models.FeedItem{}
	if err := cur.All(ctx, &items); err != nil {
		return models.List[models.FeedItem]{}, translate(err, "list notifications")
	}
	out := models.List[models.FeedItem]{Items: items}
	if len(items) > size {
		out.Items = items[:size]
		last := items[size-1]
		out.NextCursor = encodeCursor(list, feedKey{Read: last.Read, At: last.CreatedAt.UnixMilli(), ID: last.ID})
	}
	return out, nil
}

// Notification returns one notification of a user's feed.
func (s *Store) Notification(ctx context.Context, programID, userID, id string) (models.FeedItem, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var item models.FeedItem
	err := s.collection(colNotifications).FindOne(ctx, bson.M{"_id": id, "programId": programID, "userId": userID}).Decode(&item)
	return item, translate(err, "find notification "+id)
}

// MarkNotificationRead marks one of a user's notifications read at at
// (once: the first reading time is kept) and returns it.
func (s *Store) MarkNotificationRead(ctx context.Context, programID, userID, id string, at time.Time) (models.FeedItem, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.collection(colNotifications).UpdateOne(ctx,
		bson.M{"_id": id, "programId": programID, "userId": userID, "read": false},
		bson.M{"$set": bson.M{"read": true, "readAt": at}, "$inc": bson.M{"version": 1}})
	if err != nil {
		return models.FeedItem{}, translate(err, "mark notification read")
	}
	return s.Notification(ctx, programID, userID, id)
}

// MarkAllNotificationsRead marks every unread notification of a user read
// at at and reports how many it marked.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, programID, userID string, at time.Time) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	res, err := s.collection(colNotifications).UpdateMany(ctx,
		bson.M{"programId": programID, "userId": userID, "read": false},
		bson.M{"$set": bson.M{"read": true, "readAt": at}, "$inc": bson.M{"version": 1}})
	if err != nil {
		return 0, translate(err, "mark notifications read")
	}
	return res.ModifiedCount, nil
}

// prefsDoc is a user's notification preferences as stored.
type prefsDoc struct {
	UserID    string    `bson:"_id"`
	ProgramID string    `bson:"programId"`
	Muted     []string  `bson:"muted"`
	Version   int64     `bson:"version"`
	UpdatedAt time.Time `bson:"updatedAt"`
}

// NotificationPreferences returns a user's preferences; a user who never
// set any has none muted, at version 0.
func (s *Store) NotificationPreferences(ctx context.Context, programID, userID string) (models.NotificationPreferences, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var d prefsDoc
	err := s.collection(colNotificationPrefs).FindOne(ctx, bson.M{"_id": userID, "programId": programID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.NotificationPreferences{MutedCategories: []string{}}, nil
	}
	if err != nil {
		return models.NotificationPreferences{}, translate(err, "find notification preferences")
	}
	if d.Muted == nil {
		d.Muted = []string{}
	}
	return models.NotificationPreferences{MutedCategories: d.Muted, Version: d.Version}, nil
}

// SetNotificationPreferences replaces a user's muted categories (checked
// already: models.MutedCategories). With ifVersion set the write happens
// only if the stored preferences are at that version (0: none stored
// yet), else ErrPreconditionFailed.
func (s *Store) SetNotificationPreferences(ctx context.Context, programID, userID string, muted []string, ifVersion *int64) (models.NotificationPreferences, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	clean := muted
	if clean == nil {
		clean = []string{}
	}
	col := s.collection(colNotificationPrefs)
	now := s.now()
	var err error
	switch {
	case ifVersion != nil && *ifVersion == 0:
		_, err = col.InsertOne(ctx, prefsDoc{UserID: userID, ProgramID: programID, Muted: clean, Version: 1, UpdatedAt: now})
		if mongo.IsDuplicateKeyError(err) {
			return models.NotificationPreferences{}, fmt.Errorf("set notification preferences: %w", models.ErrPreconditionFailed)
		}
	case ifVersion != nil:
		var res *mongo.UpdateResult
		res, err = col.UpdateOne(ctx, bson.M{"_id": userID, "programId": programID, "version": *ifVersion},
			bson.M{"$set": bson.M{"muted": clean, "updatedAt": now}, "$inc": bson.M{"version": 1}})
		if err == nil && res.MatchedCount == 0 {
			return models.NotificationPreferences{}, fmt.Errorf("set notification preferences: %w", models.ErrPreconditionFailed)
		}
	default:
		_, err = col.UpdateOne(ctx, bson.M{"_id": userID, "programId": programID},
			bson.M{"$set": bson.M{"muted": clean, "updatedAt": now}, "$inc": bson.M{"version": 1}},
			options.UpdateOne().SetUpsert(true))
	}
	if err != nil {
		return models.NotificationPreferences{}, translate(err, "set notification preferences")
	}
	return s.NotificationPreferences(ctx, programID, userID)
}

// MutedCategories returns the muted categories of users (only those who
// muted any).
func (s *Store) MutedCategories(ctx context.Context, userIDs []string) (map[string][]string, error) {
	if len(userIDs) == 0 {
		return map[string][]string{}, nil // a nil slice encodes as null, which $in refuses
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	docs, err := findAll[prefsDoc](ctx, s.collection(colNotificationPrefs),
		bson.M{"_id": bson.M{"$in": userIDs}}, len(userIDs), "list notification preferences")
	if err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(docs))
	for _, d := range docs {
		if len(d.Muted) > 0 {
			out[d.UserID] = d.Muted
		}
	}
	return out, nil
}
