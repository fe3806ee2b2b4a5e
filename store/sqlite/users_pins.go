package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"skillbook/models"
)

// Signing PINs live in the users row's columns (pin_hash, pin_failures),
// never in its doc; doc keeps only whether one is set.

// SetSigningPIN stores a new PIN hash for an instructor, clears any lock
// and records ev; the PIN itself is never stored or logged.
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
		next.UpdatedAt = s.now()
		next.Version++
		if err := updateUserRow(ctx, tx, cur, next); err != nil {
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

// RecordPINTry records one signing-PIN try for instructor userID with its
// event tried, in the transaction that checks the PIN is not locked (fewer
// than maxFailures wrong tries in a row): a wrong try counts toward the
// lock, a right one resets the count. A try on a locked PIN records
// refused instead and reports locked. It returns the failures so far.
func (s *Store) RecordPINTry(ctx context.Context, programID, userID string, ok bool, maxFailures int, tried, refused models.Event) (int, bool, error) {
	var failures int
	var locked bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT pin_failures FROM users WHERE id = ? AND program_id = ?`, userID, programID).Scan(&failures)
		if err != nil {
			return translate(err)
		}
		if failures >= maxFailures {
			failures, locked = maxFailures, true
			refused.ID, refused.At = newID(), s.now()
			return s.recordEvents(ctx, tx, refused)
		}
		if ok {
			failures = 0
		} else {
			failures++
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET pin_failures = ? WHERE id = ?`, failures, userID); err != nil {
			return translate(err)
		}
		tried.ID, tried.At = newID(), s.now()
		return s.recordEvents(ctx, tx, tried)
	})
	if err != nil {
		return 0, false, fmt.Errorf("record PIN try: %w", err)
	}
	return failures, locked, nil
}
