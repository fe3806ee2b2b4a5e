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

// createAssignment stores a keyed as the Assign use case keys it, at the
// clock's time, with its event, which notifies s1.
func createAssignment(ctx context.Context, s storetest.Store, clk clock.Clock, a models.Assignment) (models.Assignment, bool, error) {
	a.ID, a.AssignedBy, a.Version, a.CreatedAt = a.Key(), admin.UserID, 1, clk.Now().UTC().Truncate(time.Millisecond)
	ev := models.Event{Type: models.EventAssignmentCreated, ProgramID: a.ProgramID, Actor: admin,
		Subject: "assignment", SubjectID: a.ID, StudentID: a.StudentID,
		Notify: []models.Notification{{UserID: "s1", Category: "assignments", Title: "New checklist"}}}
	return s.CreateAssignment(ctx, a, ev)
}

// assign stores an assignment of checklist id version 1 to a cohort or
// (cohortID "") to a student.
func assign(tb testing.TB, s storetest.Store, clk clock.Clock, programID, cohortID, studentID, id, due string) models.Assignment {
	tb.Helper()
	a, _, err := createAssignment(context.Background(), s, clk, models.Assignment{ProgramID: programID, ChecklistID: id,
		ChecklistVersion: 1, Area: models.AreaVitalSigns, CohortID: cohortID, StudentID: studentID, DueDate: due})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func TestCreateAssignmentOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		first := assign(t, s, clk, "p1", "c1", "", "bp-manual", "2026-05-01")
		clk.Advance(time.Minute)
		again, created, err := createAssignment(ctx, s, clk, models.Assignment{ProgramID: "p1", ChecklistID: "bp-manual",
			ChecklistVersion: 1, Area: models.AreaVitalSigns, CohortID: "c1", DueDate: "2026-06-01"})
		if err != nil || created || again.ID != first.ID || !again.CreatedAt.Equal(first.CreatedAt) || again.DueDate != "2026-05-01" {
			t.Errorf("CreateAssignment(same) = %+v, %v, %v; want the first, not created", again, created, err)
		}
		if events, notes := len(auditOf(t, s, "p1", first.ID)), notified(t, s, "p1", "s1"); events != 1 || notes != 1 {
			t.Errorf("events, notifications = %d, %d; want 1, 1 (the repeat's dropped)", events, notes)
		}
		if got, err := s.Assignment(ctx, "p1", first.ID); err != nil || got != first {
			t.Errorf("Assignment = %+v, %v; want %+v", got, err, first)
		}
		if _, err := s.Assignment(ctx, "p2", first.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Assignment(other program) = %v; want ErrNotFound", err)
		}
		if _, _, err := s.CreateAssignment(ctx, models.Assignment{ChecklistID: "x"}); err == nil {
			t.Errorf("CreateAssignment(no program) = nil; want an error")
		}
		// An id another program holds finds nothing of this program's.
		stolen := first
		stolen.ProgramID = "p2"
		if _, _, err := s.CreateAssignment(ctx, stolen); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("CreateAssignment(id of another program's) = %v; want ErrNotFound", err)
		}
	})
}

func TestAssignmentsListAndFor(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		var cohort, student []string
		for _, id := range []string{"a1", "a2", "a3", "a4", "a5"} {
			cohort = append(cohort, assign(t, s, clk, "p1", "c1", "", id, "").ID)
		}
		student = append(student, assign(t, s, clk, "p1", "", "s1", "a1", "").ID)
		student = append(student, assign(t, s, clk, "p1", "", "s1", "a9", "").ID)
		assign(t, s, clk, "p2", "c1", "", "a1", "")
		slices.Sort(cohort)
		slices.Sort(student)

		tests := []struct {
			name string
			f    models.AssignmentFilter
			want []string
		}{
			{"program", models.AssignmentFilter{}, slices.Sorted(slices.Values(append(slices.Clone(cohort), student...)))},
			{"cohort", models.AssignmentFilter{CohortID: "c1"}, cohort},
			{"student", models.AssignmentFilter{StudentID: "s1"}, student},
			{"nobody", models.AssignmentFilter{StudentID: "s9"}, nil},
		}
		for _, tt := range tests {
			var got []string
			page := models.Page{Limit: 2}
			for {
				list, err := s.Assignments(ctx, "p1", tt.f, page)
				if err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
				for _, a := range list.Items {
					got = append(got, a.ID)
				}
				if list.NextCursor == "" {
					break
				}
				page.Cursor = list.NextCursor
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Assignments(%+v) = %v; want %v (by id)", tt.f, got, tt.want)
			}
		}
		var ve *models.ValidationError
		if _, err := s.Assignments(ctx, "p1", models.AssignmentFilter{}, models.Page{Cursor: "%%"}); !errors.As(err, &ve) {
			t.Errorf("Assignments(bad cursor) = %v; want a ValidationError", err)
		}

		// The assignment for a student is theirs or their cohort's, the
		// highest checklist version first.
		a1v2, _, err := createAssignment(ctx, s, clk, models.Assignment{ProgramID: "p1", ChecklistID: "a1", ChecklistVersion: 2,
			Area: models.AreaVitalSigns, CohortID: "c2"})
		if err != nil {
			t.Fatal(err)
		}
		sam := models.User{ID: "s1", ProgramID: "p1", CohortIDs: []string{"c1", "c2"}}
		if got, err := s.AssignmentFor(ctx, sam, "a1"); err != nil || got.ID != a1v2.ID {
			t.Errorf("AssignmentFor(a1) = %+v, %v; want the cohort's v2", got, err)
		}
		if got, err := s.AssignmentFor(ctx, sam, "a9"); err != nil || got.StudentID != "s1" {
			t.Errorf("AssignmentFor(a9) = %+v, %v; want the student's own", got, err)
		}
		if _, err := s.AssignmentFor(ctx, models.User{ID: "s2", ProgramID: "p1"}, "a1"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("AssignmentFor(no cohort, none of their own) = %v; want ErrNotFound", err)
		}
		if _, err := s.AssignmentFor(ctx, models.User{ID: "s1", ProgramID: "p2"}, "a9"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("AssignmentFor(other program) = %v; want ErrNotFound", err)
		}
	})
}

