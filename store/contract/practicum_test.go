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

func logPracticum(ctx context.Context, s storetest.Store, p models.PracticumEntry) (models.PracticumEntry, bool, error) {
	return storetest.CreatePracticumEntry(ctx, s, models.Actor{UserID: p.StudentID, Role: models.RoleStudent}, p)
}

func mustPracticum(tb testing.TB, s storetest.Store, p models.PracticumEntry) models.PracticumEntry {
	tb.Helper()
	got, created, err := logPracticum(context.Background(), s, p)
	if err != nil || !created {
		tb.Fatalf("CreatePracticumEntry = %v, created %v; want new hours", err, created)
	}
	return got
}

// reviewPracticum records reviewer's decision on entry read, as read,
// without the use case's checks: the store's own guard decides.
func reviewPracticum(ctx context.Context, s storetest.Store, clk clock.Clock, read models.PracticumEntry, reviewer models.User,
	status models.ProcedureStatus, comment string) (models.PracticumEntry, error) {
	decided := read
	decided.Status, decided.Version, decided.UpdatedAt = status, read.Version+1, clk.Now().UTC().Truncate(time.Millisecond)
	decided.Review = &models.PracticumReview{ReviewerID: reviewer.ID, ReviewerName: reviewer.Name,
		ReviewerCredential: reviewer.Credential, ReviewedAt: decided.UpdatedAt, Comment: comment}
	ev := models.Event{ID: newID(), Type: models.EventPracticumConfirmed, ProgramID: read.ProgramID, Actor: models.ActorOf(reviewer, "req"),
		Subject: "practicum", SubjectID: read.ID, StudentID: read.StudentID}
	if status == models.ProcedureRejected {
		ev.Type = models.EventPracticumRejected
	}
	return s.ReviewPracticumEntry(ctx, decided, read.Version, ev)
}

func hours(program, student, site string, h float64) models.PracticumEntry {
	return models.PracticumEntry{ProgramID: program, StudentID: student, StudentName: "Sam", Date: "2026-03-01", Hours: h,
		Site: site, Preceptor: "Pat Preceptor", PreceptorCredential: "RN"}
}

func TestCreatePracticumEntryOnceByClientID(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := hours("p1", "s1", "Valley Clinic", 7.5)
		p.ID = newID()
		first := mustPracticum(t, s, p)
		if first.Status != models.ProcedurePending || first.Version != 1 {
			t.Errorf("CreatePracticumEntry = %+v; want pending at version 1", first)
		}
		if again, created, err := logPracticum(ctx, s, p); err != nil || created || !again.CreatedAt.Equal(first.CreatedAt) {
			t.Errorf("CreatePracticumEntry(retry) = %+v, created %v, %v; want the stored one", again, created, err)
		}
		stolen := p
		stolen.ProgramID, stolen.StudentID = "p2", "s9"
		if _, _, err := logPracticum(ctx, s, stolen); !errors.Is(err, models.ErrConflict) {
			t.Errorf("CreatePracticumEntry(id of another program's hours) = %v; want ErrConflict", err)
		}
		if _, err := s.PracticumEntry(ctx, "p2", p.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("PracticumEntry(other program) = %v; want ErrNotFound", err)
		}
		got, err := s.PracticumEntry(ctx, "p1", p.ID)
		if err != nil || got.Hours != 7.5 || got.Site != "Valley Clinic" || got.Preceptor != "Pat Preceptor" || got.PreceptorCredential != "RN" {
			t.Errorf("PracticumEntry = %+v, %v; want the stored one", got, err)
		}
		if _, _, err := s.CreatePracticumEntry(ctx, models.PracticumEntry{StudentID: "s1"}); err == nil {
			t.Errorf("CreatePracticumEntry(no program) = nil; want an error")
		}
		if audit := auditOf(t, s, "p1", p.ID); len(audit) != 1 || audit[0].Type != models.EventPracticumLogged || audit[0].StudentID != "s1" {
			t.Errorf("audit of the hours = %+v; want one practicum.logged entry (retries record nothing)", audit)
		}
	})
}

