package models

import (
	"errors"
	"testing"
	"time"
)

func TestValidTimeZone(t *testing.T) {
	for name, want := range map[string]bool{
		"UTC": true, "America/Chicago": true, "Pacific/Auckland": true, "Europe/London": true,
		"": false, "Local": false, "America/Nowhere": false, "CST6CDT ": false, "../etc/passwd": false, "+05:00": false,
	} {
		if got := ValidTimeZone(name); got != want {
			t.Errorf("ValidTimeZone(%q) = %v; want %v", name, got, want)
		}
	}
}

func TestSettingsPatchValidate(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name  string
		patch SettingsPatch
		field string // "" for valid
	}{
		{"time zone", SettingsPatch{TimeZone: str("America/Chicago")}, ""},
		{"practicum hours", SettingsPatch{PracticumHours: intp(180)}, ""},
		{"a policy", SettingsPatch{Policies: map[string]ChecklistPolicy{"bp-manual": {MaxAttempts: intp(2), RequiredPractice: intp(3), DistinctDays: true}}}, ""},
		{"removing a policy", SettingsPatch{Policies: map[string]ChecklistPolicy{"bp-manual": {}}}, ""},
		{"no practice required", SettingsPatch{Policies: map[string]ChecklistPolicy{"bp-manual": {RequiredPractice: intp(0)}}}, ""},
		{"unknown time zone", SettingsPatch{TimeZone: str("Mars/Olympus")}, "body.timeZone"},
		{"no practicum hours", SettingsPatch{PracticumHours: intp(0)}, "body.practicumHoursRequired"},
		{"too many practicum hours", SettingsPatch{PracticumHours: intp(5000)}, "body.practicumHoursRequired"},
		{"no attempts", SettingsPatch{Policies: map[string]ChecklistPolicy{"bp-manual": {MaxAttempts: intp(0)}}}, "body.checklistPolicies.bp-manual.maxAttempts"},
		{"too much practice", SettingsPatch{Policies: map[string]ChecklistPolicy{"bp-manual": {RequiredPractice: intp(51)}}}, "body.checklistPolicies.bp-manual.requiredPractice"},
		{"not a checklist id", SettingsPatch{Policies: map[string]ChecklistPolicy{"bp.manual$": {DistinctDays: true}}}, "body.checklistPolicies.bp.manual$"},
		{"PIN void window", SettingsPatch{PINVoidHours: intp(0)}, "body.pinVoidWindowHours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.patch.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate = %v; want nil", err)
				}
				return
			}
			if !hasField(err, tt.field) {
				t.Fatalf("Validate = %v; want a problem with %s", err, tt.field)
			}
		})
	}
}

func TestSettingsPatchApply(t *testing.T) {
	p := Program{PINVoidHours: 12, Policies: map[string]ChecklistPolicy{"bp-manual": {DistinctDays: true}, "pulse": {MaxAttempts: intp(5)}}}
	tz := "America/Chicago"
	SettingsPatch{TimeZone: &tz, PracticumHours: intp(200), Policies: map[string]ChecklistPolicy{
		"bp-manual": {}, "hand-washing": {RequiredPractice: intp(2)}}}.Apply(&p)
	if p.PINVoidHours != 12 || p.TimeZone != tz || p.PracticumHours != 200 || p.PracticumRequirement() != 200 {
		t.Errorf("Apply = %+v; want the time zone and hours set, the PIN window kept", p)
	}
	if _, ok := p.Policies["bp-manual"]; ok || p.Policies["pulse"].MaxAttempts == nil || p.Policies["hand-washing"].RequiredPractice == nil {
		t.Errorf("policies = %+v; want bp-manual removed, pulse kept, hand-washing added", p.Policies)
	}
	if (Program{}).PracticumRequirement() != DefaultPracticumHours || (Program{}).Location() != time.UTC {
		t.Errorf("a program without settings: want %d hours, UTC", DefaultPracticumHours)
	}
}

func TestGradingOf(t *testing.T) {
	p := Program{Grading: DefaultGrading, Policies: map[string]ChecklistPolicy{"bp-manual": {MaxAttempts: intp(2), RequiredPractice: intp(4)}}}
	c := Checklist{ID: "bp-manual", Grading: GradingOverride{MaxAttempts: intp(5), RequiredPractice: intp(1), MinScore: intp(90)}}
	got := p.GradingOf(&c)
	if want := (Grading{MinScore: 90, RequiredEvaluations: 1, MaxAttempts: 2, RequiredPractice: 4}); got != want {
		t.Errorf("GradingOf = %+v; want %+v (the program's policy over the checklist's values)", got, want)
	}
	other := Checklist{ID: "pulse", Grading: GradingOverride{MaxAttempts: intp(5)}}
	if got := p.GradingOf(&other); got.MaxAttempts != 5 || got.RequiredPractice != 0 {
		t.Errorf("GradingOf(no policy) = %+v; want the checklist's own", got)
	}
}

