package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"skillbook/auth"
	"skillbook/models"
	"skillbook/store/mongo"
)

// pinSigner names the instructor signing on the student's phone.
type pinSigner struct {
	InstructorID string `json:"instructorId" minLength:"1" maxLength:"64"`
	PIN          string `json:"pin" minLength:"1" maxLength:"12" doc:"The instructor's personal signing PIN."`
}

type evaluateInput struct {
	ID   string `path:"id" maxLength:"64" doc:"The attempt (an evaluation request)."`
	Body struct {
		Decision string             `json:"decision,omitempty" enum:"grade,return" default:"grade" doc:"grade: grade every step; return: send the request back ungraded for more practice (comment required)."`
		Steps    []models.StepGrade `json:"steps,omitempty" maxItems:"200" doc:"One result per checklist step: pass, fail or na; a comment on every failed step."`
		Comment  string             `json:"comment,omitempty" maxLength:"2000"`
		Setting  models.Setting     `json:"setting,omitempty" enum:"skills-lab,clinical-site"`
		Attest   bool               `json:"attest,omitempty" doc:"Required to sign a passing evaluation: the evaluator attests they observed the student perform the skill to standard."`
		Signer   *pinSigner         `json:"signer,omitempty" doc:"Set when the instructor signs on the student's device with their PIN; the request is then made with the student's session."`
	}
}

