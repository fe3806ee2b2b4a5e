package contract_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

// request is an evaluation request of student sid at checklist id, as the
// use case hands it to the store, with its event.
func request(programID, sid, id string) (models.Attempt, models.Event) {
	a := models.Attempt{ID: newID(), ProgramID: programID, StudentID: sid, StudentName: "Ann", CohortID: "c1",
		ChecklistID: id, ChecklistVersion: 1, Area: "vitals", Kind: models.AttemptEvaluation, Status: models.StatusRequested,
		RequestedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	return a, models.Event{Type: models.EventEvaluationRequested, ProgramID: programID, Actor: admin, Subject: "attempt",
		SubjectID: a.ID, StudentID: sid, Summary: "requested an evaluation"}
}

// practice is a practice attempt of student sid at checklist id, with its
// event.
func practice(programID, sid, id string) (models.Attempt, models.Event) {
	a, ev := request(programID, sid, id)
	a.Kind, a.Status, ev.Type = models.AttemptPractice, models.StatusPracticed, models.EventAttemptPracticed
	return a, ev
}

// mustAttempt stores a, failing the test otherwise.
func mustAttempt(tb testing.TB, st storetest.Store, a models.Attempt, events ...models.Event) models.Attempt {
	tb.Helper()
	stored, created, err := st.CreateAttempt(context.Background(), a, events...)
	if err != nil || !created {
		tb.Fatalf("CreateAttempt(%s) = %v, %v; want created", a.ID, created, err)
	}
	return stored
}

func evaluation(outcome models.Outcome) models.Evaluation {
	return models.Evaluation{ID: newID(), EvaluatorID: "ivy", Outcome: outcome, Score: 50, Setting: models.SettingSkillsLab,
		EvaluatedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
}

// notified is how many notifications the users were sent in programID.
func notified(tb testing.TB, st storetest.Store, programID string, users ...string) int {
	tb.Helper()
	n := 0
	for _, u := range users {
		n += len(feedOf(tb, st, programID, u))
	}
	return n
}

func TestCreateAttemptFindsRetriesAndKeepsOneWaitingRequest(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		a, ev := request(p, "ann", "bp-manual")

		stored, created, err := s.CreateAttempt(ctx, a, ev)
		if err != nil || !created || stored.Version != 1 || stored.Status != models.StatusRequested || !stored.RequestedAt.Equal(a.RequestedAt) ||
			stored.OpenSlot != "open" || !stored.UpdatedAt.Equal(epoch) {
			t.Fatalf("CreateAttempt = %+v, %v, %v; want a new request at version 1 as given", stored, created, err)
		}
		again, created, err := s.CreateAttempt(ctx, a, ev)
		if err != nil || created || again.ID != a.ID || again.Version != 1 || again.OpenSlot != "open" {
			t.Fatalf("retried CreateAttempt = %+v, %v, %v; want the first found", again, created, err)
		}
		other := a
		other.ChecklistID = "pulse-oximetry"
		if _, _, err := s.CreateAttempt(ctx, other, ev); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("another attempt under a taken id = %v; want ErrConflict", err)
		}
		second, ev2 := request(p, "ann", "bp-manual")
		if _, _, err := s.CreateAttempt(ctx, second, ev2); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("a second waiting request = %v; want ErrConflict", err)
		}
		prac, pev := practice(p, "ann", "bp-manual")
		if got, created, err := s.CreateAttempt(ctx, prac, pev); err != nil || !created || got.OpenSlot != prac.ID {
			t.Fatalf("practice beside a waiting request = %+v, %v, %v; want created with its own slot", got, created, err)
		}
		if got := auditTypes(t, s, p, a.ID); !slices.Equal(got, []string{"evaluation.requested"}) {
			t.Fatalf("audit of the request = %v; want its one event", got)
		}
		if got := auditTypes(t, s, p, second.ID); len(got) != 0 {
			t.Fatalf("audit of the refused request = %v; want nothing recorded", got)
		}
		if _, _, err := s.CreateAttempt(ctx, models.Attempt{ProgramID: p}); err == nil {
			t.Fatal("CreateAttempt without an id = nil; want an error")
		}
		read, err := s.Attempt(ctx, p, a.ID)
		if err != nil || read.ID != a.ID || read.OpenSlot != "open" || read.StudentName != "Ann" || read.Version != 1 {
			t.Fatalf("Attempt = %+v, %v; want the request with its open slot", read, err)
		}
		if _, err := s.Attempt(ctx, "p2", a.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("Attempt(another program) = %v; want ErrNotFound", err)
		}
		if _, err := s.Attempt(ctx, p, newID()); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("Attempt(missing) = %v; want ErrNotFound", err)
		}
	})
}

