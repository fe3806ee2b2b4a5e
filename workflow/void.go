package workflow

import (
	"context"
	"fmt"
	"strings"

	"skillbook/models"
)

// VoidStore records voids of PIN sign-offs.
type VoidStore interface {
	// VoidAttempt moves a graded (passed or failed) attempt at version to
	// models.StatusVoided, appending void amendment am, with its event;
	// otherwise ErrConflict, or ErrNotFound.
	VoidAttempt(ctx context.Context, programID, attemptID string, version int64, am models.Amendment, ev models.Event) (models.Attempt, error)
}

// VoidInput withdraws a sign-off made with the caller's signing PIN.
type VoidInput struct {
	AttemptID string
	// Version is the attempt version the caller read (If-Match); 0 for
	// any (a second void is a conflict anyway).
	Version int64
	Reason  string
	// Attest must be set: a void is signed like an amendment.
	Attest bool
}

// Void withdraws an evaluation signed with the caller's signing PIN on a
// student's phone, from the caller's own session, within the window the
// program sets. It is a signed amendment of kind void, not an edit: the
// evaluation stays on the record, the attempt becomes voided and no longer
// counts toward competency or the attempt limit, and the student may
// request again.
func (e *Evaluations) Void(ctx context.Context, caller Caller, in VoidInput) (models.Attempt, error) {
	a, err := e.store.Attempt(ctx, caller.ProgramID, in.AttemptID)
	if err != nil {
		return models.Attempt{}, err
	}
	p, err := e.store.Program(ctx, caller.ProgramID)
	if err != nil {
		return models.Attempt{}, err
	}
	now := e.now()
	if err := models.VoidRefusal(&a, caller.User, p, now); err != nil {
		return models.Attempt{}, err
	}
	if in.Version != 0 && in.Version != a.Version {
		return models.Attempt{}, fmt.Errorf("void %s: %w", a.ID, models.ErrPreconditionFailed)
	}
	reason := strings.TrimSpace(in.Reason)
	var v models.ValidationError
	if reason == "" {
		v.Add("body.reason", "is required: say why you void this sign-off (for example: not made by me)")
	}
	v.Text("body.reason", &reason, models.Lines)
	if !in.Attest {
		v.Add("body.attest", "must be true: a void is a signed statement")
	}
	if err := v.Err(); err != nil {
		return models.Attempt{}, err
	}
	am := models.Amendment{ID: e.newID(), EvaluationID: a.Evaluation.ID, Kind: models.AmendVoid, Reason: reason, Correction: models.VoidCorrection}
	if err := models.SignAmendment(ctx, &a, &am, caller.User, now, e.signing.Key); err != nil {
		return models.Attempt{}, err
	}
	ev := models.Event{Type: models.EventEvaluationVoided, ProgramID: a.ProgramID, Actor: caller.Actor(),
		Subject: "attempt", SubjectID: a.ID, StudentID: a.StudentID,
		Summary: fmt.Sprintf("%s voided the %s evaluation of %s signed with their PIN: %s", caller.Name, a.Status, a.ChecklistTitle, e.clip(reason, 120)),
		Data: map[string]string{"evaluationId": a.Evaluation.ID, "amendmentId": am.ID, "kind": string(am.Kind), "was": string(a.Status),
			"reason": reason, "digest": am.Signature.Digest},
		Notify: []models.Notification{{UserID: a.StudentID, Category: models.CategoryEvaluationResults, Title: "Evaluation voided",
			Body: e.clip(fmt.Sprintf("%s: %s voided the sign-off made with their PIN; it no longer counts. Request a new evaluation when you are ready.", a.ChecklistTitle, caller.Name), 200),
			Data: map[string]string{"screen": "attempt", "attemptId": a.ID}}},
	}
	return e.store.VoidAttempt(ctx, caller.ProgramID, a.ID, a.Version, am, ev)
}
