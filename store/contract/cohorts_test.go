package contract_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

// eventsOf is programID's events of type typ about subjectID, oldest first.
func eventsOf(tb testing.TB, st storetest.Store, programID, subjectID string, typ models.EventType) []models.Event {
	tb.Helper()
	var out []models.Event
	for _, e := range auditOf(tb, st, programID, subjectID) {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func TestCreateCohortNamesUniquePerProgram(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p1, p2 := newProgram(t, s), newProgram(t, s)

		c := newCohort(t, s, p1, "  Fall 2026 ")
		if c.Name != "Fall 2026" || c.Version != 1 || c.Archived || c.ID == "" {
			t.Errorf("CreateCohort = %+v; want trimmed name, version 1, active", c)
		}
		for _, name := range []string{"Fall 2026", "fall  2026", "FALL 2026"} {
			_, err := s.CreateCohort(ctx, admin, models.Cohort{ProgramID: p1, Name: name, StartDate: "2026-09-01"})
			if !errors.Is(err, models.ErrConflict) || !strings.Contains(err.Error(), "already exists") {
				t.Errorf("CreateCohort(%q) again = %v; want a conflict naming the duplicate", name, err)
			}
		}
		// Another program may use the same name.
		newCohort(t, s, p2, "Fall 2026")

		_, err := s.CreateCohort(ctx, admin, models.Cohort{ProgramID: p1, Name: "Bad", StartDate: "2026-09-01", EndDate: "2026-01-01"})
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			t.Errorf("CreateCohort(end before start) = %v; want a validation error", err)
		}
		if got := auditTypes(t, s, p1, c.ID); len(got) != 1 || got[0] != "cohort.created" {
			t.Errorf("audit of the cohort = %v; want [cohort.created]", got)
		}
		if got, err := s.Cohort(ctx, p1, c.ID); err != nil || got.Name != c.Name || !got.CreatedAt.Equal(c.CreatedAt) || got.Version != 1 {
			t.Errorf("Cohort = %+v, %v; want %+v", got, err, c)
		}
		if _, err := s.Cohort(ctx, p2, c.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Cohort(other program) = %v; want not found", err)
		}
		if err := s.InsertCohort(ctx, models.Cohort{ID: newID(), Name: "X"}); err == nil {
			t.Error("InsertCohort(no program) = nil; want an error")
		}
	})
}

// saveCohort writes edit's change of cur, audited, guarded by cur's version.
func saveCohort(s storetest.Store, cur models.Cohort, edit func(*models.Cohort)) (models.Cohort, error) {
	next := cur
	edit(&next)
	ev, _ := models.CohortChangedEvent(admin, cur, next, time.Time{})
	return s.SaveCohort(context.Background(), cur, next, ev)
}

func TestSaveCohortIsVersionGuarded(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		c := newCohort(t, s, p, "Spring 2027")
		newCohort(t, s, p, "Taken")
		name, end := "Spring 2027 (evening)", "2027-12-15"

		got, err := saveCohort(s, c, func(c *models.Cohort) { c.Name, c.EndDate = name, end })
		if err != nil || got.Name != name || got.EndDate != end || got.Version != 2 {
			t.Fatalf("SaveCohort = %+v, %v; want renamed with an end date, version 2", got, err)
		}
		if _, err := saveCohort(s, c, func(c *models.Cohort) { c.Name = "Stale" }); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("SaveCohort(stale version) = %v; want precondition failed", err)
		}
		if _, err := saveCohort(s, got, func(c *models.Cohort) { c.Name = "taken" }); !errors.Is(err, models.ErrConflict) || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("SaveCohort(a taken name) = %v; want conflict", err)
		}
		if _, err := saveCohort(s, models.Cohort{ID: "nope", ProgramID: p, Version: 1}, func(c *models.Cohort) { c.Name = "N" }); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("SaveCohort(no such cohort) = %v; want precondition failed", err)
		}
		cleared, err := saveCohort(s, got, func(c *models.Cohort) { c.EndDate = "" })
		if err != nil || cleared.EndDate != "" || cleared.Version != 3 {
			t.Errorf("SaveCohort(clear end date) = %+v, %v", cleared, err)
		}
		if stored, err := s.Cohort(ctx, p, c.ID); err != nil || stored.EndDate != "" || stored.Name != name || stored.Version != 3 {
			t.Errorf("Cohort after the changes = %+v, %v", stored, err)
		}
		// The old name is free again, in any case.
		newCohort(t, s, p, "SPRING 2027")
		want := []string{"cohort.created", "cohort.updated", "cohort.updated"}
		if got := auditTypes(t, s, p, c.ID); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("audit = %v; want %v", got, want)
		}
		e := eventsOf(t, s, p, c.ID, models.EventCohortUpdated)[0]
		if e.Data["oldName"] != "Spring 2027" || e.Data["newName"] != name || e.Data["newEndDate"] != end || e.ID == "" || e.At.IsZero() {
			t.Errorf("first cohort.updated = %+v; want old and new name and end date, an id and a time", e)
		}
	})
}

