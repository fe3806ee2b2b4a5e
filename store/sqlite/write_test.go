package sqlite

import (
	"context"
	"database/sql"
	"errors"
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