func TestEvaluateAttemptIsGuardedByStatusAndVersion(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		a, ev := request(p, "ann", "bp-manual")
		req := mustAttempt(t, s, a, ev)
		e := evaluation(models.OutcomeFailed)
		failed := models.Event{Type: models.EventEvaluationFailed, ProgramID: p, Actor: admin, Subject: "attempt", SubjectID: req.ID, Summary: "failed"}

		if _, err := s.EvaluateAttempt(ctx, p, req.ID, req.Version+1, models.StatusFailed, e, failed); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("EvaluateAttempt at a wrong version = %v; want ErrConflict", err)
		}
		got, err := s.EvaluateAttempt(ctx, p, req.ID, req.Version, models.StatusFailed, e, failed)
		if err != nil || got.Status != models.StatusFailed || got.Version != req.Version+1 || got.Evaluation == nil || got.Evaluation.ID != e.ID ||
			got.OpenSlot != req.ID {
			t.Fatalf("EvaluateAttempt = %+v, %v; want failed at the next version", got, err)
		}
		read, err := s.Attempt(ctx, p, req.ID)
		if err != nil || read.Status != models.StatusFailed || read.Version != got.Version || read.Evaluation == nil || read.Evaluation.Score != 50 ||
			!read.Evaluation.EvaluatedAt.Equal(e.EvaluatedAt) || read.OpenSlot != req.ID {
			t.Fatalf("Attempt after EvaluateAttempt = %+v, %v; want the evaluation stored", read, err)
		}
		if _, err := s.EvaluateAttempt(ctx, p, req.ID, got.Version, models.StatusPassed, e); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("evaluating an evaluated attempt = %v; want ErrConflict", err)
		}
		if _, err := s.EvaluateAttempt(ctx, p, newID(), 1, models.StatusPassed, e); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("evaluating a missing attempt = %v; want ErrNotFound", err)
		}
		if _, err := s.EvaluateAttempt(ctx, "p2", req.ID, got.Version, models.StatusPassed, e); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("evaluating another program's attempt = %v; want ErrNotFound", err)
		}
		prac, pev := practice(p, "ann", "bp-manual")
		mustAttempt(t, s, prac, pev)
		if _, err := s.EvaluateAttempt(ctx, p, prac.ID, 1, models.StatusPassed, e); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("evaluating a practice = %v; want ErrConflict", err)
		}
		// The request is no longer waiting: a new one may be made.
		next, ev2 := request(p, "ann", "bp-manual")
		mustAttempt(t, s, next, ev2)
		if got := auditTypes(t, s, p, req.ID); !slices.Equal(got, []string{"evaluation.requested", "evaluation.failed"}) {
			t.Fatalf("audit = %v; want the request and the failure", got)
		}
	})
}

func TestRacingEvaluationsHaveOneWinner(t *testing.T) {
	forEachAtomicEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		p := newProgram(t, s)
		a, ev := request(p, "ann", "bp-manual")
		req := mustAttempt(t, s, a, ev)
		errs := race(8, func(int) error {
			signed := models.Event{Type: models.EventEvaluationSigned, ProgramID: p, Actor: admin, Subject: "attempt", SubjectID: req.ID,
				StudentID: "ann", Notify: []models.Notification{{UserID: "ann", Category: "evaluation-results", Title: "Evaluated"}}}
			_, err := s.EvaluateAttempt(context.Background(), p, req.ID, req.Version, models.StatusPassed, evaluation(models.OutcomePassed), signed)
			return err
		})
		oneWinner(t, "evaluation", errs, models.ErrConflict)
		if got := auditTypes(t, s, p, req.ID); !slices.Equal(got, []string{"evaluation.requested", "evaluation.signed"}) {
			t.Fatalf("audit = %v; want one signing recorded", got)
		}
		if n := notified(t, s, p, "ann"); n != 1 {
			t.Fatalf("notifications = %d; want the winner's one", n)
		}
	})
}

