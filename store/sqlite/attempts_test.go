package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"skillbook/models"
)

// The methods of the store contract this area implements beside the
// workflow interfaces it completes (checked in attempts.go).
var _ interface {
	CreateAttempt(ctx context.Context, a models.Attempt, events ...models.Event) (models.Attempt, bool, error)
	EvaluateAttempt(ctx context.Context, programID, attemptID string, version int64, status models.AttemptStatus, e models.Evaluation, events ...models.Event) (models.Attempt, error)
	CreateRemediation(ctx context.Context, r models.Remediation, ev models.Event) (models.Remediation, error)
	RemediationsOf(ctx context.Context, programID string, studentIDs []string) ([]models.Remediation, error)
} = (*Store)(nil)

var attemptByAdmin = models.Actor{UserID: "adm", Name: "Ada", Role: models.RoleAdmin}

// attemptRequest is an evaluation request of student sid at checklist id,
// as the use case hands it to the store, with its event.
func attemptRequest(programID, sid, id string) (models.Attempt, models.Event) {
	a := models.Attempt{ID: newID(), ProgramID: programID, StudentID: sid, StudentName: "Ann", CohortID: "c1",
		ChecklistID: id, ChecklistVersion: 1, Area: "vitals", Kind: models.AttemptEvaluation, Status: models.StatusRequested,
		RequestedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	return a, models.Event{Type: models.EventEvaluationRequested, ProgramID: programID, Actor: attemptByAdmin, Subject: "attempt",
		SubjectID: a.ID, StudentID: sid, Summary: "requested an evaluation"}
}

// attemptAudit is the types of the events recorded about subject id, in
// the order they were recorded.
func attemptAudit(tb testing.TB, s *Store, programID, id string) []string {
	tb.Helper()
	rows, err := s.reader.Query(`SELECT type FROM events WHERE program_id = ? AND subject_id = ? ORDER BY rowid`, programID, id)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var typ string
		if err := rows.Scan(&typ); err != nil {
			tb.Fatal(err)
		}
		out = append(out, typ)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// attemptCount is the number of rows of table.
func attemptCount(tb testing.TB, s *Store, table string) int {
	tb.Helper()
	var n int
	if err := s.reader.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// attemptMustCreate stores a, failing the test otherwise.
func attemptMustCreate(tb testing.TB, s *Store, a models.Attempt, events ...models.Event) models.Attempt {
	tb.Helper()
	stored, created, err := s.CreateAttempt(tb.Context(), a, events...)
	if err != nil || !created {
		tb.Fatalf("CreateAttempt(%s) = %v, %v; want created", a.ID, created, err)
	}
	return stored
}

func attemptEvaluation(outcome models.Outcome) models.Evaluation {
	return models.Evaluation{ID: newID(), EvaluatorID: "ivy", Outcome: outcome, Score: 50, Setting: models.SettingSkillsLab,
		EvaluatedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
}

func TestAttemptCreateFindsRetriesAndKeepsOneWaitingRequest(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	p := "p1"
	a, ev := attemptRequest(p, "ann", "bp-manual")

	stored, created, err := s.CreateAttempt(ctx, a, ev)
	if err != nil || !created || stored.Version != 1 || stored.Status != models.StatusRequested || !stored.RequestedAt.Equal(a.RequestedAt) ||
		stored.OpenSlot != attemptOpenSlot || !stored.UpdatedAt.Equal(testEpoch) {
		t.Fatalf("CreateAttempt = %+v, %v, %v; want a new request at version 1 as given", stored, created, err)
	}
	again, created, err := s.CreateAttempt(ctx, a, ev)
	if err != nil || created || again.ID != a.ID || again.Version != 1 || again.OpenSlot != attemptOpenSlot {
		t.Fatalf("retried CreateAttempt = %+v, %v, %v; want the first found", again, created, err)
	}
	other := a
	other.ChecklistID = "pulse-oximetry"
	if _, _, err := s.CreateAttempt(ctx, other, ev); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("another attempt under a taken id = %v; want ErrConflict", err)
	}
	second, ev2 := attemptRequest(p, "ann", "bp-manual")
	if _, _, err := s.CreateAttempt(ctx, second, ev2); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("a second waiting request = %v; want ErrConflict", err)
	}
	practice, pev := attemptRequest(p, "ann", "bp-manual")
	practice.Kind, practice.Status, pev.Type = models.AttemptPractice, models.StatusPracticed, models.EventAttemptPracticed
	if got, created, err := s.CreateAttempt(ctx, practice, pev); err != nil || !created || got.OpenSlot != practice.ID {
		t.Fatalf("practice beside a waiting request = %+v, %v, %v; want created with its own slot", got, created, err)
	}
	if got := attemptAudit(t, s, p, a.ID); !slices.Equal(got, []string{"evaluation.requested"}) {
		t.Fatalf("audit of the request = %v; want its one event", got)
	}
	if got := attemptAudit(t, s, p, second.ID); len(got) != 0 {
		t.Fatalf("audit of the refused request = %v; want nothing recorded", got)
	}
	if _, _, err := s.CreateAttempt(ctx, models.Attempt{ProgramID: p}); err == nil {
		t.Fatal("CreateAttempt without an id = nil; want an error")
	}
	read, err := s.Attempt(ctx, p, a.ID)
	if err != nil || read.ID != a.ID || read.OpenSlot != attemptOpenSlot || read.StudentName != "Ann" || read.Version != 1 {
		t.Fatalf("Attempt = %+v, %v; want the request with its open slot", read, err)
	}
	if _, err := s.Attempt(ctx, "p2", a.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("Attempt(another program) = %v; want ErrNotFound", err)
	}
	if _, err := s.Attempt(ctx, p, newID()); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("Attempt(missing) = %v; want ErrNotFound", err)
	}
}

func TestAttemptEvaluateIsGuardedByStatusAndVersion(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	p := "p1"
	a, ev := attemptRequest(p, "ann", "bp-manual")
	req := attemptMustCreate(t, s, a, ev)
	e := attemptEvaluation(models.OutcomeFailed)
	failed := models.Event{Type: models.EventEvaluationFailed, ProgramID: p, Actor: attemptByAdmin, Subject: "attempt", SubjectID: req.ID, Summary: "failed"}

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
		read.OpenSlot != req.ID {
		t.Fatalf("Attempt after EvaluateAttempt = %+v, %v; want the evaluation stored", read, err)
	}
	var status, slot, evaluationID string
	var evaluatedAt, version int64
	if err := s.reader.QueryRow(`SELECT status, open_slot, evaluation_id, evaluated_at, version FROM attempts WHERE id = ?`, req.ID).
		Scan(&status, &slot, &evaluationID, &evaluatedAt, &version); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || slot != req.ID || evaluationID != e.ID || !fromMS(evaluatedAt).Equal(e.EvaluatedAt) || version != 2 {
		t.Fatalf("columns = %s, %s, %s, %d, %d; want them in step with the record", status, slot, evaluationID, evaluatedAt, version)
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
	practice, pev := attemptRequest(p, "ann", "bp-manual")
	practice.Kind, practice.Status, pev.Type = models.AttemptPractice, models.StatusPracticed, models.EventAttemptPracticed
	attemptMustCreate(t, s, practice, pev)
	if _, err := s.EvaluateAttempt(ctx, p, practice.ID, 1, models.StatusPassed, e); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("evaluating a practice = %v; want ErrConflict", err)
	}
	// The request is no longer waiting: a new one may be made.
	next, ev2 := attemptRequest(p, "ann", "bp-manual")
	attemptMustCreate(t, s, next, ev2)
	if got := attemptAudit(t, s, p, req.ID); !slices.Equal(got, []string{"evaluation.requested", "evaluation.failed"}) {
		t.Fatalf("audit = %v; want the request and the failure", got)
	}
}

func TestAttemptRacingEvaluationsHaveOneWinner(t *testing.T) {
	s, _ := openTest(t)
	p := "p1"
	a, ev := attemptRequest(p, "ann", "bp-manual")
	req := attemptMustCreate(t, s, a, ev)
	const racers = 8
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Go(func() {
			signed := models.Event{Type: models.EventEvaluationSigned, ProgramID: p, Actor: attemptByAdmin, Subject: "attempt", SubjectID: req.ID,
				StudentID: "ann", Notify: []models.Notification{{UserID: "ann", Category: "evaluation-results", Title: "Evaluated"}}}
			_, errs[i] = s.EvaluateAttempt(context.Background(), p, req.ID, req.Version, models.StatusPassed, attemptEvaluation(models.OutcomePassed), signed)
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, models.ErrConflict):
			t.Errorf("a losing evaluation = %v; want ErrConflict", err)
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d racing evaluations won; want exactly 1", won, racers)
	}
	if got := attemptAudit(t, s, p, req.ID); !slices.Equal(got, []string{"evaluation.requested", "evaluation.signed"}) {
		t.Fatalf("audit = %v; want one signing recorded", got)
	}
	if n := attemptCount(t, s, "notifications"); n != 1 {
		t.Fatalf("notifications = %d; want the winner's one", n)
	}
}

func TestAttemptEventsAndNotificationsCommitWithTheChange(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	p := "p1"
	a, ev := attemptRequest(p, "ann", "bp-manual")
	ev.Notify = []models.Notification{{UserID: "ivy", Category: "evaluation-requests", Title: "Evaluation requested"},
		{UserID: "ian", Category: "evaluation-requests", Title: "Evaluation requested"}}
	req := attemptMustCreate(t, s, a, ev)
	if e, n := attemptCount(t, s, "events"), attemptCount(t, s, "notifications"); e != 1 || n != 2 {
		t.Fatalf("after a request: events, notifications = %d, %d; want 1, 2", e, n)
	}
	// Refused changes leave no trace.
	dup, dev := attemptRequest(p, "ann", "bp-manual")
	dev.Notify = ev.Notify
	if _, _, err := s.CreateAttempt(ctx, dup, dev); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("a second waiting request = %v; want ErrConflict", err)
	}
	if _, _, err := s.CreateAttempt(ctx, a, ev); err != nil {
		t.Fatalf("a retry = %v", err)
	}
	signed := models.Event{Type: models.EventEvaluationSigned, ProgramID: p, Actor: attemptByAdmin, Subject: "attempt", SubjectID: req.ID,
		StudentID: "ann", Notify: []models.Notification{{UserID: "ann", Category: "evaluation-results", Title: "Evaluated"}}}
	if _, err := s.EvaluateAttempt(ctx, p, req.ID, 7, models.StatusPassed, attemptEvaluation(models.OutcomePassed), signed); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("a stale evaluation = %v; want ErrConflict", err)
	}
	if e, n := attemptCount(t, s, "events"), attemptCount(t, s, "notifications"); e != 1 || n != 2 {
		t.Fatalf("after refused changes: events, notifications = %d, %d; want still 1, 2", e, n)
	}
	// An evaluation and its two events (the signing, the admins' alert)
	// commit together.
	alert := models.Event{Type: models.EventEvaluationFailed, ProgramID: p, Actor: attemptByAdmin, Subject: "attempt", SubjectID: req.ID,
		StudentID: "ann", Notify: []models.Notification{{UserID: "adm", Category: "alerts", Title: "Failed"}}}
	if _, err := s.EvaluateAttempt(ctx, p, req.ID, 1, models.StatusPassed, attemptEvaluation(models.OutcomePassed), signed, alert); err != nil {
		t.Fatal(err)
	}
	if e, n := attemptCount(t, s, "events"), attemptCount(t, s, "notifications"); e != 3 || n != 4 {
		t.Fatalf("after the evaluation: events, notifications = %d, %d; want 3, 4", e, n)
	}
	var who string
	if err := s.reader.QueryRow(`SELECT user_id FROM notifications WHERE category = 'evaluation-results'`).Scan(&who); err != nil || who != "ann" {
		t.Fatalf("the student's notification = %q, %v; want ann's", who, err)
	}
}

