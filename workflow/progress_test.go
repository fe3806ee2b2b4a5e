package workflow

import (
	"context"
	"testing"
	"time"

	"skillbook/models"
)

func TestStudentProgressAccess(t *testing.T) {
	t.Parallel()
	w := newSkillsWorld(t)
	ctx := context.Background()
	if _, err := w.skills.Assign(ctx, w.admin, AssignInput{CohortID: "c1", ChecklistID: "bp-manual", DueDate: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		caller Caller
		id     string
		want   error
	}{
		{"the student", w.student, "student", nil},
		{"their instructor", w.teacher, "student", nil},
		{"the admin", w.admin, "student", nil},
		{"a classmate", w.classmate, "student", models.ErrForbidden},
		{"another cohort's instructor", w.outsider, "student", models.ErrForbidden},
		{"an admin of another program", w.foreignAdmin, "student", models.ErrNotFound},
		{"an instructor's id", w.admin, "teacher", models.ErrNotFound},
		{"an unknown id", w.admin, "nobody", models.ErrNotFound},
	}
	for _, tt := range tests {
		p, err := w.skills.StudentProgress(ctx, tt.caller, tt.id)
		wantErr(t, "StudentProgress as "+tt.name, err, tt.want)
		if err == nil && (p.StudentID != "student" || len(p.Skills) != 1) {
			t.Errorf("StudentProgress as %s = %+v; want the student's one skill", tt.name, p)
		}
	}
}

// TestProgressDateFollowsTheClock: a skill due on the 1st is overdue only
// once the 1st has ended everywhere (UTC-12).
func TestProgressDateFollowsTheClock(t *testing.T) {
	t.Parallel()
	w := newSkillsWorld(t)
	ctx := context.Background()
	if _, err := w.skills.Assign(ctx, w.admin, AssignInput{CohortID: "c1", ChecklistID: "bp-manual", DueDate: "2026-03-01"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		at     time.Time
		asOf   string
		status models.SkillStatus
	}{
		{time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC), "2026-03-01", models.SkillNotStarted},
		{time.Date(2026, 3, 2, 11, 59, 0, 0, time.UTC), "2026-03-01", models.SkillNotStarted},
		{time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC), "2026-03-02", models.SkillOverdue},
	}
	for _, tt := range tests {
		w.clk.Set(tt.at)
		p, err := w.skills.MyProgress(ctx, w.student)
		if err != nil || p.AsOf != tt.asOf || len(p.Skills) != 1 || p.Skills[0].Status != tt.status {
			t.Errorf("MyProgress at %s = %+v, %v; want as of %s, %s", tt.at, p, err, tt.asOf, tt.status)
		}
		c, err := w.skills.CohortProgress(ctx, w.teacher, CohortProgressInput{CohortID: "c1"})
		if err != nil || c.AsOf != tt.asOf {
			t.Errorf("CohortProgress at %s = as of %s, %v; want %s", tt.at, c.AsOf, err, tt.asOf)
		}
	}
}

func TestCohortProgressAccess(t *testing.T) {
	t.Parallel()
	w := newSkillsWorld(t)
	ctx := context.Background()
	if _, err := w.skills.Assign(ctx, w.admin, AssignInput{CohortID: "c1", ChecklistID: "bp-manual"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		caller Caller
		cohort string
		want   error
	}{
		{"its instructor", w.teacher, "c1", nil},
		{"the admin", w.admin, "c1", nil},
		{"another cohort's instructor", w.outsider, "c1", models.ErrForbidden},
		{"a student of it", w.student, "c1", models.ErrForbidden},
		{"another program", w.foreignAdmin, "c1", models.ErrNotFound},
		{"an unknown cohort", w.admin, "c0", models.ErrNotFound},
	}
	for _, tt := range tests {
		c, err := w.skills.CohortProgress(ctx, tt.caller, CohortProgressInput{CohortID: tt.cohort, Page: models.Page{Limit: 1}})
		wantErr(t, "CohortProgress as "+tt.name, err, tt.want)
		if err == nil && (c.CohortName != "Fall" || len(c.Items) != 1 || c.NextCursor == "" || len(c.Checklists) != 1) {
			t.Errorf("CohortProgress as %s = %+v; want a page of one of its two students by bp-manual", tt.name, c)
		}
	}
}
