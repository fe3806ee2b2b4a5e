package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"skillbook/models"
)

// TestRequestUnitClaimsTheKeyWithTheChange checks a request's unit: the
// key is claimed in the transaction of the first write, so a run racing it
// changes nothing; the answer is replayed once recorded; a run that died
// after its change is reported as applied; a request that wrote nothing
// still leaves its answer for retries.
func TestRequestUnitClaimsTheKeyWithTheChange(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	const lease = 20 * time.Second
	count := func(id string) int {
		t.Helper()
		var n int
		if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM programs WHERE id = ?`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	insert := func(ctx context.Context, id string) error {
		return s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO programs (id, name, created_at, doc) VALUES (?, ?, 0, '{}')`, id, id)
			return translate(err)
		})
	}
	begin := func(key, fingerprint string) context.Context {
		t.Helper()
		uctx, stored, err := s.BeginRequest(ctx, key, fingerprint, clk.Now(), lease)
		if err != nil || stored != nil {
			t.Fatalf("BeginRequest(%s) = %v, %v; want a fresh run", key, stored, err)
		}
		return uctx
	}
	resp := &models.StoredResponse{Status: 201, Header: map[string]string{"Content-Type": "application/json"}, Body: []byte(`{"id":"p1"}`)}

	// Two runs of k1 both start; the first to write claims the key with
	// its change, the other's write changes nothing.
	first, second := begin("k1", "f1"), begin("k1", "f1")
	if err := insert(first, "p1"); err != nil {
		t.Fatal(err)
	}
	if err := insert(second, "p2"); !errors.Is(err, models.ErrIdempotencyInFlight) {
		t.Fatalf("the racing run's write = %v; want the key in flight", err)
	}
	if count("p1") != 1 || count("p2") != 0 {
		t.Fatalf("after the race: p1 %d, p2 %d; want 1, 0", count("p1"), count("p2"))
	}
	if _, _, err := s.BeginRequest(ctx, "k1", "f1", clk.Now(), lease); !errors.Is(err, models.ErrIdempotencyInFlight) {
		t.Fatalf("a retry while the first run holds the key = %v; want in flight", err)
	}
	// A later write of the same request is its own transaction.
	if err := insert(first, "p3"); err != nil || count("p3") != 1 {
		t.Fatalf("a second write of the run = %v", err)
	}
	if err := s.EndRequest(first, resp); err != nil {
		t.Fatal(err)
	}
	if err := s.EndRequest(second, nil); err != nil {
		t.Fatal(err)
	}
	if _, stored, err := s.BeginRequest(ctx, "k1", "f1", clk.Now(), lease); err != nil || stored == nil || string(stored.Body) != `{"id":"p1"}` {
		t.Fatalf("a retry = %+v, %v; want the stored response", stored, err)
	}
	if _, _, err := s.BeginRequest(ctx, "k1", "other body", clk.Now(), lease); !errors.Is(err, models.ErrIdempotencyMismatch) {
		t.Fatalf("the key with another body = %v; want a mismatch", err)
	}
	if err := insert(first, "p4"); err == nil {
		t.Fatal("a write after its request ended was accepted")
	}

	// Released (a 5xx): the key is free again.
	u := begin("k2", "f2")
	if err := insert(u, "p5"); err != nil {
		t.Fatal(err)
	}
	if err := s.EndRequest(u, nil); err != nil {
		t.Fatal(err)
	}
	begin("k2", "f2")

	// A run that died after its change: once its lease is over, a retry
	// is told the request was applied, and does nothing.
	u = begin("k3", "f3")
	if err := insert(u, "p6"); err != nil {
		t.Fatal(err)
	}
	clk.Advance(lease + time.Second)
	if _, _, err := s.BeginRequest(ctx, "k3", "f3", clk.Now(), lease); !errors.Is(err, models.ErrIdempotencyApplied) {
		t.Fatalf("a retry after the run died = %v; want applied", err)
	}

	// No writes: the answer is kept all the same; after a day the key is
	// forgotten.
	u = begin("k4", "f4")
	refused := &models.StoredResponse{Status: 422, Body: []byte(`{"type":"/problems/validation-failed"}`)}
	if err := s.EndRequest(u, refused); err != nil {
		t.Fatal(err)
	}
	if _, stored, err := s.BeginRequest(ctx, "k4", "f4", clk.Now(), lease); err != nil || stored == nil || stored.Status != 422 {
		t.Fatalf("a retry of a refused request = %+v, %v; want the 422", stored, err)
	}
	clk.Advance(models.IdempotencyTTL + time.Minute)
	begin("k4", "f4")
}

// TestRequestUnitKeepsAnAnswerTheDatabaseRefused checks that an answer the
// database cannot take when its request ends (a full disk, say) is
// replayed to a retry meanwhile, and recorded once writes succeed again.
func TestRequestUnitKeepsAnAnswerTheDatabaseRefused(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	refuse := func(on bool) {
		t.Helper()
		stmt := `DROP TRIGGER refuse_answers`
		if on {
			stmt = `CREATE TRIGGER refuse_answers BEFORE UPDATE ON idempotency WHEN NEW.done = 1 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`
		}
		if err := s.write(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, stmt); return err }); err != nil {
			t.Fatal(err)
		}
	}
	uctx, _, err := s.BeginRequest(ctx, "k", "f", clk.Now(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.write(uctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(uctx, `INSERT INTO programs (id, name, created_at, doc) VALUES ('p', 'p', 0, '{}')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	refuse(true)
	resp := &models.StoredResponse{Status: 201, Body: []byte(`{"id":"p"}`)}
	if err := s.EndRequest(uctx, resp); err == nil {
		t.Fatal("EndRequest recorded the answer through a trigger refusing it")
	}
	replayed := func() bool {
		t.Helper()
		_, stored, err := s.BeginRequest(ctx, "k", "f", clk.Now(), time.Minute)
		if err != nil || stored == nil || string(stored.Body) != `{"id":"p"}` {
			t.Fatalf("a retry = %+v, %v; want the answer replayed", stored, err)
		}
		_, _, err = s.BeginRequest(ctx, "k", "another body", clk.Now(), time.Minute)
		if !errors.Is(err, models.ErrIdempotencyMismatch) {
			t.Fatalf("the key with another body = %v; want a mismatch", err)
		}
		return true
	}
	replayed()
	if s.unrecorded.record(s) {
		t.Fatal("the answer was recorded while the database refused it")
	}
	replayed()
	refuse(false)
	if !s.unrecorded.record(s) {
		t.Fatal("answers are still held once the database takes writes again")
	}
	var done bool
	if err := s.reader.QueryRowContext(ctx, `SELECT done FROM idempotency WHERE id = 'k'`).Scan(&done); err != nil || !done {
		t.Fatalf("the key's record: done %v, %v; want the answer recorded", done, err)
	}
	replayed()
}
