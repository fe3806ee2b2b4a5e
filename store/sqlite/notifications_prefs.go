package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"skillbook/models"
)

// A user's notification preferences are one row: the categories muted for
// pushes (JSON) and a version for If-Match.

// NotificationPreferences returns a user's preferences; a user who never
// set any has none muted, at version 0.
func (s *Store) NotificationPreferences(ctx context.Context, programID, userID string) (models.NotificationPreferences, error) {
	return notificationPreferences(ctx, s.reader, programID, userID)
}

// noticeQueryRower is a reader pool or a write transaction.
type noticeQueryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// notificationPreferences reads a user's preferences through db.
func notificationPreferences(ctx context.Context, db noticeQueryRower, programID, userID string) (models.NotificationPreferences, error) {
	var (
		muted string
		p     models.NotificationPreferences
	)
	err := db.QueryRowContext(ctx, `SELECT muted, version FROM notification_prefs WHERE user_id = ? AND program_id = ?`,
		userID, programID).Scan(&muted, &p.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return models.NotificationPreferences{MutedCategories: []string{}}, nil
	}
	if err != nil {
		return models.NotificationPreferences{}, fmt.Errorf("find notification preferences: %w", translate(err))
	}
	if err := decode(muted, &p.MutedCategories); err != nil {
		return models.NotificationPreferences{}, err
	}
	if p.MutedCategories == nil {
		p.MutedCategories = []string{}
	}
	return p, nil
}

// SetNotificationPreferences replaces a user's muted categories (checked
// already: models.MutedCategories). With ifVersion set the write happens
// only if the stored preferences are at that version (0: none stored
// yet), else ErrPreconditionFailed.
func (s *Store) SetNotificationPreferences(ctx context.Context, programID, userID string, muted []string, ifVersion *int64) (models.NotificationPreferences, error) {
	if muted == nil {
		muted = []string{}
	}
	doc, err := encode(muted)
	if err != nil {
		return models.NotificationPreferences{}, err
	}
	var p models.NotificationPreferences
	err = s.write(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		switch {
		case ifVersion != nil && *ifVersion == 0:
			res, err = tx.ExecContext(ctx, `INSERT INTO notification_prefs (user_id, program_id, muted, version) VALUES (?, ?, ?, 1)
				ON CONFLICT (user_id) DO NOTHING`, userID, programID, doc)
		case ifVersion != nil:
			res, err = tx.ExecContext(ctx, `UPDATE notification_prefs SET muted = ?, version = version + 1
				WHERE user_id = ? AND program_id = ? AND version = ?`, doc, userID, programID, *ifVersion)
		default:
			res, err = tx.ExecContext(ctx, `INSERT INTO notification_prefs (user_id, program_id, muted, version) VALUES (?, ?, ?, 1)
				ON CONFLICT (user_id) DO UPDATE SET muted = excluded.muted, version = version + 1
				WHERE program_id = excluded.program_id`, userID, programID, doc)
		}
		if err != nil {
			return fmt.Errorf("set notification preferences: %w", translate(err))
		}
		n, err := res.RowsAffected()
		switch {
		case err != nil:
			return fmt.Errorf("set notification preferences: %w", translate(err))
		case n == 0 && ifVersion != nil:
			return fmt.Errorf("set notification preferences: %w", models.ErrPreconditionFailed)
		case n == 0:
			// The user id is another program's: the MongoDB engine's
			// upsert fails on the duplicate key the same way.
			return fmt.Errorf("set notification preferences: user %s: %w", userID, models.ErrConflict)
		}
		p, err = notificationPreferences(ctx, tx, programID, userID)
		return err
	})
	return p, err
}

// MutedCategories returns the muted categories of users (only those who
// muted any).
func (s *Store) MutedCategories(ctx context.Context, userIDs []string) (map[string][]string, error) {
	ids, err := encode(noticeIDs(userIDs))
	if err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx,
		`SELECT user_id, muted FROM notification_prefs WHERE user_id IN (SELECT value FROM json_each(?))`, ids)
	if err != nil {
		return nil, fmt.Errorf("list notification preferences: %w", translate(err))
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var user, muted string
		if err := rows.Scan(&user, &muted); err != nil {
			return nil, fmt.Errorf("list notification preferences: %w", translate(err))
		}
		var m []string
		if err := decode(muted, &m); err != nil {
			return nil, err
		}
		if len(m) > 0 {
			out[user] = m
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list notification preferences: %w", translate(err))
	}
	return out, nil
}

// noticeIDs is ids, or an empty list (JSON [] rather than null).
func noticeIDs(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}
