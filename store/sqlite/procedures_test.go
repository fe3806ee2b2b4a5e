package sqlite

import (
	"context"
	"errors"
	"sync"
	"testing"

	"skillbook/models"
)

// The cases of store/mongo/procedures_test.go.

// skillLogProcedure stores p as logged by its student, pending review,
// with its audit event, as the LogProcedure use case does.
func skillLogProcedure(ctx context.Context, s *Store, p models.Procedure) (models.Procedure, bool, error) {
	if p.ID == "" {
		p.ID = newID()
	}
	now := s.now()
	p.Status, p.Review, p.Version, p.CreatedAt, p.UpdatedAt = models.ProcedurePending, nil, 1, now, now
	ev := models.Event{Type: models.EventProcedureLogged, ProgramID: p.ProgramID, Actor: models.Actor{UserID: p.StudentID},
		Subject: "procedure", SubjectID: p.ID, StudentID: p.StudentID}
	return s.CreateProcedure(ctx, p, ev)
}

func skillMustProcedure(tb testing.TB, s *Store, p models.Procedure) models.Procedure {
	tb.Helper()
	got, created, err := skillLogProcedure(context.Background(), s, p)
	if err != nil || !created {
		tb.Fatalf("CreateProcedure = %v, created %v; want a new procedure", err, created)
	}
	return got
}

// skillReview records reviewer's decision on procedure read, as read: the
// write the review use cases make, without their checks, so the store's
// own guard is what decides.
func skillReview(ctx context.Context, s *Store, read models.Procedure, reviewer models.User, status models.ProcedureStatus, reason string) (models.Procedure, error) {
	decided := read
	decided.Status, decided.Version, decided.UpdatedAt = status, read.Version+1, s.now()
	decided.Review = &models.ProcedureReview{ReviewerID: reviewer.ID, ReviewerName: reviewer.Name,
		ReviewerCredential: reviewer.Credential, ReviewedAt: decided.UpdatedAt, Reason: reason}
	ev := models.Event{Type: models.EventProcedureConfirmed, ProgramID: read.ProgramID, Actor: models.Actor{UserID: reviewer.ID},
		Subject: "procedure", SubjectID: read.ID, StudentID: read.StudentID}
	if status == models.ProcedureRejected {
		ev.Type = models.EventProcedureRejected
	}
	return s.ReviewProcedure(ctx, decided, read.Version, ev)
}

// skillEventsOf lists the types of the events about subject id, oldest
// first, with their actors.
func skillEventsOf(tb testing.TB, s *Store, id string) (types, actors []string) {
	tb.Helper()
	rows, err := s.reader.Query(`SELECT type, actor_id FROM events WHERE subject_id = ? ORDER BY at, id`, id)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var typ, actor string
		if err := rows.Scan(&typ, &actor); err != nil {
			tb.Fatal(err)
		}
		types, actors = append(types, typ), append(actors, actor)
	}
	return types, actors
}

