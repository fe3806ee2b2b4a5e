package handlers

import (
	"context"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
)

type amendInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The evaluation to correct."`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"Required: the attempt's ETag; the amendment is refused (412) if the record changed since, so a retry cannot amend twice."`
	Body    struct {
		Reason     string `json:"reason" minLength:"1" maxLength:"2000" doc:"Why the signed evaluation needs a correction."`
		Correction string `json:"correction" minLength:"1" maxLength:"4000" doc:"The correction itself."`
		Attest     bool   `json:"attest" doc:"Must be true: the amendment is signed like the evaluation."`
	}
}

// amend adds a signed amendment to a graded evaluation.
func (s *server) amend(ctx context.Context, in *amendInput) (*attemptOutput, error) {
	version, err := requireIfMatch(in.IfMatch, "attempt")
	if err != nil {
		return nil, err
	}
	if version == 0 {
		// "*" matches any version: a retry after a lost response would
		// amend a second time.
		return nil, newProblem(http.StatusPreconditionRequired, "send If-Match with the attempt's ETag, not *, so a retry cannot amend twice")
	}
	a, err := s.app.Evaluations.Amend(ctx, callerOf(ctx), workflow.AmendInput{EvaluationID: in.ID, Version: version,
		Reason: in.Body.Reason, Correction: in.Body.Correction, Attest: in.Body.Attest})
	if err != nil {
		return nil, err
	}
	return newAttemptOutput(a, http.StatusCreated), nil
}

type verificationOutput struct {
	Body models.Verification
}

// verify recomputes the digests of an attempt's signed records.
func (s *server) verify(ctx context.Context, in *attemptIDInput) (*verificationOutput, error) {
	v, err := s.app.Evaluations.Verify(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &verificationOutput{Body: v}, nil
}

type setPINInput struct {
	Body struct {
		PIN string `json:"pin" minLength:"6" maxLength:"12" pattern:"^[0-9]+$" doc:"6 to 12 digits; not one repeated digit or a simple run."`
	}
}

// setSigningPIN sets (or resets, which unlocks) the caller's signing PIN.
func (s *server) setSigningPIN(ctx context.Context, in *setPINInput) (*struct{}, error) {
	return nil, s.app.Evaluations.SetSigningPIN(ctx, callerOf(ctx), in.Body.PIN)
}

type remediationInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The student."`
	Body struct {
		ChecklistID string `json:"checklistId" minLength:"1" maxLength:"100"`
		Plan        string `json:"plan" minLength:"1" maxLength:"4000" doc:"What the student will do, with whom, by when."`
		DueDate     string `json:"dueDate,omitempty" format:"date"`
	}
}

type remediationOutput struct {
	Status int
	Body   models.Remediation
}

// planRemediation records a remediation plan for a student's skill.
func (s *server) planRemediation(ctx context.Context, in *remediationInput) (*remediationOutput, error) {
	r, err := s.app.Evaluations.PlanRemediation(ctx, callerOf(ctx), workflow.RemediationInput{
		StudentID: in.ID, ChecklistID: in.Body.ChecklistID, Plan: in.Body.Plan, DueDate: in.Body.DueDate})
	if err != nil {
		return nil, err
	}
	return &remediationOutput{Status: http.StatusCreated, Body: r}, nil
}

type remediationsOutput struct {
	Body models.List[models.Remediation]
}

// remediations lists a student's remediation plans.
func (s *server) remediations(ctx context.Context, in *attemptIDInput) (*remediationsOutput, error) {
	plans, err := s.app.Evaluations.Remediations(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &remediationsOutput{Body: models.List[models.Remediation]{Items: plans}}, nil
}
