package sqlite

import (
	"context"
	"database/sql"
	"errors"
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

// CreatePracticumEntry stores practicum entry p with its events. As with
// procedures, a client-chosen id makes an offline retry safe: when the
// program already holds an entry with p's id, that one is returned with
// created false and p's events are dropped; an id another program uses
// is models.ErrConflict.
func (s *Store) CreatePracticumEntry(ctx context.Context, p models.PracticumEntry, events ...models.Event) (_ models.PracticumEntry, created bool, _ error) {
	if p.ProgramID == "" {
		return models.PracticumEntry{}, false, errSkillNoProgram
	}
	if p.ID == "" {
		p.ID = newID()
	}
	p.CreatedAt, p.UpdatedAt = skillTime(p.CreatedAt), skillTime(p.UpdatedAt)
	var stored models.PracticumEntry
	err := s.write(ctx, func(tx *sql.Tx) error {
		ok, err := insertPracticumRow(ctx, tx, p, true)
		if err != nil {
			return fmt.Errorf("log practicum hours: %w", translate(err))
		}
		if !ok {
			stored, err = practicumIn(ctx, tx, p.ProgramID, p.ID)
			if errors.Is(err, models.ErrNotFound) {
				return fmt.Errorf("log practicum hours %s: %w: this id is already used by other hours", p.ID, models.ErrConflict)
			}
			return err
		}
		created = true
		return s.recordEvents(ctx, tx, events...)
	})
	switch {
	case err != nil:
		return models.PracticumEntry{}, false, err
	case !created:
		return stored, false, nil
	}
	return p, true, nil
}

// practicumIn reads one practicum entry of a program through q.
func practicumIn(ctx context.Context, q skillQueryer, programID, id string) (models.PracticumEntry, error) {
	var doc string
	var p models.PracticumEntry
	err := q.QueryRowContext(ctx, qPracticumEntry, id, programID).Scan(&doc)
	if err != nil {
		return p, fmt.Errorf("find practicum hours %s: %w", id, translate(err))
	}
	return p, decode(doc, &p)
}

// PracticumEntry returns the practicum entry with id in program.
func (s *Store) PracticumEntry(ctx context.Context, programID, id string) (models.PracticumEntry, error) {
	return practicumIn(ctx, s.reader, programID, id)
}

// PracticumEntries lists a program's practicum entries, newest logged
// first (by id, descending).
func (s *Store) PracticumEntries(ctx context.Context, programID string, f models.PracticumFilter, page models.Page) (models.List[models.PracticumEntry], error) {
	if programID == "" {
		return models.List[models.PracticumEntry]{}, errSkillNoProgram
	}
	if f.StudentIDs != nil && len(f.StudentIDs) == 0 {
		return models.List[models.PracticumEntry]{Items: []models.PracticumEntry{}}, nil
	}
	where, args := proceduresWhere(programID, models.ProcedureFilter(f))
	return skillListByID[models.PracticumEntry](ctx, s.reader, practicumFrom(f), where, args, page, -1, "list practicum hours of "+programID)
}

// practicumFrom is the table PracticumEntries reads, with its index named
// as procedures' is (proceduresFrom).
func practicumFrom(f models.PracticumFilter) string {
	switch {
	case len(f.StudentIDs) == 0:
		return "practicum"
	case f.Status != "":
		return "practicum INDEXED BY practicum_student_status_id"
	}
	return "practicum INDEXED BY practicum_student_id"
}

// ReviewPracticumEntry records decided, the review of a pending entry,
// with its events, in one write guarded by the version it was read at and
// by its pending status: it is decided exactly once, and a second or a
// racing decision is models.ErrConflict.
func (s *Store) ReviewPracticumEntry(ctx context.Context, decided models.PracticumEntry, version int64, events ...models.Event) (models.PracticumEntry, error) {
	if decided.ProgramID == "" {
		return models.PracticumEntry{}, errSkillNoProgram
	}
	var p models.PracticumEntry
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if p, err = practicumIn(ctx, tx, decided.ProgramID, decided.ID); err != nil {
			return err
		}
		switch {
		case p.Status != models.ProcedurePending:
			return fmt.Errorf("review practicum hours %s: %w: they were already %s", decided.ID, models.ErrConflict, p.Status)
		case p.Version != version:
			return fmt.Errorf("review practicum hours %s at version %d: %w: they changed meanwhile (now version %d)", decided.ID, version, models.ErrConflict, p.Version)
		}
		p.Status, p.Review, p.UpdatedAt, p.Version = decided.Status, decided.Review, skillTime(decided.UpdatedAt), decided.Version
		if p.Review != nil {
			r := *p.Review
			r.ReviewedAt = skillTime(r.ReviewedAt)
			p.Review = &r
		}
		doc, err := encode(p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE practicum SET status = ?, version = ?, doc = ?
			WHERE id = ? AND program_id = ? AND status = ? AND version = ?`,
			string(p.Status), p.Version, doc, p.ID, p.ProgramID, string(models.ProcedurePending), version); err != nil {
			return fmt.Errorf("review practicum hours %s: %w", decided.ID, translate(err))
		}
		return s.recordEvents(ctx, tx, events...)
	})
	if err != nil {
		return models.PracticumEntry{}, err
	}
	return p, nil
}

// The practicum queries (each checked against its plan in a test).
const qPracticumEntry = `SELECT doc FROM practicum WHERE id = ? AND program_id = ?`

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
