package mongo_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

func mustProcedure(tb testing.TB, s *mongo.Store, p models.Procedure) models.Procedure {
	tb.Helper()
	got, created, err := storetest.CreateProcedure(context.Background(), s, models.Actor{UserID: p.StudentID, Role: models.RoleStudent}, p)
	if err != nil || !created {
		tb.Fatalf("CreateProcedure = %v, created %v; want a new procedure", err, created)
	}
	return got
}

// review records reviewer's decision on procedure read, as read, by actor:
// the write the review use cases make, without their checks, so the
// store's own guard is what decides.
func review(ctx context.Context, s *mongo.Store, actor models.Actor, read models.Procedure, reviewer models.User,
	status models.ProcedureStatus, reason string) (models.Procedure, error) {
	decided := read
	decided.Status, decided.Version, decided.UpdatedAt = status, read.Version+1, time.Now()
	decided.Review = &models.ProcedureReview{ReviewerID: reviewer.ID, ReviewerName: reviewer.Name,
		ReviewerCredential: reviewer.Credential, ReviewedAt: decided.UpdatedAt, Reason: reason}
	ev := models.Event{ID: mongo.NewID(), Type: models.EventProcedureConfirmed, ProgramID: read.ProgramID, Actor: actor,
		Subject: "procedure", SubjectID: read.ID, StudentID: read.StudentID}
	if status == models.ProcedureRejected {
		ev.Type = models.EventProcedureRejected
	}
	return s.ReviewProcedure(ctx, decided, read.Version, ev)
}

func TestCreateProcedureOnceByClientID(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := models.Procedure{ID: mongo.NewID(), ProgramID: "p1", StudentID: "s1", StudentName: "Sam", Kind: "venipuncture", PerformedAt: "2026-03-01", Site: "Lab 2"}
	first := mustProcedure(t, s, p)
	if first.Status != models.ProcedurePending || first.Version != 1 {
		t.Errorf("CreateProcedure = %+v; want pending at version 1", first)
	}

	again, created, err := storetest.CreateProcedure(ctx, s, models.Actor{UserID: "s1"}, p)
	if err != nil || created || again.ID != p.ID || !again.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("CreateProcedure(retry) = %+v, created %v, %v; want the stored one, not created", again, created, err)
	}
	// The same id with other content finds the stored procedure, unchanged;
	// the use case refuses it (workflow's TestLogProcedure).
	other := p
	other.Kind = "capillary-puncture"
	if stored, created, err := storetest.CreateProcedure(ctx, s, models.Actor{UserID: "s1"}, other); err != nil || created || stored.Kind != p.Kind {
		t.Errorf("CreateProcedure(same id, other content) = %+v, created %v, %v; want the stored %s, not created", stored, created, err, p.Kind)
	}
	stolen := p
	stolen.StudentID, stolen.ProgramID = "s9", "p2"
	if _, _, err := storetest.CreateProcedure(ctx, s, models.Actor{UserID: "s9"}, stolen); !errors.Is(err, models.ErrConflict) {
		t.Errorf("CreateProcedure(id of another program's procedure) = %v; want ErrConflict", err)
	}
	if _, err := s.Procedure(ctx, "p2", p.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Procedure(other program) = %v; want ErrNotFound", err)
	}
	audit, err := s.Audit(ctx, "p1", mongo.AuditFilter{SubjectID: p.ID}, models.Page{})
	if err != nil || len(audit.Items) != 1 || audit.Items[0].Type != "procedure.logged" || audit.Items[0].StudentID != "s1" {
		t.Errorf("Audit(procedure) = %+v, %v; want one procedure.logged entry about s1", audit.Items, err)
	}
}