func TestDueAssignments(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		assign(t, s, clk, "p1", "c1", "", "before", "2026-04-30")
		first := assign(t, s, clk, "p1", "c1", "", "first", "2026-05-01")
		assign(t, s, clk, "p2", "", "s1", "other-program", "2026-05-02")
		assign(t, s, clk, "p1", "c1", "", "last", "2026-05-03")
		assign(t, s, clk, "p1", "c1", "", "after", "2026-05-04")
		assign(t, s, clk, "p1", "c1", "", "undated", "")

		due, err := s.DueAssignments(ctx, "2026-05-01", "2026-05-03")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range due {
			got = append(got, a.ChecklistID)
		}
		if want := []string{"first", "other-program", "last"}; !slices.Equal(got, want) {
			t.Errorf("DueAssignments = %v; want %v (every program, by date)", got, want)
		}
		if due[0] != first {
			t.Errorf("DueAssignments[0] = %+v; want %+v", due[0], first)
		}
		if none, err := s.DueAssignments(ctx, "2027-01-01", "2027-12-31"); err != nil || none == nil || len(none) != 0 {
			t.Errorf("DueAssignments(none due) = %v, %v; want an empty list", none, err)
		}
	})
}

// TestAssignmentsOfAreEachStudentsAndTheirCohorts: the assignments that
// apply to some students, each once, a new one seen on the next read.
func TestAssignmentsOfAreEachStudentsAndTheirCohorts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		amy := models.User{ID: "amy", ProgramID: "p1", Role: models.RoleStudent, CohortIDs: []string{"c1"}}
		ben := models.User{ID: "ben", ProgramID: "p1", Role: models.RoleStudent, CohortIDs: []string{"c1", "c2"}}
		assign(t, s, clk, "p1", "c1", "", "bp-manual", "")
		assign(t, s, clk, "p1", "c2", "", "pulse", "")
		assign(t, s, clk, "p1", "", "amy", "temperature", "")
		assign(t, s, clk, "p1", "c3", "", "apical", "")
		assign(t, s, clk, "p1", "", "cal", "height", "")
		assign(t, s, clk, "p2", "c1", "", "hand-washing", "")
		of := func(programID string, students ...models.User) []string {
			t.Helper()
			got, err := s.AssignmentsOf(ctx, programID, students)
			if err != nil || got == nil {
				t.Fatalf("AssignmentsOf(%s) = %v, %v", programID, got, err)
			}
			ids := []string{}
			for _, a := range got {
				ids = append(ids, a.ChecklistID)
			}
			slices.Sort(ids)
			return ids
		}
		if got, want := of("p1", amy), []string{"bp-manual", "temperature"}; !slices.Equal(got, want) {
			t.Errorf("AssignmentsOf(amy) = %v; want %v", got, want)
		}
		if got, want := of("p1", amy, ben), []string{"bp-manual", "pulse", "temperature"}; !slices.Equal(got, want) {
			t.Errorf("AssignmentsOf(amy, ben) = %v; want %v (each once)", got, want)
		}
		// A new assignment of a cohort read before is seen at once.
		assign(t, s, clk, "p1", "c1", "", "new-skill", "")
		if got, want := of("p1", ben), []string{"bp-manual", "new-skill", "pulse"}; !slices.Equal(got, want) {
			t.Errorf("AssignmentsOf(ben) after a new one = %v; want %v", got, want)
		}
		if got := of("p1"); len(got) != 0 {
			t.Errorf("AssignmentsOf(nobody) = %v; want none", got)
		}
		other := amy
		other.ProgramID = "p2"
		if got, want := of("p2", other), []string{"hand-washing"}; !slices.Equal(got, want) {
			t.Errorf("AssignmentsOf(p2) = %v; want %v", got, want)
		}
	})
}
