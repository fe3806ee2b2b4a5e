package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"skillbook/auth"
	"skillbook/models"
)

// EvaluationStore records instructors' evaluations.
type EvaluationStore interface {
	AttemptReader
	SkillRecords
	PINTryStore
	// User returns user id of a program, or ErrNotFound.
	User(ctx context.Context, programID, id string) (models.User, error)
	// ProgramAdmins returns the admins of a program.
	ProgramAdmins(ctx context.Context, programID string) ([]models.User, error)
	// EvaluateAttempt records evaluation e of a waiting request, moving it
	// to status, with its events, if the attempt is still requested at
	// version; otherwise ErrConflict (of two instructors evaluating at
	// once exactly one succeeds), or ErrNotFound.
	EvaluateAttempt(ctx context.Context, programID, attemptID string, version int64, status models.AttemptStatus, e models.Evaluation, events ...models.Event) (models.Attempt, error)
}

// Decision is what an evaluator does with a request.
type Decision string

// The decisions: grade every step, or return the request ungraded for
// more practice.
const (
	DecisionGrade  Decision = "grade"
	DecisionReturn Decision = "return"
)

// PINSigner names the instructor signing on the student's phone with
// their signing PIN.
type PINSigner struct {
	InstructorID string
	PIN          string
	// ClientIP and Device (the Skillbook-Device header, optional) name
	// the device the PIN is tried on, for its try limit.
	ClientIP string
	Device   string
}

// EvaluateInput is an evaluator's decision on an evaluation request.
type EvaluateInput struct {
	AttemptID string
	Decision  Decision
	Steps     []models.StepGrade
	Comment   string
	Setting   models.Setting
	// Affective rates the affective competencies the checklist declares
	// (all of them on a pass).
	Affective []models.AffectiveRating
	// Attest must be set to sign a passing evaluation.
	Attest bool
	// Signer is set when the instructor signs on the student's session.
	Signer *PINSigner

	// Externship: the site and its preceptor, optional.
	Site                string
	Preceptor           string
	PreceptorCredential string
}

// Evaluate grades (or returns) an evaluation request. The score and
// outcome come from the checklist's rule; the affective competencies the
// checklist declares are rated (every one on a pass, none on a return;
// models.RateAffective); a pass must be attested; a pass
// or a failure is signed with the program's Ed25519 key over the whole
// record; a failure that reaches the
// attempt limit flags the skill to the program's admins.
func (e *Evaluations) Evaluate(ctx context.Context, caller Caller, in EvaluateInput) (models.Attempt, error) {
	a, err := e.store.Attempt(ctx, caller.ProgramID, in.AttemptID)
	if err != nil {
		return models.Attempt{}, err
	}
	evaluator, by, err := e.evaluator(ctx, caller, &a, in.Signer)
	if err != nil {
		return models.Attempt{}, err
	}
	if !a.Status.Waiting() {
		return models.Attempt{}, fmt.Errorf("%w: this attempt is not waiting for an evaluation (status %s)", models.ErrConflict, a.Status)
	}
	checklist, err := e.store.Checklist(ctx, caller.ProgramID, a.ChecklistID, a.ChecklistVersion)
	if err != nil {
		return models.Attempt{}, err
	}
	g, err := e.grading(ctx, caller.ProgramID, &checklist)
	if err != nil {
		return models.Attempt{}, err
	}
	ev := models.Evaluation{ID: e.newID(), EvaluatorID: evaluator.ID, Comment: strings.TrimSpace(in.Comment), Setting: in.Setting,
		Grading: g, EvaluatedAt: e.now()}
	var v models.ValidationError
	v.Text("body.comment", &ev.Comment, models.Lines)
	ev.Site, ev.Preceptor, ev.PreceptorCredential = externshipText(&v, in.Site, in.Preceptor, in.PreceptorCredential)
	if err := v.Err(); err != nil {
		return models.Attempt{}, err
	}
	if in.Decision == DecisionReturn {
		if err := models.RateAffective(&checklist, models.OutcomeReturned, in.Affective); err != nil {
			return models.Attempt{}, err
		}
		if ev.Comment == "" {
			return models.Attempt{}, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.comment", Message: "is required when returning a request: say what to practise"}}}
		}
		ev.Outcome = models.OutcomeReturned
	} else {
		if in.Setting == "" {
			return models.Attempt{}, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.setting", Message: "is required: skills-lab or clinical-site"}}}
		}
		ev.Steps = in.Steps
		if ev.Score, ev.Outcome, ev.FailedCritical, err = models.Grade(&checklist, g, in.Steps); err != nil {
			return models.Attempt{}, err
		}
		ev.Affective = in.Affective
		if err := models.RateAffective(&checklist, ev.Outcome, ev.Affective); err != nil {
			return models.Attempt{}, err
		}
		if ev.Outcome == models.OutcomePassed && !in.Attest {
			return models.Attempt{}, &models.RuleError{Code: "attestation-required", Detail: "a passing evaluation is recorded only when signed: set attest to true to attest you observed the student perform this skill to standard"}
		}
	}
	status, err := models.Transition(a.Status, ev.Outcome.Action(), by)
	if err != nil {
		return models.Attempt{}, err
	}
	a.Evaluation = &ev
	if ev.Outcome == models.OutcomePassed || ev.Outcome == models.OutcomeFailed {
		method := models.SignedInSession
		if by == models.RelPINSigner {
			method = models.SignedWithPIN
		}
		if err := models.Sign(ctx, &a, evaluator, method, ev.EvaluatedAt, e.signing.Key); err != nil {
			return models.Attempt{}, err
		}
	}
	events, err := e.evaluationEvents(ctx, caller.Actor(), evaluator, &a, g)
	if err != nil {
		return models.Attempt{}, err
	}
	if by == models.RelPINSigner {
		events[0].Notify = append(events[0].Notify, e.pinSignOffNotice(evaluator, &a, &checklist))
	}
	return e.store.EvaluateAttempt(ctx, caller.ProgramID, a.ID, a.Version, status, ev, events...)
}

