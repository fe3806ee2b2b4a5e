package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"skillbook/models"
)

// TestAWriteTheDatabaseRefusesIsUnavailable: a use case's statement that
// the database cannot carry out for want of room or access is
// ErrUnavailable (a 503) even when the code around it passed the driver's
// error on untranslated, joined with another, while a failure of the use
// case's own stays what it was. A connection made read-only (query_only)
// stands in for a full disk: both are the driver's unavailable class.
func TestAWriteTheDatabaseRefusesIsUnavailable(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	refused := func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "PRAGMA query_only = 1"); err != nil {
			return err
		}
		defer tx.ExecContext(ctx, "PRAGMA query_only = 0")
		_, err := tx.ExecContext(ctx, "INSERT INTO idempotency (id, fingerprint, done, lease_until, expires_at) VALUES ('x', 'f', 0, 0, 0)")
		return err
	}
	own := errors.New("a rule of the use case")
	for _, tc := range []struct {
		name string
		fn   func(tx *sql.Tx) error
		want error
	}{
		{"the driver's error as it is", refused, models.ErrUnavailable},
		{"wrapped", func(tx *sql.Tx) error { return fmt.Errorf("import row: %w", refused(tx)) }, models.ErrUnavailable},
		{"joined", func(tx *sql.Tx) error { return errors.Join(refused(tx), errors.New("release savepoint")) }, models.ErrUnavailable},
		{"translated already", func(tx *sql.Tx) error { return translate(refused(tx)) }, models.ErrUnavailable},
		{"the use case's own", func(*sql.Tx) error { return own }, own},
		{"a conflict", func(*sql.Tx) error { return fmt.Errorf("create: %w", models.ErrConflict) }, models.ErrConflict},
	} {
		err := s.write(ctx, tc.fn)
		if !errors.Is(err, tc.want) {
			t.Errorf("write(%s) = %v; want %v", tc.name, err, tc.want)
		}
		if tc.want != models.ErrUnavailable && errors.Is(err, models.ErrUnavailable) {
			t.Errorf("write(%s) = %v; want it not unavailable", tc.name, err)
		}
	}
	// The writer works on.
	if _, err := s.BeginIdempotent(ctx, "after", "body", s.now(), 0); err != nil {
		t.Errorf("BeginIdempotent after the refused writes = %v", err)
	}
}