func TestReviewPracticumEntryIsGuarded(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := mustPracticum(t, s, hours("p1", "s1", "Valley Clinic", 8))
		rs := reviewers(2)
		got, err := reviewPracticum(ctx, s, clk, p, rs[1], models.ProcedureRejected, "Not on the preceptor's sheet")
		if err != nil || got.Version != 2 || got.Status != models.ProcedureRejected || got.Review == nil || got.Review.Comment != "Not on the preceptor's sheet" {
			t.Fatalf("review = %+v, %v; want rejected at version 2", got, err)
		}
		if read, err := s.PracticumEntry(ctx, "p1", p.ID); err != nil || read.Version != 2 || read.Review == nil || read.Review.ReviewerCredential != "RMA (AMT)" {
			t.Errorf("PracticumEntry after review = %+v, %v; want decided with the reviewer", read, err)
		}
		if _, err := reviewPracticum(ctx, s, clk, p, rs[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrConflict) {
			t.Errorf("review(stale read) = %v; want ErrConflict", err)
		}
		if _, err := reviewPracticum(ctx, s, clk, got, rs[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrConflict) {
			t.Errorf("review(decided) = %v; want ErrConflict", err)
		}
		foreign := got
		foreign.ProgramID = "p2"
		if _, err := reviewPracticum(ctx, s, clk, foreign, rs[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("review(other program) = %v; want ErrNotFound", err)
		}
		q := mustPracticum(t, s, hours("p1", "s1", "Valley Clinic", 4))
		stale := q
		stale.Version = 7
		if _, err := reviewPracticum(ctx, s, clk, stale, rs[0], models.ProcedureConfirmed, ""); !errors.Is(err, models.ErrConflict) {
			t.Errorf("review(stale version) = %v; want ErrConflict", err)
		}
		audit := auditOf(t, s, "p1", p.ID)
		if len(audit) != 2 || audit[1].Type != models.EventPracticumRejected || audit[1].Actor.UserID != rs[1].ID {
			t.Errorf("audit = %+v; want logged then the one decision", audit)
		}
	})
}

func TestPracticumFilterAndTotals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		reviewer := models.User{ID: "i1", ProgramID: "p1", Name: "Ivy", Role: models.RoleInstructor}
		add := func(p models.PracticumEntry, status models.ProcedureStatus) {
			clk.Advance(time.Millisecond)
			e := mustPracticum(t, s, p)
			if status != models.ProcedurePending {
				if _, err := reviewPracticum(ctx, s, clk, e, reviewer, status, "checked"); err != nil {
					t.Fatal(err)
				}
			}
		}
		add(hours("p1", "s1", "Valley Clinic", 8), models.ProcedureConfirmed)
		add(hours("p1", "s1", "Valley Clinic", 7.5), models.ProcedureConfirmed)
		add(hours("p1", "s1", "Valley Clinic", 4), models.ProcedurePending)
		add(hours("p1", "s1", "Lakeside Lab", 6.25), models.ProcedureConfirmed)
		add(hours("p1", "s1", "Lakeside Lab", 3), models.ProcedureRejected)
		add(hours("p1", "s2", "Valley Clinic", 8), models.ProcedureConfirmed)
		add(hours("p2", "s1", "Valley Clinic", 8), models.ProcedureConfirmed)

		totals, err := s.PracticumTotals(ctx, "p1", []string{"s1", "s2", "s4"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]models.HoursCount{
			"s1": {"Valley Clinic": {Confirmed: 15.5, Pending: 4}, "Lakeside Lab": {Confirmed: 6.25, Rejected: 3}},
			"s2": {"Valley Clinic": {Confirmed: 8}},
		}
		if len(totals) != 2 || len(totals["s1"]) != 2 || totals["s1"]["Valley Clinic"] != want["s1"]["Valley Clinic"] ||
			totals["s1"]["Lakeside Lab"] != want["s1"]["Lakeside Lab"] || totals["s2"]["Valley Clinic"] != want["s2"]["Valley Clinic"] {
			t.Errorf("PracticumTotals = %v; want %v", totals, want)
		}
		if none, err := s.PracticumTotals(ctx, "p1", nil); err != nil || len(none) != 0 {
			t.Errorf("PracticumTotals(nobody) = %v, %v; want empty", none, err)
		}
		// Progress reads them with the other records.
		if r, err := s.ProgressRecords(ctx, "p1", []models.User{{ID: "s1", ProgramID: "p1", Role: models.RoleStudent}}); err != nil ||
			r.Practicum["s1"]["Valley Clinic"].Confirmed != 15.5 {
			t.Errorf("ProgressRecords.Practicum = %v, %v; want s1's hours", r.Practicum, err)
		}

		tests := []struct {
			name string
			f    models.PracticumFilter
			want int
		}{
			{"program", models.PracticumFilter{}, 6},
			{"one student", models.PracticumFilter{StudentIDs: []string{"s1"}}, 5},
			{"students", models.PracticumFilter{StudentIDs: []string{"s1", "s2"}}, 6},
			{"no students", models.PracticumFilter{StudentIDs: []string{}}, 0},
			{"pending", models.PracticumFilter{Status: models.ProcedurePending}, 1},
			{"student confirmed", models.PracticumFilter{StudentIDs: []string{"s1"}, Status: models.ProcedureConfirmed}, 3},
		}
		for _, tt := range tests {
			var all []models.PracticumEntry
			page := models.Page{Limit: 2}
			for {
				list, err := s.PracticumEntries(ctx, "p1", tt.f, page)
				if err != nil {
					t.Fatalf("%s: PracticumEntries = %v", tt.name, err)
				}
				all = append(all, list.Items...)
				if list.NextCursor == "" {
					break
				}
				page.Cursor = list.NextCursor
			}
			if len(all) != tt.want {
				t.Errorf("%s: PracticumEntries = %d items; want %d", tt.name, len(all), tt.want)
			}
			if !slices.IsSortedFunc(all, func(a, b models.PracticumEntry) int { return -compareIDs(a.ID, b.ID) }) {
				t.Errorf("%s: PracticumEntries not newest first", tt.name)
			}
		}
	})
}

