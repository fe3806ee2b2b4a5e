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

// The delivery queue is the notifications collection: a pending
// notification whose next attempt is due and whose lease is free is
// claimed by one FindOneAndUpdate that sets a lease, so several workers
// (in several server instances) never hold the same notification at once;
// a worker that dies leaves a lease that simply expires.

// ClaimPushes leases up to limit pending notifications whose next attempt is
// due to the claim owner for lease, oldest due first.
func (s *Store) ClaimPushes(ctx context.Context, owner string, limit int, lease time.Duration) ([]models.Push, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	col := s.collection(colNotifications)
	var out []models.Push
	for len(out) < limit {
		now := s.now()
		var d notificationDoc
		err := col.FindOneAndUpdate(ctx,
			bson.M{"state": models.PushPending, "nextAttemptAt": bson.M{"$lte": now}, "leaseUntil": bson.M{"$lte": now}},
			bson.M{"$set": bson.M{"leaseOwner": owner, "leaseUntil": now.Add(lease)}, "$inc": bson.M{"version": 1}},
			options.FindOneAndUpdate().SetSort(bson.D{{Key: "nextAttemptAt", Value: 1}, {Key: "_id", Value: 1}}).
				SetReturnDocument(options.After),
		).Decode(&d)
		if errors.Is(err, mongo.ErrNoDocuments) {
			break
		}
		if err != nil {
			return out, translate(err, "claim notification")
		}
		out = append(out, models.Push{ID: d.ID, ProgramID: d.ProgramID, UserID: d.UserID, Category: d.Category,
			Title: d.Title, Body: d.Body, Data: d.Data, Attempts: d.Attempts, Delivered: d.Delivered, CreatedAt: d.CreatedAt})
	}
	return out, nil
}

// FinishPush records the outcome of the delivery attempt that owner made
// of notification id, and frees its lease. It is ErrConflict when owner no
// longer holds the lease (it expired and another worker claimed it).
func (s *Store) FinishPush(ctx context.Context, owner, id string, o models.PushOutcome) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	set := bson.M{"state": o.State, "attempts": o.Attempts, "leaseOwner": "", "leaseUntil": noLease, "lastError": o.Error}
	if o.State == models.PushPending {
		set["nextAttemptAt"] = o.NextAttemptAt
	}
	update := bson.M{"$set": set, "$inc": bson.M{"version": 1}}
	if len(o.Delivered) > 0 {
		update["$push"] = bson.M{"delivered": bson.M{"$each": o.Delivered}}
	}
	res, err := s.collection(colNotifications).UpdateOne(ctx,
		bson.M{"_id": id, "leaseOwner": owner, "state": models.PushPending}, update)
	if err != nil {
		return translate(err, "finish push "+id)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("finish push %s: lease lost: %w", id, models.ErrConflict)
	}
	return nil
}

// PushStatus returns the delivery record of notification id.
func (s *Store) PushStatus(ctx context.Context, id string) (models.PushStatus, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var d notificationDoc
	if err := s.collection(colNotifications).FindOne(ctx, bson.M{"_id": id}).Decode(&d); err != nil {
		return models.PushStatus{}, translate(err, "find push "+id)
	}
	return models.PushStatus{ID: d.ID, UserID: d.UserID, State: d.State, Attempts: d.Attempts, Delivered: d.Delivered,
		NextAttemptAt: d.NextAttemptAt, LastError: d.LastError}, nil
}

// PendingPushes counts notifications still waiting for delivery.
func (s *Store) PendingPushes(ctx context.Context) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.collection(colNotifications).CountDocuments(ctx, bson.M{"state": models.PushPending})
	return n, translate(err, "count pending pushes")
}

// QueueReminders queues the reminders not queued before and reports how
// many are new.
func (s *Store) QueueReminders(ctx context.Context, rs []models.Reminder) (int, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	docs := make([]notificationDoc, 0, len(rs))
	for _, r := range rs {
		docs = append(docs, s.newNotification(r.ID, r.ProgramID, "", "reminder", r.Notification))
	}
	return s.queueNotifications(ctx, docs)
}

// QueuedReminders reports which of the reminder ids are queued already.
func (s *Store) QueuedReminders(ctx context.Context, ids []string) (map[string]bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	out := make(map[string]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	found, err := findBulk[idOnly](ctx, s, colNotifications, bson.M{"_id": bson.M{"$in": ids}}, bson.M{"_id": 1}, "find queued reminders")
	if err != nil {
		return nil, err
	}
	for _, f := range found {
		out[f.ID] = true
	}
	return out, nil
}

// maxDueAssignments bounds one reminder scan.
const maxDueAssignments = 5000

// DueAssignments returns the assignments of every program due between the
// dates from and to (inclusive, DateLayout).
func (s *Store) DueAssignments(ctx context.Context, from, to string) ([]models.Assignment, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	cur, err := s.collection(colAssignments).Find(ctx, bson.M{"dueDate": bson.M{"$gte": from, "$lte": to}},
		options.Find().SetSort(bson.D{{Key: "dueDate", Value: 1}, {Key: "_id", Value: 1}}).
			SetLimit(maxDueAssignments).SetProjection(hideEvents))
	if err != nil {
		return nil, translate(err, "list due assignments")
	}
	out := []models.Assignment{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "list due assignments")
	}
	return out, nil
}
