package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"skillbook/models"
)

// A unit is one request's writes, made to commit together with the
// record of its Idempotency-Key: the first write of the request begins the
// transaction and claims the key in it, later writes join it (each in a
// savepoint, so a failed one leaves the others), and the request ends it
// with its response (EndRequest), which commits everything at once — or
// rolls it all back. A crash before the end leaves nothing, so a retry
// runs afresh; a retry racing the first run finds the key claimed.
type unit struct {
	mu          sync.Mutex
	key         string
	fingerprint string
	now         time.Time
	tx          *sql.Tx
	ended       bool
}

type unitContextKey struct{}

// unitOf is the unit ctx carries, if any.
func unitOf(ctx context.Context) *unit {
	u, _ := ctx.Value(unitContextKey{}).(*unit)
	return u
}

// BeginRequest starts the unit of a request carrying Idempotency-Key key
// (already scoped to the caller) with fingerprint. It returns the stored
// response when an earlier run finished (replay it),
// models.ErrIdempotencyMismatch for the key with another request,
// models.ErrIdempotencyInFlight while a run of the MongoDB-style
// lease-based path holds it, or else a context that carries the unit: the
// request's writes made with it commit only at EndRequest, which the
// caller must call. It reads and never takes the writer.
func (s *Store) BeginRequest(ctx context.Context, key, fingerprint string, now time.Time) (context.Context, *models.StoredResponse, error) {
	now = now.UTC().Truncate(time.Millisecond)
	var (
		oldFingerprint, response string
		done                     bool
		leaseUntil, expiresAt    int64
	)
	err := s.reader.QueryRowContext(ctx, `SELECT fingerprint, done, lease_until, expires_at, response FROM idempotency WHERE id = ?`, key).
		Scan(&oldFingerprint, &done, &leaseUntil, &expiresAt, &response)
	switch {
	case errors.Is(err, sql.ErrNoRows), err == nil && expiresAt < ms(now):
	case err != nil:
		return nil, nil, fmt.Errorf("read idempotent request: %w", translate(err))
	case oldFingerprint != fingerprint:
		return nil, nil, models.ErrIdempotencyMismatch
	case done:
		stored := new(models.StoredResponse)
		if err := decode(response, stored); err != nil {
			return nil, nil, err
		}
		return ctx, stored, nil
	case leaseUntil > ms(now):
		return nil, nil, models.ErrIdempotencyInFlight
	}
	return context.WithValue(ctx, unitContextKey{}, &unit{key: key, fingerprint: fingerprint, now: now}), nil, nil
}

// EndRequest ends the unit ctx carries: with resp, the key's record is
// written with the request's writes and all of it commits; with nil (a
// run a retry may fix: a 5xx, a lost race), everything is rolled back and
// the key stays free. An error means nothing was committed. Without a
// unit in ctx it does nothing.
func (s *Store) EndRequest(ctx context.Context, resp *models.StoredResponse) error {
	u := unitOf(ctx)
	if u == nil {
		return nil
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ended {
		return nil
	}
	u.ended = true
	if u.tx == nil {
		if resp == nil {
			return nil
		}
		// The request wrote nothing (a refusal, a validation error): its
		// answer is still the one a retry gets.
		// Its own transaction, outside the unit (which is over).
		alone := context.WithValue(context.WithoutCancel(ctx), unitContextKey{}, (*unit)(nil))
		return s.write(alone, func(tx *sql.Tx) error { return u.record(alone, tx, resp, true) })
	}
	ctx = context.WithoutCancel(ctx)
	if resp == nil {
		return translate(u.tx.Rollback())
	}
	if err := u.record(ctx, u.tx, resp, false); err != nil {
		_ = u.tx.Rollback()
		return err
	}
	return translate(u.tx.Commit())
}

// record writes the key's finished record in tx; fresh says no claim row
// was written before.
func (u *unit) record(ctx context.Context, tx *sql.Tx, resp *models.StoredResponse, fresh bool) error {
	doc, err := encode(resp)
	if err != nil {
		return err
	}
	if fresh {
		return u.claim(ctx, tx, doc)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE idempotency SET done = 1, response = ? WHERE id = ?`, doc, u.key); err != nil {
		return fmt.Errorf("finish idempotent request: %w", translate(err))
	}
	return nil
}

// claim inserts the key's record (finished with response doc, or claimed
// when doc is ""); a record already there — a retry that ran at the same
// time and committed first, or an expired one — is replaced only when
// expired.
func (u *unit) claim(ctx context.Context, tx *sql.Tx, doc string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE id = ? AND expires_at < ?`, u.key, ms(u.now)); err != nil {
		return fmt.Errorf("expire idempotent request: %w", translate(err))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO idempotency (id, fingerprint, done, lease_until, expires_at, response) VALUES (?, ?, ?, 0, ?, ?)`,
		u.key, u.fingerprint, doc != "", ms(u.now.Add(models.IdempotencyTTL)), doc)
	if err != nil {
		if errors.Is(translate(err), models.ErrConflict) {
			return models.ErrIdempotencyInFlight
		}
		return fmt.Errorf("claim idempotent request: %w", translate(err))
	}
	return nil
}

// write runs fn in the unit's transaction, beginning it (and claiming the
// key) on the first write, in a savepoint so that a failed fn undoes only
// its own changes.
func (u *unit) write(ctx context.Context, s *Store, fn func(tx *sql.Tx) error) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ended {
		return errors.New("sqlite: a write after its request ended")
	}
	if u.tx == nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		// The transaction outlives the request's deadline: EndRequest
		// always ends it, and must be able to commit what was answered.
		tx, err := s.writer.BeginTx(context.WithoutCancel(ctx), nil)
		if err != nil {
			return translate(err)
		}
		// The wait for the writer may have outlasted the deadline.
		if err := ctx.Err(); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("write: %w", err)
		}
		if err := u.claim(ctx, tx, ""); err != nil {
			_ = tx.Rollback()
			return err
		}
		u.tx = tx
	}
	if _, err := u.tx.ExecContext(ctx, `SAVEPOINT unit_write`); err != nil {
		return translate(err)
	}
	if err := fn(u.tx); err != nil {
		if _, rerr := u.tx.ExecContext(context.WithoutCancel(ctx), `ROLLBACK TO unit_write`); rerr != nil {
			return errors.Join(unavailable(err), translate(rerr))
		}
		_, _ = u.tx.ExecContext(context.WithoutCancel(ctx), `RELEASE unit_write`)
		return unavailable(err)
	}
	if _, err := u.tx.ExecContext(context.WithoutCancel(ctx), `RELEASE unit_write`); err != nil {
		return translate(err)
	}
	return nil
}
