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

// TestVoidAttempt: a graded attempt is voided at its version, with its
// void amendment and event in the same write; the void is kept, the pass
// no longer counts in the standing progress reads, and nothing but a
// graded attempt at its version can be voided.
func TestVoidAttempt(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		ann := student(t, s, p, "ann", "c1")
		a, ev := request(p, ann.ID, "bp-manual")
		req := mustAttempt(t, s, a, ev)
		am := models.Amendment{ID: newID(), Kind: models.AmendVoid, Reason: "not me", Correction: models.VoidCorrection}
		voided := models.Event{Type: models.EventEvaluationVoided, ProgramID: p, Actor: admin, Subject: "attempt", SubjectID: req.ID,
			StudentID: ann.ID, Notify: []models.Notification{{UserID: ann.ID, Category: models.CategoryEvaluationResults, Title: "Evaluation voided"}}}
		if _, err := s.VoidAttempt(ctx, p, req.ID, req.Version, am, voided); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("voiding a waiting request = %v; want ErrConflict", err)
		}
		if _, err := s.VoidAttempt(ctx, p, newID(), 1, am, voided); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("voiding a missing attempt = %v; want ErrNotFound", err)
		}
		e := evaluation(models.OutcomePassed)
		e.Signature = &models.Signature{SignerID: "ivy", SignerName: "Ivy Instructor", SignedAt: e.EvaluatedAt, Method: models.SignedWithPIN}
		passed, err := s.EvaluateAttempt(ctx, p, req.ID, req.Version, models.StatusPassed, e)
		if err != nil {
			t.Fatal(err)
		}
		standing := func() models.Standing {
			t.Helper()
			r, err := s.ProgressRecords(ctx, p, []models.User{ann})
			if err != nil {
				t.Fatal(err)
			}
			return r.Standings[ann.ID]["bp-manual"]
		}
		if st := standing(); len(st.Graded) != 1 || st.Tally(epoch.AddDate(-1, 0, 0)).Passed != 1 {
			t.Fatalf("standing before the void = %+v; want the pass", st)
		}
		am.EvaluationID = e.ID
		if _, err := s.VoidAttempt(ctx, p, req.ID, passed.Version-1, am, voided); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("voiding at a stale version = %v; want ErrConflict", err)
		}
		got, err := s.VoidAttempt(ctx, p, req.ID, passed.Version, am, voided)
		if err != nil || got.Status != models.StatusVoided || got.Version != passed.Version+1 || len(got.Amendments) != 1 || got.Amendments[0].Kind != models.AmendVoid {
			t.Fatalf("VoidAttempt = %+v, %v; want voided with its void amendment at the next version", got, err)
		}
		read, err := s.Attempt(ctx, p, req.ID)
		if err != nil || read.Status != models.StatusVoided || read.Evaluation == nil || read.Evaluation.Outcome != models.OutcomePassed ||
			len(read.Amendments) != 1 || read.Amendments[0].Kind != models.AmendVoid {
			t.Fatalf("Attempt after the void = %+v, %v; want voided, the evaluation kept", read, err)
		}
		if _, err := s.VoidAttempt(ctx, p, req.ID, got.Version, am, voided); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("voiding twice = %v; want ErrConflict", err)
		}
		if st := standing(); len(st.Graded) != 0 || st.Tally(epoch.AddDate(-1, 0, 0)).Passed != 0 {
			t.Fatalf("standing after the void = %+v; want the pass gone", st)
		}
		if got := auditTypes(t, s, p, req.ID); !slices.Equal(got, []string{"evaluation.requested", "evaluation.voided"}) {
			t.Fatalf("audit = %v; want the request and the void", got)
		}
		if n := notified(t, s, p, ann.ID); n != 1 {
			t.Fatalf("notifications = %d; want the void's", n)
		}
		// The student may have a new request waiting again.
		again, ev := request(p, ann.ID, "bp-manual")
		mustAttempt(t, s, again, ev)
	})
}

// TestSetPINVoidWindow: the setting is kept on the program (read back
// through any cache) with its audit entry.
func TestSetPINVoidWindow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		if got, err := s.Program(ctx, p); err != nil || got.PINVoidHours != 0 || got.PINVoidWindow() != models.DefaultPINVoidWindow {
			t.Fatalf("a new program = %+v, %v; want the default window", got, err)
		}
		ev := models.Event{Type: models.EventProgramUpdated, ProgramID: p, Actor: admin, Subject: "program", SubjectID: p, Summary: "set the PIN void window"}
		got, err := s.SetPINVoidWindow(ctx, p, 72, ev)
		if err != nil || got.PINVoidHours != 72 || got.ID != p || got.Grading != models.DefaultGrading {
			t.Fatalf("SetPINVoidWindow = %+v, %v; want 72 hours, the rest kept", got, err)
		}
		if got, err := s.Program(ctx, p); err != nil || got.PINVoidWindow() != 72*time.Hour {
			t.Fatalf("Program after the change = %+v, %v; want 72 hours", got, err)
		}
		if got := auditTypes(t, s, p, p); !slices.Equal(got, []string{"program.updated"}) {
			t.Fatalf("audit = %v; want the change", got)
		}
		if _, err := s.SetPINVoidWindow(ctx, newID(), 72, ev); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("SetPINVoidWindow(no such program) = %v; want ErrNotFound", err)
		}
	})
}
