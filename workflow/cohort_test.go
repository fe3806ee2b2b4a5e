package workflow

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/models"
)

func TestCreateCohort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		caller string
		in     CreateCohortInput
		want   error
		detail string
	}{
		{"a new cohort", "u-admin", CreateCohortInput{Name: "  Fall 2027 ", StartDate: "2027-09-01", EndDate: "2028-06-30"}, nil, ""},
		{"an end before the start", "u-admin", CreateCohortInput{Name: "X", StartDate: "2027-09-01", EndDate: "2027-01-01"}, errValidation, "after startDate"},
		{"no start", "u-admin", CreateCohortInput{Name: "X"}, errValidation, "startDate"},
		{"a name taken in any case", "u-admin", CreateCohortInput{Name: "fall  2026", StartDate: "2027-09-01"}, models.ErrConflict, "already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x := newPeopleFixture(t)
			c, err := x.people.CreateCohort(t.Context(), peopleCaller(x.store.users[tt.caller]), tt.in)
			if tt.want != nil {
				if !isErr(err, tt.want) || !strings.Contains(err.Error(), tt.detail) {
					t.Fatalf("CreateCohort = %+v, %v; want %v about %q", c, err, tt.want, tt.detail)
				}
				if len(x.store.events) != 0 {
					t.Errorf("a refused cohort wrote %v", x.store.eventTypes())
				}
				return
			}
			if err != nil || c.ID != "id-001" || c.Name != "Fall 2027" || c.ProgramID != peopleProgram || c.Version != 1 || c.Archived || !c.CreatedAt.Equal(peopleEpoch) {
				t.Fatalf("CreateCohort = %+v, %v; want a trimmed, active cohort of the program stamped by the clock", c, err)
			}
			if types := x.store.eventTypes(); !slices.Equal(types, []models.EventType{models.EventCohortCreated}) || x.store.events[0].Actor.UserID != "u-admin" {
				t.Errorf("events = %+v; want cohort.created by the admin", x.store.events)
			}
		})
	}
}

func TestUpdateCohort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      UpdateCohortInput
		want    error
		event   bool
		summary string
	}{
		{"rename", UpdateCohortInput{ID: "fall", Version: 1, Name: ptr("Fall 2026 (day)")}, nil, true, `renamed cohort "Fall 2026" to "Fall 2026 (day)"`},
		{"an end date", UpdateCohortInput{ID: "fall", EndDate: ptr("2027-06-30")}, nil, true, `changed cohort "Fall 2026"`},
		{"the same values", UpdateCohortInput{ID: "fall", Version: 1, Name: ptr(" Fall 2026 "), StartDate: ptr("2026-09-01")}, nil, false, ""},
		{"a stale version", UpdateCohortInput{ID: "fall", Version: 3, Name: ptr("X")}, models.ErrPreconditionFailed, false, ""},
		{"another program's cohort", UpdateCohortInput{ID: "elsewhere", Name: ptr("X")}, models.ErrNotFound, false, ""},
		{"an end before the start", UpdateCohortInput{ID: "fall", EndDate: ptr("2026-01-01")}, errValidation, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x := newPeopleFixture(t)
			x.clock.Advance(time.Minute)
			c, err := x.people.UpdateCohort(t.Context(), peopleCaller(x.admin), tt.in)
			if tt.want != nil {
				if !isErr(err, tt.want) {
					t.Fatalf("UpdateCohort = %+v, %v; want %v", c, err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.event {
				if c.Version != 1 || len(x.store.events) != 0 {
					t.Errorf("UpdateCohort = %+v, events %v; want nothing written", c, x.store.eventTypes())
				}
				return
			}
			if c.Version != 2 || !c.UpdatedAt.Equal(peopleEpoch.Add(time.Minute)) || len(x.store.events) != 1 ||
				x.store.events[0].Type != models.EventCohortUpdated || x.store.events[0].Summary != tt.summary {
				t.Errorf("UpdateCohort = %+v, events %+v; want version 2 and one cohort.updated %q", c, x.store.events, tt.summary)
			}
		})
	}
}

func TestArchiveCohort(t *testing.T) {
	t.Parallel()
	x := newPeopleFixture(t)
	ctx, admin := t.Context(), peopleCaller(x.admin)
	x.clock.Advance(time.Hour)
	c, err := x.people.ArchiveCohort(ctx, admin, CohortStateInput{ID: "fall", Version: 1})
	at := peopleEpoch.Add(time.Hour)
	if err != nil || !c.Archived || c.ArchivedAt == nil || !c.ArchivedAt.Equal(at) || c.Version != 2 {
		t.Fatalf("ArchiveCohort = %+v, %v; want archived at the clock's time, version 2", c, err)
	}
	if again, err := x.people.ArchiveCohort(ctx, admin, CohortStateInput{ID: "fall"}); err != nil || again.Version != 2 {
		t.Errorf("archiving again = %+v, %v; want no change", again, err)
	}
	if _, err := x.people.UnarchiveCohort(ctx, admin, CohortStateInput{ID: "fall", Version: 1}); !errors.Is(err, models.ErrPreconditionFailed) {
		t.Errorf("UnarchiveCohort(stale) = %v; want precondition failed", err)
	}
	// An archived cohort takes no new members.
	if _, err := x.people.UpdateUser(ctx, admin, UpdateUserInput{ID: "u-sue", CohortIDs: []string{"fall"}}); !isErr(err, errValidation) || !strings.Contains(err.Error(), "archived") {
		t.Errorf("moving a student into the archived cohort = %v; want a validation error", err)
	}
	back, err := x.people.UnarchiveCohort(ctx, admin, CohortStateInput{ID: "fall"})
	if err != nil || back.Archived || back.ArchivedAt != nil || back.Version != 3 {
		t.Errorf("UnarchiveCohort = %+v, %v", back, err)
	}
	want := []models.EventType{models.EventCohortArchived, models.EventCohortUnarchived}
	if types := x.store.eventTypes(); !slices.Equal(types, want) {
		t.Errorf("events = %v; want %v", types, want)
	}
}

func TestCohortAccess(t *testing.T) {
	t.Parallel()
	x := newPeopleFixture(t)
	ctx := t.Context()
	names := func(l models.List[models.Cohort]) string {
		var out []string
		for _, c := range l.Items {
			out = append(out, c.ID)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		caller   models.User
		archived bool
		want     string
	}{
		{x.admin, false, "fall,spring"},
		{x.admin, true, "old"},
		{x.instructor, false, "fall"},
		{x.student2, false, "spring"},
		{x.student2, true, ""},
	}
	for _, tt := range tests {
		l, err := x.people.Cohorts(ctx, peopleCaller(tt.caller), CohortsInput{Archived: tt.archived})
		if err != nil || names(l) != tt.want {
			t.Errorf("Cohorts(%s, archived %v) = %q, %v; want %q", tt.caller.ID, tt.archived, names(l), err, tt.want)
		}
	}
	if c, err := x.people.Cohort(ctx, peopleCaller(x.student), "fall"); err != nil || c.ID != "fall" {
		t.Errorf("Cohort(own) = %+v, %v", c, err)
	}
	for _, id := range []string{"spring", "elsewhere", "nope"} {
		if _, err := x.people.Cohort(ctx, peopleCaller(x.student), id); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Cohort(%s) as a student of fall = %v; want not found", id, err)
		}
	}
}
