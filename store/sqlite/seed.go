package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"skillbook/models"
)

// seedCommitEvery bounds the records one seed transaction writes, so the
// write-ahead log stays small and a reader never waits on a huge commit.
const seedCommitEvery = 5000

// InsertSeed writes b (records prepared by `skillbook seed`, stored as
// given: ids, versions, times, signatures) through the same row writers
// as the use cases, cohorts and users first so no reader sees a record
// that refers to one not written yet. It returns how many records it
// wrote. Assignment ids are derived as CreateAssignment derives them.
func (s *Store) InsertSeed(ctx context.Context, b models.SeedBatch) (written int, err error) {
	defer s.wroteSkills()
	var steps []func(tx *sql.Tx) error
	add := func(n int, write func(tx *sql.Tx, i int) error) {
		for i := range n {
			steps = append(steps, func(tx *sql.Tx) error { return write(tx, i) })
		}
	}
	add(len(b.Cohorts), func(tx *sql.Tx, i int) error { return insertCohortRow(ctx, tx, b.Cohorts[i]) })
	add(len(b.Users), func(tx *sql.Tx, i int) error {
		u := b.Users[i]
		if u.CohortIDs == nil {
			u.CohortIDs = []string{}
		}
		return insertUserRow(ctx, tx, u)
	})
	add(len(b.Assignments), func(tx *sql.Tx, i int) error {
		a := b.Assignments[i]
		a.ID = a.Key()
		_, err := insertAssignmentRow(ctx, tx, a, false)
		return err
	})
	add(len(b.Attempts), func(tx *sql.Tx, i int) error { return insertAttemptRow(ctx, tx, b.Attempts[i]) })
	add(len(b.Remediations), func(tx *sql.Tx, i int) error { return insertRemediationRow(ctx, tx, b.Remediations[i]) })
	add(len(b.Procedures), func(tx *sql.Tx, i int) error {
		_, err := insertProcedureRow(ctx, tx, b.Procedures[i], false)
		return err
	})
	add(len(b.Devices), func(tx *sql.Tx, i int) error { return putDeviceRow(ctx, tx, b.Devices[i]) })
	add(len(b.Audit), func(tx *sql.Tx, i int) error { return insertEventRow(ctx, tx, b.Audit[i]) })

	for start := 0; start < len(steps); start += seedCommitEvery {
		chunk := steps[start:min(start+seedCommitEvery, len(steps))]
		if err := s.write(ctx, func(tx *sql.Tx) error {
			for _, step := range chunk {
				if err := step(tx); err != nil {
					return translate(err)
				}
			}
			return nil
		}); err != nil {
			return written, fmt.Errorf("seed: after %d records: %w", written, err)
		}
		written += len(chunk)
	}
	return written, nil
}
