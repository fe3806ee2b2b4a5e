package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"skillbook/models"
)

// TestRequestUnitCommitsWritesWithTheKey checks a request's unit: its
// writes are invisible until it ends, commit with the key's record, or
// vanish with a rollback; a second run of the key finds it taken; a
// request that wrote nothing still leaves its answer for retries.
func TestRequestUnitCommitsWritesWithTheKey(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
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
	resp := &models.StoredResponse{Status: 201, Header: map[string]string{"Content-Type": "application/json"}, Body: []byte(`{"id":"p1"}`)}

	// Committed: two writes, a failed one between them undone alone.
	uctx, stored, err := s.BeginRequest(ctx, "k1", "f1", clk.Now())
	if err != nil || stored != nil {
		t.Fatalf("BeginRequest(new key) = %v, %v", stored, err)
	}
	if err := insert(uctx, "p1"); err != nil {
		t.Fatal(err)
	}
	if err := insert(uctx, "p1"); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("a duplicate in the unit = %v; want a conflict", err)
	}
	if err := insert(uctx, "p2"); err != nil {
		t.Fatal(err)
	}
	if count("p1") != 0 {
		t.Fatal("a unit's write is visible before the unit ends")
	}
	// A retry racing the first run: it reads no record yet, and its first
	// write waits for the writer, then finds the key taken.
	rctx, _, err := s.BeginRequest(ctx, "k1", "f1", clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	raced := make(chan error, 1)
	go func() { raced <- insert(rctx, "p3") }()
	if err := s.EndRequest(uctx, resp); err != nil {
		t.Fatalf("EndRequest = %v", err)
	}
	if err := <-raced; !errors.Is(err, models.ErrIdempotencyInFlight) {
		t.Fatalf("the racing run's write = %v; want the key in flight", err)
	}
	if err := s.EndRequest(rctx, nil); err != nil {
		t.Fatal(err)
	}
	if count("p1") != 1 || count("p2") != 1 || count("p3") != 0 {
		t.Fatalf("after the end: p1 %d, p2 %d, p3 %d; want 1, 1, 0", count("p1"), count("p2"), count("p3"))
	}
	if _, stored, err := s.BeginRequest(ctx, "k1", "f1", clk.Now()); err != nil || stored == nil || string(stored.Body) != `{"id":"p1"}` {
		t.Fatalf("a retry = %+v, %v; want the stored response", stored, err)
	}
	if _, _, err := s.BeginRequest(ctx, "k1", "other body", clk.Now()); !errors.Is(err, models.ErrIdempotencyMismatch) {
		t.Fatalf("the key with another body = %v; want a mismatch", err)
	}

	// Rolled back: nothing stays, and the key is free.
	uctx, _, err = s.BeginRequest(ctx, "k2", "f2", clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := insert(uctx, "p4"); err != nil {
		t.Fatal(err)
	}
	if err := s.EndRequest(uctx, nil); err != nil {
		t.Fatal(err)
	}
	if count("p4") != 0 {
		t.Fatal("a rolled back unit's write stayed")
	}
	if err := insert(uctx, "p5"); err == nil {
		t.Fatal("a write after its unit ended was accepted")
	}
	if _, stored, err := s.BeginRequest(ctx, "k2", "f2", clk.Now()); err != nil || stored != nil {
		t.Fatalf("the key of a rolled back unit = %+v, %v; want it free", stored, err)
	}

	// No writes: the answer is kept all the same; and after a day the key
	// is forgotten.
	uctx, _, err = s.BeginRequest(ctx, "k3", "f3", clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	refused := &models.StoredResponse{Status: 422, Body: []byte(`{"type":"/problems/validation-failed"}`)}
	if err := s.EndRequest(uctx, refused); err != nil {
		t.Fatal(err)
	}
	if _, stored, err := s.BeginRequest(ctx, "k3", "f3", clk.Now()); err != nil || stored == nil || stored.Status != 422 {
		t.Fatalf("a retry of a refused request = %+v, %v; want the 422", stored, err)
	}
	clk.Advance(models.IdempotencyTTL + time.Minute)
	if _, stored, err := s.BeginRequest(ctx, "k3", "f3", clk.Now()); err != nil || stored != nil {
		t.Fatalf("an expired key = %+v, %v; want it free", stored, err)
	}
}
