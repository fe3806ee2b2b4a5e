package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"skillbook/models"
)

// The delivery queue is the notifications table: a pending notification
// whose next attempt is due and whose lease is free is claimed by one
// UPDATE … RETURNING of a batch through the notifications_due index, in a
// write transaction of that one statement, so several workers never hold
// the same notification at once and a claim never holds the writer long;
// a worker that dies leaves a lease that simply expires.

// claimSQL leases a batch of due pending notifications: owner, lease
// until, now, now, limit. state = 'pending' is spelled out: it is what lets
// SQLite use the partial index notifications_due.
const claimSQL = `UPDATE notifications SET lease_owner = ?, lease_until = ?, version = version + 1
	WHERE id IN (SELECT id FROM notifications
		WHERE state = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
		ORDER BY next_attempt_at, id LIMIT ?)
	RETURNING id, program_id, user_id, category, title, body, data, attempts, delivered, created_at, next_attempt_at`

// ClaimPushes leases up to limit pending notifications whose next attempt is
// due to the claim owner for lease, oldest due first.
func (s *Store) ClaimPushes(ctx context.Context, owner string, limit int, lease time.Duration) ([]models.Push, error) {
	if limit <= 0 {
		return nil, nil
	}
	type claimed struct {
		push models.Push
		due  int64
	}
	var got []claimed
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now()
		rows, err := tx.QueryContext(ctx, claimSQL, owner, ms(now.Add(lease)), ms(now), ms(now), limit)
		if err != nil {
			return fmt.Errorf("claim notifications: %w", translate(err))
		}
		defer rows.Close()
		for rows.Next() {
			var (
				c               claimed
				data, delivered string
				created         int64
			)
			p := &c.push
			if err := rows.Scan(&p.ID, &p.ProgramID, &p.UserID, &p.Category, &p.Title, &p.Body, &data, &p.Attempts,
				&delivered, &created, &c.due); err != nil {
				return fmt.Errorf("claim notifications: %w", translate(err))
			}
			if err := decode(data, &p.Data); err != nil {
				return err
			}
			if len(p.Data) == 0 {
				p.Data = nil
			}
			if err := decode(delivered, &p.Delivered); err != nil {
				return err
			}
			if p.Delivered == nil {
				p.Delivered = []string{}
			}
			p.CreatedAt = fromMS(created)
			got = append(got, c)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("claim notifications: %w", translate(err))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// RETURNING gives the rows in no promised order.
	slices.SortFunc(got, func(a, b claimed) int {
		return cmp.Or(cmp.Compare(a.due, b.due), strings.Compare(a.push.ID, b.push.ID))
	})
	var out []models.Push
	for _, c := range got {
		out = append(out, c.push)
	}
	return out, nil
}

// FinishPush records the outcome of the delivery attempt that owner made
// of notification id, and frees its lease. It is ErrConflict when owner no
// longer holds the lease (it expired and another worker claimed it).
func (s *Store) FinishPush(ctx context.Context, owner, id string, o models.PushOutcome) error {
	return s.write(ctx, func(tx *sql.Tx) error { return finishPush(ctx, tx, owner, id, o) })
}

// finishPush is FinishPush inside the transaction tx (so a whole batch's
// outcomes could commit at once).
func finishPush(ctx context.Context, tx *sql.Tx, owner, id string, o models.PushOutcome) error {
	delivered := "delivered"
	args := []any{string(o.State), o.Attempts, o.Error, o.State == models.PushPending, ms(o.NextAttemptAt)}
	if len(o.Delivered) > 0 {
		// Appended in one statement: each '$[#]' is the end of the array
		// as the edits before it left it.
		delivered = "json_insert(delivered" + strings.Repeat(", '$[#]', ?", len(o.Delivered)) + ")"
		for _, t := range o.Delivered {
			args = append(args, t)
		}
	}
	args = append(args, id, owner)
	res, err := tx.ExecContext(ctx, `UPDATE notifications SET state = ?, attempts = ?, lease_owner = '', lease_until = 0,
			last_error = ?, next_attempt_at = CASE WHEN ? THEN ? ELSE next_attempt_at END,
			delivered = `+delivered+`, version = version + 1
		WHERE id = ? AND lease_owner = ? AND state = 'pending'`, args...)
	if err != nil {
		return fmt.Errorf("finish push %s: %w", id, translate(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("finish push %s: %w", id, translate(err))
	} else if n == 0 {
		return fmt.Errorf("finish push %s: lease lost: %w", id, models.ErrConflict)
	}
	return nil
}

// PushStatus returns the delivery record of notification id.
func (s *Store) PushStatus(ctx context.Context, id string) (models.PushStatus, error) {
	var (
		st               models.PushStatus
		state, delivered string
		next             int64
	)
	err := s.reader.QueryRowContext(ctx, `SELECT id, user_id, state, attempts, delivered, next_attempt_at, last_error
		FROM notifications WHERE id = ?`, id).Scan(&st.ID, &st.UserID, &state, &st.Attempts, &delivered, &next, &st.LastError)
	if err != nil {
		return models.PushStatus{}, fmt.Errorf("find push %s: %w", id, translate(err))
	}
	if err := decode(delivered, &st.Delivered); err != nil {
		return models.PushStatus{}, err
	}
	if st.Delivered == nil {
		st.Delivered = []string{}
	}
	st.State, st.NextAttemptAt = models.PushState(state), fromMS(next)
	return st, nil
}

// PendingPushes counts notifications still waiting for delivery (a walk of
// the partial index of pending ones: the backlog, not the history).
func (s *Store) PendingPushes(ctx context.Context) (int64, error) {
	var n int64
	if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM notifications WHERE state = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending pushes: %w", translate(err))
	}
	return n, nil
}

// QueueReminders queues the reminders not queued before and reports how
// many are new. A reminder is a notification with the reminder's id and
// no event.
func (s *Store) QueueReminders(ctx context.Context, rs []models.Reminder) (int, error) {
	if len(rs) == 0 {
		return 0, nil
	}
	n := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		n = 0
		now := s.now()
		for _, r := range rs {
			if err := s.queueNotification(ctx, tx, r.ID, r.ProgramID, "", "reminder", r.Notification, now); err != nil {
				return err
			}
			var added int
			if err := tx.QueryRowContext(ctx, `SELECT changes()`).Scan(&added); err != nil {
				return fmt.Errorf("queue reminders: %w", translate(err))
			}
			n += added
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// QueuedReminders reports which of the reminder ids are queued already.
func (s *Store) QueuedReminders(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := encode(ids)
	if err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, `SELECT id FROM notifications WHERE id IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return nil, fmt.Errorf("find queued reminders: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find queued reminders: %w", translate(err))
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find queued reminders: %w", translate(err))
	}
	return out, nil
}
