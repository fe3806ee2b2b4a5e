package models

import (
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzPracticumEntry: whatever a client sends as hours, date and text,
// validation answers without panicking, and what it accepts is loggable:
// quarter hours within a day, a real date, single-line UTF-8 text.
func FuzzPracticumEntry(f *testing.F) {
	f.Add("2026-03-01", 7.5, "Valley Clinic", "Pat Preceptor", "RN", "note")
	f.Add("2026-02-30", -1.0, "", "\u202e", "\n", "\r\n")
	f.Add("9999-99-99", 24.0000001, "x\x00y", "Pat", "", "")
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, date string, hours float64, site, preceptor, credential, note string) {
		p := PracticumEntry{Date: date, Hours: hours, Site: site, Preceptor: preceptor, PreceptorCredential: credential, Note: note}
		if err := p.ValidateNew(now); err != nil {
			return
		}
		if !ValidHours(p.Hours) || p.Hours <= 0 || p.Hours > MaxPracticumHours {
			t.Fatalf("accepted %v hours", p.Hours)
		}
		if _, err := time.Parse(DateLayout, p.Date); err != nil || p.Date > LatestDate(now) {
			t.Fatalf("accepted date %q", p.Date)
		}
		for _, s := range []string{p.Site, p.Preceptor, p.PreceptorCredential} {
			if _, problem := CleanText("f", s, Line); problem != nil || !utf8.ValidString(s) {
				t.Fatalf("accepted text %q: %v", s, problem)
			}
		}
	})
}

// FuzzTimeZone: any name a client sends as a time zone is checked without
// panicking, and one accepted always resolves.
func FuzzTimeZone(f *testing.F) {
	for _, s := range []string{"America/Chicago", "UTC", "Local", "../../etc/passwd", "", "Etc/GMT+5", "America/Nowhere"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if !ValidTimeZone(name) {
			return
		}
		if _, err := time.LoadLocation(name); err != nil || name == "Local" {
			t.Fatalf("accepted %q: %v", name, err)
		}
		if (Program{TimeZone: name}).Location() == nil {
			t.Fatalf("Location(%q) = nil", name)
		}
	})
}
