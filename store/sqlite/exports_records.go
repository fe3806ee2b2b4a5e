package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"skillbook/exportjob"
	"skillbook/models"
)

var _ exportjob.Source = (*Store)(nil)

// ExportBatch is how many students an export reads at once: a page of
// students by id (keyset, through the cohort's membership), then one
// indexed query each for their assignments, attempts, remediations and
// procedure counts. Memory holds one batch, whatever the size of the
// cohort or program.
const ExportBatch = 100

// CountExportStudents counts the students sel chooses.
func (s *Store) CountExportStudents(ctx context.Context, programID string, sel models.ExportSelection) (int, error) {
	var n int
	var err error
	if sel.StudentID != "" {
		err = s.reader.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ? AND program_id = ? AND role = ?`,
			sel.StudentID, programID, string(models.RoleStudent)).Scan(&n)
	} else {
		err = s.reader.QueryRowContext(ctx, `SELECT count(*) FROM cohort_members m JOIN users u ON u.id = m.user_id
			WHERE m.cohort_id = ? AND u.program_id = ? AND u.role = ?`, sel.CohortID, programID, string(models.RoleStudent)).Scan(&n)
	}
	if err != nil {
		return 0, fmt.Errorf("count students to export: %w", translate(err))
	}
	return n, nil
}

// Each page of students is read by keyset: one student by id, or the
// cohort's members after the last id, in id order (the primary key of
// cohort_members), each checked against users by id.
const (
	exportStudentQuery = `SELECT id, uid, doc FROM users WHERE id = ? AND program_id = ? AND role = ? AND id > ?`
	exportCohortQuery  = `SELECT u.id, u.uid, u.doc FROM cohort_members m JOIN users u ON u.id = m.user_id
		WHERE m.cohort_id = ? AND m.user_id > ? AND u.program_id = ? AND u.role = ? ORDER BY m.user_id LIMIT ?`
)

// EachStudentRecord calls fn with the records of each student sel chooses,
// in id order, as they stood on asOf (DateLayout) under sel.Filter; a
// positive sel.Batch overrides ExportBatch. It reads a batch of students
// at a time (see ExportBatch): memory never holds the cohort.
func (s *Store) EachStudentRecord(ctx context.Context, program models.Program, sel models.ExportSelection, asOf string, fn func(*models.StudentRecord) error) error {
	batch := sel.Batch
	if batch <= 0 {
		batch = ExportBatch
	}
	cohortNames, err := s.exportCohortNames(ctx, program.ID)
	if err != nil {
		return err
	}
	b := exportBatchReader{s: s, program: program, checklists: map[models.ChecklistRef]*models.Checklist{}}
	after := ""
	for {
		var students []models.User
		if sel.StudentID != "" {
			students, err = s.exportUsers(ctx, exportStudentQuery, sel.StudentID, program.ID, string(models.RoleStudent), after)
		} else {
			students, err = s.exportUsers(ctx, exportCohortQuery, sel.CohortID, after, program.ID, string(models.RoleStudent), batch)
		}
		if err != nil {
			return err
		}
		if len(students) == 0 {
			return nil
		}
		if err := b.each(ctx, students, sel, asOf, cohortNames, fn); err != nil {
			return err
		}
		if len(students) < batch || sel.StudentID != "" {
			return nil
		}
		after = students[len(students)-1].ID
	}
}

// exportCohortNames names the program's cohorts by id.
func (s *Store) exportCohortNames(ctx context.Context, programID string) (map[string]string, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT id, coalesce(json_extract(doc, '$.name'), '') FROM cohorts WHERE program_id = ?`, programID)
	if err != nil {
		return nil, fmt.Errorf("list cohorts of %s: %w", programID, translate(err))
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("list cohorts of %s: %w", programID, translate(err))
		}
		names[id] = name
	}
	return names, translate(rows.Err())
}

// exportUsers reads users (id, uid, doc) by query; PIN secrets stay in
// their columns.
func (s *Store) exportUsers(ctx context.Context, query string, args ...any) ([]models.User, error) {
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list users to export: %w", translate(err))
	}
	defer rows.Close()
	var out []models.User
	for rows.Next() {
		var id, doc string
		var uid sql.NullString
		if err := rows.Scan(&id, &uid, &doc); err != nil {
			return nil, fmt.Errorf("list users to export: %w", translate(err))
		}
		var u models.User
		if err := decode(doc, &u); err != nil {
			return nil, err
		}
		u.ID, u.UID = id, uid.String
		out = append(out, u)
	}
	return out, translate(rows.Err())
}

// exportBatchReader reads the records of batches of students of one
// program; it keeps the checklist versions it read for the next batches.
type exportBatchReader struct {
	s          *Store
	program    models.Program
	checklists map[models.ChecklistRef]*models.Checklist // nil: no such version
}