func TestAttemptAmendmentsAreGuardedByVersion(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	p := "p1"
	a, ev := attemptRequest(p, "ann", "bp-manual")
	req := attemptMustCreate(t, s, a, ev)
	am := models.Amendment{ID: newID(), Reason: "typo", Correction: "step 3 passed"}
	amended := func(id string) models.Event {
		return models.Event{Type: models.EventEvaluationAmended, ProgramID: p, Actor: attemptByAdmin, Subject: "attempt", SubjectID: id,
			StudentID: "ann", Notify: []models.Notification{{UserID: "ann", Category: "evaluation-results", Title: "Evaluation amended"}}}
	}
	if _, err := s.AddAmendment(ctx, p, req.ID, req.Version, am, amended(req.ID)); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("amending a waiting request = %v; want ErrConflict", err)
	}
	e := attemptEvaluation(models.OutcomePassed)
	passed, err := s.EvaluateAttempt(ctx, p, req.ID, req.Version, models.StatusPassed, e)
	if err != nil {
		t.Fatal(err)
	}
	am.EvaluationID = e.ID
	if _, err := s.AddAmendment(ctx, p, req.ID, passed.Version-1, am, amended(req.ID)); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("amending at a stale version = %v; want ErrConflict", err)
	}
	if _, err := s.AddAmendment(ctx, p, newID(), 1, am, amended("x")); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("amending a missing attempt = %v; want ErrConflict (as on MongoDB)", err)
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
	if got := attemptAudit(t, s, p, req.ID); !slices.Equal(got, []string{"evaluation.requested", "evaluation.amended", "evaluation.amended"}) {
		t.Fatalf("audit = %v; want the request and two amendments", got)
	}
	if n := attemptCount(t, s, "notifications"); n != 2 {
		t.Fatalf("notifications = %d; want one per amendment", n)
	}
}