// evaluate grades (or returns) an evaluation request. The server computes
// the score and outcome from the checklist's rule; a pass must be attested
// and is signed with a digest over the whole record.
func (s *server) evaluate(ctx context.Context, in *evaluateInput) (*attemptOutput, error) {
	caller := callerFrom(ctx)
	a, err := s.store.Attempt(ctx, caller.ProgramID, in.ID)
	if err != nil {
		return nil, err
	}
	actor := models.ActorOf(caller, requestIDFrom(ctx))
	evaluator, method, err := s.evaluator(ctx, caller, actor, &a, in.Body.Signer)
	if err != nil {
		return nil, err
	}
	if a.Kind != models.AttemptEvaluation || a.Status != models.StatusRequested {
		return nil, fmt.Errorf("%w: this attempt is not waiting for an evaluation (status %s)", models.ErrConflict, a.Status)
	}
	checklist, err := s.store.Checklist(ctx, caller.ProgramID, a.ChecklistID, a.ChecklistVersion)
	if err != nil {
		return nil, err
	}
	g, err := s.grading(ctx, caller.ProgramID, &checklist)
	if err != nil {
		return nil, err
	}
	b := in.Body
	e := models.Evaluation{ID: mongo.NewID(), EvaluatorID: evaluator.ID, Comment: strings.TrimSpace(b.Comment), Setting: b.Setting,
		Grading: g, EvaluatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if b.Decision == "return" {
		if e.Comment == "" {
			return nil, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.comment", Message: "is required when returning a request: say what to practise"}}}
		}
		e.Outcome = models.OutcomeReturned
	} else {
		if b.Setting == "" {
			return nil, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.setting", Message: "is required: skills-lab or clinical-site"}}}
		}
		e.Steps = b.Steps
		if e.Score, e.Outcome, e.FailedCritical, err = models.Grade(&checklist, g, b.Steps); err != nil {
			return nil, err
		}
		if e.Outcome == models.OutcomePassed {
			if !b.Attest {
				return nil, &models.RuleError{Code: "attestation-required", Detail: "a passing evaluation is recorded only when signed: set attest to true to attest you observed the student perform this skill to standard"}
			}
			sig := models.Signature{SignerID: evaluator.ID, SignerName: evaluator.Name, SignerCredential: evaluator.Credential,
				SignedAt: e.EvaluatedAt, Method: method, Meaning: models.SignatureMeaning}
			a.Evaluation = &e
			sig.Digest = models.EvaluationRecord(&a, sig).Digest()
			e.Signature = &sig
		}
	}
	events, err := s.evaluationEvents(ctx, actor, evaluator, &a, &e, &checklist, g)
	if err != nil {
		return nil, err
	}
	stored, err := s.store.EvaluateAttempt(ctx, caller.ProgramID, a.ID, e, events...)
	if err != nil {
		return nil, err
	}
	return newAttemptOutput(stored, http.StatusCreated), nil
}

// evaluator returns who grades: the caller, an instructor teaching the
// student's cohort; or, when the student's session carries a PIN signer,
// that instructor after their PIN checks out (every try audited).
func (s *server) evaluator(ctx context.Context, caller models.User, actor models.Actor, a *models.Attempt, signer *pinSigner) (models.User, models.SignMethod, error) {
	if signer == nil {
		if !models.CanEvaluate(caller, a.CohortID) {
			if caller.Role == models.RoleStudent && caller.ID == a.StudentID {
				return models.User{}, "", fmt.Errorf("%w: an instructor must sign: with their own session, or here with their signing PIN (signer)", models.ErrForbidden)
			}
			return models.User{}, "", fmt.Errorf("%w: only instructors who teach this student's cohort may evaluate", models.ErrForbidden)
		}
		return caller, models.SignedInSession, nil
	}
	if caller.Role != models.RoleStudent || caller.ID != a.StudentID {
		return models.User{}, "", fmt.Errorf("%w: PIN signing is done on the evaluated student's own device", models.ErrForbidden)
	}
	instructor, err := s.store.User(ctx, caller.ProgramID, signer.InstructorID)
	if errors.Is(err, models.ErrNotFound) {
		return models.User{}, "", fmt.Errorf("%w: no such instructor", models.ErrForbidden)
	}
	if err != nil {
		return models.User{}, "", err
	}
	if !models.CanEvaluate(instructor, a.CohortID) {
		return models.User{}, "", fmt.Errorf("%w: that instructor does not teach this student's cohort", models.ErrForbidden)
	}
	if !instructor.PINSet {
		return models.User{}, "", &models.RuleError{Code: "signing-pin-not-set", Detail: "the instructor has not set a signing PIN; they can set one in their own app"}
	}
	ok := auth.CheckPIN(instructor.PINHash, signer.PIN)
	failures, err := s.store.RecordPINTry(ctx, actor, caller.ProgramID, instructor.ID, ok, auth.MaxPINFailures, a.ID)
	if errors.Is(err, mongo.ErrPINLocked) {
		return models.User{}, "", problemWithType(http.StatusForbidden, "signing-pin-locked",
			"the instructor's signing PIN is locked after too many wrong tries; they must set a new one from their own session")
	}
	if err != nil {
		return models.User{}, "", err
	}
	if !ok {
		return models.User{}, "", problemWithType(http.StatusForbidden, "signing-pin-rejected",
			fmt.Sprintf("wrong signing PIN; %d tries left before it locks", auth.MaxPINFailures-failures))
	}
	return instructor, models.SignedWithPIN, nil
}

// evaluationEvents describes an evaluation for the audit trail and tells
// the student, and the admins when the skill is now flagged.
func (s *server) evaluationEvents(ctx context.Context, actor models.Actor, evaluator models.User, a *models.Attempt, e *models.Evaluation, c *models.Checklist, g models.Grading) ([]models.Event, error) {
	data := map[string]string{"checklistId": a.ChecklistID, "checklistVersion": fmt.Sprint(a.ChecklistVersion),
		"evaluationId": e.ID, "evaluatorId": evaluator.ID, "outcome": string(e.Outcome), "score": fmt.Sprint(e.Score)}
	open := map[string]string{"screen": "attempt", "attemptId": a.ID}
	ev := models.Event{ProgramID: a.ProgramID, Actor: actor, Subject: "attempt", SubjectID: a.ID, StudentID: a.StudentID, Data: data}
	var title, body string
	switch e.Outcome {
	case models.OutcomePassed:
		ev.Type = "evaluation.signed"
		ev.Summary = fmt.Sprintf("%s passed and signed %s (score %d%%, signed by %s)", evaluator.Name, a.ChecklistTitle, e.Score, e.Signature.Method)
		data["digest"] = e.Signature.Digest
		data["method"] = string(e.Signature.Method)
		title, body = "Skill signed off", fmt.Sprintf("%s: passed with %d%%, signed by %s", a.ChecklistTitle, e.Score, evaluator.Name)
	case models.OutcomeFailed:
		ev.Type = "evaluation.failed"
		ev.Summary = fmt.Sprintf("%s failed %s (score %d%%, critical steps missed: %d)", evaluator.Name, a.ChecklistTitle, e.Score, len(e.FailedCritical))
		title, body = "Evaluation not passed", fmt.Sprintf("%s: see your instructor's feedback and practise again", a.ChecklistTitle)
	default:
		ev.Type = "evaluation.returned"
		ev.Summary = fmt.Sprintf("%s returned %s for more practice", evaluator.Name, a.ChecklistTitle)
		title, body = "Returned for more practice", fmt.Sprintf("%s: %s", a.ChecklistTitle, e.Comment)
	}
	ev.Notify = []models.Notification{{UserID: a.StudentID, Category: "evaluation-results", Title: title, Body: truncate(body, 200), Data: open}}
	events := []models.Event{ev}
	if e.Outcome != models.OutcomeFailed {
		return events, nil
	}
	t, err := s.tally(ctx, a.ProgramID, a.StudentID, a.ChecklistID)
	if err != nil {
		return nil, err
	}
	if t.Failed+1 < g.MaxAttempts || t.Failed >= g.MaxAttempts {
		return events, nil
	}
	admins, err := s.store.ProgramAdmins(ctx, a.ProgramID)
	if err != nil {
		return nil, err
	}
	flag := models.Event{Type: "remediation.flagged", ProgramID: a.ProgramID, Actor: actor, Subject: "attempt", SubjectID: a.ID,
		StudentID: a.StudentID, Summary: fmt.Sprintf("%s reached %d failed evaluations of %s and needs a remediation plan", a.StudentName, g.MaxAttempts, a.ChecklistTitle),
		Data: map[string]string{"checklistId": a.ChecklistID, "failed": fmt.Sprint(t.Failed + 1)}}
	for _, adm := range admins {
		flag.Notify = append(flag.Notify, models.Notification{UserID: adm.ID, Category: "remediation", Title: "Remediation needed",
			Body: fmt.Sprintf("%s needs a remediation plan for %s", a.StudentName, a.ChecklistTitle),
			Data: map[string]string{"screen": "student", "studentId": a.StudentID, "checklistId": a.ChecklistID}})
	}
	return append(events, flag), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
