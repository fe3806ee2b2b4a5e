package sqlite

import (
	"context"
	"fmt"

	"skillbook/models"
)

// CreateProcedure stores procedure p with its events (createLogged).
func (s *Store) CreateProcedure(ctx context.Context, p models.Procedure, events ...models.Event) (models.Procedure, bool, error) {
	return createLogged(ctx, s, proceduresTable, p, events)
}

// Procedure returns the procedure with id in program.
func (s *Store) Procedure(ctx context.Context, programID, id string) (models.Procedure, error) {
	return loggedIn[models.Procedure](ctx, s.reader, proceduresTable, programID, id)
}

// Procedures lists a program's procedures, newest logged first.
func (s *Store) Procedures(ctx context.Context, programID string, f models.ProcedureFilter, page models.Page) (models.List[models.Procedure], error) {
	return listLogged(ctx, s, proceduresTable, programID, f.StudentIDs, f.Status, page)
}

// ReviewProcedure records decided, the review of a pending procedure,
// with its events, once (reviewLogged).
func (s *Store) ReviewProcedure(ctx context.Context, decided models.Procedure, version int64, events ...models.Event) (models.Procedure, error) {
	return reviewLogged(ctx, s, proceduresTable, decided, version, events)
}

// The procedure counts' query (checked against its plan in a test, as
// the lists, skillListQuery's, and qLogged are).
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