func TestAttemptByEvaluationFindsOnlyItsProgramsEvaluation(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	a, ev := attemptRequest("p1", "ann", "bp-manual")
	req := attemptMustCreate(t, s, a, ev)
	if _, err := s.AttemptByEvaluation(ctx, "p1", ""); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("AttemptByEvaluation(\"\") = %v; want ErrNotFound (a request has no evaluation)", err)
	}
	e := attemptEvaluation(models.OutcomeReturned)
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
}

func TestAttemptSkillAttemptsAreStudentsTimesChecklists(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	p := "p1"
	want := map[string]bool{}
	for _, sid := range []string{"ann", "bob", "cal"} {
		for _, cid := range []string{"bp-manual", "pulse", "apical"} {
			for i := range 2 {
				a, ev := attemptRequest(p, sid, cid)
				a.RequestedAt = clk.Now().Add(time.Duration(i) * time.Minute)
				if i == 0 {
					a.Kind, a.Status = models.AttemptPractice, models.StatusPracticed
				}
				attemptMustCreate(t, s, a, ev)
				if sid != "cal" && cid != "apical" {
					want[a.ID] = true
				}
			}
		}
	}
	other, oev := attemptRequest("p2", "ann2", "bp-manual")
	attemptMustCreate(t, s, other, oev)
	got, err := s.SkillAttempts(ctx, p, []string{"ann", "bob"}, []string{"bp-manual", "pulse"})
	if err != nil || len(got) != len(want) {
		t.Fatalf("SkillAttempts = %d attempts, %v; want %d", len(got), err, len(want))
	}
	for _, a := range got {
		if !want[a.ID] || a.OpenSlot == "" {
			t.Errorf("SkillAttempts holds %s (%s at %s, slot %q); want only ann's and bob's at bp-manual and pulse", a.ID, a.StudentID, a.ChecklistID, a.OpenSlot)
		}
	}
	for _, empty := range [][2][]string{{nil, {"pulse"}}, {{"ann"}, nil}, {{"zed"}, {"pulse"}}} {
		if got, err := s.SkillAttempts(ctx, p, empty[0], empty[1]); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("SkillAttempts(%v, %v) = %v, %v; want an empty list", empty[0], empty[1], got, err)
		}
	}
}