func TestSkillCreateProcedureOnceByClientID(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	p := models.Procedure{ID: newID(), ProgramID: "p1", StudentID: "s1", StudentName: "Sam", Kind: "venipuncture", PerformedAt: "2026-03-01", Site: "Lab 2"}
	first := skillMustProcedure(t, s, p)
	if first.Status != models.ProcedurePending || first.Version != 1 {
		t.Errorf("CreateProcedure = %+v; want pending at version 1", first)
	}
	clk.Advance(60e9)
	again, created, err := skillLogProcedure(ctx, s, p)
	if err != nil || created || again.ID != p.ID || !again.CreatedAt.Equal(first.CreatedAt) {
		t.Errorf("CreateProcedure(retry) = %+v, created %v, %v; want the stored one, not created", again, created, err)
	}
	other := p
	other.Kind = "capillary-puncture"
	if stored, created, err := skillLogProcedure(ctx, s, other); err != nil || created || stored.Kind != p.Kind {
		t.Errorf("CreateProcedure(same id, other content) = %+v, created %v, %v; want the stored %s, not created", stored, created, err, p.Kind)
	}
	stolen := p
	stolen.StudentID, stolen.ProgramID = "s9", "p2"
	if _, _, err := skillLogProcedure(ctx, s, stolen); !errors.Is(err, models.ErrConflict) {
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
	if types, _ := skillEventsOf(t, s, p.ID); len(types) != 1 || types[0] != string(models.EventProcedureLogged) {
		t.Errorf("events of the procedure = %v; want one procedure.logged (retries record nothing)", types)
	}
}

func TestSkillReviewProcedureExactlyOnce(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	p := skillMustProcedure(t, s, models.Procedure{ProgramID: "p1", StudentID: "s1", Kind: "venipuncture", PerformedAt: "2026-03-01"})
	reviewers := make([]models.User, 8)
	for i := range reviewers {
		reviewers[i] = models.User{ID: newID(), ProgramID: "p1", Name: "Instructor", Credential: "RMA (AMT)", Role: models.RoleInstructor}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(reviewers))
	for i, r := range reviewers {
		wg.Go(func() {
			if i%2 == 0 {
				_, errs[i] = skillReview(ctx, s, p, r, models.ProcedureConfirmed, "")
			} else {
				_, errs[i] = skillReview(ctx, s, p, r, models.ProcedureRejected, "no witness")
			}
		})
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
	var status string
	var version int64
	if err := s.reader.QueryRow(`SELECT status, version FROM procedures WHERE id = ?`, p.ID).Scan(&status, &version); err != nil ||
		status != string(got.Status) || version != 2 {
		t.Errorf("columns = %s v%d, %v; want %s v2 (in step with the doc)", status, version, err, got.Status)
	}
	// A stale read, a decided one, or one of another program decides nothing.
	if _, err := skillReview(ctx, s, got, reviewers[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrConflict) {
		t.Errorf("review(decided) = %v; want ErrConflict", err)
	}
	foreign := got
	foreign.ProgramID = "p2"
	if _, err := skillReview(ctx, s, foreign, reviewers[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("review(other program) = %v; want ErrNotFound", err)
	}
	types, actors := skillEventsOf(t, s, p.ID)
	if len(types) != 2 || actors[1] != got.Review.ReviewerID {
		t.Errorf("events = %v by %v; want logged then one decision by the winner", types, actors)
	}

	// A pending one read at an old version is a conflict too.
	q := skillMustProcedure(t, s, models.Procedure{ProgramID: "p1", StudentID: "s1", Kind: "venipuncture", PerformedAt: "2026-03-02"})
	stale := q
	stale.Version = 7
	if _, err := skillReview(ctx, s, stale, reviewers[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrConflict) {
		t.Errorf("review(stale version) = %v; want ErrConflict", err)
	}
}

func TestSkillProceduresFilterAndCounts(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	reviewer := models.User{ID: "i1", ProgramID: "p1", Name: "Ivy", Role: models.RoleInstructor}
	add := func(program, student, kind string, status models.ProcedureStatus) {
		clk.Advance(1e6)
		p := skillMustProcedure(t, s, models.Procedure{ProgramID: program, StudentID: student, Kind: kind, PerformedAt: "2026-03-01"})
		var err error
		switch status {
		case models.ProcedureConfirmed:
			_, err = skillReview(ctx, s, p, reviewer, models.ProcedureConfirmed, "")
		case models.ProcedureRejected:
			_, err = skillReview(ctx, s, p, reviewer, models.ProcedureRejected, "not live")
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
		t.Run(tt.name, func(t *testing.T) {
			var all []models.Procedure
			page := models.Page{Limit: 2}
			for {
				list, err := s.Procedures(ctx, "p1", tt.f, page)
				if err != nil {
					t.Fatalf("Procedures = %v", err)
				}
				if len(list.Items) > 2 {
					t.Fatalf("page of %d; want at most 2", len(list.Items))
				}
				all = append(all, list.Items...)
				if list.NextCursor == "" {
					break
				}
				page.Cursor = list.NextCursor
			}
			if len(all) != tt.want {
				t.Errorf("Procedures = %d items; want %d", len(all), tt.want)
			}
			for i := 1; i < len(all); i++ {
				if all[i].ID > all[i-1].ID {
					t.Errorf("Procedures not newest first at %d", i)
				}
			}
		})
	}
	var ve *models.ValidationError
	if _, err := s.Procedures(ctx, "p1", models.ProcedureFilter{}, models.Page{Cursor: "not base64!"}); !errors.As(err, &ve) {
		t.Errorf("Procedures(bad cursor) = %v; want a ValidationError", err)
	}
	if _, err := s.Procedures(ctx, "", models.ProcedureFilter{}, models.Page{}); err == nil {
		t.Errorf("Procedures(no program) = nil; want an error")
	}
}
