package sqlite

import (
	"context"
	"fmt"

	"skillbook/models"
)

// attemptHistoryList names the cursors of a student's attempts.
const attemptHistoryList = "student-attempts"

// StudentAttempts lists one student's attempts, newest first (by request
// time, then id), narrowed by f, a page at a time, through
// attempts_student_history.
func (s *Store) StudentAttempts(ctx context.Context, programID, studentID string, f models.AttemptFilter, page models.Page) (models.List[models.Attempt], error) {
	var after *attemptQueueKey
	if page.Cursor != "" {
		k, err := decodeCursor[attemptQueueKey](attemptHistoryList, page.Cursor)
		if err != nil {
			return models.List[models.Attempt]{}, err
		}
		after = &k
	}
	size := page.Size()
	q, args := attemptHistorySQL(programID, studentID, f, after, size+1)
	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return models.List[models.Attempt]{}, fmt.Errorf("list attempts of %s: %w", studentID, translate(err))
	}
	defer rows.Close()
	out := models.List[models.Attempt]{Items: []models.Attempt{}}
	for rows.Next() {
		if len(out.Items) == size {
			last := out.Items[size-1]
			out.NextCursor = encodeCursor(attemptHistoryList, attemptQueueKey{At: ms(last.RequestedAt), ID: last.ID})
			break
		}
		a, err := attemptScan(rows)
		if err != nil {
			return models.List[models.Attempt]{}, fmt.Errorf("list attempts of %s: %w", studentID, translate(err))
		}
		out.Items = append(out.Items, a)
	}
	if err := rows.Err(); err != nil {
		return models.List[models.Attempt]{}, fmt.Errorf("list attempts of %s: %w", studentID, translate(err))
	}
	return out, nil
}

// attemptHistorySQL is the query of one page of a student's attempts:
// limit attempts before the position after (nil: from the newest).
func attemptHistorySQL(programID, studentID string, f models.AttemptFilter, after *attemptQueueKey, limit int) (string, []any) {
	q := attemptSelect + `WHERE program_id = ? AND student_id = ?`
	args := []any{programID, studentID}
	if f.ChecklistID != "" {
		q += ` AND checklist_id = ?`
		args = append(args, f.ChecklistID)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if !f.From.IsZero() {
		q += ` AND requested_at >= ?`
		args = append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		q += ` AND requested_at < ?`
		args = append(args, ms(f.To))
	}
	if after != nil {
		q += ` AND (requested_at, id) < (?, ?)`
		args = append(args, after.At, after.ID)
	}
	q += ` ORDER BY requested_at DESC, id DESC LIMIT ?`
	return q, append(args, limit)
}
