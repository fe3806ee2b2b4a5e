package workflow

import (
	"context"
	"fmt"
	"strings"
	"time"

	"skillbook/models"
)

// RemediationStore records remediation plans.
type RemediationStore interface {
	User(ctx context.Context, programID, id string) (models.User, error)
	AssignmentFor(ctx context.Context, student models.User, checklistID string) (models.Assignment, error)
	// CreateRemediation records plan r with its event.
	CreateRemediation(ctx context.Context, r models.Remediation, ev models.Event) (models.Remediation, error)
}

// RemediationReader reads a student's remediation plans.
type RemediationReader interface {
	User(ctx context.Context, programID, id string) (models.User, error)
	RemediationsOf(ctx context.Context, programID string, studentIDs []string) ([]models.Remediation, error)
}

// RemediationInput is an admin's or instructor's plan for a student's skill.
type RemediationInput struct {
	StudentID   string
	ChecklistID string
	Plan        string
	// DueDate is a date in models.DateLayout, or empty.
	DueDate string
}

// PlanRemediation records a remediation plan for a student's skill, by an
// admin or an instructor who teaches the student: failures before it stop counting toward the attempt limit, which
// reopens evaluation requests; the student is told.
func (e *Evaluations) PlanRemediation(ctx context.Context, caller Caller, in RemediationInput) (models.Remediation, error) {
	student, err := e.store.User(ctx, caller.ProgramID, in.StudentID)
	if err != nil {
		return models.Remediation{}, err
	}
	if student.Role != models.RoleStudent {
		return models.Remediation{}, fmt.Errorf("user %s: %w", in.StudentID, models.ErrNotFound)
	}
	if !models.CanPlanRemediation(caller.User, student) {
		return models.Remediation{}, fmt.Errorf("%w: only admins and the student's instructors may plan their remediation", models.ErrForbidden)
	}
	if _, err := e.store.AssignmentFor(ctx, student, in.ChecklistID); err != nil {
		return models.Remediation{}, &models.RuleError{Code: "not-assigned", Detail: fmt.Sprintf("%s is not assigned to this student", in.ChecklistID)}
	}
	if in.DueDate != "" {
		if _, err := time.Parse(models.DateLayout, in.DueDate); err != nil {
			return models.Remediation{}, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.dueDate", Message: "must be a date such as 2026-12-01"}}}
		}
	}
	r := models.Remediation{ID: e.newID(), ProgramID: caller.ProgramID, StudentID: student.ID, ChecklistID: in.ChecklistID,
		Plan: strings.TrimSpace(in.Plan), DueDate: in.DueDate, CreatedBy: caller.ID, CreatedAt: e.now()}
	var v models.ValidationError
	v.Text("body.plan", &r.Plan, models.Lines)
	if err := v.Err(); err != nil {
		return models.Remediation{}, err
	}
	ev := models.Event{Type: models.EventRemediationPlanned, ProgramID: r.ProgramID, Actor: caller.Actor(), Subject: "remediation", SubjectID: r.ID,
		StudentID: r.StudentID, Summary: fmt.Sprintf("recorded a remediation plan for %s and reopened attempts", r.ChecklistID),
		Data: map[string]string{"checklistId": r.ChecklistID, "plan": r.Plan, "dueDate": r.DueDate},
		Notify: []models.Notification{{UserID: student.ID, Category: "remediation", Title: "Remediation plan",
			Body: "Your program recorded a remediation plan; you can request evaluations again", Data: map[string]string{"screen": "progress", "checklistId": r.ChecklistID}}}}
	return e.store.CreateRemediation(ctx, r, ev)
}

// Remediations lists a student's remediation plans to whoever may see the
// student's records.
func (e *Evaluations) Remediations(ctx context.Context, caller Caller, studentID string) ([]models.Remediation, error) {
	student, err := e.store.User(ctx, caller.ProgramID, studentID)
	if err != nil {
		return nil, err
	}
	if !models.CanSeeStudent(caller.User, student) {
		return nil, fmt.Errorf("%w: you may not see this student's records", models.ErrForbidden)
	}
	return e.store.RemediationsOf(ctx, caller.ProgramID, []string{student.ID})
}
