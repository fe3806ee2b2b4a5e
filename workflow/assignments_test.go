package workflow

import (
	"context"
	"errors"
	"slices"
	"testing"

	"skillbook/models"
)

// wantErr checks err against want: nil, a sentinel (errors.Is), or a
// *models.RuleError / *models.ValidationError sample matched by type (and
// code).
func wantErr(tb testing.TB, what string, err, want error) {
	tb.Helper()
	var rule *models.RuleError
	var ve *models.ValidationError
	switch w := want.(type) {
	case nil:
		if err != nil {
			tb.Errorf("%s = %v; want no error", what, err)
		}
	case *models.RuleError:
		if !errors.As(err, &rule) || rule.Code != w.Code {
			tb.Errorf("%s = %v; want rule %s", what, err, w.Code)
		}
	case *models.ValidationError:
		if !errors.As(err, &ve) {
			tb.Errorf("%s = %v; want a ValidationError", what, err)
		}
	default:
		if !errors.Is(err, want) {
			tb.Errorf("%s = %v; want %v", what, err, want)
		}
	}
}

func TestAssignRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		caller func(w *skillsWorld) Caller
		in     AssignInput
		want   error
	}{
		{"admin, cohort", (*skillsWorld).adminOf, AssignInput{CohortID: "c1", ChecklistID: "bp-manual"}, nil},
		{"teacher, own cohort", (*skillsWorld).teacherOf, AssignInput{CohortID: "c1", ChecklistID: "bp-manual"}, nil},
		{"teacher, own student", (*skillsWorld).teacherOf, AssignInput{StudentID: "student", ChecklistID: "bp-manual"}, nil},
		{"teacher, other cohort", (*skillsWorld).teacherOf, AssignInput{CohortID: "c2", ChecklistID: "bp-manual"}, models.ErrForbidden},
		{"teacher, other cohort's student", (*skillsWorld).teacherOf, AssignInput{StudentID: "loner", ChecklistID: "bp-manual"}, models.ErrForbidden},
		{"student", func(w *skillsWorld) Caller { return w.student }, AssignInput{CohortID: "c1", ChecklistID: "bp-manual"}, models.ErrForbidden},
		{"another program's cohort", (*skillsWorld).adminOf, AssignInput{CohortID: "c9", ChecklistID: "bp-manual"}, models.ErrNotFound},
		{"archived cohort", (*skillsWorld).adminOf, AssignInput{CohortID: "c3", ChecklistID: "bp-manual"}, &models.RuleError{Code: "cohort-archived"}},
		{"not a student", (*skillsWorld).adminOf, AssignInput{StudentID: "teacher", ChecklistID: "bp-manual"}, &models.RuleError{Code: "not-a-student"}},
		{"both targets", (*skillsWorld).adminOf, AssignInput{CohortID: "c1", StudentID: "student", ChecklistID: "bp-manual"}, &models.ValidationError{}},
		{"no checklist", (*skillsWorld).adminOf, AssignInput{CohortID: "c1"}, &models.ValidationError{}},
		{"checklist and area", (*skillsWorld).adminOf, AssignInput{CohortID: "c1", ChecklistID: "bp-manual", Area: models.AreaVitalSigns}, &models.ValidationError{}},
		{"bad due date", (*skillsWorld).adminOf, AssignInput{CohortID: "c1", ChecklistID: "bp-manual", DueDate: "soon"}, &models.ValidationError{}},
		{"unknown checklist", (*skillsWorld).adminOf, AssignInput{CohortID: "c1", ChecklistID: "nope"}, models.ErrNotFound},
		{"a draft", (*skillsWorld).adminOf, AssignInput{CohortID: "c1", ChecklistID: "own-draft", ChecklistVersion: 1}, &models.RuleError{Code: "checklist-not-assignable"}},
		{"an empty area", (*skillsWorld).adminOf, AssignInput{CohortID: "c1", Area: models.AreaPhlebotomy}, &models.RuleError{Code: "checklist-not-assignable"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSkillsWorld(t)
			if _, err := w.skills.CreateDraft(context.Background(), w.admin, validChecklist("own-draft")); err != nil {
				t.Fatal(err)
			}
			events := len(w.st.events)
			out, err := w.skills.Assign(context.Background(), tt.caller(w), tt.in)
			wantErr(t, "Assign", err, tt.want)
			if err != nil {
				if len(w.st.events) != events || len(w.st.assignments) != 0 {
					t.Errorf("a refused Assign stored %d assignments, %d events", len(w.st.assignments), len(w.st.events)-events)
				}
				return
			}
			if !out.Created || len(out.Items) != 1 || !out.Items[0].Created {
				t.Errorf("Assign = %+v; want one new assignment", out)
			}
		})
	}
}

