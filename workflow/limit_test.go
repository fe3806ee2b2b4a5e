package workflow

import (
	"testing"
	"time"

	"skillbook/clock"
)

func TestLimiter(t *testing.T) {
	t.Parallel()
	type step struct {
		advance    time.Duration
		key        string
		ok         bool
		retryAfter time.Duration
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"the burst, then a wait of one period", []step{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
			{0, "a", false, time.Minute},
			{20 * time.Second, "a", false, 40 * time.Second},
			{40 * time.Second, "a", true, 0},
			{0, "a", false, time.Minute},
		}},
		{"each key has its own bucket", []step{
			{0, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0}, {0, "a", false, time.Minute},
			{0, "b", true, 0},
		}},
		{"a bucket refills to the burst, no more", []step{
			{0, "a", true, 0}, {time.Hour, "a", true, 0}, {0, "a", true, 0}, {0, "a", true, 0},
			{0, "a", false, time.Minute},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
			l := newLimiter(clk, 3, time.Minute)
			for i, s := range tt.steps {
				clk.Advance(s.advance)
				ok, after := l.allow(s.key)
				if ok != s.ok || after != s.retryAfter {
					t.Fatalf("step %d: allow(%q) = %v, %v; want %v, %v", i, s.key, ok, after, s.ok, s.retryAfter)
				}
			}
		})
	}
}

func TestLimiterForgetsFullBuckets(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	l := newLimiter(clk, 1, time.Second)
	for i := range limiterKeys {
		l.allow(string(rune(i)))
	}
	clk.Advance(time.Second)
	l.allow("new")
	if n := len(l.buckets); n != 1 {
		t.Fatalf("buckets after every old one refilled = %d; want only the new one", n)
	}
}
