package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"skillbook/models"
)

// CreateProcedure stores procedure p with its events. A client-chosen id
// makes an offline retry safe: when the program already holds a procedure
// with p's id, that stored procedure is returned with created false (the
// caller decides whether it is the same entry), and p's events are
// dropped; an id another program uses is models.ErrConflict. A p without
// an id gets a new one.
func (s *Store) CreateProcedure(ctx context.Context, p models.Procedure, events ...models.Event) (_ models.Procedure, created bool, _ error) {
	if p.ProgramID == "" {
		return models.Procedure{}, false, errSkillNoProgram
	}
	if p.ID == "" {
		p.ID = newID()
	}
	p.CreatedAt, p.UpdatedAt = skillTime(p.CreatedAt), skillTime(p.UpdatedAt)
	var stored models.Procedure
	err := s.write(ctx, func(tx *sql.Tx) error {
		ok, err := insertProcedureRow(ctx, tx, p, true)
		if err != nil {
			return fmt.Errorf("create procedure: %w", translate(err))
		}
		if !ok {
			stored, err = procedureIn(ctx, tx, p.ProgramID, p.ID)
			if errors.Is(err, models.ErrNotFound) {
				return fmt.Errorf("create procedure %s: %w: this id is already used by another procedure", p.ID, models.ErrConflict)
			}
			return err
		}
		created = true
		return s.recordEvents(ctx, tx, events...)
	})
	switch {
	case err != nil:
		return models.Procedure{}, false, err
	case !created:
		return stored, false, nil
	}
	return p, true, nil
}

// procedureIn reads one procedure of a program through q.
func procedureIn(ctx context.Context, q skillQueryer, programID, id string) (models.Procedure, error) {
	var doc string
	var p models.Procedure
	err := q.QueryRowContext(ctx, qProcedure, id, programID).Scan(&doc)
	if err != nil {
		return p, fmt.Errorf("find procedure %s: %w", id, translate(err))
	}
	return p, decode(doc, &p)
}

// Procedure returns the procedure with id in program.
func (s *Store) Procedure(ctx context.Context, programID, id string) (models.Procedure, error) {
	return procedureIn(ctx, s.reader, programID, id)
}

// Procedures lists a program's procedures, newest logged first (by id,
// descending).
func (s *Store) Procedures(ctx context.Context, programID string, f models.ProcedureFilter, page models.Page) (models.List[models.Procedure], error) {
	if programID == "" {
		return models.List[models.Procedure]{}, errSkillNoProgram
	}
	if f.StudentIDs != nil && len(f.StudentIDs) == 0 {
		return models.List[models.Procedure]{Items: []models.Procedure{}}, nil
	}
	where, args := proceduresWhere(programID, f)
	return skillListByID[models.Procedure](ctx, s.reader, proceduresFrom(f), where, args, page, -1, "list procedures of "+programID)
}

// proceduresFrom is the table Procedures reads, with the index to read it
// by when students are named: without statistics the planner would walk
// the whole program's procedures in id order rather than sort the named
// students' few.
func proceduresFrom(f models.ProcedureFilter) string {
	switch {
	case len(f.StudentIDs) == 0:
		return "procedures"
	case f.Status != "":
		return "procedures INDEXED BY procedures_student_status_id"
	}
	return "procedures INDEXED BY procedures_student_id"
}

// proceduresWhere is the condition of Procedures.
func proceduresWhere(programID string, f models.ProcedureFilter) ([]string, []any) {
	where, args := []string{"program_id = ?"}, []any{programID}
	switch len(f.StudentIDs) {
	case 0:
	case 1:
		where, args = append(where, "student_id = ?"), append(args, f.StudentIDs[0])
	default:
		where = append(where, "student_id IN ("+skillPlaceholders(len(f.StudentIDs))+")")
		for _, id := range f.StudentIDs {
			args = append(args, id)
		}
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	return where, args
}

// ReviewProcedure records decided, the review of a pending procedure,
// with its events, in one write guarded by the version it was read at
// (version) and by its pending status, so it is decided exactly once: a
// second decision, or one racing another, is models.ErrConflict.
func (s *Store) ReviewProcedure(ctx context.Context, decided models.Procedure, version int64, events ...models.Event) (models.Procedure, error) {
	if decided.ProgramID == "" {
		return models.Procedure{}, errSkillNoProgram
	}
	var p models.Procedure
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if p, err = procedureIn(ctx, tx, decided.ProgramID, decided.ID); err != nil {
			return err
		}
		switch {
		case p.Status != models.ProcedurePending:
			return fmt.Errorf("review procedure %s: %w: it was already %s", decided.ID, models.ErrConflict, p.Status)
		case p.Version != version:
			return fmt.Errorf("review procedure %s at version %d: %w: it changed meanwhile (now version %d)", decided.ID, version, models.ErrConflict, p.Version)
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
		if _, err := tx.ExecContext(ctx, `UPDATE procedures SET status = ?, version = ?, doc = ?
			WHERE id = ? AND program_id = ? AND status = ? AND version = ?`,
			string(p.Status), p.Version, doc, p.ID, p.ProgramID, string(models.ProcedurePending), version); err != nil {
			return fmt.Errorf("review procedure %s: %w", decided.ID, translate(err))
		}
		return s.recordEvents(ctx, tx, events...)
	})
	if err != nil {
		return models.Procedure{}, err
	}
	return p, nil
}

// The procedure queries (each checked against its plan in a test; the
// lists are skillListQuery's).
const qProcedure = `SELECT doc FROM procedures WHERE id = ? AND program_id = ?`

func qProcedureCounts(n int) string {
	return `SELECT student_id, kind, status, successful, count(*) FROM procedures
		WHERE program_id = ? AND student_id IN (` + skillPlaceholders(n) + `) GROUP BY student_id, kind, status, successful`
}

// ProcedureCounts counts, in one query on a covering index, the
// procedures of each student by kind, status and success:
// counts[studentID][kind].
func (s *Store) ProcedureCounts(ctx context.Context, programID string, studentIDs []string) (map[string]map[string]models.ProcedureCount, error) {
	out := make(map[string]map[string]models.ProcedureCount, len(studentIDs))
	if len(studentIDs) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(studentIDs)+1)
	args = append(args, programID)
	for _, id := range studentIDs {
		args = append(args, id)
	}
	rows, err := s.reader.QueryContext(ctx, qProcedureCounts(len(studentIDs)), args...)
	if err != nil {
		return nil, fmt.Errorf("count procedures: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var student, kind, status string
		var ok bool
		var n int
		if err := rows.Scan(&student, &kind, &status, &ok, &n); err != nil {
			return nil, fmt.Errorf("count procedures: %w", translate(err))
		}
		byKind := out[student]
		if byKind == nil {
			byKind = map[string]models.ProcedureCount{}
			out[student] = byKind
		}
		c := byKind[kind]
		c.Add(models.ProcedureStatus(status), ok, n)
		byKind[kind] = c
	}
	return out, translate(rows.Err())
}