func TestAttemptEventsAndNotificationsCommitWithTheChange(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		counts := func() (events, notes int) {
			t.Helper()
			return len(auditOf(t, s, p, "")), notified(t, s, p, "ivy", "ian", "ann", "adm")
		}
		a, ev := request(p, "ann", "bp-manual")
		ev.Notify = []models.Notification{{UserID: "ivy", Category: "evaluation-requests", Title: "Evaluation requested"},
			{UserID: "ian", Category: "evaluation-requests", Title: "Evaluation requested"}}
		req := mustAttempt(t, s, a, ev)
		if e, n := counts(); e != 1 || n != 2 {
			t.Fatalf("after a request: events, notifications = %d, %d; want 1, 2", e, n)
		}
		// Refused changes leave no trace.
		dup, dev := request(p, "ann", "bp-manual")
		dev.Notify = ev.Notify
		if _, _, err := s.CreateAttempt(ctx, dup, dev); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("a second waiting request = %v; want ErrConflict", err)
		}
		if _, _, err := s.CreateAttempt(ctx, a, ev); err != nil {
			t.Fatalf("a retry = %v", err)
		}
		signed := models.Event{Type: models.EventEvaluationSigned, ProgramID: p, Actor: admin, Subject: "attempt", SubjectID: req.ID,
			StudentID: "ann", Notify: []models.Notification{{UserID: "ann", Category: "evaluation-results", Title: "Evaluated"}}}
		if _, err := s.EvaluateAttempt(ctx, p, req.ID, 7, models.StatusPassed, evaluation(models.OutcomePassed), signed); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("a stale evaluation = %v; want ErrConflict", err)
		}
		if e, n := counts(); e != 1 || n != 2 {
			t.Fatalf("after refused changes: events, notifications = %d, %d; want still 1, 2", e, n)
		}
		// An evaluation and its two events (the signing, the admins' alert)
		// commit together.
		alert := models.Event{Type: models.EventEvaluationFailed, ProgramID: p, Actor: admin, Subject: "attempt", SubjectID: req.ID,
			StudentID: "ann", Notify: []models.Notification{{UserID: "adm", Category: "alerts", Title: "Failed"}}}
		if _, err := s.EvaluateAttempt(ctx, p, req.ID, 1, models.StatusPassed, evaluation(models.OutcomePassed), signed, alert); err != nil {
			t.Fatal(err)
		}
		if e, n := counts(); e != 3 || n != 4 {
			t.Fatalf("after the evaluation: events, notifications = %d, %d; want 3, 4", e, n)
		}
		if got := feedOf(t, s, p, "ann"); len(got) != 1 || got[0].Category != "evaluation-results" {
			t.Fatalf("the student's feed = %+v; want the evaluation's result", got)
		}
	})
}

func TestAmendmentsAreGuardedByVersion(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		a, ev := request(p, "ann", "bp-manual")
		req := mustAttempt(t, s, a, ev)
		am := models.Amendment{ID: newID(), Reason: "typo", Correction: "step 3 passed"}
		amended := func(id string) models.Event {
			return models.Event{Type: models.EventEvaluationAmended, ProgramID: p, Actor: admin, Subject: "attempt", SubjectID: id,
				StudentID: "ann", Notify: []models.Notification{{UserID: "ann", Category: "evaluation-results", Title: "Evaluation amended"}}}
		}
		if _, err := s.AddAmendment(ctx, p, req.ID, req.Version, am, amended(req.ID)); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("amending a waiting request = %v; want ErrConflict", err)
		}
		e := evaluation(models.OutcomePassed)
		passed, err := s.EvaluateAttempt(ctx, p, req.ID, req.Version, models.StatusPassed, e)
		if err != nil {
			t.Fatal(err)
		}
		am.EvaluationID = e.ID
		if _, err := s.AddAmendment(ctx, p, req.ID, passed.Version-1, am, amended(req.ID)); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("amending at a stale version = %v; want ErrConflict", err)
		}
		if _, err := s.AddAmendment(ctx, p, newID(), 1, am, amended("x")); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("amending a missing attempt = %v; want ErrConflict", err)
		}
		got, err := s.AddAmendment(ctx, p, req.ID, passed.Version, am, amended(req.ID))
		if err != nil || got.Version != passed.Version+1 || len(got.Amendments) != 1 || got.Amendments[0].ID != am.ID || got.Status != models.StatusPassed {
			t.Fatalf("AddAmendment = %+v, %v; want one amendment at the next version", got, err)
		}
		am2 := models.Amendment{ID: newID(), EvaluationID: e.ID, Reason: "again", Correction: "step 4 passed"}
		if _, err := s.AddAmendment(ctx, p, req.ID, passed.Version, am2, amended(req.ID)); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("a second amendment at the version the first changed = %v; want ErrConflict", err)
		}
		if _, err := s.AddAmendment(ctx, p, req.ID, got.Version, am2, amended(req.ID)); err != nil {
			t.Fatal(err)
		}
		read, err := s.AttemptByEvaluation(ctx, p, e.ID)
		if err != nil || read.ID != req.ID || read.Version != 4 || len(read.Amendments) != 2 || read.Amendments[1].ID != am2.ID || read.Evaluation.ID != e.ID {
			t.Fatalf("AttemptByEvaluation = %+v, %v; want both amendments in order, the evaluation unchanged", read, err)
		}
		if got := auditTypes(t, s, p, req.ID); !slices.Equal(got, []string{"evaluation.requested", "evaluation.amended", "evaluation.amended"}) {
			t.Fatalf("audit = %v; want the request and two amendments", got)
		}
		if n := notified(t, s, p, "ann"); n != 2 {
			t.Fatalf("notifications = %d; want one per amendment", n)
		}
	})
}