func TestAttemptQueueIsOldestFirstPagedAndFiltered(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	p := "p1"
	// Requests made in reverse id order, so the queue must sort by time.
	type req struct {
		student, cohort string
		area            models.Area
		minute          int
	}
	reqs := []req{{"s5", "c2", "vitals", 5}, {"s4", "c1", "meds", 4}, {"s3", "c2", "vitals", 3}, {"s2", "c1", "vitals", 2}, {"s1", "c1", "vitals", 1}}
	ids := map[string]string{}
	for _, r := range reqs {
		a, ev := attemptRequest(p, r.student, "bp-manual")
		a.CohortID, a.Area, a.RequestedAt = r.cohort, r.area, clk.Now().Add(time.Duration(r.minute)*time.Minute)
		attemptMustCreate(t, s, a, ev)
		ids[r.student] = a.ID
	}
	// Not in the queue: a practice, an evaluated request, another program's.
	practice, pev := attemptRequest(p, "s1", "pulse")
	practice.Kind, practice.Status = models.AttemptPractice, models.StatusPracticed
	attemptMustCreate(t, s, practice, pev)
	done, dev := attemptRequest(p, "s9", "bp-manual")
	attemptMustCreate(t, s, done, dev)
	if _, err := s.EvaluateAttempt(ctx, p, done.ID, 1, models.StatusPassed, attemptEvaluation(models.OutcomePassed)); err != nil {
		t.Fatal(err)
	}
	foreign, fev := attemptRequest("p2", "t1", "bp-manual")
	attemptMustCreate(t, s, foreign, fev)

	students := func(f models.QueueFilter, limit int) []string {
		t.Helper()
		var out []string
		page := models.Page{Limit: limit}
		for range 10 {
			got, err := s.Queue(ctx, p, f, page)
			if err != nil {
				t.Fatalf("Queue(%+v, %+v) = %v", f, page, err)
			}
			if len(got.Items) > limit {
				t.Fatalf("Queue page of %d items; want at most %d", len(got.Items), limit)
			}
			for _, a := range got.Items {
				if a.ID != ids[a.StudentID] {
					t.Fatalf("Queue holds %s of %s; want only waiting requests", a.ID, a.StudentID)
				}
				out = append(out, a.StudentID)
			}
			if got.NextCursor == "" {
				return out
			}
			page.Cursor = got.NextCursor
		}
		t.Fatal("Queue never ended")
		return nil
	}
	tests := []struct {
		name  string
		f     models.QueueFilter
		limit int
		want  []string
	}{
		{"every cohort", models.QueueFilter{}, 50, []string{"s1", "s2", "s3", "s4", "s5"}},
		{"every cohort in pages of 2", models.QueueFilter{}, 2, []string{"s1", "s2", "s3", "s4", "s5"}},
		{"one cohort", models.QueueFilter{CohortIDs: []string{"c1"}}, 1, []string{"s1", "s2", "s4"}},
		{"two cohorts", models.QueueFilter{CohortIDs: []string{"c2", "c1"}}, 2, []string{"s1", "s2", "s3", "s4", "s5"}},
		{"an area", models.QueueFilter{Area: "vitals"}, 2, []string{"s1", "s2", "s3", "s5"}},
		{"a cohort and an area", models.QueueFilter{CohortIDs: []string{"c1"}, Area: "meds"}, 2, []string{"s4"}},
		{"an unknown cohort", models.QueueFilter{CohortIDs: []string{"c9"}}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := students(tt.f, tt.limit); !slices.Equal(got, tt.want) {
				t.Fatalf("Queue(%+v) students = %v; want %v", tt.f, got, tt.want)
			}
		})
	}
	none, err := s.Queue(ctx, p, models.QueueFilter{CohortIDs: []string{}}, models.Page{})
	if err != nil || none.Items == nil || len(none.Items) != 0 || none.NextCursor != "" {
		t.Fatalf("Queue(no cohorts) = %+v, %v; want an empty list", none, err)
	}
	// A page that ends exactly at the last request has no next cursor.
	if got, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Limit: 5}); err != nil || len(got.Items) != 5 || got.NextCursor != "" {
		t.Fatalf("Queue(limit 5) = %d items, cursor %q, %v; want 5 and no cursor", len(got.Items), got.NextCursor, err)
	}
	// A request made after a page was read shows on a later page, none
	// twice.
	first, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	late, lev := attemptRequest(p, "s6", "bp-manual")
	late.RequestedAt = clk.Now().Add(time.Hour)
	attemptMustCreate(t, s, late, lev)
	rest, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Limit: 50, Cursor: first.NextCursor})
	if err != nil || len(rest.Items) != 4 || rest.Items[0].StudentID != "s3" || rest.Items[3].ID != late.ID {
		t.Fatalf("Queue after the first page = %+v, %v; want s3, s4, s5, s6", rest.Items, err)
	}
	for _, bad := range []string{"%%%", "bm90LWpzb24", strings.Repeat("A", 600), attemptQueueKey{}.cursor(),
		"eyJsIjoidXNlcnMiLCJrIjp7InQiOjEsImkiOiJ4In19"} { // the last: another list's
		_, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Cursor: bad})
		var v *models.ValidationError
		if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "cursor" {
			t.Errorf("Queue(cursor %q) = %v; want a validation problem of cursor", bad, err)
		}
	}
}

