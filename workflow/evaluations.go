package workflow

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"skillbook/clock"
	"skillbook/models"
)

// evaluationStores is what the Evaluations use cases need of the store.
type evaluationStores interface {
	AttemptStore
	AttemptReader
	EvaluationStore
	AmendmentStore
	VoidStore
	ProgramSettingsStore
	QueueStore
	SigningPINStore
	RemediationStore
	RemediationReader
	AttemptLister
}

// Evaluations holds the use cases of a student's attempts at a skill:
// logging practice, requesting an evaluation, grading and signing it (or
// returning it), amending it, verifying its signatures, the instructor
// queue, signing PINs and remediation plans.
type Evaluations struct {
	store   evaluationStores
	clock   clock.Clock
	pins    pinGuard
	signing Signing

	// accounts answers for instructors' sign-in accounts at PIN use; nil
	// makes PIN sign-off unavailable (WithAccounts).
	accounts Accounts
}

func newEvaluations(store evaluationStores, clk clock.Clock, sig Signing) *Evaluations {
	return &Evaluations{store: store, clock: clk, pins: newPINGuard(clk), signing: sig}
}

// now is the time stamp of a record made now: UTC, to the millisecond, as
// the store keeps it.
func (e *Evaluations) now() time.Time { return e.clock.Now().UTC().Truncate(time.Millisecond) }

// newID names a new record (an attempt, an evaluation, an amendment, a
// remediation plan): a UUIDv7, so ids sort by creation time.
func (e *Evaluations) newID() string { return uuid.Must(uuid.NewV7()).String() }

// SkillRecords reads what the rules about one student's skill are
// computed from: the checklist, the program's grading defaults, the
// student's attempts and remediation plans.
type SkillRecords interface {
	Checklist(ctx context.Context, programID, id string, version int) (models.Checklist, error)
	Program(ctx context.Context, id string) (models.Program, error)
	// SkillAttempts returns every attempt of each of skills.
	SkillAttempts(ctx context.Context, programID string, skills []models.StudentSkill) ([]models.Attempt, error)
	// RemediationsOf returns every remediation plan of students.
	RemediationsOf(ctx context.Context, programID string, studentIDs []string) ([]models.Remediation, error)
}

// grading returns the effective grading rule of checklist c in program
// programID.
func (e *Evaluations) grading(ctx context.Context, programID string, c *models.Checklist) (models.Grading, error) {
	p, err := e.store.Program(ctx, programID)
	if err != nil {
		return models.Grading{}, fmt.Errorf("grading of %s: %w", c.ID, err)
	}
	return p.GradingOf(c), nil
}

// tally sums a student's attempts at a checklist since their latest
// remediation plan.
func (e *Evaluations) tally(ctx context.Context, programID, studentID, checklistID string) (models.SkillTally, error) {
	attempts, err := e.store.SkillAttempts(ctx, programID, []models.StudentSkill{{StudentID: studentID, ChecklistID: checklistID}})
	if err != nil {
		return models.SkillTally{}, err
	}
	plans, err := e.store.RemediationsOf(ctx, programID, []string{studentID})
	if err != nil {
		return models.SkillTally{}, err
	}
	var reopened time.Time
	for _, p := range plans {
		if p.ChecklistID == checklistID && p.CreatedAt.After(reopened) {
			reopened = p.CreatedAt
		}
	}
	return models.Tally(attempts, reopened), nil
}

// clip shortens s to at most n runes, marking the cut.
func (e *Evaluations) clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