func (w *skillsWorld) adminOf() Caller   { return w.admin }
func (w *skillsWorld) teacherOf() Caller { return w.teacher }

func TestAssignRecordsOnceAndNotifiesOnce(t *testing.T) {
	t.Parallel()
	w := newSkillsWorld(t)
	ctx := context.Background()
	in := AssignInput{CohortID: "c1", ChecklistID: "bp-manual", DueDate: "2026-04-01"}
	out, err := w.skills.Assign(ctx, w.teacher, in)
	if err != nil {
		t.Fatal(err)
	}
	a := out.Items[0].Assignment
	if a.ID != a.Key() || a.AssignedBy != "teacher" || a.Version != 1 || !a.CreatedAt.Equal(skillsNow) || a.ChecklistVersion != 1 || a.Area != models.AreaVitalSigns {
		t.Errorf("Assign stored %+v; want keyed, by the teacher, version 1 at the clock's time", a)
	}
	if len(w.st.events) != 1 {
		t.Fatalf("events = %d; want 1", len(w.st.events))
	}
	ev := w.st.events[0]
	var notified []string
	for _, n := range ev.Notify {
		notified = append(notified, n.UserID)
	}
	slices.Sort(notified)
	if ev.Type != models.EventAssignmentCreated || ev.ID == "" || !ev.At.Equal(skillsNow) || ev.Actor != w.teacher.Actor() ||
		ev.ProgramID != "p1" || ev.SubjectID != a.ID || !slices.Equal(notified, []string{"classmate", "student"}) {
		t.Errorf("event = %+v; want assignment.created by the teacher notifying the cohort's two students", ev)
	}
	if ev.Notify[0].Body != "Count a pulse at the wrist bp-manual — due 2026-04-01" {
		t.Errorf("push body = %q", ev.Notify[0].Body)
	}

	// The same assignment again finds the first: nothing new, no push.
	again, err := w.skills.Assign(ctx, w.admin, in)
	if err != nil || again.Created || again.Items[0].Created || again.Items[0].Assignment.ID != a.ID {
		t.Errorf("Assign(again) = %+v, %v; want the existing assignment, not created", again, err)
	}
	if len(w.st.events) != 1 {
		t.Errorf("events after a repeated Assign = %d; want still 1", len(w.st.events))
	}
}

