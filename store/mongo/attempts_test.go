package mongo_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

// newRequest is an evaluation request of student sid at checklist id,
// as the use case hands it to the store, with its event.
func newRequest(programID, sid, id string) (models.Attempt, models.Event) {
	a := models.Attempt{ID: mongo.NewID(), ProgramID: programID, StudentID: sid, StudentName: "Ann", CohortID: "c1",
		ChecklistID: id, ChecklistVersion: 1, Kind: models.AttemptEvaluation, Status: models.StatusRequested,
		RequestedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	return a, models.Event{Type: models.EventEvaluationRequested, ProgramID: programID, Actor: byAdmin, Subject: "attempt",
		SubjectID: a.ID, StudentID: sid, Summary: "requested an evaluation"}
}

func TestCreateAttemptFindsRetriesAndKeepsOneWaitingRequest(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := newProgramID(t, s)
	a, ev := newRequest(p, "ann", "bp-manual")

	stored, created, err := s.CreateAttempt(ctx, a, ev)
	if err != nil || !created || stored.Version != 1 || stored.Status != models.StatusRequested || !stored.RequestedAt.Equal(a.RequestedAt) {
		t.Fatalf("CreateAttempt = %+v, %v, %v; want a new request at version 1 as given", stored, created, err)
	}
	again, created, err := s.CreateAttempt(ctx, a, ev)
	if err != nil || created || again.ID != a.ID {
		t.Fatalf("retried CreateAttempt = %+v, %v, %v; want the first found", again, created, err)
	}
	other := a
	other.ChecklistID = "pulse-oximetry"
	if _, _, err := s.CreateAttempt(ctx, other, ev); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("another attempt under a taken id = %v; want ErrConflict", err)
	}
	second, ev2 := newRequest(p, "ann", "bp-manual")
	if _, _, err := s.CreateAttempt(ctx, second, ev2); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("a second waiting request = %v; want ErrConflict", err)
	}
	practice, pev := newRequest(p, "ann", "bp-manual")
	practice.Kind, practice.Status, pev.Type = models.AttemptPractice, models.StatusPracticed, models.EventAttemptPracticed
	if _, created, err := s.CreateAttempt(ctx, practice, pev); err != nil || !created {
		t.Fatalf("practice beside a waiting request = %v, %v; want created", created, err)
	}
	if got := auditTypes(t, s, p, a.ID); !slices.Equal(got, []string{"evaluation.requested"}) {
		t.Fatalf("audit of the request = %v; want its one event", got)
	}
	if _, _, err := s.CreateAttempt(ctx, models.Attempt{ProgramID: p}); err == nil {
		t.Fatal("CreateAttempt without an id = nil; want an error")
	}
}

func TestEvaluateAttemptIsGuardedByStatusAndVersion(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := newProgramID(t, s)
	a, ev := newRequest(p, "ann", "bp-manual")
	req, _, err := s.CreateAttempt(ctx, a, ev)
	if err != nil {
		t.Fatal(err)
	}
	e := models.Evaluation{ID: mongo.NewID(), EvaluatorID: "ivy", Outcome: models.OutcomeFailed, Score: 50, Setting: models.SettingSkillsLab,
		EvaluatedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	failed := models.Event{Type: models.EventEvaluationFailed, ProgramID: p, Actor: byAdmin, Subject: "attempt", SubjectID: req.ID, Summary: "failed"}

	if _, err := s.EvaluateAttempt(ctx, p, req.ID, req.Version+1, models.StatusFailed, e, failed); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("EvaluateAttempt at a wrong version = %v; want ErrConflict", err)
	}
	got, err := s.EvaluateAttempt(ctx, p, req.ID, req.Version, models.StatusFailed, e, failed)
	if err != nil || got.Status != models.StatusFailed || got.Version != req.Version+1 || got.Evaluation == nil || got.Evaluation.ID != e.ID {
		t.Fatalf("EvaluateAttempt = %+v, %v; want failed at the next version", got, err)
	}
	if _, err := s.EvaluateAttempt(ctx, p, req.ID, got.Version, models.StatusPassed, e); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("evaluating an evaluated attempt = %v; want ErrConflict", err)
	}
	if _, err := s.EvaluateAttempt(ctx, p, mongo.NewID(), 1, models.StatusPassed, e); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("evaluating a missing attempt = %v; want ErrNotFound", err)
	}
	// The request is no longer waiting: a new one may be made.
	next, ev2 := newRequest(p, "ann", "bp-manual")
	if _, created, err := s.CreateAttempt(ctx, next, ev2); err != nil || !created {
		t.Fatalf("a request after an evaluated one = %v, %v; want created", created, err)
	}
	if got := auditTypes(t, s, p, req.ID); !slices.Equal(got, []string{"evaluation.requested", "evaluation.failed"}) {
		t.Fatalf("audit = %v; want the request and the failure", got)
	}
}