// each loads one batch of students' records and calls fn for each.
func (b *exportBatchReader) each(ctx context.Context, students []models.User, sel models.ExportSelection, asOf string,
	cohortNames map[string]string, fn func(*models.StudentRecord) error) error {
	f := sel.Filter
	ids := make([]any, len(students))
	studentIDs := make([]string, len(students))
	cohorts := []any{}
	seen := map[string]bool{}
	for i, u := range students {
		ids[i], studentIDs[i] = u.ID, u.ID
		for _, c := range u.CohortIDs {
			if !seen[c] {
				seen[c] = true
				cohorts = append(cohorts, c)
			}
		}
	}
	programID := b.program.ID
	r := models.ProgressRecords{Program: b.program}
	var err error
	if r.Assignments, err = exportAssignments(ctx, b.s.reader, programID, ids, cohorts); err != nil {
		return err
	}
	// Progress alone, over the whole history, is what the standings read
	// model holds: the attempts themselves are read only for evaluations
	// or a period.
	var attempts []models.Attempt
	fromStandings := sel.ProgressOnly && !f.HasPeriod()
	if fromStandings {
		if r.Standings, err = b.s.StandingsOf(ctx, programID, studentIDs); err != nil {
			return err
		}
	} else if attempts, err = exportAttempts(ctx, b.s.reader, programID, ids, sel.Signed); err != nil {
		return err
	}
	if r.Remediations, err = b.s.RemediationsOf(ctx, programID, studentIDs); err != nil {
		return err
	}
	if r.Procedures, err = b.s.ProcedureCounts(ctx, programID, studentIDs); err != nil {
		return err
	}
	if r.Practicum, err = b.s.PracticumTotals(ctx, programID, studentIDs); err != nil {
		return err
	}
	attempts = f.Apply(&r, attempts)
	if !fromStandings {
		r.Standings = models.StandingsOf(attempts)
	}
	if r.Checklists, err = b.checklistsOf(ctx, r.NeededChecklists()); err != nil {
		return err
	}
	return models.EachRecord(students, &r, attempts, asOf, cohortNames, fn)
}

// checklistsOf returns the checklist versions refs name as the program
// sees them, reading each once per export.
func (b *exportBatchReader) checklistsOf(ctx context.Context, refs []models.ChecklistRef) (map[models.ChecklistRef]models.Checklist, error) {
	out := make(map[models.ChecklistRef]models.Checklist, len(refs))
	for _, ref := range refs {
		c, ok := b.checklists[ref]
		if !ok {
			found, err := exportChecklist(ctx, b.s.reader, b.program.ID, ref)
			if err != nil {
				return nil, err
			}
			b.checklists[ref] = found
			c = found
		}
		if c != nil {
			out[ref] = *c
		}
	}
	return out, nil
}

// exportPlaceholders is n comma-separated parameters.
func exportPlaceholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// exportAssignments reads the assignments of students and of their
// cohorts, each through its partial index.
func exportAssignments(ctx context.Context, db *sql.DB, programID string, studentIDs, cohortIDs []any) ([]models.Assignment, error) {
	q := `SELECT id, doc FROM assignments WHERE program_id = ? AND student_id <> '' AND student_id IN (` + exportPlaceholders(len(studentIDs)) + `)
		UNION SELECT id, doc FROM assignments WHERE program_id = ? AND cohort_id <> '' AND cohort_id IN (` + exportPlaceholders(len(cohortIDs)) + `)`
	args := append(append(append([]any{programID}, studentIDs...), programID), cohortIDs...)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list assignments to export: %w", translate(err))
	}
	defer rows.Close()
	out := []models.Assignment{}
	for rows.Next() {
		var id, doc string
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, fmt.Errorf("list assignments to export: %w", translate(err))
		}
		var a models.Assignment
		if err := decode(doc, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, translate(rows.Err())
}

// exportAttemptsQuery reads students' attempts without what an export
// never shows (step grades and notes), which SQLite drops before Go
// decodes anything.
// exportAttemptsQuery and exportSignedAttemptsQuery read the attempts of
// students, without the practice steps and notes no export shows, and the
// first without the evaluations' step grades too.
const (
	exportAttemptsQuery = `SELECT open_slot, json_remove(doc, '$.steps', '$.note', '$.evaluation.steps') FROM attempts
	WHERE program_id = ? AND student_id IN (`
	exportSignedAttemptsQuery = `SELECT open_slot, json_remove(doc, '$.steps', '$.note') FROM attempts
	WHERE program_id = ? AND student_id IN (`
)

func exportAttempts(ctx context.Context, db *sql.DB, programID string, studentIDs []any, signed bool) ([]models.Attempt, error) {
	query := exportAttemptsQuery
	if signed {
		query = exportSignedAttemptsQuery
	}
	rows, err := db.QueryContext(ctx, query+exportPlaceholders(len(studentIDs))+`)`, append([]any{programID}, studentIDs...)...)
	if err != nil {
		return nil, fmt.Errorf("list attempts to export: %w", translate(err))
	}
	defer rows.Close()
	var slots, docs []string
	for rows.Next() {
		var slot, doc string
		if err := rows.Scan(&slot, &doc); err != nil {
			return nil, fmt.Errorf("list attempts to export: %w", translate(err))
		}
		slots, docs = append(slots, slot), append(docs, doc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list attempts to export: %w", translate(err))
	}
	// Decoding is most of an export's work: it runs on every processor.
	out := make([]models.Attempt, len(docs))
	errs := make([]error, len(docs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(docs)/64))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(docs); i += workers {
				errs[i] = decode(docs[i], &out[i])
				out[i].OpenSlot = slots[i]
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}