func TestAssignAreaPushesOnce(t *testing.T) {
	t.Parallel()
	w := newSkillsWorld(t)
	ctx := context.Background()
	// bp-manual is assigned already; the area adds radial-pulse.
	if _, err := w.skills.Assign(ctx, w.admin, AssignInput{StudentID: "student", ChecklistID: "bp-manual"}); err != nil {
		t.Fatal(err)
	}
	d, err := w.skills.CreateDraft(ctx, w.admin, validChecklist("radial-pulse"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.skills.Publish(ctx, w.admin, PublishInput{ID: d.ID, Version: d.Version}); err != nil {
		t.Fatal(err)
	}
	before := len(w.st.events)
	out, err := w.skills.Assign(ctx, w.admin, AssignInput{StudentID: "student", Area: models.AreaVitalSigns})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 2 || out.Items[0].Created || !out.Items[1].Created || !out.Created {
		t.Fatalf("Assign(area) = %+v; want bp-manual found and radial-pulse new", out)
	}
	pushes := 0
	for _, e := range w.st.events[before:] {
		pushes += len(e.Notify)
	}
	if got := len(w.st.events) - before; got != 1 || pushes != 1 || w.st.events[before].Notify[0].Title != "2 new skills assigned" {
		t.Errorf("Assign(area) recorded %d events with %d pushes; want 1 event with 1 push titled for 2 skills", got, pushes)
	}
}

func TestAssignmentsAccess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		caller func(w *skillsWorld) Caller
		in     models.AssignmentFilter
		want   error
	}{
		{"admin, all", (*skillsWorld).adminOf, models.AssignmentFilter{}, nil},
		{"teacher, own cohort", (*skillsWorld).teacherOf, models.AssignmentFilter{CohortID: "c1"}, nil},
		{"teacher, own student", (*skillsWorld).teacherOf, models.AssignmentFilter{StudentID: "student"}, nil},
		{"teacher, all", (*skillsWorld).teacherOf, models.AssignmentFilter{}, models.ErrForbidden},
		{"teacher, other cohort", (*skillsWorld).teacherOf, models.AssignmentFilter{CohortID: "c2"}, models.ErrForbidden},
		{"teacher, other cohort's student", (*skillsWorld).teacherOf, models.AssignmentFilter{StudentID: "loner"}, models.ErrForbidden},
		{"teacher, unknown student", (*skillsWorld).teacherOf, models.AssignmentFilter{StudentID: "nobody"}, models.ErrNotFound},
		{"student", func(w *skillsWorld) Caller { return w.student }, models.AssignmentFilter{CohortID: "c1"}, models.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSkillsWorld(t)
			if _, err := w.skills.Assign(context.Background(), w.admin, AssignInput{CohortID: "c1", ChecklistID: "bp-manual"}); err != nil {
				t.Fatal(err)
			}
			_, err := w.skills.Assignments(context.Background(), tt.caller(w), AssignmentsInput{AssignmentFilter: tt.in})
			wantErr(t, "Assignments", err, tt.want)
		})
	}
}

func TestMyAssignmentsPages(t *testing.T) {
	t.Parallel()
	w := newSkillsWorld(t)
	ctx := context.Background()
	for _, id := range []string{"bp-manual", "hand-washing"} {
		if _, err := w.skills.Assign(ctx, w.admin, AssignInput{CohortID: "c1", ChecklistID: id}); err != nil {
			t.Fatal(err)
		}
	}
	first, err := w.skills.MyAssignments(ctx, w.student, models.Page{Limit: 1})
	if err != nil || len(first.Items) != 1 || first.NextCursor != "1" {
		t.Fatalf("MyAssignments(limit 1) = %+v, %v; want one skill and cursor 1", first, err)
	}
	second, err := w.skills.MyAssignments(ctx, w.student, models.Page{Limit: 1, Cursor: first.NextCursor})
	if err != nil || len(second.Items) != 1 || second.NextCursor != "" || second.Items[0].ChecklistID == first.Items[0].ChecklistID {
		t.Errorf("MyAssignments(page 2) = %+v, %v; want the other skill, last page", second, err)
	}
	if _, err := w.skills.MyAssignments(ctx, w.student, models.Page{Cursor: "9"}); err == nil {
		t.Errorf("MyAssignments(cursor past the end) = nil; want a ValidationError")
	} else {
		wantErr(t, "MyAssignments(bad cursor)", err, &models.ValidationError{})
	}
	if none, err := w.skills.MyAssignments(ctx, w.loner, models.Page{}); err != nil || len(none.Items) != 0 {
		t.Errorf("MyAssignments(nothing assigned) = %+v, %v; want none", none, err)
	}
}