func TestRecordPINTryLocksAfterMaxFailures(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := newProgramID(t, s)
	ivy, err := s.CreateUser(ctx, byAdmin, models.User{ProgramID: p, Email: "ivy-" + mongo.NewID()[24:] + "@example.com", Name: "Ivy", Role: models.RoleInstructor})
	if err != nil {
		t.Fatal(err)
	}
	event := func(typ models.EventType) models.Event {
		return models.Event{Type: typ, ProgramID: p, Actor: byAdmin, Subject: "user", SubjectID: ivy.ID, Summary: string(typ)}
	}
	setPIN := func() {
		t.Helper()
		if err := s.SetSigningPIN(ctx, p, ivy.ID, "$2a$fake", event(models.EventSigningPINSet)); err != nil {
			t.Fatal(err)
		}
	}
	try := func(ok bool) (int, bool) {
		t.Helper()
		typ := models.EventSigningPINAccepted
		if !ok {
			typ = models.EventSigningPINRejected
		}
		n, locked, err := s.RecordPINTry(ctx, p, ivy.ID, ok, 3, event(typ), event(models.EventSigningPINLocked))
		if err != nil {
			t.Fatal(err)
		}
		return n, locked
	}
	setPIN()
	if u, _ := s.User(ctx, p, ivy.ID); !u.PINSet || u.PINHash != "$2a$fake" {
		t.Fatalf("after SetSigningPIN user = %+v; want the hash kept", u)
	}
	for want := 1; want <= 3; want++ {
		if n, locked := try(false); n != want || locked {
			t.Fatalf("wrong try %d = %d, %v; want %d, not locked", want, n, locked, want)
		}
	}
	if n, locked := try(true); n != 3 || !locked {
		t.Fatalf("right try on a locked PIN = %d, %v; want locked", n, locked)
	}
	// A flood on the locked PIN is counted, not audited try by try.
	for range 3 {
		try(false)
		if err := s.RefusePINTry(ctx, p, ivy.ID, 3); err != nil {
			t.Fatalf("RefusePINTry = %v", err)
		}
	}
	if u, _ := s.User(ctx, p, ivy.ID); u.PINFailures != 3 || u.PINRefused != 7 || u.PINLockedAt == nil {
		t.Fatalf("after the lock = failures %d, refused %d, locked at %v; want 3, 7, a time", u.PINFailures, u.PINRefused, u.PINLockedAt)
	}
	setPIN()
	if err := s.RefusePINTry(ctx, p, ivy.ID, 3); err != nil {
		t.Fatalf("RefusePINTry on an unlocked PIN = %v", err)
	}
	if u, _ := s.User(ctx, p, ivy.ID); u.PINFailures != 0 || u.PINRefused != 0 || u.PINLockedAt != nil {
		t.Fatalf("after a new PIN = failures %d, refused %d, locked at %v; want no lock left", u.PINFailures, u.PINRefused, u.PINLockedAt)
	}
	if n, locked := try(false); n != 1 || locked {
		t.Fatalf("wrong try after a reset = %d, %v; want 1", n, locked)
	}
	if n, locked := try(true); n != 0 || locked {
		t.Fatalf("right try = %d, %v; want the count reset", n, locked)
	}
	want := []string{"user.invited", "user.signing-pin-set", "user.signing-pin-rejected", "user.signing-pin-rejected", "user.signing-pin-rejected",
		"user.signing-pin-locked", "user.signing-pin-set", "user.signing-pin-rejected", "user.signing-pin-accepted"}
	if got := auditTypes(t, s, p, ivy.ID); !slices.Equal(got, want) {
		t.Fatalf("audit = %v; want %v", got, want)
	}
	if _, _, err := s.RecordPINTry(ctx, p, mongo.NewID(), true, 3, event(models.EventSigningPINAccepted), event(models.EventSigningPINLocked)); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("RecordPINTry(no such user) = %v; want ErrNotFound", err)
	}
	if err := s.SetSigningPIN(ctx, p, mongo.NewID(), "h", event(models.EventSigningPINSet)); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("SetSigningPIN(no such user) = %v; want ErrNotFound", err)
	}
}

func TestCreateRemediationKeepsWhatTheCallerMade(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := newProgramID(t, s)
	r := models.Remediation{ID: mongo.NewID(), ProgramID: p, StudentID: "ann", ChecklistID: "bp-manual", Plan: "Practise twice",
		DueDate: "2026-12-15", CreatedBy: "adm", CreatedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	got, err := s.CreateRemediation(ctx, r, models.Event{Type: models.EventRemediationPlanned, ProgramID: p, Actor: byAdmin,
		Subject: "remediation", SubjectID: r.ID, StudentID: "ann", Summary: "planned"})
	if err != nil || got != r {
		t.Fatalf("CreateRemediation = %+v, %v; want %+v", got, err, r)
	}
	plans, err := s.RemediationsOf(ctx, p, []string{"ann"})
	if err != nil || len(plans) != 1 || plans[0] != r {
		t.Fatalf("RemediationsOf = %+v, %v; want the plan as made", plans, err)
	}
	if got := auditTypes(t, s, p, r.ID); !slices.Equal(got, []string{"remediation.planned"}) {
		t.Fatalf("audit = %v; want remediation.planned", got)
	}
}
