package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"skillbook/models"
)

// ArchiveImport writes an archive's records into a store that does not
// hold the program yet (or holds it with no records), keeping every id,
// so signature digests, which cover ids, still verify. The whole import
// is one transaction: Close commits it, and an import that fails (or is
// aborted) leaves nothing behind. It holds the writer meanwhile, so it is
// meant for `skillbook import`, with no server on the data directory.
type ArchiveImport struct {
	tx        *sql.Tx
	programID string
	replace   bool
	counts    map[string]int
	err       error
	// committed tells the store's read caches the import has ended.
	committed func()
	// attempts wait here to be written a batch to a statement
	// (insertAttemptRows), before any other kind of record and at Close.
	attempts []models.Attempt
	students map[standingsOwner]bool
}

// archiveTables are the tables of a program's records, which must be
// empty for an import (each read by program through an index).
var archiveTables = []struct{ kind, table string }{
	{"user", "users"}, {"cohort", "cohorts"}, {"checklist", "checklists"}, {"assignment", "assignments"},
	{"attempt", "attempts"}, {"remediation", "remediations"}, {"procedure", "procedures"}, {"practicum", "practicum"}, {"audit", "events"},
}

// BeginArchiveImport checks that programID may be imported here and
// starts the import's transaction. A program that already holds records
// is ErrConflict.
func (s *Store) BeginArchiveImport(ctx context.Context, programID string) (models.ArchiveImport, error) {
	if programID == "" {
		return nil, errArchiveNoProgram
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("import: %w", translate(err))
	}
	for _, t := range archiveTables {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM `+t.table+` WHERE program_id = ? LIMIT 1`, programID).Scan(&one)
		if err == nil {
			_ = tx.Rollback()
			return nil, fmt.Errorf("import program %s: %w: the program already holds %s records here; import into a store without it",
				programID, models.ErrConflict, t.kind)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			_ = tx.Rollback()
			return nil, fmt.Errorf("import: check %s: %w", t.table, translate(err))
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM programs WHERE id = ?`, programID).Scan(&n); err != nil {
		_ = tx.Rollback()
		return nil, fmt.Errorf("import: %w", translate(err))
	}
	// The standings of the imported students are computed once, at Close
	// (refreshStandings), not once per attempt.
	if _, err := tx.ExecContext(ctx, `INSERT INTO standings_paused (paused) VALUES (1)`); err != nil {
		_ = tx.Rollback()
		return nil, fmt.Errorf("import: %w", translate(err))
	}
	return &ArchiveImport{tx: tx, programID: programID, replace: n > 0, counts: map[string]int{}, committed: func() {
		s.wroteSkills()
		s.programs.invalidate()
	}}, nil
}

// Add imports one record of kind given as canonical Extended JSON. After
// an error the import is over: Close reports it and commits nothing.
func (im *ArchiveImport) Add(ctx context.Context, kind string, extJSON []byte) error {
	if im.err != nil {
		return im.err
	}
	if err := im.add(ctx, kind, extJSON); err != nil {
		im.err = err
		_ = im.tx.Rollback()
		return err
	}
	im.counts[kind]++
	return nil
}

// Close commits the import and returns how many records of each kind were
// imported (shipped checklist versions and audit entries already present
// count too).
func (im *ArchiveImport) Close(ctx context.Context) (map[string]int, error) {
	if im.err != nil {
		return im.counts, im.err
	}
	if err := im.flushAttempts(ctx); err != nil {
		im.err = err
		_ = im.tx.Rollback()
		return im.counts, err
	}
	if err := refreshStandings(ctx, im.tx, im.students); err != nil {
		im.err = err
		_ = im.tx.Rollback()
		return im.counts, err
	}
	im.err = errors.New("import: closed")
	err := im.tx.Commit()
	im.committed() // the import may have rewritten any record the caches hold
	if err != nil {
		return im.counts, fmt.Errorf("import: %w", translate(err))
	}
	return im.counts, nil
}

// Abort ends an import without storing anything (a no-op after Close).
func (im *ArchiveImport) Abort() {
	if im.err == nil {
		im.err = errors.New("import: aborted")
		_ = im.tx.Rollback()
	}
}

