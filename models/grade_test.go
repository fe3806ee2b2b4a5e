package models

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func gradeChecklist() *Checklist {
	return &Checklist{ID: "bp-manual", Version: 2, Steps: []Step{
		{ID: "hand-hygiene", Text: "Perform hand hygiene.", Critical: true},
		{ID: "cuff", Text: "Place the cuff."},
		{ID: "inflate", Text: "Inflate."},
		{ID: "record", Text: "Record the reading."},
	}}
}

func TestGrade(t *testing.T) {
	pass := func(id string) StepGrade { return StepGrade{StepID: id, Result: StepPass} }
	fail := func(id string) StepGrade { return StepGrade{StepID: id, Result: StepFail, Comment: "Missed"} }
	na := func(id string) StepGrade { return StepGrade{StepID: id, Result: StepNA} }
	g := Grading{MinScore: 75}
	tests := []struct {
		name     string
		steps    []StepGrade
		score    int
		outcome  Outcome
		critical []string
		problems []string // the fields of a ValidationError
	}{
		{name: "all pass", steps: []StepGrade{pass("hand-hygiene"), pass("cuff"), pass("inflate"), pass("record")}, score: 100, outcome: OutcomePassed},
		{name: "at the minimum passes", steps: []StepGrade{pass("hand-hygiene"), pass("cuff"), pass("inflate"), fail("record")}, score: 75, outcome: OutcomePassed},
		{name: "under the minimum fails", steps: []StepGrade{pass("hand-hygiene"), pass("cuff"), fail("inflate"), fail("record")}, score: 50, outcome: OutcomeFailed},
		{name: "na steps do not count", steps: []StepGrade{pass("hand-hygiene"), na("cuff"), na("inflate"), pass("record")}, score: 100, outcome: OutcomePassed},
		{name: "a failed critical step fails whatever the score", steps: []StepGrade{fail("hand-hygiene"), pass("cuff"), pass("inflate"), pass("record")},
			score: 75, outcome: OutcomeFailed, critical: []string{"hand-hygiene"}},
		{name: "a step left out", steps: []StepGrade{pass("hand-hygiene"), pass("cuff"), pass("inflate")}, problems: []string{"steps"}},
		{name: "an unknown step", steps: []StepGrade{pass("hand-hygiene"), pass("cuff"), pass("inflate"), pass("record"), pass("x")}, problems: []string{"steps[4].stepId"}},
		{name: "a step twice", steps: []StepGrade{pass("hand-hygiene"), pass("cuff"), pass("inflate"), pass("record"), pass("cuff")}, problems: []string{"steps[4].stepId"}},
		{name: "an unknown result", steps: []StepGrade{pass("hand-hygiene"), pass("cuff"), pass("inflate"), {StepID: "record", Result: "maybe"}},
			problems: []string{"steps[3].result", "steps"}},
		{name: "a failed step needs a comment", steps: []StepGrade{pass("hand-hygiene"), pass("cuff"), pass("inflate"), {StepID: "record", Result: StepFail}},
			problems: []string{"steps[3].comment"}},
		{name: "nothing applicable", steps: []StepGrade{na("hand-hygiene"), na("cuff"), na("inflate"), na("record")}, problems: []string{"steps"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, outcome, critical, err := Grade(gradeChecklist(), g, tt.steps)
			if tt.problems != nil {
				var v *ValidationError
				if !errors.As(err, &v) {
					t.Fatalf("Grade = %v; want problems with %v", err, tt.problems)
				}
				var fields []string
				for _, p := range v.Problems {
					fields = append(fields, p.Field)
				}
				if !slices.Equal(fields, tt.problems) {
					t.Fatalf("Grade problems = %v; want %v", v.Problems, tt.problems)
				}
				return
			}
			if err != nil || score != tt.score || outcome != tt.outcome || !slices.Equal(critical, tt.critical) {
				t.Fatalf("Grade = %d, %s, %v, %v; want %d, %s, %v", score, outcome, critical, err, tt.score, tt.outcome, tt.critical)
			}
		})
	}
}

func TestTally(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	evaluated := func(id string, s AttemptStatus, d int) Attempt {
		return Attempt{ID: id, Kind: AttemptEvaluation, Status: s, Evaluation: &Evaluation{EvaluatedAt: day(d)}}
	}
	practice := Attempt{ID: "p", Kind: AttemptPractice, Status: StatusPracticed}
	open := Attempt{ID: "open", Kind: AttemptEvaluation, Status: StatusRequested}
	tests := []struct {
		name     string
		attempts []Attempt
		reopened time.Time
		want     SkillTally // pointers compared by ID
	}{
		{name: "nothing", want: SkillTally{}},
		{name: "practice and an open request", attempts: []Attempt{practice, practice, open}, want: SkillTally{Practice: 2, Open: "open"}},
		{name: "failures and the latest of them", attempts: []Attempt{evaluated("f1", StatusFailed, 1), evaluated("f2", StatusFailed, 3), evaluated("r1", StatusReturned, 2)},
			want: SkillTally{Failed: 2, LastFail: &GradedAttempt{AttemptID: "f2"}}},
		{name: "a returned request is the latest setback but no failure", attempts: []Attempt{evaluated("f1", StatusFailed, 1), evaluated("r1", StatusReturned, 2)},
			want: SkillTally{Failed: 1, LastFail: &GradedAttempt{AttemptID: "r1"}}},
		{name: "failures before the remediation do not count", attempts: []Attempt{evaluated("f1", StatusFailed, 1), evaluated("f2", StatusFailed, 2), evaluated("f3", StatusFailed, 5)},
			reopened: day(4), want: SkillTally{Failed: 1, LastFail: &GradedAttempt{AttemptID: "f3"}}},
		{name: "passes count whenever they were", attempts: []Attempt{evaluated("s1", StatusPassed, 1), evaluated("s2", StatusPassed, 6)},
			reopened: day(4), want: SkillTally{Passed: 2, LastPass: &GradedAttempt{AttemptID: "s2"}}},
	}
	id := func(g *GradedAttempt) string {
		if g == nil {
			return ""
		}
		return g.AttemptID
	}
	for _, tt := range tests {
		got := Tally(tt.attempts, tt.reopened)
		if got.Practice != tt.want.Practice || got.Failed != tt.want.Failed || got.Passed != tt.want.Passed ||
			got.Open != tt.want.Open || id(got.LastPass) != id(tt.want.LastPass) || id(got.LastFail) != id(tt.want.LastFail) {
			t.Errorf("%s: Tally = %+v; want %+v", tt.name, got, tt.want)
		}
	}
	g := Grading{RequiredEvaluations: 2, MaxAttempts: 2}
	for _, c := range []struct {
		t                  SkillTally
		competent, flagged bool
	}{
		{SkillTally{Passed: 1}, false, false},
		{SkillTally{Passed: 2}, true, false},
		{SkillTally{Failed: 2}, false, true},
		{SkillTally{Failed: 2, Passed: 2}, true, false},
	} {
		if c.t.Competent(g) != c.competent || c.t.Flagged(g) != c.flagged {
			t.Errorf("%+v: Competent, Flagged = %v, %v; want %v, %v", c.t, c.t.Competent(g), c.t.Flagged(g), c.competent, c.flagged)
		}
	}
}
