package contract_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

// logProcedure stores p as logged by its student, pending review, with its
// audit event, as the LogProcedure use case does.
func logProcedure(ctx context.Context, s storetest.Store, p models.Procedure) (models.Procedure, bool, error) {
	return storetest.CreateProcedure(ctx, s, models.Actor{UserID: p.StudentID, Role: models.RoleStudent}, p)
}

func mustProcedure(tb testing.TB, s storetest.Store, p models.Procedure) models.Procedure {
	tb.Helper()
	got, created, err := logProcedure(context.Background(), s, p)
	if err != nil || !created {
		tb.Fatalf("CreateProcedure = %v, created %v; want a new procedure", err, created)
	}
	return got
}

// review records reviewer's decision on procedure read, as read: the write
// the review use cases make, without their checks, so the store's own
// guard is what decides.
func review(ctx context.Context, s storetest.Store, clk clock.Clock, read models.Procedure, reviewer models.User,
	status models.ProcedureStatus, reason string) (models.Procedure, error) {
	decided := read
	decided.Status, decided.Version, decided.UpdatedAt = status, read.Version+1, clk.Now().UTC().Truncate(time.Millisecond)
	decided.Review = &models.ProcedureReview{ReviewerID: reviewer.ID, ReviewerName: reviewer.Name,
		ReviewerCredential: reviewer.Credential, ReviewedAt: decided.UpdatedAt, Reason: reason}
	ev := models.Event{ID: newID(), Type: models.EventProcedureConfirmed, ProgramID: read.ProgramID, Actor: models.ActorOf(reviewer, "req"),
		Subject: "procedure", SubjectID: read.ID, StudentID: read.StudentID}
	if status == models.ProcedureRejected {
		ev.Type = models.EventProcedureRejected
	}
	return s.ReviewProcedure(ctx, decided, read.Version, ev)
}

func TestCreateProcedureOnceByClientID(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := models.Procedure{ID: newID(), ProgramID: "p1", StudentID: "s1", StudentName: "Sam", Kind: "venipuncture", PerformedAt: "2026-03-01", Site: "Lab 2"}
		first := mustProcedure(t, s, p)
		if first.Status != models.ProcedurePending || first.Version != 1 {
			t.Errorf("CreateProcedure = %+v; want pending at version 1", first)
		}
		again, created, err := logProcedure(ctx, s, p)
		if err != nil || created || again.ID != p.ID || !again.CreatedAt.Equal(first.CreatedAt) {
			t.Errorf("CreateProcedure(retry) = %+v, created %v, %v; want the stored one, not created", again, created, err)
		}
		// The same id with other content finds the stored procedure,
		// unchanged; the use case refuses it (workflow's TestLogProcedure).
		other := p
		other.Kind = "capillary-puncture"
		if stored, created, err := logProcedure(ctx, s, other); err != nil || created || stored.Kind != p.Kind {
			t.Errorf("CreateProcedure(same id, other content) = %+v, created %v, %v; want the stored %s, not created", stored, created, err, p.Kind)
		}
		stolen := p
		stolen.StudentID, stolen.ProgramID = "s9", "p2"
		if _, _, err := logProcedure(ctx, s, stolen); !errors.Is(err, models.ErrConflict) {
			t.Errorf("CreateProcedure(id of another program's procedure) = %v; want ErrConflict", err)
		}
		if _, err := s.Procedure(ctx, "p2", p.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Procedure(other program) = %v; want ErrNotFound", err)
		}
		if got, err := s.Procedure(ctx, "p1", p.ID); err != nil || got.Site != "Lab 2" || got.StudentName != "Sam" {
			t.Errorf("Procedure = %+v, %v; want the stored one", got, err)
		}
		if _, _, err := s.CreateProcedure(ctx, models.Procedure{StudentID: "s1"}); err == nil {
			t.Errorf("CreateProcedure(no program) = nil; want an error")
		}
		audit := auditOf(t, s, "p1", p.ID)
		if len(audit) != 1 || audit[0].Type != models.EventProcedureLogged || audit[0].StudentID != "s1" {
			t.Errorf("audit of the procedure = %+v; want one procedure.logged entry about s1 (retries record nothing)", audit)
		}
	})
}

// reviewers are n instructors of p1 who may decide a procedure.
func reviewers(n int) []models.User {
	out := make([]models.User, n)
	for i := range out {
		out[i] = models.User{ID: newID(), ProgramID: "p1", Name: "Instructor", Credential: "RMA (AMT)", Role: models.RoleInstructor}
	}
	return out
}

