package workflow

import (
	"context"
	"fmt"

	"skillbook/models"
)

// AttemptLister reads a student's attempts and the attempt holding an
// evaluation.
type AttemptLister interface {
	User(ctx context.Context, programID, id string) (models.User, error)
	// StudentAttempts lists a student's attempts, newest first, narrowed
	// by f, a page at a time; a cursor it did not make is a validation
	// problem of "cursor".
	StudentAttempts(ctx context.Context, programID, studentID string, f models.AttemptFilter, page models.Page) (models.List[models.Attempt], error)
	AttemptByEvaluation(ctx context.Context, programID, evaluationID string) (models.Attempt, error)
}

// AttemptsInput selects a student's attempts: a checklist, a status,
// calendar dates of the request (From and To inclusive, either empty).
type AttemptsInput struct {
	StudentID   string
	ChecklistID string
	Status      models.AttemptStatus
	From, To    string
	Page        models.Page
}

// StudentAttempts lists a student's attempts, newest first, to whoever may
// see the student's records: the student, their instructors and admins.
// An instructor sees the attempts made in cohorts they teach (as
// GET /v1/attempts/{id}), so a page may hold fewer than the limit.
func (e *Evaluations) StudentAttempts(ctx context.Context, caller Caller, in AttemptsInput) (models.List[models.Attempt], error) {
	from, to, err := models.AttemptDates(in.From, in.To)
	if err != nil {
		return models.List[models.Attempt]{}, err
	}
	student, err := e.store.User(ctx, caller.ProgramID, in.StudentID)
	if err != nil {
		return models.List[models.Attempt]{}, err
	}
	if student.Role != models.RoleStudent {
		return models.List[models.Attempt]{}, fmt.Errorf("student %s: %w", in.StudentID, models.ErrNotFound)
	}
	if !models.CanSeeStudent(caller.User, student) {
		return models.List[models.Attempt]{}, fmt.Errorf("%w: you may not see this student's records", models.ErrForbidden)
	}
	f := models.AttemptFilter{ChecklistID: in.ChecklistID, Status: in.Status, From: from, To: to}
	list, err := e.store.StudentAttempts(ctx, caller.ProgramID, student.ID, f, in.Page)
	if err != nil {
		return models.List[models.Attempt]{}, err
	}
	seen := list.Items[:0]
	for _, a := range list.Items {
		if models.CanSeeAttempt(caller.User, &a) {
			seen = append(seen, a)
		}
	}
	list.Items = seen
	return list, nil
}

// EvaluationAttempt returns the attempt holding evaluation id to whoever
// may read that attempt.
func (e *Evaluations) EvaluationAttempt(ctx context.Context, caller Caller, id string) (models.Attempt, error) {
	a, err := e.store.AttemptByEvaluation(ctx, caller.ProgramID, id)
	if err != nil {
		return models.Attempt{}, err
	}
	if !models.CanSeeAttempt(caller.User, &a) {
		return models.Attempt{}, fmt.Errorf("%w: this evaluation belongs to a student you do not teach", models.ErrForbidden)
	}
	return a, nil
}
