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

// A unit is one request carrying an Idempotency-Key. Its key is claimed in
// the transaction of the request's first write, so the change, its audit
// entries, its notifications and the claim commit together or not at all:
// a retry racing the first run finds the key taken and does nothing. The
// response is recorded when the request ends (EndRequest), in a short
// transaction of its own: holding the writer while the response is built
// would make every write wait for it. A request that wrote nothing
// records its answer (a refusal, a validation error) the same way.
type unit struct {
	mu          sync.Mutex
	key         string
	fingerprint string
	now         time.Time
	lease       time.Duration
	// claimed says a write committed with the claim.
	claimed bool
	ended   bool
}

type unitContextKey struct{}

// unitOf is the unit ctx carries, if any.
func unitOf(ctx context.Context) *unit {
	u, _ := ctx.Value(unitContextKey{}).(*unit)
	return u
}

// BeginRequest starts the unit of a request carrying Idempotency-Key key
// (already scoped to the caller) with fingerprint, at now. It returns the
// stored response when an earlier run finished (replay it),
// models.ErrIdempotencyMismatch for the key with another request,
// models.ErrIdempotencyInFlight while another run holds it (for lease after
// its first write), or else a context that carries the unit: the caller
// must end it with EndRequest. It only reads.
func (s *Store) BeginRequest(ctx context.Context, key, fingerprint string, now time.Time, lease time.Duration) (context.Context, *models.StoredResponse, error) {
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
	default:
		// Claimed, never finished, lease over: the run that claimed it
		// committed its change and died before recording the answer.
		return nil, nil, models.ErrIdempotencyApplied
	}
	return context.WithValue(ctx, unitContextKey{}, &unit{key: key, fingerprint: fingerprint, now: now, lease: lease}), nil, nil
}

// EndRequest ends the unit ctx carries: with resp, the answer a retry is
// given is recorded; with nil (a run a retry may fix: a 5xx, a lost race)
// the key is released. Without a unit in ctx it does nothing.
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
	var doc string
	if resp != nil {
		var err error
		if doc, err = encode(resp); err != nil {
			return err
		}
	}
	ctx = context.WithoutCancel(ctx)
	switch {
	case !u.claimed && resp == nil:
		return nil
	case !u.claimed:
		return s.transact(ctx, func(tx *sql.Tx) error { return u.claim(ctx, tx, doc) })
	case resp == nil:
		return s.transact(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE id = ? AND done = 0`, u.key)
			return translate(err)
		})
	}
	return s.transact(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE idempotency SET done = 1, response = ?, lease_until = 0 WHERE id = ?`, doc, u.key)
		return translate(err)
	})
}

// claim inserts the key's record: finished with the response doc, or
// claimed (for the lease) when doc is "". An expired record is replaced;
// any other means a run of the same key got there first.
func (u *unit) claim(ctx context.Context, tx *sql.Tx, doc string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE id = ? AND expires_at < ?`, u.key, ms(u.now)); err != nil {
		return fmt.Errorf("expire idempotent request: %w", translate(err))
	}
	leaseUntil := int64(0)
	if doc == "" {
		leaseUntil = ms(u.now.Add(u.lease))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO idempotency (id, fingerprint, done, lease_until, expires_at, response) VALUES (?, ?, ?, ?, ?, ?)`,
		u.key, u.fingerprint, doc != "", leaseUntil, ms(u.now.Add(models.IdempotencyTTL)), doc)
	if err != nil {
		if errors.Is(translate(err), models.ErrConflict) {
			return models.ErrIdempotencyInFlight
		}
		return fmt.Errorf("claim idempotent request: %w", translate(err))
	}
	return nil
}

// write runs fn in a transaction of its own; the request's first write
// claims the key in it.
func (u *unit) write(ctx context.Context, s *Store, fn func(tx *sql.Tx) error) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ended {
		return errors.New("sqlite: a write after its request ended")
	}
	if u.claimed {
		return s.transact(ctx, fn)
	}
	err := s.transact(ctx, func(tx *sql.Tx) error {
		if err := u.claim(ctx, tx, ""); err != nil {
			return err
		}
		return fn(tx)
	})
	if err == nil {
		u.claimed = true
	}
	return err
}
