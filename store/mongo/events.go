package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// Pending events ride in the document they describe: a map "pending" keyed
// by event id, and the scalar array "pendingIds" that lets the relay find
// such documents. (A map and scalar $pull, because FerretDB, the tests'
// stand-in, does not remove array elements by a sub-document condition.)
const (
	fieldPending    = "pending"
	fieldPendingIDs = "pendingIds"
	// fieldHasPending is an indexed flag for the sweep; it is cleared
	// only when pendingIds is empty, so an event added meanwhile keeps it.
	fieldHasPending = "hasPending"
)

// eventCollections are the collections whose documents carry events.
var eventCollections []string

// registerEventCollection lists col for the relay sweep.
func registerEventCollection(col string) string {
	eventCollections = append(eventCollections, col)
	return col
}

// newEvent stamps an event with an id and the store's clock.
func (s *Store) newEvent(e models.Event) models.Event {
	e.ID = NewID()
	e.At = s.now()
	return e
}

// stamped gives events built by a use case the ids the relay keys on, and
// the store's time when they carry none.
func (s *Store) stamped(events []models.Event) []models.Event {
	for i := range events {
		if events[i].ID == "" {
			events[i].ID = NewID()
		}
		if events[i].At.IsZero() {
			events[i].At = s.now()
		}
	}
	return events
}

// withEvents adds events to an update document so they are written in the
// same atomic update as the change.
func withEvents(update bson.M, events ...models.Event) bson.M {
	if len(events) == 0 {
		return update
	}
	set, _ := update["$set"].(bson.M)
	if set == nil {
		set = bson.M{}
		update["$set"] = set
	}
	ids := make(bson.A, 0, len(events))
	for _, e := range events {
		e.ID = eventKey(e)
		set[fieldPending+"."+e.ID] = e
		ids = append(ids, e.ID)
	}
	set[fieldHasPending] = true
	push, _ := update["$push"].(bson.M)
	if push == nil {
		push = bson.M{}
		update["$push"] = push
	}
	push[fieldPendingIDs] = bson.M{"$each": ids}
	return update
}

// eventKey is e's id, or a new one when the caller gave none: the relay
// keys pending events by id, and an empty key ("pending.") can be written
// but never cleared, so the event would be relayed again forever.
func eventKey(e models.Event) string {
	if e.ID == "" {
		return NewID()
	}
	return e.ID
}

// docWithEvents turns v into a document carrying events, for inserts.
func docWithEvents(v any, events ...models.Event) (bson.D, error) {
	raw, err := bson.Marshal(v)
	if err != nil {
		return nil, err
	}
	var d bson.D
	if err := bson.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	pending := bson.M{}
	ids := bson.A{}
	for _, e := range events {
		e.ID = eventKey(e)
		pending[e.ID] = e
		ids = append(ids, e.ID)
	}
	return append(d, bson.E{Key: fieldPending, Value: pending}, bson.E{Key: fieldPendingIDs, Value: ids},
		bson.E{Key: fieldHasPending, Value: len(events) > 0}), nil
}

// relay moves the pending events of one document into the audit trail and
// the delivery queue, then removes them from the document. Every step is
// idempotent on the event id, so a crash anywhere only means the next
// relay repeats harmless work.
func (s *Store) relay(ctx context.Context, col, id string) error {
	var doc struct {
		Pending map[string]models.Event `bson:"pending"`
	}
	err := s.collection(col).FindOne(ctx, bson.M{"_id": id},
		options.FindOne().SetProjection(bson.M{fieldPending: 1})).Decode(&doc)
	if err != nil {
		return translate(err, "relay: read "+col)
	}
	if len(doc.Pending) == 0 {
		return nil
	}
	ids := make(bson.A, 0, len(doc.Pending))
	unset := bson.M{}
	events := make([]models.Event, 0, len(doc.Pending))
	for eid, e := range doc.Pending {
		events = append(events, e)
		ids = append(ids, eid)
		unset[fieldPending+"."+eid] = ""
	}
	// The chain links them in the order they were made.
	sortEvents(events)
	if err := s.appendAuditEntries(ctx, events); err != nil {
		return err
	}
	for _, e := range events {
		if err := s.enqueueNotifications(ctx, e); err != nil {
			return err
		}
	}
	_, err = s.collection(col).UpdateOne(ctx, bson.M{"_id": id},
		bson.M{"$unset": unset, "$pullAll": bson.M{fieldPendingIDs: ids}})
	if err != nil {
		return translate(err, "relay: clear "+col)
	}
	_, err = s.collection(col).UpdateOne(ctx, bson.M{"_id": id, fieldPendingIDs + ".0": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{fieldHasPending: false}})
	return translate(err, "relay: clear flag "+col)
}

// relayAfter relays a document's events right after the write that added
// them; a failure is left to the sweep (RelayPending).
func (s *Store) relayAfter(ctx context.Context, col, id string) {
	if err := s.relay(ctx, col, id); err != nil {
		s.log.Warn("relay events later", "collection", col, "id", id, "error", err)
	}
}

// RelayPending relays every document's leftover events, up to limit
// documents per collection, and reports how many it relayed.
func (s *Store) RelayPending(ctx context.Context, limit int) (int, error) {
	n := 0
	for _, col := range eventCollections {
		cur, err := s.collection(col).Find(ctx, bson.M{fieldHasPending: true},
			options.Find().SetProjection(bson.M{"_id": 1}).SetLimit(int64(limit)))
		if err != nil {
			return n, translate(err, "relay sweep "+col)
		}
		var docs []struct {
			ID string `bson:"_id"`
		}
		err = cur.All(ctx, &docs)
		if err != nil {
			return n, translate(err, "relay sweep "+col)
		}
		for _, d := range docs {
			if err := s.relay(ctx, col, d.ID); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// auditEntry is an event as kept in the trail.
type auditEntry struct {
	ID           string `bson:"_id"`
	models.Event `bson:",inline"`
}

// enqueueNotifications puts the notifications of e in the delivery queue
// (and the recipients' feeds), once per event and recipient however often
// the relay repeats (store/notifications.go).
func (s *Store) enqueueNotifications(ctx context.Context, e models.Event) error {
	_, err := s.queueNotifications(ctx, s.notificationsOf(e))
	return err
}

// AuditFilter selects audit entries (models.AuditFilter; the name stays
// for the store's callers).
type AuditFilter = models.AuditFilter

var errEmptyProgram = errors.New("program id is required")

// Audit lists a program's audit trail, newest first.
func (s *Store) Audit(ctx context.Context, programID string, f models.AuditFilter, page models.Page) (models.List[models.Event], error) {
	if programID == "" {
		return models.List[models.Event]{}, errEmptyProgram
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := bson.M{"programId": programID}
	for k, v := range map[string]string{"actor.userId": f.ActorID, "studentId": f.StudentID, "subject": f.Subject, "subjectId": f.SubjectID, "type": string(f.Type)} {
		if v != "" {
			q[k] = v
		}
	}
	l, err := listByID[models.Event](ctx, s.collection(colAudit), q, page, -1, fmt.Sprintf("list audit of %s", programID))
	// The pushes an event caused are delivery state, not the trail (as on
	// SQLite).
	for i := range l.Items {
		l.Items[i].Notify = nil
	}
	return l, err
}
