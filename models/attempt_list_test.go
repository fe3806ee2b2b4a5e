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
