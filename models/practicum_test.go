package models

import (
	"strings"
	"testing"
	"time"
)

func TestPracticumEntryValidateNew(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	valid := func() PracticumEntry {
		return PracticumEntry{Date: "2026-03-10", Hours: 7.5, Site: "Valley Clinic", Preceptor: "Pat Preceptor", PreceptorCredential: "RN"}
	}
	tests := []struct {
		name   string
		change func(p *PracticumEntry)
		field  string // "" for valid
	}{
		{"valid", func(*PracticumEntry) {}, ""},
		{"client UUIDv7", func(p *PracticumEntry) { p.ID = "0195f0a8-1c2b-7d3e-8f40-123456789abc" }, ""},
		{"a quarter hour", func(p *PracticumEntry) { p.Hours = 0.25 }, ""},
		{"a whole day", func(p *PracticumEntry) { p.Hours = 24 }, ""},
		{"uuid v4", func(p *PracticumEntry) { p.ID = "6ba7b810-9dad-41d1-80b4-00c04fd430c8" }, "body.id"},
		{"no hours", func(p *PracticumEntry) { p.Hours = 0 }, "body.hours"},
		{"negative hours", func(p *PracticumEntry) { p.Hours = -4 }, "body.hours"},
		{"more than a day", func(p *PracticumEntry) { p.Hours = 24.25 }, "body.hours"},
		{"not in quarter hours", func(p *PracticumEntry) { p.Hours = 7.1 }, "body.hours"},
		{"future", func(p *PracticumEntry) { p.Date = "2026-03-12" }, "body.date"},
		{"not a date", func(p *PracticumEntry) { p.Date = "10/03/2026" }, "body.date"},
		{"too old", func(p *PracticumEntry) { p.Date = "1999-12-31" }, "body.date"},
		{"no site", func(p *PracticumEntry) { p.Site = "" }, "body.site"},
		{"no preceptor", func(p *PracticumEntry) { p.Preceptor = "" }, "body.preceptor"},
		{"a line break in the site", func(p *PracticumEntry) { p.Site = "Valley\nClinic" }, "body.site"},
		{"a bidi override in the preceptor", func(p *PracticumEntry) { p.Preceptor = "Pat\u202eRN" }, "body.preceptor"},
		{"long credential", func(p *PracticumEntry) { p.PreceptorCredential = strings.Repeat("x", 101) }, "body.preceptorCredential"},
		{"long note", func(p *PracticumEntry) { p.Note = strings.Repeat("x", 1001) }, "body.note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := valid()
			tt.change(&p)
			err := p.ValidateNew(now)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("ValidateNew(%+v) = %v; want nil", p, err)
				}
				return
			}
			if !hasField(err, tt.field) {
				t.Fatalf("ValidateNew(%+v) = %v; want a problem with %s", p, err, tt.field)
			}
		})
	}
	// Text is stored in NFC.
	p := valid()
	p.Site = "Cafe\u0301 Clinic"
	if err := p.ValidateNew(now); err != nil || p.Site != "Caf\u00e9 Clinic" {
		t.Errorf("ValidateNew site = %q, %v; want NFC", p.Site, err)
	}
}

// hasField reports whether err is a ValidationError naming field.
func hasField(err error, field string) bool {
	v, ok := err.(*ValidationError)
	if !ok {
		return false
	}
	for _, p := range v.Problems {
		if p.Field == field {
			return true
		}
	}
	return false
}

func TestPracticumDecide(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	p := PracticumEntry{ID: "h1", Status: ProcedurePending, Version: 1}
	ivy := User{ID: "ivy", Name: "Ivy", Credential: "CMA (AAMA)"}
	got, err := p.Decide(ivy, ProcedureConfirmed, "Signed sheet seen", now)
	if err != nil || got.Status != ProcedureConfirmed || got.Version != 2 || got.Review == nil ||
		got.Review.ReviewerCredential != "CMA (AAMA)" || got.Review.Comment != "Signed sheet seen" || !got.UpdatedAt.Equal(now) {
		t.Fatalf("Decide = %+v, %v; want confirmed by Ivy at version 2", got, err)
	}
	if _, err := got.Decide(ivy, ProcedureRejected, "no", now); err == nil {
		t.Errorf("Decide(already confirmed) = nil; want a conflict")
	}
}

func TestPracticumProgressOf(t *testing.T) {
	tests := []struct {
		name     string
		sites    map[string]HoursCount
		required int
		want     float64
		met      bool
	}{
		{"nothing logged", nil, 160, 0, false},
		{"pending hours do not count", map[string]HoursCount{"A": {Confirmed: 100, Pending: 60}}, 160, 100, false},
		{"met across sites", map[string]HoursCount{"A": {Confirmed: 100}, "B": {Confirmed: 60, Rejected: 8}}, 160, 160, true},
		{"a program's own requirement", map[string]HoursCount{"A": {Confirmed: 120.75}}, 120, 120.75, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PracticumProgressOf(tt.sites, tt.required)
			if got.Confirmed != tt.want || got.Met != tt.met || got.Required != float64(tt.required) || len(got.Sites) != len(tt.sites) {
				t.Errorf("PracticumProgressOf = %+v; want %v confirmed of %d, met %v", got, tt.want, tt.required, tt.met)
			}
		})
	}
}

func TestCanReviewPracticum(t *testing.T) {
	student := User{ID: "s", ProgramID: "p1", Role: RoleStudent, CohortIDs: []string{"c1"}, Active: true}
	tests := []struct {
		name   string
		caller User
		want   bool
	}{
		{"their instructor", User{ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c1"}, Active: true}, true},
		{"another cohort's instructor", User{ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c2"}, Active: true}, false},
		{"the program's admin", User{ProgramID: "p1", Role: RoleAdmin, Active: true}, true},
		{"a deactivated admin", User{ProgramID: "p1", Role: RoleAdmin}, false},
		{"another program's admin", User{ProgramID: "p2", Role: RoleAdmin, Active: true}, false},
		{"the student", student, false},
	}
	for _, tt := range tests {
		if got := CanReviewPracticum(tt.caller, student); got != tt.want {
			t.Errorf("CanReviewPracticum(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestProcedureSuccess(t *testing.T) {
	no, yes := false, true
	tests := []struct {
		name string
		p    Procedure
		want bool
	}{
		{"logged before success was recorded", Procedure{}, true},
		{"successful", Procedure{Successful: &yes}, true},
		{"not successful", Procedure{Successful: &no}, false},
	}
	for _, tt := range tests {
		if got := tt.p.Success(); got != tt.want {
			t.Errorf("Success(%s) = %v; want %v", tt.name, got, tt.want)
		}
		if got := tt.p.WithSuccess(); got.Successful == nil || *got.Successful != tt.want {
			t.Errorf("WithSuccess(%s).Successful = %v; want %v", tt.name, got.Successful, tt.want)
		}
	}
	var c ProcedureCount
	c.Add(ProcedureConfirmed, true, 3)
	c.Add(ProcedureConfirmed, false, 2)
	c.Add(ProcedurePending, true, 1)
	c.Add(ProcedureRejected, false, 4)
	if want := (ProcedureCount{Confirmed: 5, Successful: 3, Pending: 1, Rejected: 4}); c != want {
		t.Errorf("counts = %+v; want %+v", c, want)
	}
}
