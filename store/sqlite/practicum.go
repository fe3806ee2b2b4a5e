package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"skillbook/models"
)

// insertPracticumRow stores practicum entry p (its columns and the entry
// whole), leaving an existing id alone when ifAbsent.
func insertPracticumRow(ctx context.Context, tx *sql.Tx, p models.PracticumEntry, ifAbsent bool) (bool, error) {
	doc, err := encode(p)
	if err != nil {
		return false, err
	}
	return inserted(tx.ExecContext(ctx, `INSERT INTO practicum (id, program_id, student_id, status, site, hours, work_date,
		created_at, version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+onConflict(ifAbsent),
		p.ID, p.ProgramID, p.StudentID, string(p.Status), p.Site, p.Hours, p.Date, ms(p.CreatedAt), p.Version, doc))
}

// CreatePracticumEntry stores practicum entry p with its events
// (createLogged).
func (s *Store) CreatePracticumEntry(ctx context.Context, p models.PracticumEntry, events ...models.Event) (models.PracticumEntry, bool, error) {
	return createLogged(ctx, s, practicumTable, p, events)
}

// PracticumEntry returns the practicum entry with id in program.
func (s *Store) PracticumEntry(ctx context.Context, programID, id string) (models.PracticumEntry, error) {
	return loggedIn[models.PracticumEntry](ctx, s.reader, practicumTable, programID, id)
}

// PracticumEntries lists a program's practicum entries, newest logged
// first.
func (s *Store) PracticumEntries(ctx context.Context, programID string, f models.PracticumFilter, page models.Page) (models.List[models.PracticumEntry], error) {
	return listLogged(ctx, s, practicumTable, programID, f.StudentIDs, f.Status, page)
}

// ReviewPracticumEntry records decided, the review of a pending entry,
// with its events, once (reviewLogged).
func (s *Store) ReviewPracticumEntry(ctx context.Context, decided models.PracticumEntry, version int64, events ...models.Event) (models.PracticumEntry, error) {
	return reviewLogged(ctx, s, practicumTable, decided, version, events)
}

// The practicum totals' query (checked against its plan in a test).
func qPracticumTotals(n int) string {
	return `SELECT student_id, site, status, total(hours) FROM practicum
		WHERE program_id = ? AND student_id IN (` + skillPlaceholders(n) + `) GROUP BY student_id, site, status`
}

// PracticumTotals sums, in one query on a covering index, each student's
// practicum hours by site and status: totals[studentID][site].
func (s *Store) PracticumTotals(ctx context.Context, programID string, studentIDs []string) (map[string]map[string]models.HoursCount, error) {
	out := make(map[string]map[string]models.HoursCount, len(studentIDs))
	if len(studentIDs) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(studentIDs)+1)
	args = append(args, programID)
	for _, id := range studentIDs {
		args = append(args, id)
	}
	rows, err := s.reader.QueryContext(ctx, qPracticumTotals(len(studentIDs)), args...)
	if err != nil {
		return nil, fmt.Errorf("sum practicum hours: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var student, site, status string
		var hours float64
		if err := rows.Scan(&student, &site, &status, &hours); err != nil {
			return nil, fmt.Errorf("sum practicum hours: %w", translate(err))
		}
		bySite := out[student]
		if bySite == nil {
			bySite = map[string]models.HoursCount{}
			out[student] = bySite
		}
		c := bySite[site]
		c.Add(models.ProcedureStatus(status), hours)
		bySite[site] = c
	}
	return out, translate(rows.Err())
}