func compareIDs(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestProcedureSuccessCounts: confirmed procedures that did not succeed
// are counted apart; those logged before success was recorded succeeded.
func TestProcedureSuccessCounts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		reviewer := models.User{ID: "i1", ProgramID: "p1", Name: "Ivy", Role: models.RoleInstructor}
		yes, no := true, false
		for _, ok := range []*bool{nil, &yes, &yes, &no, &no} {
			clk.Advance(time.Millisecond)
			p := mustProcedure(t, s, models.Procedure{ProgramID: "p1", StudentID: "s1", Kind: "venipuncture", PerformedAt: "2026-03-01", Successful: ok})
			if _, err := review(ctx, s, clk, p, reviewer, models.ProcedureConfirmed, ""); err != nil {
				t.Fatal(err)
			}
		}
		mustProcedure(t, s, models.Procedure{ProgramID: "p1", StudentID: "s1", Kind: "venipuncture", PerformedAt: "2026-03-02", Successful: &no})
		counts, err := s.ProcedureCounts(ctx, "p1", []string{"s1"})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := counts["s1"]["venipuncture"], (models.ProcedureCount{Confirmed: 5, Successful: 3, Pending: 1}); got != want {
			t.Errorf("ProcedureCounts = %+v; want %+v", got, want)
		}
		list, err := s.Procedures(ctx, "p1", models.ProcedureFilter{StudentIDs: []string{"s1"}}, models.Page{})
		if err != nil || len(list.Items) != 6 || list.Items[0].Successful == nil || *list.Items[0].Successful {
			t.Errorf("Procedures = %+v, %v; want the newest stored as not successful", list.Items, err)
		}
	})
}

// TestUpdateProgramSettings: a patch changes what it names and keeps the
// rest, policies by checklist, with its audit entry.
func TestUpdateProgramSettings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		ev := func() models.Event {
			return models.Event{ID: newID(), Type: models.EventProgramUpdated, ProgramID: p, Actor: admin, Subject: "program", SubjectID: p, Summary: "settings"}
		}
		two, three := 2, 3
		tz := "America/Chicago"
		if _, err := s.SetPINVoidWindow(ctx, p, 48, ev()); err != nil {
			t.Fatal(err)
		}
		got, err := s.UpdateProgramSettings(ctx, p, models.SettingsPatch{TimeZone: &tz, PracticumHours: &three,
			Policies: map[string]models.ChecklistPolicy{"bp-manual": {MaxAttempts: &two, DistinctDays: true}, "pulse": {RequiredPractice: &three}}}, ev())
		if err != nil || got.TimeZone != tz || got.PracticumHours != 3 || got.PINVoidHours != 48 || len(got.Policies) != 2 ||
			*got.Policies["bp-manual"].MaxAttempts != 2 || !got.Policies["bp-manual"].DistinctDays {
			t.Fatalf("UpdateProgramSettings = %+v, %v; want the patch applied, the PIN window kept", got, err)
		}
		// Removing one policy keeps the other; the change is read back
		// through any cache.
		if _, err := s.UpdateProgramSettings(ctx, p, models.SettingsPatch{Policies: map[string]models.ChecklistPolicy{"bp-manual": {}}}, ev()); err != nil {
			t.Fatal(err)
		}
		read, err := s.Program(ctx, p)
		if err != nil || read.TimeZone != tz || len(read.Policies) != 1 || read.Policies["pulse"].RequiredPractice == nil || read.Grading != models.DefaultGrading {
			t.Fatalf("Program = %+v, %v; want pulse's policy only, the rest kept", read, err)
		}
		if got := auditTypes(t, s, p, p); len(got) != 3 {
			t.Errorf("audit = %v; want each change", got)
		}
		if _, err := s.UpdateProgramSettings(ctx, newID(), models.SettingsPatch{TimeZone: &tz}, ev()); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("UpdateProgramSettings(no such program) = %v; want ErrNotFound", err)
		}
	})
}