func TestReviewProcedureExactlyOnce(t *testing.T) {
	forEachAtomicEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := mustProcedure(t, s, models.Procedure{ProgramID: "p1", StudentID: "s1", Kind: "venipuncture", PerformedAt: "2026-03-01"})
		rs := reviewers(8)
		// Eight instructors decide at once: exactly one wins.
		errs := race(len(rs), func(i int) error {
			var err error
			if i%2 == 0 {
				_, err = review(ctx, s, clk, p, rs[i], models.ProcedureConfirmed, "")
			} else {
				_, err = review(ctx, s, clk, p, rs[i], models.ProcedureRejected, "no witness")
			}
			return err
		})
		oneWinner(t, "review", errs, models.ErrConflict)
		got, err := s.Procedure(ctx, "p1", p.ID)
		if err != nil || got.Version != 2 || got.Status == models.ProcedurePending || got.Review == nil || got.Review.ReviewerCredential != "RMA (AMT)" {
			t.Errorf("Procedure after review = %+v, %v; want decided at version 2 with the reviewer", got, err)
		}
		audit := auditOf(t, s, "p1", p.ID)
		if len(audit) != 2 || audit[1].Actor.UserID != got.Review.ReviewerID {
			t.Errorf("audit = %+v; want logged then one decision by the winner", audit)
		}
	})
}

func TestReviewProcedureIsGuardedByVersion(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := mustProcedure(t, s, models.Procedure{ProgramID: "p1", StudentID: "s1", Kind: "venipuncture", PerformedAt: "2026-03-01"})
		rs := reviewers(2)
		got, err := review(ctx, s, clk, p, rs[1], models.ProcedureRejected, "no witness")
		if err != nil || got.Version != 2 || got.Status != models.ProcedureRejected || got.Review == nil || got.Review.Reason != "no witness" {
			t.Fatalf("review = %+v, %v; want rejected at version 2", got, err)
		}
		if read, err := s.Procedure(ctx, "p1", p.ID); err != nil || read.Version != 2 || read.Status != models.ProcedureRejected ||
			read.Review == nil || read.Review.ReviewerCredential != "RMA (AMT)" {
			t.Errorf("Procedure after review = %+v, %v; want decided at version 2 with the reviewer", read, err)
		}
		// A stale read, a decided one, or one of another program decides
		// nothing.
		if _, err := review(ctx, s, clk, p, rs[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrConflict) {
			t.Errorf("review(stale read) = %v; want ErrConflict", err)
		}
		if _, err := review(ctx, s, clk, got, rs[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrConflict) {
			t.Errorf("review(decided) = %v; want ErrConflict", err)
		}
		foreign := got
		foreign.ProgramID = "p2"
		if _, err := review(ctx, s, clk, foreign, rs[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("review(other program) = %v; want ErrNotFound", err)
		}
		audit := auditOf(t, s, "p1", p.ID)
		if len(audit) != 2 || audit[1].Type != models.EventProcedureRejected || audit[1].Actor.UserID != rs[1].ID {
			t.Errorf("audit = %+v; want logged then the one decision", audit)
		}
		// A pending one read at an old version is a conflict too.
		q := mustProcedure(t, s, models.Procedure{ProgramID: "p1", StudentID: "s1", Kind: "venipuncture", PerformedAt: "2026-03-02"})
		stale := q
		stale.Version = 7
		if _, err := review(ctx, s, clk, stale, rs[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrConflict) {
			t.Errorf("review(stale version) = %v; want ErrConflict", err)
		}
	})
}

func TestProceduresFilterAndCounts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		reviewer := models.User{ID: "i1", ProgramID: "p1", Name: "Ivy", Role: models.RoleInstructor}
		add := func(program, student, kind string, status models.ProcedureStatus) {
			clk.Advance(time.Millisecond)
			p := mustProcedure(t, s, models.Procedure{ProgramID: program, StudentID: student, Kind: kind, PerformedAt: "2026-03-01"})
			var err error
			switch status {
			case models.ProcedureConfirmed:
				_, err = review(ctx, s, clk, p, reviewer, models.ProcedureConfirmed, "")
			case models.ProcedureRejected:
				_, err = review(ctx, s, clk, p, reviewer, models.ProcedureRejected, "not live")
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
			// Logged without a success flag: each succeeded.
			"s1": {"venipuncture": {Confirmed: 3, Successful: 3, Pending: 1}, "capillary-puncture": {Rejected: 1}},
			"s2": {"capillary-puncture": {Confirmed: 1, Successful: 1}},
		}
		if len(counts) != len(want) || len(counts["s1"]) != 2 || counts["s1"]["venipuncture"] != want["s1"]["venipuncture"] ||
			counts["s1"]["capillary-puncture"] != want["s1"]["capillary-puncture"] || counts["s2"]["capillary-puncture"] != want["s2"]["capillary-puncture"] {
			t.Errorf("ProcedureCounts = %v; want %v", counts, want)
		}
		if none, err := s.ProcedureCounts(ctx, "p1", nil); err != nil || len(none) != 0 {
			t.Errorf("ProcedureCounts(nobody) = %v, %v; want empty", none, err)
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
				if len(list.Items) > 2 {
					t.Fatalf("%s: page of %d; want at most 2", tt.name, len(list.Items))
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
		var ve *models.ValidationError
		if _, err := s.Procedures(ctx, "p1", models.ProcedureFilter{}, models.Page{Cursor: "not base64!"}); !errors.As(err, &ve) {
			t.Errorf("Procedures(bad cursor) = %v; want a ValidationError", err)
		}
		if _, err := s.Procedures(ctx, "", models.ProcedureFilter{}, models.Page{}); err == nil {
			t.Errorf("Procedures(no program) = nil; want an error")
		}
	})
}
