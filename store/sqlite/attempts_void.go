package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"skillbook/models"
	"skillbook/workflow"
)

var _ workflow.VoidStore = (*Store)(nil)

// VoidAttempt moves a graded attempt at version to voided with its void
// amendment and event, in one transaction; the standings triggers
// (0010) drop it from the student's standing in the same transaction.
func (s *Store) VoidAttempt(ctx context.Context, programID, attemptID string, version int64, am models.Amendment, ev models.Event) (models.Attempt, error) {
	changed := fmt.Errorf("void attempt %s: %w: the evaluation changed meanwhile; read it again", attemptID, models.ErrConflict)
	var a models.Attempt
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = attemptScan(tx.QueryRowContext(ctx, attemptSelect+`WHERE id = ? AND program_id = ?`, attemptID, programID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("attempt " + attemptID)
		}
		if err != nil {
			return fmt.Errorf("void attempt %s: %w", attemptID, translate(err))
		}
		if a.Version != version || a.Evaluation == nil || (a.Status != models.StatusPassed && a.Status != models.StatusFailed) {
			return changed
		}
		a.Amendments = append(a.Amendments, am)
		a.Status = models.StatusVoided
		a.UpdatedAt, a.Version = s.now(), version+1
		doc, err := encode(a)
		if err != nil {
			return err
		}
		progress, err := attemptProgress(&a)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE attempts SET status = ?, version = ?, doc = ?, progress = ? WHERE id = ? AND program_id = ? AND version = ?`,
			string(a.Status), a.Version, doc, progress, attemptID, programID, version)
		if err != nil {
			return fmt.Errorf("void attempt %s: %w", attemptID, translate(err))
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return changed
		}
		return s.recordEvents(ctx, tx, ev)
	})
	if err != nil {
		return models.Attempt{}, err
	}
	return a, nil
}
