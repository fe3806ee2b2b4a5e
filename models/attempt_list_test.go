package models

import (
	"testing"
	"time"
)

func TestAttemptDates(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(DateLayout, s); return d }
	tests := []struct {
		from, to   string
		start, end time.Time
		bad        string
	}{
		{"", "", time.Time{}, time.Time{}, ""},
		{"2026-03-01", "", day("2026-03-01"), time.Time{}, ""},
		{"", "2026-03-31", time.Time{}, day("2026-04-01"), ""},
		{"2026-03-01", "2026-03-01", day("2026-03-01"), day("2026-03-02"), ""},
		{"2026-03-02", "2026-03-01", time.Time{}, time.Time{}, "to"},
		{"March", "", time.Time{}, time.Time{}, "from"},
		{"2026-3-1", "", time.Time{}, time.Time{}, "from"},
		{"", "2026-02-30", time.Time{}, time.Time{}, "to"},
	}
	for _, tt := range tests {
		start, end, err := AttemptDates(tt.from, tt.to)
		if tt.bad != "" {
			v, ok := err.(*ValidationError)
			if !ok || len(v.Problems) != 1 || v.Problems[0].Field != tt.bad {
				t.Errorf("AttemptDates(%q, %q) = %v; want a problem of %s", tt.from, tt.to, err, tt.bad)
			}
			continue
		}
		if err != nil || !start.Equal(tt.start) || !end.Equal(tt.end) {
			t.Errorf("AttemptDates(%q, %q) = %v, %v, %v; want %v, %v", tt.from, tt.to, start, end, err, tt.start, tt.end)
		}
	}
}

func FuzzAttemptDates(f *testing.F) {
	for _, s := range [][2]string{{"2026-03-01", "2026-03-31"}, {"", ""}, {"2026-02-30", ""}, {"x", "2026-01-01"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		start, end, err := AttemptDates(from, to)
		if err != nil {
			if _, ok := err.(*ValidationError); !ok {
				t.Fatalf("AttemptDates(%q, %q) = %v; want a ValidationError", from, to, err)
			}
			return
		}
		// An accepted window is whole UTC days, and never empty.
		for _, b := range []time.Time{start, end} {
			if !b.IsZero() && (b.Location() != time.UTC || b.Hour() != 0 || b.Minute() != 0 || b.Second() != 0 || b.Nanosecond() != 0) {
				t.Fatalf("AttemptDates(%q, %q) bound %v; want a UTC midnight", from, to, b)
			}
		}
		if !start.IsZero() && !end.IsZero() && !end.After(start) {
			t.Fatalf("AttemptDates(%q, %q) = [%v, %v); want a non-empty window", from, to, start, end)
		}
	})
}
