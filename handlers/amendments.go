package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"skillbook/auth"
	"skillbook/models"
	"skillbook/store/mongo"
)

type amendInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The evaluation to correct."`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"The attempt's ETag; the amendment is refused (412) if the record changed since."`
	Body    struct {
		Reason     string `json:"reason" minLength:"1" maxLength:"2000" doc:"Why the signed evaluation needs a correction."`
		Correction string `json:"correction" minLength:"1" maxLength:"4000" doc:"The correction itself."`
		Attest     bool   `json:"attest" doc:"Must be true: the amendment is signed like the evaluation."`
	}
}

// amend adds a signed amendment to a graded evaluation. The evaluation
// itself never changes; both stay visible.
func (s *server) amend(ctx context.Context, in *amendInput) (*attemptOutput, error) {
	caller := callerFrom(ctx)
	a, err := s.store.AttemptByEvaluation(ctx, caller.ProgramID, in.ID)
	if err != nil {
		return nil, err
	}
	if !models.CanEvaluate(caller, a.CohortID) {
		return nil, fmt.Errorf("%w: only instructors who teach this student's cohort may amend their evaluations", models.ErrForbidden)
	}
	if a.Evaluation.Outcome == models.OutcomeReturned {
		return nil, &models.RuleError{Code: "nothing-to-amend", Detail: "a returned request was not graded; there is nothing to amend"}
	}
	if in.IfMatch != "" && in.IfMatch != etag(a.Version) {
		return nil, fmt.Errorf("amend %s: %w", a.ID, models.ErrPreconditionFailed)
	}
	reason, correction := strings.TrimSpace(in.Body.Reason), strings.TrimSpace(in.Body.Correction)
	var v models.ValidationError
	if reason == "" {
		v.Add("body.reason", "is required")
	}
	if correction == "" {
		v.Add("body.correction", "is required")
	}
	if !in.Body.Attest {
		v.Add("body.attest", "must be true: an amendment is a signed statement")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	am := models.Amendment{ID: mongo.NewID(), EvaluationID: a.Evaluation.ID, Reason: reason, Correction: correction,
		Signature: models.Signature{SignerID: caller.ID, SignerName: caller.Name, SignerCredential: caller.Credential,
			SignedAt: time.Now().UTC().Truncate(time.Millisecond), Method: models.SignedInSession, Meaning: models.AmendmentMeaning}}
	am.Signature.Digest = models.AmendmentRecord(&a, am).Digest()
	ev := models.Event{Type: "evaluation.amended", ProgramID: a.ProgramID, Actor: models.ActorOf(caller, requestIDFrom(ctx)),
		Subject: "attempt", SubjectID: a.ID, StudentID: a.StudentID,
		Summary: fmt.Sprintf("%s amended the evaluation of %s: %s", caller.Name, a.ChecklistTitle, truncate(reason, 120)),
		Data:    map[string]string{"evaluationId": a.Evaluation.ID, "amendmentId": am.ID, "reason": reason, "correction": correction, "digest": am.Signature.Digest},
		Notify: []models.Notification{{UserID: a.StudentID, Category: "evaluation-results", Title: "Evaluation amended",
			Body: fmt.Sprintf("%s: %s added a correction", a.ChecklistTitle, caller.Name), Data: map[string]string{"screen": "attempt", "attemptId": a.ID}}},
	}
	stored, err := s.store.AddAmendment(ctx, caller.ProgramID, a.ID, a.Version, am, ev)
	if err != nil {
		return nil, err
	}
	return newAttemptOutput(stored, http.StatusCreated), nil
}

type verificationOutput struct {
	Body struct {
		AttemptID  string                 `json:"attemptId"`
		Signed     bool                   `json:"signed" doc:"Whether the evaluation carries a signature."`
		Intact     bool                   `json:"intact" doc:"Whether every digest matches the record as stored now."`
		Evaluation *digestCheck           `json:"evaluation,omitempty"`
		Amendments []amendmentDigestCheck `json:"amendments"`
	}
}

type digestCheck struct {
	Stored     string `json:"stored"`
	Recomputed string `json:"recomputed"`
	Valid      bool   `json:"valid"`
}

type amendmentDigestCheck struct {
	ID string `json:"id"`
	digestCheck
}

// verify recomputes the digests of an attempt's signed records, so a
// printed transcript's digest can be checked against the system.
func (s *server) verify(ctx context.Context, in *attemptIDInput) (*verificationOutput, error) {
	caller := callerFrom(ctx)
	a, err := s.store.Attempt(ctx, caller.ProgramID, in.ID)
	if err != nil {
		return nil, err
	}
	if err := canSeeAttempt(caller, &a); err != nil {
		return nil, err
	}
	out := &verificationOutput{}
	out.Body.AttemptID = a.ID
	out.Body.Intact = true
	out.Body.Amendments = []amendmentDigestCheck{}
	if e := a.Evaluation; e != nil && e.Signature != nil {
		out.Body.Signed = true
		re := models.EvaluationRecord(&a, *e.Signature).Digest()
		out.Body.Evaluation = &digestCheck{Stored: e.Signature.Digest, Recomputed: re, Valid: re == e.Signature.Digest}
		out.Body.Intact = out.Body.Evaluation.Valid
	}
	for _, am := range a.Amendments {
		re := models.AmendmentRecord(&a, am).Digest()
		c := amendmentDigestCheck{ID: am.ID, digestCheck: digestCheck{Stored: am.Signature.Digest, Recomputed: re, Valid: re == am.Signature.Digest}}
		out.Body.Intact = out.Body.Intact && c.Valid
		out.Body.Amendments = append(out.Body.Amendments, c)
	}
	return out, nil
}

type setPINInput struct {
	Body struct {
		PIN string `json:"pin" minLength:"6" maxLength:"12" pattern:"^[0-9]+$" doc:"6 to 12 digits; not one repeated digit or a simple run."`
	}
}

// setSigningPIN lets an instructor set (or reset, which unlocks) the PIN
// they use to sign on a student's device.
func (s *server) setSigningPIN(ctx context.Context, in *setPINInput) (*struct{}, error) {
	caller := callerFrom(ctx)
	if caller.Role != models.RoleInstructor {
		return nil, fmt.Errorf("%w: only instructors sign evaluations", models.ErrForbidden)
	}
	if err := auth.ValidatePIN(in.Body.PIN); err != nil {
		return nil, err
	}
	hash, err := auth.HashPIN(in.Body.PIN)
	if err != nil {
		return nil, err
	}
	return nil, s.store.SetSigningPIN(ctx, models.ActorOf(caller, requestIDFrom(ctx)), caller.ProgramID, caller.ID, hash)
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

// planRemediation records an admin's remediation plan for a student's
// skill, which reopens evaluation requests.
func (s *server) planRemediation(ctx context.Context, in *remediationInput) (*remediationOutput, error) {
	caller := callerFrom(ctx)
	if caller.Role != models.RoleAdmin {
		return nil, fmt.Errorf("%w: only program admins record remediation plans", models.ErrForbidden)
	}
	student, err := s.store.User(ctx, caller.ProgramID, in.ID)
	if err != nil {
		return nil, err
	}
	if student.Role != models.RoleStudent {
		return nil, fmt.Errorf("user %s: %w", in.ID, models.ErrNotFound)
	}
	if _, err := s.store.AssignmentFor(ctx, student, in.Body.ChecklistID); err != nil {
		return nil, &models.RuleError{Code: "not-assigned", Detail: fmt.Sprintf("%s is not assigned to this student", in.Body.ChecklistID)}
	}
	if in.Body.DueDate != "" {
		if _, err := time.Parse(models.DateLayout, in.Body.DueDate); err != nil {
			return nil, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.dueDate", Message: "must be a date such as 2026-12-01"}}}
		}
	}
	r := models.Remediation{ProgramID: caller.ProgramID, StudentID: student.ID, ChecklistID: in.Body.ChecklistID,
		Plan: strings.TrimSpace(in.Body.Plan), DueDate: in.Body.DueDate}
	notify := []models.Notification{{UserID: student.ID, Category: "remediation", Title: "Remediation plan",
		Body: "Your program recorded a remediation plan; you can request evaluations again", Data: map[string]string{"screen": "progress", "checklistId": r.ChecklistID}}}
	stored, err := s.store.CreateRemediation(ctx, models.ActorOf(caller, requestIDFrom(ctx)), r, notify)
	if err != nil {
		return nil, err
	}
	return &remediationOutput{Status: http.StatusCreated, Body: stored}, nil
}

type remediationsOutput struct {
	Body models.List[models.Remediation]
}

// remediations lists a student's remediation plans.
func (s *server) remediations(ctx context.Context, in *attemptIDInput) (*remediationsOutput, error) {
	caller := callerFrom(ctx)
	student, err := s.store.User(ctx, caller.ProgramID, in.ID)
	if err != nil {
		return nil, err
	}
	if !models.CanSeeStudent(caller, student) {
		return nil, fmt.Errorf("%w: you may not see this student's records", models.ErrForbidden)
	}
	plans, err := s.store.RemediationsOf(ctx, caller.ProgramID, []string{student.ID})
	if err != nil {
		return nil, err
	}
	return &remediationsOutput{Body: models.List[models.Remediation]{Items: plans}}, nil
}
