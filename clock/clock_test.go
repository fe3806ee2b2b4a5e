package clock

import (
	"testing"
	"time"
)

func TestFakeMovesOnlyWhenTold(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	f := NewFake(start)
	if got := f.Now(); !got.Equal(start) {
		t.Fatalf("Now() = %v; want %v", got, start)
	}
	f.Advance(90 * time.Second)
	if got, want := f.Now(), start.Add(90*time.Second); !got.Equal(want) {
		t.Fatalf("after Advance, Now() = %v; want %v", got, want)
	}
	later := start.Add(48 * time.Hour)
	f.Set(later)
	if got := f.Now(); !got.Equal(later) {
		t.Fatalf("after Set, Now() = %v; want %v", got, later)
	}
}

func TestSystemIsWallClock(t *testing.T) {
	before := time.Now()
	got := System{}.Now()
	if got.Before(before) || got.Sub(before) > time.Minute {
		t.Fatalf("System{}.Now() = %v; want about %v", got, before)
	}
}