func TestAttemptCreateRemediationKeepsWhatTheCallerMade(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	p := "p1"
	r := models.Remediation{ID: newID(), ProgramID: p, StudentID: "ann", ChecklistID: "bp-manual", Plan: "Practise twice",
		DueDate: "2026-12-15", CreatedBy: "adm", CreatedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	planned := models.Event{Type: models.EventRemediationPlanned, ProgramID: p, Actor: attemptByAdmin,
		Subject: "remediation", SubjectID: r.ID, StudentID: "ann", Summary: "planned",
		Notify: []models.Notification{{UserID: "ann", Category: "remediation", Title: "Remediation plan"}}}
	got, err := s.CreateRemediation(ctx, r, planned)
	if err != nil || got != r {
		t.Fatalf("CreateRemediation = %+v, %v; want %+v", got, err, r)
	}
	plans, err := s.RemediationsOf(ctx, p, []string{"ann"})
	if err != nil || len(plans) != 1 || plans[0] != r {
		t.Fatalf("RemediationsOf = %+v, %v; want the plan as made", plans, err)
	}
	if got := attemptAudit(t, s, p, r.ID); !slices.Equal(got, []string{"remediation.planned"}) {
		t.Fatalf("audit = %v; want remediation.planned", got)
	}
	if n := attemptCount(t, s, "notifications"); n != 1 {
		t.Fatalf("notifications = %d; want the student's one", n)
	}
	if _, err := s.CreateRemediation(ctx, r, planned); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("CreateRemediation(a used id) = %v; want ErrConflict", err)
	}
	if e, n := attemptCount(t, s, "events"), attemptCount(t, s, "notifications"); e != 1 || n != 1 {
		t.Fatalf("after a refused plan: events, notifications = %d, %d; want 1, 1", e, n)
	}
}

