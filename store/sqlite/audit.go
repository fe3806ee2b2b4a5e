package sqlite

import (
	"context"
	"errors"
	"fmt"

	"skillbook/models"
)

// errAuditNoProgram refuses a trail read without a program.
var errAuditNoProgram = errors.New("program id is required")

// auditKey is the keyset position in the audit trail.
type auditKey struct {
	At int64  `json:"t"`
	ID string `json:"i"`
}

// Audit lists a program's audit trail, newest first (by the event's time,
// then id: ids are UUIDv7, so the two agree but for events in one
// millisecond).
func (s *Store) Audit(ctx context.Context, programID string, f models.AuditFilter, page models.Page) (models.List[models.Event], error) {
	if programID == "" {
		return models.List[models.Event]{}, errAuditNoProgram
	}
	q := `SELECT at, id, doc FROM events WHERE program_id = ?`
	args := []any{programID}
	for _, c := range []struct{ column, value string }{
		{"actor_id", f.ActorID}, {"subject", f.Subject}, {"subject_id", f.SubjectID}, {"type", string(f.Type)},
	} {
		if c.value != "" {
			q += ` AND ` + c.column + ` = ?`
			args = append(args, c.value)
		}
	}
	if f.StudentID != "" {
		// student_id <> '' is spelled out: it lets SQLite use the partial
		// index events_student_at.
		q += ` AND student_id = ? AND student_id <> ''`
		args = append(args, f.StudentID)
	}
	if page.Cursor != "" {
		var k auditKey
		if err := decodeNoticeCursor("audit", page.Cursor, &k); err != nil {
			return models.List[models.Event]{}, err
		}
		q += ` AND (at, id) < (?, ?)`
		args = append(args, k.At, k.ID)
	}
	size := page.Size()
	q += ` ORDER BY at DESC, id DESC LIMIT ?`
	args = append(args, size+1)
	what := "list audit of " + programID
	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return models.List[models.Event]{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	defer rows.Close()
	out := models.List[models.Event]{Items: []models.Event{}}
	var last auditKey
	for rows.Next() {
		var (
			at      int64
			id, doc string
		)
		if err := rows.Scan(&at, &id, &doc); err != nil {
			return models.List[models.Event]{}, fmt.Errorf("%s: %w", what, translate(err))
		}
		if len(out.Items) == size {
			out.NextCursor = encodeNoticeCursor("audit", last)
			break
		}
		var e models.Event
		if err := decode(doc, &e); err != nil {
			return models.List[models.Event]{}, fmt.Errorf("%s: %w", what, err)
		}
		out.Items = append(out.Items, e)
		last = auditKey{At: at, ID: id}
	}
	if err := rows.Err(); err != nil {
		return models.List[models.Event]{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	return out, nil
}
