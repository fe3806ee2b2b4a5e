package workflow

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"skillbook/models"
)

func TestCreateAttemptLogsPracticeAndRequests(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	now := evalStart.Truncate(time.Millisecond)

	practice, err := w.app.CreateAttempt(ctx, w.student, NewAttempt{ChecklistID: "bp-manual", Kind: models.AttemptPractice,
		Steps: []models.StepGrade{{StepID: "cuff", Result: models.StepPass}}, Note: "first go"})
	if err != nil {
		t.Fatal(err)
	}
	p := practice.Attempt
	if !practice.Created || p.Status != models.StatusPracticed || p.ID == "" || !p.RequestedAt.Equal(now) ||
		p.CohortID != "c1" || p.ChecklistTitle != w.checklist.Title || p.StudentName != "Ann Archer" {
		t.Fatalf("LogPractice = %+v; want a new practiced attempt stamped %v", practice, now)
	}

	w.clock.Advance(time.Hour)
	req := w.request(t, w.student)
	if req.Status != models.StatusRequested || !req.RequestedAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("request = %+v; want requested at %v", req, now.Add(time.Hour))
	}
	if got, want := w.store.eventTypes(), []models.EventType{models.EventAttemptPracticed, models.EventEvaluationRequested}; !slices.Equal(got, want) {
		t.Fatalf("events = %v; want %v", got, want)
	}
	ev := w.store.events[1]
	if ev.Actor.UserID != "ann" || ev.Actor.RequestID != "req-ann" || ev.SubjectID != req.ID || len(ev.Notify) != 1 || ev.Notify[0].UserID != "ivy" {
		t.Fatalf("request event = %+v; want ann's, telling ivy", ev)
	}
}

func TestCreateAttemptClientIDMakesRetriesSafe(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	in := NewAttempt{ID: "0190F3A2-5B1C-7D4E-8F00-112233445566", ChecklistID: "bp-manual", Kind: models.AttemptPractice}
	first, err := w.app.CreateAttempt(ctx, w.student, in)
	if err != nil || !first.Created || first.Attempt.ID != "0190f3a2-5b1c-7d4e-8f00-112233445566" {
		t.Fatalf("first CreateAttempt = %+v, %v; want created under the normalised id", first, err)
	}
	again, err := w.app.CreateAttempt(ctx, w.student, in)
	if err != nil || again.Created || again.Attempt.ID != first.Attempt.ID {
		t.Fatalf("retried CreateAttempt = %+v, %v; want the first one found", again, err)
	}
	_, err = w.app.CreateAttempt(ctx, w.student, NewAttempt{ID: "not-a-uuid", ChecklistID: "bp-manual", Kind: models.AttemptPractice})
	var v *models.ValidationError
	if !errors.As(err, &v) || v.Problems[0].Field != "body.id" {
		t.Fatalf("CreateAttempt(bad id) = %v; want a body.id problem", err)
	}
}

func TestCreateAttemptRefusals(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(tb testing.TB, w *evalWorld)
		caller func(w *evalWorld) Caller
		in     NewAttempt
		code   string // a RuleError code, or:
		is     error  // a sentinel
	}{
		{name: "instructor may not request", caller: func(w *evalWorld) Caller { return w.instructor }, is: models.ErrForbidden},
		{name: "admin may not practise", caller: func(w *evalWorld) Caller { return w.admin },
			in: NewAttempt{ChecklistID: "bp-manual", Kind: models.AttemptPractice}, is: models.ErrForbidden},
		{name: "not assigned", in: NewAttempt{ChecklistID: "venipuncture", Kind: models.AttemptEvaluation}, code: "not-assigned"},
		{name: "not enough practice", setup: func(tb testing.TB, w *evalWorld) { w.store.program.Grading.RequiredPractice = 2 }, code: "practice-required"},
		{name: "a request is waiting", setup: func(tb testing.TB, w *evalWorld) { w.request(tb, w.student) }, is: models.ErrConflict},
		{name: "already competent", setup: func(tb testing.TB, w *evalWorld) {
			a := w.request(tb, w.student)
			w.evaluate(tb, w.instructor, a, EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades(), Attest: true})
		}, code: "already-competent"},
		{name: "flagged for remediation", setup: func(tb testing.TB, w *evalWorld) {
			for range models.DefaultGrading.MaxAttempts {
				a := w.request(tb, w.student)
				w.evaluate(tb, w.instructor, a, EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades("hand-hygiene")})
			}
		}, code: "remediation-required"},
		{name: "no cohort", caller: func(w *evalWorld) Caller {
			u := w.student
			u.CohortIDs = nil
			w.store.assignments = append(w.store.assignments, models.Assignment{ProgramID: "p1", ChecklistID: "bp-manual", ChecklistVersion: 1, StudentID: u.ID})
			w.store.assignments = w.store.assignments[1:]
			return u
		}, code: "no-cohort"},
		{name: "a request carries no step marks", in: NewAttempt{ChecklistID: "bp-manual", Kind: models.AttemptEvaluation,
			Steps: []models.StepGrade{{StepID: "cuff", Result: models.StepPass}}}, code: "validation"},
		{name: "practice marks name real steps", in: NewAttempt{ChecklistID: "bp-manual", Kind: models.AttemptPractice,
			Steps: []models.StepGrade{{StepID: "nope", Result: models.StepPass}}}, code: "validation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newEvalWorld(t)
			if tt.setup != nil {
				tt.setup(t, w)
			}
			caller := w.student
			if tt.caller != nil {
				caller = tt.caller(w)
			}
			in := tt.in
			if in.ChecklistID == "" {
				in = NewAttempt{ChecklistID: "bp-manual", Kind: models.AttemptEvaluation}
			}
			_, err := w.app.CreateAttempt(context.Background(), caller, in)
			checkRefusal(t, err, tt.code, tt.is)
		})
	}
}