func TestAttemptRemediationsOfAreTheStudentsOnly(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	mk := func(program, student, checklist string, day int) models.Remediation {
		t.Helper()
		r := models.Remediation{ID: newID(), ProgramID: program, StudentID: student, ChecklistID: checklist, Plan: "Practise",
			CreatedBy: "adm", CreatedAt: time.Date(2026, 12, day, 9, 0, 0, 0, time.UTC)}
		if _, err := s.CreateRemediation(ctx, r, models.Event{Type: models.EventRemediationPlanned, ProgramID: program,
			Actor: attemptByAdmin, Subject: "remediation", SubjectID: r.ID, StudentID: student}); err != nil {
			t.Fatal(err)
		}
		return r
	}
	annLater := mk("p1", "ann", "pulse", 3)
	annFirst := mk("p1", "ann", "bp-manual", 2)
	bob := mk("p1", "bob", "bp-manual", 1)
	mk("p1", "cal", "bp-manual", 1)
	mk("p2", "ann", "bp-manual", 1)
	got, err := s.RemediationsOf(ctx, "p1", []string{"bob", "ann"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if want := []string{annFirst.ID, annLater.ID, bob.ID}; !slices.Equal(ids, want) {
		t.Fatalf("RemediationsOf(bob, ann) = %v; want %v (each student's oldest first)", ids, want)
	}
	if got, err := s.RemediationsOf(ctx, "p1", nil); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("RemediationsOf(none) = %v, %v; want an empty list", got, err)
	}
}

// attemptAssertNoScan fails unless query's plan reads through index (and
// never scans a table).
func attemptAssertNoScan(tb testing.TB, db *sql.DB, index, query string, args ...any) {
	tb.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatalf("EXPLAIN %s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	whole := strings.Join(plan, "\n")
	tb.Logf("plan:\n%s", whole)
	for _, step := range plan {
		if strings.HasPrefix(step, "SCAN ") {
			tb.Errorf("plan of %s scans a table:\n%s", query, whole)
		}
	}
	if !strings.Contains(whole, "INDEX "+index+" ") {
		tb.Errorf("plan of %s does not use %s:\n%s", query, index, whole)
	}
}

func TestAttemptQueriesReadThroughIndexes(t *testing.T) {
	s, _ := openTest(t)
	// Some rows and fresh statistics, so the planner chooses as it would
	// on a real program.
	for i := range 50 {
		a, ev := attemptRequest("p1", "s"+string(rune('a'+i%26))+string(rune('a'+i/26)), "bp-manual")
		attemptMustCreate(t, s, a, ev)
	}
	if _, err := s.writer.Exec("ANALYZE"); err != nil {
		t.Fatal(err)
	}
	after := &attemptQueueKey{At: 1, ID: "x"}
	cases := []struct {
		name, index string
		query       string
		args        []any
	}{
		{name: "AttemptByEvaluation", index: "attempts_evaluation", query: attemptByEvaluationSQL, args: []any{"e1", "p1"}},
	}
	add := func(name, index, q string, args []any) {
		cases = append(cases, struct {
			name, index string
			query       string
			args        []any
		}{name, index, q, args})
	}
	q, args := attemptQueueSQL("p1", models.QueueFilter{}, nil, 51)
	add("Queue", "attempts_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{Area: "vitals"}, after, 51)
	add("Queue after a cursor, by area", "attempts_area_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{}, after, 51)
	add("Queue after a cursor", "attempts_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{CohortIDs: []string{"c1"}}, after, 51)
	add("Queue of a cohort", "attempts_cohort_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{CohortIDs: []string{"c1", "c2", "c3"}, Area: "vitals"}, nil, 51)
	add("Queue of cohorts", "attempts_cohort_queue", q, args)
	q, args = attemptSkillSQL("p1", []string{"sa", "sb"}, []string{"bp-manual", "pulse"}, 4001)
	add("SkillAttempts", "attempts_student_skill", q, args)
	q, args = attemptRemediationsSQL("p1", []string{"sa", "sb"})
	add("RemediationsOf", "remediations_student", q, args)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { attemptAssertNoScan(t, s.reader, c.index, c.query, c.args...) })
	}
}