// evaluator returns who grades and how they stand to the attempt: the
// caller, an instructor teaching the student's cohort; or, when the
// student's session carries a PIN signer, that instructor after their PIN
// checks out (every try audited).
func (e *Evaluations) evaluator(ctx context.Context, caller Caller, a *models.Attempt, signer *PINSigner) (models.User, models.Relation, error) {
	by := models.RelationOf(caller.User, a)
	if signer == nil {
		switch by {
		case models.RelInstructor:
			return caller.User, by, nil
		case models.RelStudent:
			return models.User{}, by, fmt.Errorf("%w: an instructor must sign: with their own session, or here with their signing PIN (signer)", models.ErrForbidden)
		}
		return models.User{}, by, fmt.Errorf("%w: only instructors who teach this student's cohort may evaluate", models.ErrForbidden)
	}
	if by != models.RelStudent {
		return models.User{}, by, fmt.Errorf("%w: PIN signing is done on the evaluated student's own device", models.ErrForbidden)
	}
	instructor, err := e.store.User(ctx, caller.ProgramID, signer.InstructorID)
	if errors.Is(err, models.ErrNotFound) {
		return models.User{}, by, fmt.Errorf("%w: no such instructor", models.ErrForbidden)
	}
	if err != nil {
		return models.User{}, by, err
	}
	if models.RelationOf(instructor, a) != models.RelInstructor {
		return models.User{}, by, fmt.Errorf("%w: that instructor does not teach this student's cohort", models.ErrForbidden)
	}
	device, err := models.PINDevice(signer.ClientIP, signer.Device)
	if err != nil {
		return models.User{}, by, err
	}
	if err := e.checkPIN(ctx, caller, instructor, signer.PIN, device, a.ID); err != nil {
		return models.User{}, by, err
	}
	return instructor, models.RelPINSigner, nil
}

// evaluationEvents describes attempt a's new evaluation for the audit
// trail and tells the student, and the admins when the skill is now
// flagged for remediation.
func (e *Evaluations) evaluationEvents(ctx context.Context, actor models.Actor, evaluator models.User, a *models.Attempt, g models.Grading) ([]models.Event, error) {
	ev := a.Evaluation
	data := map[string]string{"checklistId": a.ChecklistID, "checklistVersion": fmt.Sprint(a.ChecklistVersion),
		"evaluationId": ev.ID, "evaluatorId": evaluator.ID, "outcome": string(ev.Outcome), "score": fmt.Sprint(ev.Score)}
	open := map[string]string{"screen": "attempt", "attemptId": a.ID}
	event := models.Event{ProgramID: a.ProgramID, Actor: actor, Subject: "attempt", SubjectID: a.ID, StudentID: a.StudentID, Data: data}
	var title, body string
	switch ev.Outcome {
	case models.OutcomePassed:
		event.Type = models.EventEvaluationSigned
		event.Summary = fmt.Sprintf("%s passed and signed %s (score %d%%, signed by %s)", evaluator.Name, a.ChecklistTitle, ev.Score, ev.Signature.Method)
		data["digest"] = ev.Signature.Digest
		data["method"] = string(ev.Signature.Method)
		data["keyId"] = ev.Signature.KeyID
		title, body = "Skill signed off", fmt.Sprintf("%s: passed with %d%%, signed by %s", a.ChecklistTitle, ev.Score, evaluator.Name)
	case models.OutcomeFailed:
		event.Type = models.EventEvaluationFailed
		event.Summary = fmt.Sprintf("%s failed %s (score %d%%, critical steps missed: %d)", evaluator.Name, a.ChecklistTitle, ev.Score, len(ev.FailedCritical))
		data["digest"] = ev.Signature.Digest
		data["method"] = string(ev.Signature.Method)
		data["keyId"] = ev.Signature.KeyID
		title, body = "Evaluation not passed", fmt.Sprintf("%s: see your instructor's feedback and practise again", a.ChecklistTitle)
	default:
		event.Type = models.EventEvaluationReturned
		event.Summary = fmt.Sprintf("%s returned %s for more practice", evaluator.Name, a.ChecklistTitle)
		title, body = "Returned for more practice", fmt.Sprintf("%s: %s", a.ChecklistTitle, ev.Comment)
	}
	event.Notify = []models.Notification{{UserID: a.StudentID, Category: "evaluation-results", Title: title, Body: e.clip(body, 200), Data: open}}
	events := []models.Event{event}
	if ev.Outcome != models.OutcomeFailed {
		return events, nil
	}
	t, err := e.tally(ctx, a.ProgramID, a.StudentID, a.ChecklistID)
	if err != nil {
		return nil, err
	}
	// Flag only the failure that reaches the limit, not the ones after.
	if t.Failed+1 != g.MaxAttempts {
		return events, nil
	}
	admins, err := e.store.ProgramAdmins(ctx, a.ProgramID)
	if err != nil {
		return nil, err
	}
	flag := models.Event{Type: models.EventRemediationFlagged, ProgramID: a.ProgramID, Actor: actor, Subject: "attempt", SubjectID: a.ID,
		StudentID: a.StudentID, Summary: fmt.Sprintf("%s reached %d failed evaluations of %s and needs a remediation plan", a.StudentName, g.MaxAttempts, a.ChecklistTitle),
		Data: map[string]string{"checklistId": a.ChecklistID, "failed": fmt.Sprint(t.Failed + 1)}}
	for _, adm := range admins {
		flag.Notify = append(flag.Notify, models.Notification{UserID: adm.ID, Category: "remediation", Title: "Remediation needed",
			Body: fmt.Sprintf("%s needs a remediation plan for %s", a.StudentName, a.ChecklistTitle),
			Data: map[string]string{"screen": "student", "studentId": a.StudentID, "checklistId": a.ChecklistID}})
	}
	return append(events, flag), nil
}

