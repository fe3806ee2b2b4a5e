package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"skillbook/models"
)

// The records students log and instructors then confirm or reject once
// (models.Logged: procedures, practicum hours) are kept by one mechanism
// over the kind's table (loggedTable): createLogged, loggedIn, listLogged
// and reviewLogged. Each table has the columns id, program_id,
// student_id, status, version and doc, and the indexes
// <table>_student_id and <table>_student_status_id, (program_id,
// student_id[, status], id).

// loggedTable is the table of a kind of logged record and its row writer
// (the columns beyond the common ones are the kind's).
type loggedTable[T any] struct {
	name   string
	insert func(ctx context.Context, tx *sql.Tx, p T, ifAbsent bool) (bool, error)
}

var (
	proceduresTable = loggedTable[models.Procedure]{name: "procedures", insert: insertProcedureRow}
	practicumTable  = loggedTable[models.PracticumEntry]{name: "practicum", insert: insertPracticumRow}
)

// createLogged stores p with its events. A client-chosen id makes an
// offline retry safe: when the program already holds a record of the
// kind with p's id, that stored record is returned with created false (the
// caller decides whether it is the same entry), and p's events are
// dropped; an id another program uses is models.ErrConflict. A p without
// an id gets a new one.
func createLogged[T any, P models.Logged[T]](ctx context.Context, s *Store, t loggedTable[T], p T, events []models.Event) (_ T, created bool, _ error) {
	var zero, stored T
	f := P(&p).Log()
	if *f.ProgramID == "" {
		return zero, false, errSkillNoProgram
	}
	if *f.ID == "" {
		*f.ID = newID()
	}
	*f.CreatedAt, *f.UpdatedAt = skillTime(*f.CreatedAt), skillTime(*f.UpdatedAt)
	err := s.write(ctx, func(tx *sql.Tx) error {
		ok, err := t.insert(ctx, tx, p, true)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Kind.Logging, translate(err))
		}
		if !ok {
			stored, err = loggedIn[T, P](ctx, tx, t, *f.ProgramID, *f.ID)
			if errors.Is(err, models.ErrNotFound) {
				return f.Kind.IDTaken(*f.ID)
			}
			return err
		}
		created = true
		return s.recordEvents(ctx, tx, events...)
	})
	switch {
	case err != nil:
		return zero, false, err
	case !created:
		return stored, false, nil
	}
	return p, true, nil
}

// loggedIn reads one record of a program from t through q.
func loggedIn[T any, P models.Logged[T]](ctx context.Context, q skillQueryer, t loggedTable[T], programID, id string) (T, error) {
	var doc string
	var p T
	if err := q.QueryRowContext(ctx, qLogged(t.name), id, programID).Scan(&doc); err != nil {
		return p, fmt.Errorf("find %s %s: %w", P(&p).Log().Kind.Noun, id, translate(err))
	}
	return p, decode(doc, &p)
}

// listLogged lists a program's records of t, newest logged first (by id,
// descending): those of studentIDs (nil: every student's, empty: none),
// of one status unless it is empty.
func listLogged[T any, P models.Logged[T]](ctx context.Context, s *Store, t loggedTable[T], programID string, studentIDs []string,
	status models.ProcedureStatus, page models.Page) (models.List[T], error) {
	if programID == "" {
		return models.List[T]{}, errSkillNoProgram
	}
	if studentIDs != nil && len(studentIDs) == 0 {
		return models.List[T]{Items: []T{}}, nil
	}
	where, args := loggedWhere(programID, studentIDs, status)
	var p T
	return skillListByID[T](ctx, s.reader, loggedFrom(t.name, studentIDs, status), where, args, page, -1,
		fmt.Sprintf("list %s of %s", P(&p).Log().Kind.Noun, programID))
}

// loggedFrom is the table a list reads, with the index to read it by when
// students are named: without statistics the planner would walk the whole
// program's records in id order rather than sort the named students' few.
func loggedFrom(table string, studentIDs []string, status models.ProcedureStatus) string {
	switch {
	case len(studentIDs) == 0:
		return table
	case status != "":
		return table + " INDEXED BY " + table + "_student_status_id"
	}
	return table + " INDEXED BY " + table + "_student_id"
}

// loggedWhere is the condition of a list.
func loggedWhere(programID string, studentIDs []string, status models.ProcedureStatus) ([]string, []any) {
	where, args := []string{"program_id = ?"}, []any{programID}
	switch len(studentIDs) {
	case 0:
	case 1:
		where, args = append(where, "student_id = ?"), append(args, studentIDs[0])
	default:
		where = append(where, "student_id IN ("+skillPlaceholders(len(studentIDs))+")")
		for _, id := range studentIDs {
			args = append(args, id)
		}
	}
	if status != "" {
		where, args = append(where, "status = ?"), append(args, string(status))
	}
	return where, args
}

// reviewLogged records decided, the review of a pending record of t, with
// its events, in one write guarded by the version it was read at
// (version) and by its pending status, so it is decided exactly once: a
// second decision, or one racing another, is models.ErrConflict. Only the
// decision is taken from decided (models.TakeReview).
func reviewLogged[T any, P models.Logged[T]](ctx context.Context, s *Store, t loggedTable[T], decided T, version int64, events []models.Event) (T, error) {
	var zero, p T
	d := P(&decided).Log()
	if *d.ProgramID == "" {
		return zero, errSkillNoProgram
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		stored, err := loggedIn[T, P](ctx, tx, t, *d.ProgramID, *d.ID)
		if err != nil {
			return err
		}
		switch f := P(&stored).Log(); {
		case *f.Status != models.ProcedurePending:
			return f.Kind.Decided(*f.ID, *f.Status)
		case *f.Version != version:
			return f.Kind.Changed(*f.ID, version, *f.Version)
		}
		p = models.TakeReview[T, P](stored, decided)
		f := P(&p).Log()
		*f.UpdatedAt = skillTime(*f.UpdatedAt)
		if f.ReviewedAt != nil {
			*f.ReviewedAt = skillTime(*f.ReviewedAt)
		}
		doc, err := encode(p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+t.name+` SET status = ?, version = ?, doc = ?
			WHERE id = ? AND program_id = ? AND status = ? AND version = ?`,
			string(*f.Status), *f.Version, doc, *f.ID, *f.ProgramID, string(models.ProcedurePending), version); err != nil {
			return fmt.Errorf("review %s %s: %w", f.Kind.Noun, *f.ID, translate(err))
		}
		return s.recordEvents(ctx, tx, events...)
	})
	if err != nil {
		return zero, err
	}
	return p, nil
}

// qLogged reads one record of table.
func qLogged(table string) string {
	return `SELECT doc FROM ` + table + ` WHERE id = ? AND program_id = ?`
}
