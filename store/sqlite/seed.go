package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"skillbook/models"
)

// seedCommitEvery bounds the records one seed transaction writes, so the
// write-ahead log stays small and a reader never waits on a huge commit.
const seedCommitEvery = 5000

// seedAttemptsPerStatement is how many attempts one INSERT writes (15
// parameters each, under SQLite's limit of 32,766).
const seedAttemptsPerStatement = 100

// InsertSeed writes b (records prepared by `skillbook seed`, stored as
// given: ids, versions, times, signatures) through the same row writers
// as the use cases, cohorts and users first so no reader sees a record
// that refers to one not written yet. It returns how many records it
// wrote. Assignment ids are derived as CreateAssignment derives them.
func (s *Store) InsertSeed(ctx context.Context, b models.SeedBatch) (written int, err error) {
	defer s.wroteSkills()
	// A step writes one record, or a batch of attempts (one statement);
	// records counts what each wrote.
	var steps []func(tx *sql.Tx) error
	var records []int
	add := func(n int, write func(tx *sql.Tx, i int) error) {
		for i := range n {
			steps = append(steps, func(tx *sql.Tx) error { return write(tx, i) })
			records = append(records, 1)
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
	firstAttempt := len(steps)
	for batch := range slices.Chunk(b.Attempts, seedAttemptsPerStatement) {
		steps = append(steps, func(tx *sql.Tx) error { return insertAttemptRows(ctx, tx, batch) })
		records = append(records, len(batch))
	}
	attemptSteps := len(steps) - firstAttempt
	add(len(b.Remediations), func(tx *sql.Tx, i int) error { return insertRemediationRow(ctx, tx, b.Remediations[i]) })
	add(len(b.Procedures), func(tx *sql.Tx, i int) error {
		_, err := insertProcedureRow(ctx, tx, b.Procedures[i], false)
		return err
	})
	add(len(b.Practicum), func(tx *sql.Tx, i int) error {
		_, err := insertPracticumRow(ctx, tx, b.Practicum[i], false)
		return err
	})
	add(len(b.Devices), func(tx *sql.Tx, i int) error { return putDeviceRow(ctx, tx, b.Devices[i]) })
	add(len(b.Audit), func(tx *sql.Tx, i int) error { return insertEventRow(ctx, tx, b.Audit[i]) })

	for start := 0; start < len(steps); {
		// A transaction writes about seedCommitEvery records.
		end, n := start, 0
		for end < len(steps) && n < seedCommitEvery {
			n += records[end]
			end++
		}
		chunk := steps[start:end]
		// The students whose attempts this chunk writes: their standings
		// are refreshed once at its end, not once per attempt.
		students := map[standingsOwner]bool{}
		for i := max(start, firstAttempt); i < min(end, firstAttempt+attemptSteps); i++ {
			lo := (i - firstAttempt) * seedAttemptsPerStatement
			for _, a := range b.Attempts[lo:min(lo+seedAttemptsPerStatement, len(b.Attempts))] {
				students[standingsOwner{a.ProgramID, a.StudentID}] = true
			}
		}
		if err := s.write(ctx, func(tx *sql.Tx) error {
			if len(students) > 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO standings_paused (paused) VALUES (1)`); err != nil {
					return translate(err)
				}
			}
			for _, step := range chunk {
				if err := step(tx); err != nil {
					return translate(err)
				}
			}
			if len(students) > 0 {
				return refreshStandings(ctx, tx, students)
			}
			return nil
		}); err != nil {
			return written, fmt.Errorf("seed: after %d records: %w", written, err)
		}
		written += n
		start = end
	}
	return written, nil
}

// standingsOwner is one student of one program.
type standingsOwner struct{ programID, studentID string }

// refreshStandings recomputes, in tx, the standings of students from their
// attempts and lifts the pause a bulk load put on the standings triggers.
func refreshStandings(ctx context.Context, tx *sql.Tx, students map[standingsOwner]bool) error {
	for o := range students {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO standings (program_id, student_id, checklist_id, practice, open_id, graded)
			SELECT program_id, student_id, checklist_id, practice, open_id, graded FROM standings_source
			WHERE program_id = ? AND student_id = ?`, o.programID, o.studentID); err != nil {
			return fmt.Errorf("refresh standings: %w", translate(err))
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM standings_paused`); err != nil {
		return fmt.Errorf("refresh standings: %w", translate(err))
	}
	return nil
}