func TestAttemptByEvaluationFindsOnlyItsProgramsEvaluation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		a, ev := request("p1", "ann", "bp-manual")
		req := mustAttempt(t, s, a, ev)
		if _, err := s.AttemptByEvaluation(ctx, "p1", ""); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("AttemptByEvaluation(\"\") = %v; want ErrNotFound (a request has no evaluation)", err)
		}
		e := evaluation(models.OutcomeReturned)
		if _, err := s.EvaluateAttempt(ctx, "p1", req.ID, 1, models.StatusReturned, e); err != nil {
			t.Fatal(err)
		}
		if got, err := s.AttemptByEvaluation(ctx, "p1", e.ID); err != nil || got.ID != req.ID || got.Status != models.StatusReturned {
			t.Fatalf("AttemptByEvaluation = %+v, %v; want the returned request", got, err)
		}
		if _, err := s.AttemptByEvaluation(ctx, "p2", e.ID); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("AttemptByEvaluation(another program) = %v; want ErrNotFound", err)
		}
		if _, err := s.AttemptByEvaluation(ctx, "p1", newID()); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("AttemptByEvaluation(missing) = %v; want ErrNotFound", err)
		}
	})
}

func TestSkillAttemptsAreTheSkillsAsked(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := "p1"
		want := map[string]bool{}
		for _, sid := range []string{"ann", "bob", "cal"} {
			for _, cid := range []string{"bp-manual", "pulse", "apical"} {
				for i := range 2 {
					a, ev := request(p, sid, cid)
					a.RequestedAt = clk.Now().Add(time.Duration(i) * time.Minute)
					if i == 0 {
						a.Kind, a.Status = models.AttemptPractice, models.StatusPracticed
					}
					mustAttempt(t, s, a, ev)
					if (sid == "ann" && cid == "bp-manual") || (sid == "bob" && cid == "pulse") {
						want[a.ID] = true
					}
				}
			}
		}
		other, oev := request("p2", "ann2", "bp-manual")
		mustAttempt(t, s, other, oev)
		got, err := s.SkillAttempts(ctx, p, []models.StudentSkill{{StudentID: "ann", ChecklistID: "bp-manual"}, {StudentID: "bob", ChecklistID: "pulse"}})
		if err != nil || len(got) != len(want) {
			t.Fatalf("SkillAttempts = %d attempts, %v; want %d", len(got), err, len(want))
		}
		for _, a := range got {
			if !want[a.ID] || a.OpenSlot == "" {
				t.Errorf("SkillAttempts holds %s (%s at %s, slot %q); want only ann's at bp-manual and bob's at pulse", a.ID, a.StudentID, a.ChecklistID, a.OpenSlot)
			}
		}
		for _, empty := range [][]models.StudentSkill{nil, {{StudentID: "zed", ChecklistID: "pulse"}}, {{StudentID: "cal", ChecklistID: "nothing"}}} {
			if got, err := s.SkillAttempts(ctx, p, empty); err != nil || got == nil || len(got) != 0 {
				t.Fatalf("SkillAttempts(%v) = %v, %v; want an empty list", empty, got, err)
			}
		}
	})
}
