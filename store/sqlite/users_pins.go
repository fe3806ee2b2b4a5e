package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"skillbook/models"
)

// Signing PINs live in the users row's columns (pin_hash, pin_failures,
// pin_locked_at, pin_refused, pin_set_at), never in its doc; doc keeps only whether
// one is set.

// SetSigningPIN stores a new PIN hash for an instructor, clears any lock
// (and its count of refused tries) and records ev; the PIN itself is never
// stored or logged.
func (s *Store) SetSigningPIN(ctx context.Context, programID, userID, hash string, ev models.Event) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		cur, err := userInTx(ctx, tx, userID)
		if err == nil && cur.ProgramID != programID {
			err = notFound("user " + userID)
		}
		if err != nil {
			return err
		}
		next := cur
		next.PINHash, next.PINFailures, next.PINSet = hash, 0, true
		next.PINLockedAt, next.PINRefused = nil, 0
		next.UpdatedAt = s.now()
		next.Version++
		if err := updateUserRow(ctx, tx, cur, next); err != nil {
			return translate(err)
		}
		// When the PIN was set: a sign-in revoked after it makes the PIN
		// unusable (0012).
		if _, err := tx.ExecContext(ctx, `UPDATE users SET pin_set_at = ? WHERE id = ?`, ms(next.UpdatedAt), userID); err != nil {
			return translate(err)
		}
		ev.ID, ev.At = newID(), s.now()
		return s.recordEvents(ctx, tx, ev)
	})
	if err != nil {
		return fmt.Errorf("set signing PIN: %w", err)
	}
	return nil
}

// RecordPINTry records one checked signing-PIN try for instructor userID
// with its event tried, in the transaction that checks the PIN is not
// locked (fewer than maxFailures wrong tries in a row): a wrong try counts
// toward the lock, a right one resets the count. The wrong try that
// reaches maxFailures locks the PIN and records locked (which tells the
// instructor) with it. A try on a PIN locked meanwhile is only counted as
// refused, and reports locked. It returns the failures so far.
func (s *Store) RecordPINTry(ctx context.Context, programID, userID string, ok bool, maxFailures int, tried, locked models.Event) (int, bool, error) {
	var failures int
	var wasLocked bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT pin_failures FROM users WHERE id = ? AND program_id = ?`, userID, programID).Scan(&failures)
		if err != nil {
			return translate(err)
		}
		if failures >= maxFailures {
			failures, wasLocked = maxFailures, true
			_, err := tx.ExecContext(ctx, `UPDATE users SET pin_refused = pin_refused + 1 WHERE id = ?`, userID)
			return translate(err)
		}
		if ok {
			failures = 0
		} else {
			failures++
		}
		events := []models.Event{tried}
		var lockedAt int64
		if failures >= maxFailures {
			lockedAt = ms(s.now())
			events = append(events, locked)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET pin_failures = ?, pin_locked_at = ?, pin_refused = 0 WHERE id = ?`,
			failures, lockedAt, userID); err != nil {
			return translate(err)
		}
		for i := range events {
			events[i].ID, events[i].At = newID(), s.now()
		}
		return s.recordEvents(ctx, tx, events...)
	})
	if err != nil {
		return 0, false, fmt.Errorf("record PIN try: %w", err)
	}
	return failures, wasLocked, nil
}

// RefusePINTry counts one try of instructor userID's locked signing PIN
// (maxFailures wrong tries in a row), refused before it was checked; a PIN
// reset meanwhile is left as it is.
func (s *Store) RefusePINTry(ctx context.Context, programID, userID string, maxFailures int) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET pin_refused = pin_refused + 1 WHERE id = ? AND program_id = ? AND pin_failures >= ?`,
			userID, programID, maxFailures)
		return translate(err)
	})
	if err != nil {
		return fmt.Errorf("refuse PIN try: %w", err)
	}
	return nil
}
