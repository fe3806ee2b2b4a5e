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

func (k auditKey) complete() bool { return k.ID != "" }

// Audit lists a program's audit trail, newest first (by the event's time,
// then id: ids are UUIDv7, so the two agree but for events in one
// millisecond).
func (s *Store) Audit(ctx context.Context, programID string, f models.AuditFilter, page models.Page) (models.List[models.Event], error) {
	if programID == "" {
		return models.List[models.Event]{}, errAuditNoProgram
	}
	var after *auditKey
	if page.Cursor != "" {
		k, err := decodeCursor[auditKey]("audit", page.Cursor)
		if err != nil {
			return models.List[models.Event]{}, err
		}
		after = &k
	}
	size := page.Size()
	q, args := auditQuery(programID, f, after, size+1)
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
			out.NextCursor = encodeCursor("audit", last)
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

// auditQuery is the query of Audit: one walk of the index of the filter's
// most selective column, already in order. The other columns are filtered
// as read (a unary + keeps SQLite, which has no statistics of the trail,
// from walking a coarser index such as the type's).
func auditQuery(programID string, f models.AuditFilter, after *auditKey, limit int) (string, []any) {
	q := `SELECT at, id, doc FROM events WHERE program_id = ?`
	args := []any{programID}
	walked := false
	// Most selective first.
	for _, c := range []struct{ column, value string }{
		{"subject_id", f.SubjectID}, {"student_id", f.StudentID}, {"actor_id", f.ActorID},
		{"type", string(f.Type)}, {"subject", f.Subject},
	} {
		switch {
		case c.value == "":
			continue
		case walked:
			q += ` AND +` + c.column + ` = ?`
		case c.column == "student_id":
			// student_id <> '' is spelled out: it lets SQLite use the
			// partial index events_student_at.
			q += ` AND student_id = ? AND student_id <> ''`
		default:
			q += ` AND ` + c.column + ` = ?`
		}
		walked = true
		args = append(args, c.value)
	}
	if after != nil {
		q += ` AND (at, id) < (?, ?)`
		args = append(args, after.At, after.ID)
	}
	q += ` ORDER BY at DESC, id DESC LIMIT ?`
	return q, append(args, limit)
}
