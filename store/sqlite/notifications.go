package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"skillbook/models"
)

// Notifications are one row per (event, recipient): the recipient's feed
// item (read state) and the push delivery queue entry (outbox.go) at once,
// so a notification whose push failed is still in the feed.

// feedColumns are what a FeedItem is read from.
const feedColumns = `id, category, title, body, data, created_at, read, read_at, state`

// scanFeedItem reads a row of feedColumns.
func scanFeedItem(row interface{ Scan(...any) error }) (models.FeedItem, error) {
	var (
		it            models.FeedItem
		data, state   string
		created, rdAt int64
		read          bool
	)
	if err := row.Scan(&it.ID, &it.Category, &it.Title, &it.Body, &data, &created, &read, &rdAt, &state); err != nil {
		return models.FeedItem{}, err
	}
	if err := decode(data, &it.Data); err != nil {
		return models.FeedItem{}, err
	}
	if len(it.Data) == 0 {
		it.Data = nil // as the MongoDB engine reads an empty map back
	}
	it.CreatedAt, it.Read, it.Push = fromMS(created), read, models.PushState(state)
	if rdAt != 0 {
		t := fromMS(rdAt)
		it.ReadAt = &t
	}
	return it, nil
}

// noticeFeedKey is the keyset position in a feed.
type noticeFeedKey struct {
	Read bool   `json:"r"`
	At   int64  `json:"t"`
	ID   string `json:"i"`
}

func (k noticeFeedKey) complete() bool { return k.ID != "" }

// Notifications lists one user's feed: newest first, or unread ones first
// (each part newest first).
func (s *Store) Notifications(ctx context.Context, programID, userID string, f models.FeedFilter, page models.Page) (models.List[models.FeedItem], error) {
	unreadFirst := f.Order == models.FeedUnreadFirst && !f.UnreadOnly
	list := "feed:" + string(f.Order)
	var after *noticeFeedKey
	if page.Cursor != "" {
		k, err := decodeCursor[noticeFeedKey](list, page.Cursor)
		if err != nil {
			return models.List[models.FeedItem]{}, err
		}
		after = &k
	}
	size := page.Size()
	var items []models.FeedItem
	var err error
	switch {
	case !unreadFirst:
		items, err = feedPart(ctx, s.reader, programID, userID, f.UnreadOnly, false, after, size+1)
	case after == nil || !after.Read:
		items, err = s.unreadThenRead(ctx, programID, userID, after, size+1)
	default:
		items, err = feedPart(ctx, s.reader, programID, userID, false, true, after, size+1)
	}
	if err != nil {
		return models.List[models.FeedItem]{}, err
	}
	out := models.List[models.FeedItem]{Items: items}
	if len(items) > size {
		out.Items = items[:size]
		last := items[size-1]
		out.NextCursor = encodeCursor(list, noticeFeedKey{Read: last.Read, At: last.CreatedAt.UnixMilli(), ID: last.ID})
	}
	return out, nil
}

// unreadThenRead reads up to limit items of the unread-first feed from the
// unread position after (nil: from the start): the unread part from there,
// then the read part from its start. Two index walks, each already in
// order, in one read transaction so a notification read meanwhile is
// neither shown twice nor skipped.
func (s *Store) unreadThenRead(ctx context.Context, programID, userID string, after *noticeFeedKey, limit int) ([]models.FeedItem, error) {
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", translate(err))
	}
	defer tx.Rollback()
	items, err := feedPart(ctx, tx, programID, userID, true, false, after, limit)
	if err != nil || len(items) == limit {
		return items, err
	}
	read, err := feedPart(ctx, tx, programID, userID, false, true, nil, limit-len(items))
	return append(items, read...), err
}

// noticeQuerier is the reader pool or a transaction.
type noticeQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// feedPart reads up to limit items of a user's feed, newest first, after
// the position after (nil: from the start): the unread ones only, the read
// ones only, or (neither) all.
func feedPart(ctx context.Context, db noticeQuerier, programID, userID string, unreadOnly, readOnly bool, after *noticeFeedKey, limit int) ([]models.FeedItem, error) {
	q, args := feedQuery(programID, userID, unreadOnly, readOnly, after, limit)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list notifications: %w", translate(err))
	}
	defer rows.Close()
	items := []models.FeedItem{}
	for rows.Next() {
		it, err := scanFeedItem(rows)
		if err != nil {
			return nil, fmt.Errorf("list notifications: %w", translate(err))
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list notifications: %w", translate(err))
	}
	return items, nil
}

// feedQuery is the query of feedPart: one walk of notifications_feed or
// notifications_unread, already in order.
func feedQuery(programID, userID string, unreadOnly, readOnly bool, after *noticeFeedKey, limit int) (string, []any) {
	q := `SELECT ` + feedColumns + ` FROM notifications WHERE user_id = ? AND program_id = ?`
	args := []any{userID, programID}
	switch {
	case unreadOnly:
		q += ` AND read = 0`
	case readOnly:
		q += ` AND read = 1`
	}
	if after != nil {
		q += ` AND (created_at, id) < (?, ?)`
		args = append(args, after.At, after.ID)
	}
	q += ` ORDER BY created_at DESC, id DESC LIMIT ?`
	return q, append(args, limit)
}

// Notification returns one notification of a user's feed.
func (s *Store) Notification(ctx context.Context, programID, userID, id string) (models.FeedItem, error) {
	it, err := scanFeedItem(s.reader.QueryRowContext(ctx,
		`SELECT `+feedColumns+` FROM notifications WHERE id = ? AND program_id = ? AND user_id = ?`, id, programID, userID))
	if err != nil {
		return models.FeedItem{}, fmt.Errorf("find notification %s: %w", id, translate(err))
	}
	return it, nil
}

// MarkNotificationRead marks one of a user's notifications read at at
// (once: the first reading time is kept) and returns it.
func (s *Store) MarkNotificationRead(ctx context.Context, programID, userID, id string, at time.Time) (models.FeedItem, error) {
	var it models.FeedItem
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET read = 1, read_at = ?, version = version + 1
			WHERE id = ? AND program_id = ? AND user_id = ? AND read = 0`, ms(at), id, programID, userID); err != nil {
			return fmt.Errorf("mark notification read: %w", translate(err))
		}
		var err error
		it, err = scanFeedItem(tx.QueryRowContext(ctx,
			`SELECT `+feedColumns+` FROM notifications WHERE id = ? AND program_id = ? AND user_id = ?`, id, programID, userID))
		if err != nil {
			return fmt.Errorf("find notification %s: %w", id, translate(err))
		}
		return nil
	})
	return it, err
}

// MarkAllNotificationsRead marks every unread notification of a user read
// at at and reports how many it marked.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, programID, userID string, at time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET read = 1, read_at = ?, version = version + 1
			WHERE user_id = ? AND read = 0 AND program_id = ?`, ms(at), userID, programID)
		if err != nil {
			return fmt.Errorf("mark notifications read: %w", translate(err))
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