func TestConcurrentCohortUpdatesOneWins(t *testing.T) {
	forEachAtomicEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		p := newProgram(t, s)
		c := newCohort(t, s, p, "Race")
		errs := race(6, func(i int) error {
			_, err := saveCohort(s, c, func(c *models.Cohort) { c.Name = "Race " + string(rune('A'+i)) })
			return err
		})
		oneWinner(t, "SaveCohort at version 1", errs, models.ErrPreconditionFailed)
		if got, _ := s.Cohort(context.Background(), p, c.ID); got.Version != 2 {
			t.Errorf("version after the race = %d; want 2", got.Version)
		}
	})
}

func TestArchiveCohortAndList(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		a, b := newCohort(t, s, p, "A"), newCohort(t, s, p, "B")
		clk.Advance(time.Millisecond)
		c := newCohort(t, s, p, "C")
		newCohort(t, s, newProgram(t, s), "Elsewhere")

		got, err := s.SetCohortArchived(ctx, admin, p, b.ID, true, 1)
		if err != nil || !got.Archived || got.ArchivedAt == nil || got.Version != 2 {
			t.Fatalf("SetCohortArchived = %+v, %v", got, err)
		}
		if again, err := s.SetCohortArchived(ctx, admin, p, b.ID, true, 0); err != nil || again.Version != 2 || again.ArchivedAt == nil {
			t.Errorf("archiving again = %+v, %v; want no change", again, err)
		}
		if _, err := s.SetCohortArchived(ctx, admin, p, b.ID, false, 1); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("unarchive with a stale version = %v; want precondition failed", err)
		}

		names := func(l models.List[models.Cohort]) string {
			var out []string
			for _, c := range l.Items {
				out = append(out, c.Name)
			}
			return strings.Join(out, ",")
		}
		tests := []struct {
			name string
			f    models.CohortFilter
			want string
		}{
			{"active", models.CohortFilter{}, "A,C"},
			{"archived", models.CohortFilter{Archived: true}, "B"},
			{"own cohorts", models.CohortFilter{IDs: []string{c.ID, b.ID}}, "C"},
			{"no cohorts", models.CohortFilter{IDs: []string{}}, ""},
		}
		for _, tt := range tests {
			l, err := s.Cohorts(ctx, p, tt.f, models.Page{})
			if err != nil || names(l) != tt.want || l.Items == nil {
				t.Errorf("Cohorts(%s) = %q, %v; want %q", tt.name, names(l), err, tt.want)
			}
		}
		first, err := s.Cohorts(ctx, p, models.CohortFilter{}, models.Page{Limit: 1})
		if err != nil || names(first) != "A" || first.NextCursor == "" {
			t.Fatalf("first page = %q (next %q), %v", names(first), first.NextCursor, err)
		}
		second, err := s.Cohorts(ctx, p, models.CohortFilter{}, models.Page{Limit: 1, Cursor: first.NextCursor})
		if err != nil || names(second) != "C" || second.NextCursor != "" {
			t.Errorf("second page = %q (next %q), %v; want C, the last", names(second), second.NextCursor, err)
		}
		invite(t, s, p, "u1@example.com", models.RoleAdmin)
		invite(t, s, p, "u2@example.com", models.RoleAdmin)
		users, _ := s.Users(ctx, p, models.UserFilter{}, models.Page{Limit: 1})
		if users.NextCursor == "" {
			t.Fatal("Users(limit 1) of two = no next cursor")
		}
		for _, bad := range []string{"%%%", "e30", "bm9wZQ", users.NextCursor} {
			_, err := s.Cohorts(ctx, p, models.CohortFilter{}, models.Page{Cursor: bad})
			var ve *models.ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("Cohorts(cursor %q) = %v; want a validation error", bad, err)
			}
		}
		all, err := s.ProgramCohorts(ctx, p)
		if err != nil || len(all) != 3 || all[0].ID != a.ID || all[2].ID != c.ID {
			t.Errorf("ProgramCohorts = %d cohorts, %v; want 3 (archived too) in creation order", len(all), err)
		}
		want := []string{"cohort.created", "cohort.archived"}
		if got := auditTypes(t, s, p, b.ID); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("audit = %v; want %v", got, want)
		}
		if found, _ := s.CohortsByID(ctx, []string{b.ID}); !found[b.ID].Archived {
			t.Errorf("CohortsByID(archived B) = %+v; want archived", found[b.ID])
		}
	})
}