func TestReviewProcedureExactlyOnce(t *testing.T) {
	t.Parallel()
	if !storetest.AtomicUpdates(t) {
		return
	}
	s := storetest.New(t)
	ctx := context.Background()
	p := mustProcedure(t, s, models.Procedure{ProgramID: "p1", StudentID: "s1", Kind: "venipuncture", PerformedAt: "2026-03-01"})
	reviewers := make([]models.User, 8)
	for i := range reviewers {
		reviewers[i] = models.User{ID: mongo.NewID(), ProgramID: "p1", Name: "Instructor", Credential: "RMA (AMT)", Role: models.RoleInstructor}
	}

	// Eight instructors decide at once: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, len(reviewers))
	for i, r := range reviewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			actor := models.ActorOf(r, "req")
			if i%2 == 0 {
				_, errs[i] = review(ctx, s, actor, p, r, models.ProcedureConfirmed, "")
			} else {
				_, errs[i] = review(ctx, s, actor, p, r, models.ProcedureRejected, "no witness")
			}
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, models.ErrConflict):
			t.Errorf("review error = %v; want ErrConflict for the losers", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d reviews succeeded; want exactly 1", wins)
	}
	got, err := s.Procedure(ctx, "p1", p.ID)
	if err != nil || got.Version != 2 || got.Status == models.ProcedurePending || got.Review == nil || got.Review.ReviewerCredential != "RMA (AMT)" {
		t.Errorf("Procedure after review = %+v, %v; want decided at version 2 with the reviewer", got, err)
	}
	// A stale read, or one of another program, decides nothing.
	if _, err := review(ctx, s, admin, got, reviewers[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrConflict) {
		t.Errorf("ConfirmProcedure(decided) = %v; want ErrConflict", err)
	}
	foreign := got
	foreign.ProgramID = "p2"
	if _, err := review(ctx, s, admin, foreign, reviewers[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("ConfirmProcedure(other program) = %v; want ErrNotFound", err)
	}
	audit, err := s.Audit(ctx, "p1", mongo.AuditFilter{SubjectID: p.ID}, models.Page{})
	if err != nil || len(audit.Items) != 2 || audit.Items[0].Actor.UserID != got.Review.ReviewerID {
		t.Errorf("Audit(procedure) = %+v, %v; want logged then one decision by the winner", audit.Items, err)
	}
}

func TestProceduresFilterAndCounts(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	reviewer := models.User{ID: "i1", ProgramID: "p1", Name: "Ivy", Role: models.RoleInstructor}
	add := func(program, student, kind string, status models.ProcedureStatus) {
		p := mustProcedure(t, s, models.Procedure{ProgramID: program, StudentID: student, Kind: kind, PerformedAt: "2026-03-01"})
		var err error
		switch status {
		case models.ProcedureConfirmed:
			_, err = review(ctx, s, admin, p, reviewer, models.ProcedureConfirmed, "")
		case models.ProcedureRejected:
			_, err = review(ctx, s, admin, p, reviewer, models.ProcedureRejected, "not live")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		add("p1", "s1", "venipuncture", models.ProcedureConfirmed)
	}
	add("p1", "s1", "venipuncture", models.ProcedurePending)
	add("p1", "s1", "capillary-puncture", models.ProcedureRejected)
	add("p1", "s2", "capillary-puncture", models.ProcedureConfirmed)
	add("p1", "s3", "venipuncture", models.ProcedureConfirmed)
	add("p2", "s1", "venipuncture", models.ProcedureConfirmed)

	counts, err := s.ProcedureCounts(ctx, "p1", []string{"s1", "s2", "s4"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]models.ProcedureCount{
		"s1": {"venipuncture": {Confirmed: 3, Pending: 1}, "capillary-puncture": {Rejected: 1}},
		"s2": {"capillary-puncture": {Confirmed: 1}},
	}
	if len(counts) != len(want) || counts["s1"]["venipuncture"] != want["s1"]["venipuncture"] ||
		counts["s1"]["capillary-puncture"] != want["s1"]["capillary-puncture"] || counts["s2"]["capillary-puncture"] != want["s2"]["capillary-puncture"] {
		t.Errorf("ProcedureCounts = %v; want %v", counts, want)
	}

	tests := []struct {
		name string
		f    models.ProcedureFilter
		want int
	}{
		{"program", models.ProcedureFilter{}, 7},
		{"one student", models.ProcedureFilter{StudentIDs: []string{"s1"}}, 5},
		{"students", models.ProcedureFilter{StudentIDs: []string{"s1", "s2"}}, 6},
		{"no students", models.ProcedureFilter{StudentIDs: []string{}}, 0},
		{"pending", models.ProcedureFilter{Status: models.ProcedurePending}, 1},
		{"student confirmed", models.ProcedureFilter{StudentIDs: []string{"s1"}, Status: models.ProcedureConfirmed}, 3},
	}
	for _, tt := range tests {
		// Pages of two, newest first, add up to the whole list.
		var all []models.Procedure
		page := models.Page{Limit: 2}
		for {
			list, err := s.Procedures(ctx, "p1", tt.f, page)
			if err != nil {
				t.Fatalf("%s: Procedures = %v", tt.name, err)
			}
			all = append(all, list.Items...)
			if list.NextCursor == "" {
				break
			}
			page.Cursor = list.NextCursor
		}
		if len(all) != tt.want {
			t.Errorf("%s: Procedures = %d items; want %d", tt.name, len(all), tt.want)
		}
		for i := 1; i < len(all); i++ {
			if all[i].ID > all[i-1].ID {
				t.Errorf("%s: Procedures not newest first at %d", tt.name, i)
			}
		}
	}
}
