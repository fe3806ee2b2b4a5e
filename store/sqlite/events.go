package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"skillbook/models"
)

// newID is a fresh record id: a UUIDv7, so ids sort by creation time.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// notificationID is the id of the notification of event eventID to userID
// (the same derivation as the MongoDB engine's, so archives agree).
func notificationID(eventID, userID string) string {
	return models.Digest("notification", eventID, userID)[:32]
}

// recordEvents appends events to the audit trail and queues their
// notifications (one per recipient), inside the change's transaction tx:
// on SQLite there is no relay hop, the change and its consequences commit
// together. Events without an id or a time get the store's.
func (s *Store) recordEvents(ctx context.Context, tx *sql.Tx, events ...models.Event) error {
	for i := range events {
		e := &events[i]
		if e.ID == "" {
			e.ID = newID()
		}
		if e.At.IsZero() {
			e.At = s.now()
		}
		if err := insertEventRow(ctx, tx, *e); err != nil {
			return fmt.Errorf("record event %s: %w", e.Type, translate(err))
		}
		seen := make(map[string]bool, len(e.Notify))
		for _, n := range e.Notify {
			if n.UserID == "" || seen[n.UserID] {
				continue
			}
			seen[n.UserID] = true
			if err := s.queueNotification(ctx, tx, notificationID(e.ID, n.UserID), e.ProgramID, e.ID, e.Type, n, e.At); err != nil {
				return err
			}
		}
	}
	return nil
}

// queueNotification puts n in its recipient's feed and the push queue,
// once: a repeated id changes nothing.
func (s *Store) queueNotification(ctx context.Context, tx *sql.Tx, id, programID, eventID string, eventType models.EventType, n models.Notification, at time.Time) error {
	data, err := encode(orEmpty(n.Data))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO notifications (id, program_id, user_id, event_id, event_type, category, title, body, data,
			created_at, state, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		id, programID, n.UserID, eventID, string(eventType), n.Category, n.Title, n.Body, data, ms(at), string(models.PushPending), ms(at))
	if err != nil {
		return fmt.Errorf("queue notification: %w", translate(err))
	}
	return nil
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
