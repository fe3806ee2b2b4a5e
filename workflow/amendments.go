package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"skillbook/models"
)

// AmendmentStore records amendments to graded evaluations.
type AmendmentStore interface {
	// AttemptByEvaluation returns the attempt holding evaluation id, or
	// ErrNotFound.
	AttemptByEvaluation(ctx context.Context, programID, evaluationID string) (models.Attempt, error)
	// AddAmendment appends amendment am to an evaluated attempt with its
	// event if the attempt is still at version; otherwise ErrConflict.
	AddAmendment(ctx context.Context, programID, attemptID string, version int64, am models.Amendment, ev models.Event) (models.Attempt, error)
}

// AmendInput is a signed correction to a graded evaluation.
type AmendInput struct {
	EvaluationID string
	// Version is the attempt version the caller read (If-Match); 0 for
	// any.
	Version    int64
	Reason     string
	Correction string
	// Attest must be set: an amendment is signed like the evaluation.
	Attest bool
}

// Amend adds a signed amendment to a graded evaluation, by an instructor
// who teaches the student's cohort. The evaluation itself never changes;
// both stay visible.
func (e *Evaluations) Amend(ctx context.Context, caller Caller, in AmendInput) (models.Attempt, error) {
	a, err := e.store.AttemptByEvaluation(ctx, caller.ProgramID, in.EvaluationID)
	if err != nil {
		return models.Attempt{}, err
	}
	var refused *models.TransitionError
	if _, err := models.Transition(a.Status, models.ActionAmend, models.RelationOf(caller.User, &a)); errors.As(err, &refused) && !refused.Forbidden {
		if a.Status == models.StatusVoided {
			return models.Attempt{}, fmt.Errorf("%w: this evaluation was voided; it no longer counts and is not amended", models.ErrConflict)
		}
		return models.Attempt{}, &models.RuleError{Code: "nothing-to-amend", Detail: "a returned request was not graded; there is nothing to amend"}
	} else if err != nil {
		return models.Attempt{}, err
	}
	if in.Version != 0 && in.Version != a.Version {
		return models.Attempt{}, fmt.Errorf("amend %s: %w", a.ID, models.ErrPreconditionFailed)
	}
	reason, correction := strings.TrimSpace(in.Reason), strings.TrimSpace(in.Correction)
	var v models.ValidationError
	if reason == "" {
		v.Add("body.reason", "is required")
	}
	v.Text("body.reason", &reason, models.Lines)
	if correction == "" {
		v.Add("body.correction", "is required")
	}
	v.Text("body.correction", &correction, models.Lines)
	if !in.Attest {
		v.Add("body.attest", "must be true: an amendment is a signed statement")
	}
	if err := v.Err(); err != nil {
		return models.Attempt{}, err
	}
	am := models.Amendment{ID: e.newID(), EvaluationID: a.Evaluation.ID, Kind: models.AmendCorrection, Reason: reason, Correction: correction}
	if err := models.SignAmendment(ctx, &a, &am, caller.User, e.now(), e.signing.Key); err != nil {
		return models.Attempt{}, err
	}
	ev := models.Event{Type: models.EventEvaluationAmended, ProgramID: a.ProgramID, Actor: caller.Actor(),
		Subject: "attempt", SubjectID: a.ID, StudentID: a.StudentID,
		Summary: fmt.Sprintf("%s amended the evaluation of %s: %s", caller.Name, a.ChecklistTitle, e.clip(reason, 120)),
		Data:    map[string]string{"evaluationId": a.Evaluation.ID, "amendmentId": am.ID, "reason": reason, "correction": correction, "digest": am.Signature.Digest},
		Notify: []models.Notification{{UserID: a.StudentID, Category: "evaluation-results", Title: "Evaluation amended",
			Body: fmt.Sprintf("%s: %s added a correction", a.ChecklistTitle, caller.Name), Data: map[string]string{"screen": "attempt", "attemptId": a.ID}}},
	}
	return e.store.AddAmendment(ctx, caller.ProgramID, a.ID, a.Version, am, ev)
}

// Verify checks the signatures of an attempt's signed records against the
// published keys, for whoever may see the attempt, so a printed
// transcript can be checked against the system.
func (e *Evaluations) Verify(ctx context.Context, caller Caller, attemptID string) (models.Verification, error) {
	a, err := e.Attempt(ctx, caller, attemptID)
	if err != nil {
		return models.Verification{}, err
	}
	return models.Verify(&a, e.signing.Keys), nil
}
