package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"skillbook/models"
)

// CreateAssignment stores assignment a with its events unless an
// assignment with its id exists; it returns the stored assignment and
// whether it is new. An a without an id gets its key (models.Assignment.Key),
// so the same assignment made twice is stored once, and the events of the
// second are dropped with it.
func (s *Store) CreateAssignment(ctx context.Context, a models.Assignment, events ...models.Event) (models.Assignment, bool, error) {
	defer s.wroteSkills()
	if a.ProgramID == "" {
		return models.Assignment{}, false, fmt.Errorf("create assignment: %w", errSkillNoProgram)
	}
	if a.ID == "" {
		a.ID = a.Key()
	}
	a.CreatedAt = skillTime(a.CreatedAt)
	var existing models.Assignment
	created := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		ok, err := insertAssignmentRow(ctx, tx, a, true)
		if err != nil {
			return fmt.Errorf("create assignment: %w", translate(err))
		}
		if !ok {
			existing, err = assignmentIn(ctx, tx, a.ProgramID, a.ID)
			return err
		}
		created = true
		return s.recordEvents(ctx, tx, events...)
	})
	switch {
	case err != nil:
		return models.Assignment{}, false, err
	case !created:
		return existing, false, nil
	}
	return a, true, nil
}

// skillQueryer is a transaction or the reader pool.
type skillQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// assignmentIn reads one assignment of a program through q.
func assignmentIn(ctx context.Context, q skillQueryer, programID, id string) (models.Assignment, error) {
	var doc string
	var a models.Assignment
	err := q.QueryRowContext(ctx, qAssignment, id, programID).Scan(&doc)
	if err != nil {
		return a, fmt.Errorf("find assignment %s: %w", id, translate(err))
	}
	return a, decode(doc, &a)
}

// Assignment returns one assignment of a program.
func (s *Store) Assignment(ctx context.Context, programID, id string) (models.Assignment, error) {
	return assignmentIn(ctx, s.reader, programID, id)
}

// Assignments lists a program's assignments, ordered by id.
func (s *Store) Assignments(ctx context.Context, programID string, f models.AssignmentFilter, page models.Page) (models.List[models.Assignment], error) {
	where, args := assignmentsWhere(programID, f)
	return skillListByID[models.Assignment](ctx, s.reader, "assignments", where, args, page, 1, "list assignments")
}

// assignmentsWhere is the condition of Assignments.
func assignmentsWhere(programID string, f models.AssignmentFilter) ([]string, []any) {
	where, args := []string{"program_id = ?"}, []any{programID}
	if f.CohortID != "" {
		where, args = append(where, "cohort_id = ?", "cohort_id <> ''"), append(args, f.CohortID)
	}
	if f.StudentID != "" {
		where, args = append(where, "student_id = ?", "student_id <> ''"), append(args, f.StudentID)
	}
	return where, args
}

// AssignmentFor returns the assignment of checklistID that applies to
// student (made to them or to one of their cohorts) with the highest
// checklist version, or ErrNotFound.
func (s *Store) AssignmentFor(ctx context.Context, student models.User, checklistID string) (models.Assignment, error) {
	q, args := assignmentsOfQuery(student.ProgramID, []string{student.ID}, student.CohortIDs, "AND checklist_id = ?", checklistID)
	all, err := skillQueryDocs[models.Assignment](ctx, s.reader, q+" ORDER BY checklist_version DESC LIMIT 1", args...)
	if err != nil {
		return models.Assignment{}, fmt.Errorf("assignment of %s: %w", checklistID, err)
	}
	if len(all) == 0 {
		return models.Assignment{}, fmt.Errorf("assignment of %s: %w", checklistID, models.ErrNotFound)
	}
	return all[0], nil
}

// assignmentsOfQuery selects the docs of the assignments of program made to
// one of studentIDs or one of cohortIDs, each branch on its index, with
// extra (and extraArgs) added to both.
func assignmentsOfQuery(programID string, studentIDs, cohortIDs []string, extra string, extraArgs ...any) (string, []any) {
	var q strings.Builder
	var args []any
	branch := func(col string, ids []string) {
		if len(ids) == 0 {
			return
		}
		if q.Len() > 0 {
			q.WriteString(" UNION ALL ")
		}
		fmt.Fprintf(&q, "SELECT doc, checklist_version FROM assignments WHERE program_id = ? AND %s IN (%s) AND %s <> '' %s",
			col, skillPlaceholders(len(ids)), col, extra)
		args = append(args, programID)
		for _, id := range ids {
			args = append(args, id)
		}
		args = append(args, extraArgs...)
	}
	branch("student_id", studentIDs)
	branch("cohort_id", cohortIDs)
	if q.Len() == 0 {
		return "SELECT doc, 0 FROM assignments WHERE 0", nil
	}
	return q.String(), args
}

