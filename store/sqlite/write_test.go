package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"runtime"
	"skillbook/models"
	"testing"
	"time"
)

// TestAWriteWhoseDeadlinePassedNeverTakesTheWriter: a request that ran
// out of time (or was cancelled) before its write gets its context's error
// and never runs its transaction; the writer stays free for the next.
func TestAWriteWhoseDeadlinePassedNeverTakesTheWriter(t *testing.T) {
	t.Parallel()
	s, _ := openTest(t)
	expired, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	for name, ctx := range map[string]context.Context{"deadline passed": expired, "cancelled": cancelled} {
		ran := false
		err := s.write(ctx, func(*sql.Tx) error { ran = true; return nil })
		if ran || !errors.Is(err, ctx.Err()) {
			t.Errorf("%s: write ran = %v, err = %v; want not run, %v", name, ran, err, ctx.Err())
		}
	}
	ran := false
	if err := s.write(context.Background(), func(*sql.Tx) error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("write after the refused ones = %v (ran %v); want it run", err, ran)
	}
}

// TestWriterBatchesKeepEachWriteApart: writes queued together commit in
// one transaction, yet each stands alone — one failing (or panicking)
// undoes only itself, and one whose context ends while queued never runs.
func TestWriterBatchesKeepEachWriteApart(t *testing.T) {
	t.Parallel()
	s, _ := openTest(t)
	ctx := context.Background()
	insert := func(id string) func(tx *sql.Tx) error {
		return func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO programs (id, name, created_at, doc) VALUES (?, ?, 0, '{}')`, id, id)
			return translate(err)
		}
	}
	count := func(id string) int {
		var n int
		if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM programs WHERE id = ?`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Hold the writer with a first write so the others queue behind it
	// and go into one batch.
	release := make(chan struct{})
	started := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- s.write(ctx, func(tx *sql.Tx) error {
			close(started)
			<-release
			return insert("p0")(tx)
		})
	}()
	<-started
	queuedCtx, cancelQueued := context.WithCancel(ctx)
	type outcome struct {
		name string
		err  error
	}
	results := make(chan outcome, 5)
	writes := map[string]func(tx *sql.Tx) error{
		"ok-1":      insert("p1"),
		"duplicate": func(tx *sql.Tx) error { _ = insert("p2")(tx); return insert("p2")(tx) },
		"panics":    func(tx *sql.Tx) error { _ = insert("p3")(tx); panic("a bug") },
		"ok-2":      insert("p4"),
	}
	for name, fn := range writes {
		go func() { results <- outcome{name, s.write(ctx, fn)} }()
	}
	go func() { results <- outcome{"cancelled", s.write(queuedCtx, insert("p5"))} }()
	// Let them all queue (with the first: 6 waiting), then cancel one and
	// free the writer.
	for s.queued() < 6 {
		runtime.Gosched()
	}
	cancelQueued()
	close(release)
	if err := <-first; err != nil {
		t.Fatalf("the first write = %v", err)
	}
	got := map[string]error{}
	for range 5 {
		o := <-results
		got[o.name] = o.err
	}
	if got["ok-1"] != nil || got["ok-2"] != nil {
		t.Errorf("the good writes = %v, %v; want both committed", got["ok-1"], got["ok-2"])
	}
	if !errors.Is(got["duplicate"], models.ErrConflict) || got["panics"] == nil || !errors.Is(got["cancelled"], context.Canceled) {
		t.Errorf("duplicate = %v, panics = %v, cancelled = %v; want a conflict, an error, the context's error", got["duplicate"], got["panics"], got["cancelled"])
	}
	for id, want := range map[string]int{"p0": 1, "p1": 1, "p2": 0, "p3": 0, "p4": 1, "p5": 0} {
		if n := count(id); n != want {
			t.Errorf("program %s stored %d times; want %d", id, n, want)
		}
	}
}
