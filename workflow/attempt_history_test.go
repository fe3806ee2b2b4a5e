package workflow

import (
	"context"
	"errors"
	"testing"

	"skillbook/models"
)

func TestStudentAttemptsAndEvaluationAttemptAccess(t *testing.T) {
	w := newEvalWorld(t)
	a := w.request(t, w.student)
	graded := w.evaluate(t, w.instructor, a, EvaluateInput{Decision: DecisionGrade, Steps: w.grades(), Setting: models.SettingSkillsLab, Attest: true})
	ctx := context.Background()
	tests := []struct {
		name   string
		caller Caller
		err    error
	}{
		{"the student", w.student, nil},
		{"their instructor", w.instructor, nil},
		{"an admin", w.admin, nil},
		{"an instructor of another cohort", w.outsider, models.ErrForbidden},
		{"a classmate", w.classmate, models.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := w.app.StudentAttempts(ctx, tt.caller, AttemptsInput{StudentID: w.student.ID})
			if !errors.Is(err, tt.err) {
				t.Fatalf("StudentAttempts = %v; want %v", err, tt.err)
			}
			if tt.err == nil && (len(list.Items) != 1 || list.Items[0].ID != a.ID) {
				t.Errorf("StudentAttempts = %+v; want the student's one attempt", list.Items)
			}
			got, err := w.app.EvaluationAttempt(ctx, tt.caller, graded.Evaluation.ID)
			if !errors.Is(err, tt.err) {
				t.Fatalf("EvaluationAttempt = %v; want %v", err, tt.err)
			}
			if tt.err == nil && got.ID != a.ID {
				t.Errorf("EvaluationAttempt = %s; want %s", got.ID, a.ID)
			}
		})
	}
	if _, err := w.app.EvaluationAttempt(ctx, w.admin, "nope"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("EvaluationAttempt(unknown) = %v; want ErrNotFound", err)
	}
	// Not a student: no such student.
	if _, err := w.app.StudentAttempts(ctx, w.admin, AttemptsInput{StudentID: w.instructor.ID}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("StudentAttempts(an instructor) = %v; want ErrNotFound", err)
	}
	// Filters: a status it does not have, then bad dates.
	if list, err := w.app.StudentAttempts(ctx, w.student, AttemptsInput{StudentID: w.student.ID, Status: models.StatusFailed}); err != nil || len(list.Items) != 0 {
		t.Errorf("StudentAttempts(failed) = %+v, %v; want none", list.Items, err)
	}
	var v *models.ValidationError
	if _, err := w.app.StudentAttempts(ctx, w.student, AttemptsInput{StudentID: w.student.ID, From: "2026-12-02", To: "2026-12-01"}); !errors.As(err, &v) {
		t.Errorf("StudentAttempts(to before from) = %v; want a validation problem", err)
	}
}
