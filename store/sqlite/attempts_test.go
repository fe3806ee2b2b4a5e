package sqlite

import (
	"context"
	"testing"
	"time"

	"skillbook/models"
)

// The methods of the store contract this area implements beside the
// workflow interfaces it completes (checked in attempts.go).
var _ interface {
	CreateAttempt(ctx context.Context, a models.Attempt, events ...models.Event) (models.Attempt, bool, error)
	EvaluateAttempt(ctx context.Context, programID, attemptID string, version int64, status models.AttemptStatus, e models.Evaluation, events ...models.Event) (models.Attempt, error)
	CreateRemediation(ctx context.Context, r models.Remediation, ev models.Event) (models.Remediation, error)
	RemediationsOf(ctx context.Context, programID string, studentIDs []string) ([]models.Remediation, error)
} = (*Store)(nil)

var attemptByAdmin = models.Actor{UserID: "adm", Name: "Ada", Role: models.RoleAdmin}

// attemptRequest is an evaluation request of student sid at checklist id,
// as the use case hands it to the store, with its event.
func attemptRequest(programID, sid, id string) (models.Attempt, models.Event) {
	a := models.Attempt{ID: newID(), ProgramID: programID, StudentID: sid, StudentName: "Ann", CohortID: "c1",
		ChecklistID: id, ChecklistVersion: 1, Area: "vitals", Kind: models.AttemptEvaluation, Status: models.StatusRequested,
		RequestedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	return a, models.Event{Type: models.EventEvaluationRequested, ProgramID: programID, Actor: attemptByAdmin, Subject: "attempt",
		SubjectID: a.ID, StudentID: sid, Summary: "requested an evaluation"}
}

// attemptMustCreate stores a, failing the test otherwise.
func attemptMustCreate(tb testing.TB, s *Store, a models.Attempt, events ...models.Event) models.Attempt {
	tb.Helper()
	stored, created, err := s.CreateAttempt(tb.Context(), a, events...)
	if err != nil || !created {
		tb.Fatalf("CreateAttempt(%s) = %v, %v; want created", a.ID, created, err)
	}
	return stored
}

func attemptEvaluation(outcome models.Outcome) models.Evaluation {
	return models.Evaluation{ID: newID(), EvaluatorID: "ivy", Outcome: outcome, Score: 50, Setting: models.SettingSkillsLab,
		EvaluatedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
}

// TestAttemptColumnsFollowTheRecord: the columns the queries filter on
// change with the record (the contract suite checks the record itself).
func TestAttemptColumnsFollowTheRecord(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	p := "p1"
	a, ev := attemptRequest(p, "ann", "bp-manual")
	req := attemptMustCreate(t, s, a, ev)
	e := attemptEvaluation(models.OutcomeFailed)
	if _, err := s.EvaluateAttempt(ctx, p, req.ID, req.Version, models.StatusFailed, e); err != nil {
		t.Fatal(err)
	}
	var status, slot, evaluationID string
	var evaluatedAt, version int64
	if err := s.reader.QueryRow(`SELECT status, open_slot, evaluation_id, evaluated_at, version FROM attempts WHERE id = ?`, req.ID).
		Scan(&status, &slot, &evaluationID, &evaluatedAt, &version); err != nil {
		t.Fatal(err)
	}
	if status != "failed" || slot != req.ID || evaluationID != e.ID || !fromMS(evaluatedAt).Equal(e.EvaluatedAt) || version != 2 {
		t.Fatalf("columns = %s, %s, %s, %d, %d; want them in step with the record", status, slot, evaluationID, evaluatedAt, version)
	}
}