// checkRefusal checks err is a RuleError with code ("validation": a
// ValidationError), or is the sentinel is.
func checkRefusal(tb testing.TB, err error, code string, is error) {
	tb.Helper()
	var rule *models.RuleError
	var v *models.ValidationError
	switch {
	case err == nil:
		tb.Fatalf("err = nil; want %q %v", code, is)
	case code == "validation":
		if !errors.As(err, &v) {
			tb.Fatalf("err = %v; want a ValidationError", err)
		}
	case code != "":
		if !errors.As(err, &rule) || rule.Code != code {
			tb.Fatalf("err = %v; want rule %q", err, code)
		}
	case !errors.Is(err, is):
		tb.Fatalf("err = %v; want %v", err, is)
	}
}

func TestAttemptReadAccess(t *testing.T) {
	w := newEvalWorld(t)
	a := w.request(t, w.student)
	for _, tt := range []struct {
		who    string
		caller Caller
		ok     bool
	}{
		{"its student", w.student, true},
		{"the cohort's instructor", w.instructor, true},
		{"an admin", w.admin, true},
		{"a classmate", w.classmate, false},
		{"an instructor of another cohort", w.outsider, false},
	} {
		_, err := w.app.Attempt(context.Background(), tt.caller, a.ID)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, models.ErrForbidden)) {
			t.Errorf("Attempt by %s = %v; want allowed %v", tt.who, err, tt.ok)
		}
	}
}

func TestQueueShowsHistoryToWhoTeaches(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	first := w.request(t, w.student)
	w.evaluate(t, w.instructor, first, EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades("hand-hygiene")})
	w.clock.Advance(time.Minute)
	second := w.request(t, w.student)
	w.request(t, w.classmate)

	q, err := w.app.Queue(ctx, w.instructor, QueueInput{CohortID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	var annEntry *models.QueueEntry
	for i := range q.Items {
		if q.Items[i].Attempt.ID == second.ID {
			annEntry = &q.Items[i]
		}
	}
	if len(q.Items) != 2 || annEntry == nil || len(annEntry.History) != 1 || annEntry.History[0].ID != first.ID ||
		annEntry.History[0].Status != models.StatusFailed || annEntry.History[0].Score == nil {
		t.Fatalf("Queue = %+v; want both requests, Ann's with her failed one in its history", q)
	}
	if all, err := w.app.Queue(ctx, w.admin, QueueInput{}); err != nil || len(all.Items) != 2 {
		t.Fatalf("admin Queue = %+v, %v; want the program's two requests", all, err)
	}
	if mine, err := w.app.Queue(ctx, w.outsider, QueueInput{}); err != nil || len(mine.Items) != 0 {
		t.Fatalf("outsider Queue = %+v, %v; want nothing of c1", mine, err)
	}
	for _, c := range []struct {
		who    string
		caller Caller
		cohort string
	}{{"an outsider naming c1", w.outsider, "c1"}, {"a student", w.student, ""}} {
		if _, err := w.app.Queue(ctx, c.caller, QueueInput{CohortID: c.cohort}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("Queue by %s = %v; want ErrForbidden", c.who, err)
		}
	}
}
