package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"skillbook/models"
)

// translate turns driver errors into the models' sentinels: no row is
// ErrNotFound, a broken uniqueness or primary key is ErrConflict, a full
// disk or an I/O failure is ErrUnavailable (503: nothing acknowledged was
// lost, retry later). Context errors pass through.
func translate(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %v", models.ErrNotFound, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CONSTRAINT:
			return fmt.Errorf("%w: %v", models.ErrConflict, err)
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED,
			sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOMEM:
			return fmt.Errorf("%w: %v", models.ErrUnavailable, err)
		}
	}
	return err
}

// notFound wraps ErrNotFound with what was looked for.
func notFound(what string) error { return fmt.Errorf("%s: %w", what, models.ErrNotFound) }