// TestRequestRefusalUnder is the request rule with a program's policy:
// the practice minimum and attempt maximum it sets, and attempts on
// different days in the program's time zone.
func TestRequestRefusalUnder(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	// 2026-03-10 20:00 CDT is 01:00 UTC on the 11th.
	now := time.Date(2026, 3, 11, 1, 0, 0, 0, time.UTC)
	earlierToday := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC) // 10:00 CDT on the 10th
	yesterday := time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)     // 22:00 CDT on the 9th
	failedAt := func(at time.Time) SkillTally {
		return SkillTally{Failed: 1, Practice: 5, LastAttemptAt: at, LastFail: &GradedAttempt{Status: StatusFailed, EvaluatedAt: at}}
	}
	g := DefaultGrading
	distinct := ChecklistPolicy{DistinctDays: true}
	tests := []struct {
		name string
		t    SkillTally
		g    Grading
		p    ChecklistPolicy
		loc  *time.Location
		code string // "" for allowed
	}{
		{"nothing yet", SkillTally{}, g, distinct, chicago, ""},
		{"failed earlier today, any day allowed", failedAt(earlierToday), g, ChecklistPolicy{}, chicago, ""},
		{"failed earlier today, different days", failedAt(earlierToday), g, distinct, chicago, "attempt-same-day"},
		{"failed yesterday in Chicago (today in UTC)", failedAt(yesterday), g, distinct, chicago, ""},
		{"today's Chicago failure read in UTC was yesterday", failedAt(earlierToday), g, distinct, time.UTC, ""},
		{"passed earlier today, a second pass required", SkillTally{Passed: 1, LastAttemptAt: earlierToday}, Grading{RequiredEvaluations: 2, MaxAttempts: 3}, distinct, chicago, "attempt-same-day"},
		{"practice minimum from the policy", SkillTally{Practice: 1}, ChecklistPolicy{RequiredPractice: intp(3)}.Apply(g), ChecklistPolicy{RequiredPractice: intp(3)}, chicago, "practice-required"},
		{"attempt maximum from the policy", SkillTally{Failed: 1, Practice: 1}, ChecklistPolicy{MaxAttempts: intp(1)}.Apply(g), ChecklistPolicy{MaxAttempts: intp(1)}, chicago, "remediation-required"},
		{"flagged before the day rule", failedAt(earlierToday), ChecklistPolicy{MaxAttempts: intp(1)}.Apply(g), ChecklistPolicy{MaxAttempts: intp(1), DistinctDays: true}, chicago, "remediation-required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.t.RequestRefusalUnder(tt.g, tt.p, "Blood pressure", now, tt.loc)
			var rule *RuleError
			switch {
			case tt.code == "" && err != nil:
				t.Fatalf("RequestRefusalUnder = %v; want allowed", err)
			case tt.code != "" && (!errors.As(err, &rule) || rule.Code != tt.code):
				t.Fatalf("RequestRefusalUnder = %v; want rule %s", err, tt.code)
			}
		})
	}
}

// TestTallyLastAttempt: the latest passed or failed evaluation is what the
// different-days rule reads; a returned request is no attempt.
func TestTallyLastAttempt(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 3, 10, h, 0, 0, 0, time.UTC) }
	s := Standing{Graded: []GradedAttempt{
		{AttemptID: "a", Status: StatusFailed, EvaluatedAt: at(9)},
		{AttemptID: "b", Status: StatusPassed, EvaluatedAt: at(11)},
		{AttemptID: "c", Status: StatusReturned, EvaluatedAt: at(13)},
	}}
	if got := s.Tally(time.Time{}).LastAttemptAt; !got.Equal(at(11)) {
		t.Errorf("LastAttemptAt = %s; want the pass at 11:00, not the returned request", got)
	}
}

// TestExportPeriodInProgramTimeZone: an export's period is in the
// program's days: an evaluation at 01:00 UTC on the 11th is on the 10th
// in Chicago.
func TestExportPeriodInProgramTimeZone(t *testing.T) {
	a := Attempt{ID: "a", Evaluation: &Evaluation{EvaluatedAt: time.Date(2026, 3, 11, 1, 0, 0, 0, time.UTC)}}
	f := ExportFilter{From: "2026-03-10", To: "2026-03-10"}
	for tz, want := range map[string]int{"": 0, "America/Chicago": 1} {
		r := ProgressRecords{Program: Program{TimeZone: tz}}
		if got := f.Apply(&r, []Attempt{a}); len(got) != want {
			t.Errorf("Apply(time zone %q) kept %d attempts; want %d", tz, len(got), want)
		}
	}
}
