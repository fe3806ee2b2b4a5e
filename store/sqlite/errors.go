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
		switch {
		case se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT:
			return fmt.Errorf("%w: %v", models.ErrConflict, err)
		case unavailableCode(se.Code()):
			return fmt.Errorf("%w: %v", models.ErrUnavailable, err)
		}
	}
	return err
}

// unavailableCode reports whether a driver result code says the database
// cannot be written or read just now: a full disk (or a file that may not
// grow), an I/O failure, a lock held too long, no memory.
func unavailableCode(code int) bool {
	switch code & 0xff {
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED,
		sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOMEM:
		return true
	}
	return false
}

// unavailable is err marked ErrUnavailable when it carries a driver error
// of that kind left untranslated (joined or wrapped on its way out of a
// transaction), and err otherwise: write applies it to what a use case's
// work returns (and SaveUsers to the failure it carries out of its
// transactions), so that a write failing for want of room is a 503 however
// its code passed the error on, never a 500.
func unavailable(err error) error {
	var se *sqlite.Error
	if err == nil || errors.Is(err, models.ErrUnavailable) || !errors.As(err, &se) || !unavailableCode(se.Code()) {
		return err
	}
	return fmt.Errorf("%w: %w", models.ErrUnavailable, err)
}

// notFound wraps ErrNotFound with what was looked for.
func notFound(what string) error { return fmt.Errorf("%s: %w", what, models.ErrNotFound) }