func (im *ArchiveImport) add(ctx context.Context, kind string, extJSON []byte) error {
	owner := func(got, want string) error {
		if got != want {
			return fmt.Errorf("import %s: a record of program %q in an archive of %q", kind, got, im.programID)
		}
		return nil
	}
	unmarshal := func(v any) error {
		if err := bson.UnmarshalExtJSON(extJSON, true, v); err != nil {
			return fmt.Errorf("import %s: %w", kind, err)
		}
		return nil
	}
	tx := im.tx
	if kind != "attempt" {
		if err := im.flushAttempts(ctx); err != nil {
			return err
		}
	}
	switch kind {
	case ArchiveProgram:
		var p models.Program
		if err := unmarshal(&p); err != nil {
			return err
		}
		if err := owner(p.ID, im.programID); err != nil {
			return err
		}
		return archiveInsertProgram(ctx, tx, p, im.replace)
	case "user":
		var u models.User
		if err := unmarshal(&u); err != nil {
			return err
		}
		if err := owner(u.ProgramID, im.programID); err != nil {
			return err
		}
		return archiveInsertUser(ctx, tx, u)
	case "cohort":
		var c models.Cohort
		if err := unmarshal(&c); err != nil {
			return err
		}
		if err := owner(c.ProgramID, im.programID); err != nil {
			return err
		}
		return archiveErr(kind, insertCohortRow(ctx, tx, c))
	case "checklist", ArchiveLibraryChecklist:
		var c models.Checklist
		if err := unmarshal(&c); err != nil {
			return err
		}
		want, conflict := im.programID, ""
		if kind == ArchiveLibraryChecklist {
			want, conflict = "", " ON CONFLICT DO NOTHING" // the shipped version is already there
		}
		if err := owner(c.ProgramID, want); err != nil {
			return err
		}
		return archiveExec(ctx, tx, kind, c, `INSERT INTO checklists (program_id, checklist_id, version, status, area, revision, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?)`+conflict, c.ProgramID, c.ID, c.Version, string(c.Status), string(c.Area), c.Revision)
	case "assignment":
		var a models.Assignment
		if err := unmarshal(&a); err != nil {
			return err
		}
		if err := owner(a.ProgramID, im.programID); err != nil {
			return err
		}
		_, err := insertAssignmentRow(ctx, tx, a, false)
		return archiveErr(kind, err)
	case "attempt":
		var a models.Attempt
		if err := unmarshal(&a); err != nil {
			return err
		}
		if err := owner(a.ProgramID, im.programID); err != nil {
			return err
		}
		if im.students == nil {
			im.students = map[standingsOwner]bool{}
		}
		im.students[standingsOwner{a.ProgramID, a.StudentID}] = true
		if im.attempts = append(im.attempts, a); len(im.attempts) == seedAttemptsPerStatement {
			return im.flushAttempts(ctx)
		}
		return nil
	case "remediation":
		var m models.Remediation
		if err := unmarshal(&m); err != nil {
			return err
		}
		if err := owner(m.ProgramID, im.programID); err != nil {
			return err
		}
		return archiveErr(kind, insertRemediationRow(ctx, tx, m))
	case "procedure":
		var p models.Procedure
		if err := unmarshal(&p); err != nil {
			return err
		}
		if err := owner(p.ProgramID, im.programID); err != nil {
			return err
		}
		_, err := insertProcedureRow(ctx, tx, p, false)
		return archiveErr(kind, err)
	case "practicum":
		var p models.PracticumEntry
		if err := unmarshal(&p); err != nil {
			return err
		}
		if err := owner(p.ProgramID, im.programID); err != nil {
			return err
		}
		_, err := insertPracticumRow(ctx, tx, p, false)
		return archiveErr(kind, err)
	case "audit":
		var a archiveAudit
		if err := unmarshal(&a); err != nil {
			return err
		}
		e := a.Event
		if e.ID == "" {
			e.ID = a.ID
		}
		if err := owner(e.ProgramID, im.programID); err != nil {
			return err
		}
		// The archive's entry is the record; its pushes were delivered
		// (or not) where it was written.
		e.Notify = nil
		return archiveErr(kind, insertEventRow(ctx, tx, e))
	}
	return fmt.Errorf("import: unknown record kind %q", kind)
}

// archiveExec runs insert with args and v's JSON as the last argument.
func archiveExec(ctx context.Context, tx *sql.Tx, kind string, v any, insert string, args ...any) error {
	doc, err := encode(v)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, insert, append(args, doc)...); err != nil {
		return fmt.Errorf("import %s: %w", kind, translate(err))
	}
	return nil
}

func archiveInsertProgram(ctx context.Context, tx *sql.Tx, p models.Program, replace bool) error {
	if replace {
		return archiveExec(ctx, tx, ArchiveProgram, p, `UPDATE programs SET name = ?, created_at = ?, doc = ? WHERE id = ?`,
			p.Name, ms(p.CreatedAt), p.ID)
	}
	return archiveExec(ctx, tx, ArchiveProgram, p, `INSERT INTO programs (id, name, created_at, doc) VALUES (?, ?, ?, ?)`,
		p.ID, p.Name, ms(p.CreatedAt))
}

// archiveInsertUser stores u without a PIN (an archive carries none), its
// email in the lower-cased column, its uid NULL while unbound, and its
// cohort memberships.
func archiveInsertUser(ctx context.Context, tx *sql.Tx, u models.User) error {
	u.PINHash, u.PINFailures, u.PINSet = "", 0, false
	if archiveUnbound(u.UID) {
		u.UID = ""
	}
	// An account id in the archive is a bound sign-in, whatever an older
	// record's flag says.
	u.Bound = u.UID != ""
	return archiveErr("user", insertUserRow(ctx, tx, u))
}

// archiveErr names the kind of record an import could not store.
func archiveErr(kind string, err error) error {
	if err != nil {
		return fmt.Errorf("import %s: %w", kind, translate(err))
	}
	return nil
}

// flushAttempts writes the attempts waiting in im.
func (im *ArchiveImport) flushAttempts(ctx context.Context) error {
	if len(im.attempts) == 0 {
		return nil
	}
	err := insertAttemptRows(ctx, im.tx, im.attempts)
	im.attempts = im.attempts[:0]
	return archiveErr("attempt", err)
}
