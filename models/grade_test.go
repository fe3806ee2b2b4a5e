package models

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func gradeChecklist() *Checklist {
	return &Checklist{ID: "bp-manual", Version: 2, Steps: []Step{
		{ID: "hand-hygiene", Text: "Perform hand hygiene.", Critical: true},
		{ID: "cuff", Text: "Place the cuff.", MayNotApply: true},
		{ID: "inflate", Text: "Inflate.", MayNotApply: true},
		{ID: "record", Text: "Record the reading."},
	}}
}

func TestGrade(t *testing.T) {
	pass := func(id string) StepGrade { return StepGrade{StepID: id, Result: StepPass} }
	fail := func(id string) StepGrade { return StepGrade{StepID: id, Result: StepFail, Comment: "Missed"} }
	na := func(id string) StepGrade { return StepGrade{StepID: id, Result: StepNA, Comment: "Did not apply"} }
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
		{name: "nothing applicable", steps: []StepGrade{na("hand-hygiene"), na("cuff"), na("inflate"), na("record")}, problems: []string{"steps[0].result", "steps[3].result"}},
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

// TestGradeStepCells grades one step of each kind (plain, may not apply,
// critical) with each result, with and without a comment, the other steps
// passed: every cell of the rule.
func TestGradeStepCells(t *testing.T) {
	c := &Checklist{ID: "eye-drops", Version: 2, Steps: []Step{
		{ID: "identify", Text: "Identify the patient.", Critical: true},
		{ID: "glasses", Text: "Remove the patient's glasses.", MayNotApply: true},
		{ID: "position", Text: "Tilt the head back."},
		{ID: "record", Text: "Record the medication."},
	}}
	g := Grading{MinScore: 75}
	const note = "Checked with the instructor"
	tests := []struct {
		step     string
		result   StepResult
		comment  string
		score    int
		outcome  Outcome
		critical []string
		problem  string // the field of the one ValidationError problem
		message  string // a part of its message
	}{
		{step: "position", result: StepPass, score: 100, outcome: OutcomePassed},
		{step: "position", result: StepPass, comment: note, score: 100, outcome: OutcomePassed},
		{step: "position", result: StepFail, problem: "steps[2].comment", message: "is required when a step fails"},
		{step: "position", result: StepFail, comment: note, score: 75, outcome: OutcomePassed},
		{step: "position", result: StepNA, problem: "steps[2].result", message: `step "position" always applies on eye-drops version 2`},
		{step: "position", result: StepNA, comment: note, problem: "steps[2].result", message: `step "position" always applies`},

		{step: "glasses", result: StepPass, score: 100, outcome: OutcomePassed},
		{step: "glasses", result: StepPass, comment: note, score: 100, outcome: OutcomePassed},
		{step: "glasses", result: StepFail, problem: "steps[1].comment", message: "is required when a step fails"},
		{step: "glasses", result: StepFail, comment: note, score: 75, outcome: OutcomePassed},
		{step: "glasses", result: StepNA, problem: "steps[1].comment", message: `is required when step "glasses" is not applicable`},
		{step: "glasses", result: StepNA, comment: note, score: 100, outcome: OutcomePassed},

		{step: "identify", result: StepPass, score: 100, outcome: OutcomePassed},
		{step: "identify", result: StepPass, comment: note, score: 100, outcome: OutcomePassed},
		{step: "identify", result: StepFail, problem: "steps[0].comment", message: "is required when a step fails"},
		{step: "identify", result: StepFail, comment: note, score: 75, outcome: OutcomeFailed, critical: []string{"identify"}},
		{step: "identify", result: StepNA, problem: "steps[0].result", message: `step "identify" is critical and cannot be not applicable`},
		{step: "identify", result: StepNA, comment: note, problem: "steps[0].result", message: `step "identify" is critical`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s comment=%t", tt.step, tt.result, tt.comment != ""), func(t *testing.T) {
			steps := make([]StepGrade, len(c.Steps))
			for i, s := range c.Steps {
				steps[i] = StepGrade{StepID: s.ID, Result: StepPass}
				if s.ID == tt.step {
					steps[i] = StepGrade{StepID: s.ID, Result: tt.result, Comment: tt.comment}
				}
			}
			score, outcome, critical, err := Grade(c, g, steps)
			if tt.problem != "" {
				var v *ValidationError
				if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != tt.problem || !strings.Contains(v.Problems[0].Message, tt.message) {
					t.Fatalf("Grade = %v; want one problem %s: …%s…", err, tt.problem, tt.message)
				}
				return
			}
			if err != nil || score != tt.score || outcome != tt.outcome || !slices.Equal(critical, tt.critical) {
				t.Fatalf("Grade = %d, %s, %v, %v; want %d, %s, %v", score, outcome, critical, err, tt.score, tt.outcome, tt.critical)
			}
		})
	}

	// A stored checklist marking a critical step as one that may not apply
	// (Validate refuses it) still cannot have it graded not applicable.
	bad := &Checklist{ID: "bad", Version: 1, Steps: []Step{
		{ID: "identify", Text: "Identify the patient.", Critical: true, MayNotApply: true},
		{ID: "record", Text: "Record."},
	}}
	_, _, _, err := Grade(bad, g, []StepGrade{{StepID: "identify", Result: StepNA, Comment: note}, {StepID: "record", Result: StepPass}})
	var v *ValidationError
	if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "steps[0].result" {
		t.Errorf("Grade(na on a critical step marked may not apply) = %v; want a steps[0].result problem", err)
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
