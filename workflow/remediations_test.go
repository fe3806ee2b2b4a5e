package workflow

import (
	"context"
	"errors"
	"testing"
	"time"

	"skillbook/models"
)

func TestPlanRemediationReopensRequests(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	fail := EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades("hand-hygiene")}
	for range models.DefaultGrading.MaxAttempts {
		w.evaluate(t, w.instructor, w.request(t, w.student), fail)
	}
	w.clock.Advance(time.Hour)
	in := RemediationInput{StudentID: "ann", ChecklistID: "bp-manual", Plan: " Practise twice with a tutor ", DueDate: "2026-12-15"}

	bad := in
	bad.DueDate = "15/12/2026"
	var v *models.ValidationError
	if _, err := w.app.PlanRemediation(ctx, w.admin, bad); !errors.As(err, &v) {
		t.Fatalf("PlanRemediation(bad date) = %v; want a ValidationError", err)
	}
	bad = in
	bad.ChecklistID = "venipuncture"
	checkRefusal(t, func() error { _, err := w.app.PlanRemediation(ctx, w.admin, bad); return err }(), "not-assigned", nil)
	bad = in
	bad.StudentID = "ivy"
	if _, err := w.app.PlanRemediation(ctx, w.admin, bad); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("PlanRemediation(an instructor) = %v; want ErrNotFound", err)
	}

	r, err := w.app.PlanRemediation(ctx, w.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID == "" || r.Plan != "Practise twice with a tutor" || r.CreatedBy != "adm" || !r.CreatedAt.Equal(evalStart.Add(time.Hour).Truncate(time.Millisecond)) {
		t.Fatalf("PlanRemediation = %+v; want adm's plan stamped now", r)
	}
	if ev := w.store.events[len(w.store.events)-1]; ev.Type != models.EventRemediationPlanned || ev.Notify[0].UserID != "ann" {
		t.Fatalf("event = %+v; want remediation.planned telling Ann", ev)
	}
	w.clock.Advance(time.Minute)
	w.request(t, w.student)

	plans, err := w.app.Remediations(ctx, w.student, "ann")
	if err != nil || len(plans) != 1 {
		t.Fatalf("Remediations(own) = %v, %v; want the plan", plans, err)
	}
	if _, err := w.app.Remediations(ctx, w.classmate, "ann"); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("Remediations by a classmate = %v; want ErrForbidden", err)
	}
}

func TestPlanRemediationByTheStudentsInstructor(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	in := RemediationInput{StudentID: "ann", ChecklistID: "bp-manual", Plan: "Two supervised lab sessions"}
	for _, refused := range []Caller{w.outsider, w.student, w.classmate} {
		if _, err := w.app.PlanRemediation(ctx, refused, in); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("PlanRemediation by %s = %v; want ErrForbidden", refused.ID, err)
		}
	}
	r, err := w.app.PlanRemediation(ctx, w.instructor, in)
	if err != nil || r.CreatedBy != w.instructor.ID {
		t.Fatalf("PlanRemediation by the student's instructor = %+v, %v; want their plan", r, err)
	}
}