// checkPIN checks instructor's signing PIN, tried on caller's session on
// device for attempt attemptID, and audits the try: a wrong PIN counts
// toward the lock, a right one resets the count. Tries beyond the limits,
// and tries on a locked PIN, are refused before the PIN is compared (and
// before the instructor's account is asked about): a flood costs no
// bcrypt work and writes no audit entry per try (only a count).
func (e *Evaluations) checkPIN(ctx context.Context, caller Caller, instructor models.User, pin, device, attemptID string) error {
	if !instructor.PINSet {
		return &models.RuleError{Code: "signing-pin-not-set", Detail: "the instructor has not set a signing PIN; they can set one in their own app"}
	}
	if err := e.pins.allow(caller.ID, device, instructor.ID); err != nil {
		return err
	}
	if instructor.PINFailures >= auth.MaxPINFailures {
		if err := e.store.RefusePINTry(ctx, caller.ProgramID, instructor.ID, auth.MaxPINFailures); err != nil {
			return err
		}
		return &models.Refusal{Code: "signing-pin-locked", Detail: errPINLockedDetail}
	}
	// Asked before the PIN is compared: a PIN whose account is refused
	// costs no bcrypt work and says nothing of whether it was right.
	if err := e.checkAccount(ctx, instructor); err != nil {
		return err
	}
	ok := e.pins.compare(instructor.PINHash, pin)
	tried := models.Event{Type: models.EventSigningPINAccepted, ProgramID: caller.ProgramID, Actor: caller.Actor(), Subject: "user", SubjectID: instructor.ID,
		Summary: "signing PIN accepted for attempt " + attemptID, Data: map[string]string{"attemptId": attemptID}}
	if !ok {
		tried.Type, tried.Summary = models.EventSigningPINRejected, "signing PIN rejected for attempt "+attemptID
	}
	locked := models.Event{Type: models.EventSigningPINLocked, ProgramID: caller.ProgramID, Actor: caller.Actor(), Subject: "user", SubjectID: instructor.ID,
		Summary: fmt.Sprintf("signing PIN locked after %d wrong tries in a row (the last for attempt %s)", auth.MaxPINFailures, attemptID),
		Data:    map[string]string{"attemptId": attemptID, "failures": fmt.Sprint(auth.MaxPINFailures)},
		Notify: []models.Notification{{UserID: instructor.ID, Category: models.CategorySigningPIN, Title: "Signing PIN locked",
			Body: e.clip(fmt.Sprintf("Your signing PIN locked after %d wrong tries, the last on %s's device. Set a new PIN in the app to sign with one again.",
				auth.MaxPINFailures, caller.Name), 200),
			Data: map[string]string{"screen": "signing-pin"}}},
	}
	failures, wasLocked, err := e.store.RecordPINTry(ctx, caller.ProgramID, instructor.ID, ok, auth.MaxPINFailures, tried, locked)
	switch {
	case err != nil:
		return err
	case wasLocked:
		return &models.Refusal{Code: "signing-pin-locked", Detail: errPINLockedDetail}
	case !ok && failures >= auth.MaxPINFailures:
		return &models.Refusal{Code: "signing-pin-rejected",
			Detail: "wrong signing PIN; it is now locked: the instructor must set a new one from their own session"}
	case !ok:
		return &models.Refusal{Code: "signing-pin-rejected",
			Detail: fmt.Sprintf("wrong signing PIN; %d tries left before it locks", auth.MaxPINFailures-failures)}
	}
	return nil
}
