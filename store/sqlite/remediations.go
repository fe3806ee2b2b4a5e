package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"skillbook/models"
)

// CreateRemediation records an admin's remediation plan r, as the caller
// made it (id, author, time stamp), with its event. An id already used is
// ErrConflict.
func (s *Store) CreateRemediation(ctx context.Context, r models.Remediation, ev models.Event) (models.Remediation, error) {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := insertRemediationRow(ctx, tx, r); err != nil {
			return fmt.Errorf("create remediation: %w", translate(err))
		}
		return s.recordEvents(ctx, tx, ev)
	})
	if err != nil {
		return models.Remediation{}, err
	}
	return r, nil
}

// RemediationsOf returns, in one query, every remediation of students,
// each student's oldest first.
func (s *Store) RemediationsOf(ctx context.Context, programID string, studentIDs []string) ([]models.Remediation, error) {
	out := []models.Remediation{}
	if len(studentIDs) == 0 {
		return out, nil
	}
	q, args := attemptRemediationsSQL(programID, studentIDs)
	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list remediations of students: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("list remediations of students: %w", translate(err))
		}
		var r models.Remediation
		if err := decode(doc, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list remediations of students: %w", translate(err))
	}
	return out, nil
}

// attemptRemediationsSQL is the query of every remediation of students.
func attemptRemediationsSQL(programID string, studentIDs []string) (string, []any) {
	return `SELECT doc FROM remediations WHERE program_id = ? AND student_id IN (` + attemptPlaceholders(len(studentIDs)) +
		`) ORDER BY student_id, created_at`, attemptArgs([]any{programID}, studentIDs)
}
