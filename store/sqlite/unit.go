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
	if a, ok := s.unrecorded.get(key); ok {
		if a.fingerprint != fingerprint {
			return nil, nil, models.ErrIdempotencyMismatch
		}
		stored := new(models.StoredResponse)
		if err := decode(a.response, stored); err != nil {
			return nil, nil, err
		}
		return ctx, stored, nil
	}
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
	case resp == nil:
		return s.transact(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE id = ? AND done = 0`, u.key)
			return translate(err)
		})
	}
	a := answer{key: u.key, fingerprint: u.fingerprint, response: doc, claimed: u.claimed, now: u.now, lease: u.lease}
	err := s.transact(ctx, a.record)
	if err != nil && !errors.Is(err, models.ErrIdempotencyInFlight) {
		// The database cannot take the answer now (a full disk, say): a
		// retry in this process is answered from memory meanwhile.
		s.unrecorded.put(s, a)
	}
	return err
}

// An answer is a request's response as a retry is given it, with what
// recording it needs.
type answer struct {
	key, fingerprint, response string
	// claimed says the key's record exists (the request wrote); otherwise
	// recording inserts it.
	claimed bool
	now     time.Time
	lease   time.Duration
}

// record stores the answer in tx.
func (a answer) record(tx *sql.Tx) error {
	ctx := context.Background()
	if !a.claimed {
		u := unit{key: a.key, fingerprint: a.fingerprint, now: a.now, lease: a.lease}
		return u.claim(ctx, tx, a.response)
	}
	_, err := tx.ExecContext(ctx, `UPDATE idempotency SET done = 1, response = ?, lease_until = 0 WHERE id = ?`, a.response, a.key)
	return translate(err)
}

// unrecordedAnswers holds the answers the database could not take when
// their requests ended, so that a retry is replayed rather than told the
// request was applied with its answer lost; one goroutine records them
// once the database takes writes again. A process that stops first loses
// them: its retries are then told the request was applied.
type unrecordedAnswers struct {
	mu       sync.Mutex
	answers  map[string]answer
	flushing bool
}

func (r *unrecordedAnswers) get(key string) (answer, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.answers[key]
	return a, ok
}

// put keeps a and starts the goroutine that records it.
func (r *unrecordedAnswers) put(s *Store, a answer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.answers == nil {
		r.answers = map[string]answer{}
	}
	r.answers[a.key] = a
	if !r.flushing {
		r.flushing = true
		go r.flush(s)
	}
}

// flushRetry is how often unrecorded answers are tried again.
const flushRetry = time.Second

// flush records the unrecorded answers, trying again every flushRetry
// until none is left or the store closes.
func (r *unrecordedAnswers) flush(s *Store) {
	t := time.NewTicker(flushRetry)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-s.closing:
			return
		}
		if r.record(s) {
			return
		}
	}
}

// record tries to record each answer held, dropping those recorded, and
// says whether none is left (the flushing goroutine then ends).
func (r *unrecordedAnswers) record(s *Store) (none bool) {
	r.mu.Lock()
	pending := make([]answer, 0, len(r.answers))
	for _, a := range r.answers {
		pending = append(pending, a)
	}
	r.mu.Unlock()
	for _, a := range pending {
		err := s.transact(context.Background(), a.record)
		if err != nil && !errors.Is(err, models.ErrIdempotencyInFlight) {
			s.log.Warn("record an idempotent answer: will try again", "error", err)
			break
		}
		r.mu.Lock()
		delete(r.answers, a.key)
		r.mu.Unlock()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.answers) == 0 {
		r.flushing = false
		return true
	}
	return false
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