// AssignmentsOf returns every assignment of program that applies to one
// of students: made to the student (one query) or to a cohort they belong
// to (from the cache, and one query for the cohorts it misses).
func (s *Store) AssignmentsOf(ctx context.Context, programID string, students []models.User) ([]models.Assignment, error) {
	out := []models.Assignment{}
	if len(students) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(students))
	var missing []string
	seen := map[string]bool{}
	for _, u := range students {
		ids = append(ids, u.ID)
		for _, c := range u.CohortIDs {
			if seen[c] {
				continue
			}
			seen[c] = true
			if cached, ok := s.cohortAssignments.get(cohortKey{programID, c}); ok {
				out = append(out, cached...)
			} else {
				missing = append(missing, c)
			}
		}
	}
	gen := s.cohortAssignments.generation()
	q, args := assignmentsOfQuery(programID, ids, missing, "")
	read, err := skillQueryDocs[models.Assignment](ctx, s.reader, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list assignments of students: %w", err)
	}
	byCohort := make(map[string][]models.Assignment, len(missing))
	for _, c := range missing {
		byCohort[c] = []models.Assignment{}
	}
	for _, a := range read {
		if a.CohortID != "" {
			byCohort[a.CohortID] = append(byCohort[a.CohortID], a)
		}
	}
	for c, as := range byCohort {
		s.cohortAssignments.put(cohortKey{programID, c}, gen, as)
	}
	return append(out, read...), nil
}

// The assignment queries (each checked against its plan in a test; the
// lists are skillListQuery's, the bulk reads assignmentsOfQuery's).
const (
	qAssignment     = `SELECT doc FROM assignments WHERE id = ? AND program_id = ?`
	qDueAssignments = `SELECT doc FROM assignments
		WHERE due_date >= ? AND due_date <= ? AND due_date <> '' ORDER BY due_date, id LIMIT ?`
)

// maxDueAssignments bounds one reminder scan.
const maxDueAssignments = 5000

// DueAssignments returns the assignments of every program due between the
// dates from and to (inclusive, DateLayout), by due date then id.
func (s *Store) DueAssignments(ctx context.Context, from, to string) ([]models.Assignment, error) {
	out, err := skillQueryDocs[models.Assignment](ctx, s.reader, qDueAssignments, from, to, maxDueAssignments)
	if err != nil {
		return nil, fmt.Errorf("list due assignments: %w", err)
	}
	return out, nil
}

// skillQueryDocs runs q, whose first column is a doc, and decodes every
// row's doc (other columns are ignored).
func skillQueryDocs[T any](ctx context.Context, db *sql.DB, q string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, translate(err)
	}
	dest := make([]any, len(cols))
	var doc string
	dest[0] = &doc
	for i := 1; i < len(dest); i++ {
		dest[i] = new(any)
	}
	out := []T{}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, translate(err)
		}
		var v T
		if err := decode(doc, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

// skillPlaceholders is n comma-separated parameters.
func skillPlaceholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// skillListByID returns one page of table's docs matching where (ANDed),
// ordered by id (dir 1 ascending, -1 descending); the cursor holds the
// last id returned.
func skillListByID[T any](ctx context.Context, db *sql.DB, table string, where []string, args []any, page models.Page, dir int, what string) (models.List[T], error) {
	op, order := ">", "ASC"
	if dir < 0 {
		op, order = "<", "DESC"
	}
	list, _, _ := strings.Cut(table, " ")
	if page.Cursor != "" {
		after, err := decodeCursor[idKey](list, page.Cursor)
		if err != nil {
			return models.List[T]{}, err
		}
		where, args = append(where, "id "+op+" ?"), append(args, after.ID)
	}
	size := page.Size()
	rows, err := db.QueryContext(ctx, skillListQuery(table, where, order), append(args, size+1)...)
	if err != nil {
		return models.List[T]{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	defer rows.Close()
	out := models.List[T]{Items: make([]T, 0, min(size, 64))}
	last := ""
	for rows.Next() {
		if len(out.Items) == size {
			out.NextCursor = encodeCursor(list, idKey{ID: last})
			break
		}
		var doc, id string
		if err := rows.Scan(&doc, &id); err != nil {
			return models.List[T]{}, fmt.Errorf("%s: %w", what, translate(err))
		}
		var v T
		if err := decode(doc, &v); err != nil {
			return models.List[T]{}, fmt.Errorf("%s: %w", what, err)
		}
		out.Items, last = append(out.Items, v), id
	}
	if err := rows.Err(); err != nil {
		return models.List[T]{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	return out, nil
}

// skillListQuery selects the docs and ids of table matching where, by id
// in order (ASC or DESC), up to a limit (the last parameter). The page's
// ids are chosen first, from the index alone (every list index ends in
// id), and only their docs are read: when several students' rows are
// merged and sorted, what is sorted is ids, not records. from is the
// table, with an INDEXED BY clause where the planner needs one.
func skillListQuery(from string, where []string, order string) string {
	table, _, _ := strings.Cut(from, " ")
	return fmt.Sprintf("SELECT doc, id FROM %s WHERE id IN (SELECT id FROM %s WHERE %s ORDER BY id %s LIMIT ?) ORDER BY id %s",
		table, from, strings.Join(where, " AND "), order, order)
}
