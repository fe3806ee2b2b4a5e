package workflow

import (
	"context"
	"errors"
	"fmt"

	"skillbook/models"
)

// AttemptStore records a student's new attempts.
type AttemptStore interface {
	SkillRecords
	// AssignmentFor returns student's assignment of checklistID, or
	// ErrNotFound.
	AssignmentFor(ctx context.Context, student models.User, checklistID string) (models.Assignment, error)
	// CohortInstructors returns the instructors teaching a cohort.
	CohortInstructors(ctx context.Context, programID, cohortID string) ([]models.User, error)
	// CreateAttempt records a new attempt with its events. When a.ID is
	// taken it returns the stored attempt and false if that is the same
	// attempt (a retry), and ErrConflict if not; a second waiting request
	// of one student for one checklist is ErrConflict too.
	CreateAttempt(ctx context.Context, a models.Attempt, events ...models.Event) (models.Attempt, bool, error)
}

// NewAttempt is a student's practice attempt or evaluation request.
type NewAttempt struct {
	// ID is the client's own UUID, so a retried request finds the first
	// attempt instead of making a second; empty to have one chosen.
	ID          string
	ChecklistID string
	Kind        models.AttemptKind
	// Steps are a practice attempt's own step marks; an evaluation
	// request carries none.
	Steps []models.StepGrade
	Note  string
}

// CreatedAttempt is the stored attempt and whether this call created it
// (false: a retry found the first).
type CreatedAttempt struct {
	Attempt models.Attempt
	Created bool
}

// CreateAttempt logs a practice attempt or requests an evaluation for the
// calling student. A request must pass the rules of the skill's tally (not
// competent already, not flagged, enough practice, none waiting) and tells
// the cohort's instructors.
func (e *Evaluations) CreateAttempt(ctx context.Context, caller Caller, in NewAttempt) (CreatedAttempt, error) {
	action := models.ActionLogPractice
	if in.Kind == models.AttemptEvaluation {
		action = models.ActionRequest
	}
	a := models.Attempt{ProgramID: caller.ProgramID, StudentID: caller.ID, StudentName: caller.Name, Kind: in.Kind, Note: in.Note}
	status, err := models.Transition(models.StatusNone, action, models.RelationOf(caller.User, &a))
	if err != nil {
		return CreatedAttempt{}, err
	}
	var v models.ValidationError
	v.Text("body.note", &a.Note, models.Lines)
	a.ID = in.ID
	v.ClientID("body.id", &a.ID, e.clock.Now())
	if err := v.Err(); err != nil {
		return CreatedAttempt{}, err
	}
	a.Status = status
	if a.ID == "" {
		a.ID = e.newID()
	}
	assignment, err := e.store.AssignmentFor(ctx, caller.User, in.ChecklistID)
	if errors.Is(err, models.ErrNotFound) {
		return CreatedAttempt{}, &models.RuleError{Code: "not-assigned", Detail: fmt.Sprintf("%s is not assigned to you", in.ChecklistID)}
	}
	if err != nil {
		return CreatedAttempt{}, err
	}
	checklist, err := e.store.Checklist(ctx, caller.ProgramID, assignment.ChecklistID, assignment.ChecklistVersion)
	if err != nil {
		return CreatedAttempt{}, err
	}
	a.CohortID = assignment.CohortID
	if a.CohortID == "" && len(caller.CohortIDs) > 0 {
		a.CohortID = caller.CohortIDs[0]
	}
	a.ChecklistID, a.ChecklistVersion, a.ChecklistTitle, a.Area = checklist.ID, checklist.Version, checklist.Title, checklist.Area
	a.RequestedAt = e.now()
	ev := models.Event{ProgramID: a.ProgramID, Actor: caller.Actor(), Subject: "attempt", SubjectID: a.ID, StudentID: a.StudentID,
		Data: map[string]string{"checklistId": a.ChecklistID, "checklistVersion": fmt.Sprint(a.ChecklistVersion), "kind": string(a.Kind)}}
	switch in.Kind {
	case models.AttemptPractice:
		if err := checkPracticeSteps(&checklist, in.Steps); err != nil {
			return CreatedAttempt{}, err
		}
		a.Steps = in.Steps
		ev.Type, ev.Summary = models.EventAttemptPracticed, fmt.Sprintf("logged practice of %s", a.ChecklistID)
	case models.AttemptEvaluation:
		if err := e.checkCanRequest(ctx, caller.User, &a, &checklist, in.Steps); err != nil {
			return CreatedAttempt{}, err
		}
		ev.Type, ev.Summary = models.EventEvaluationRequested, fmt.Sprintf("requested an evaluation of %s", a.ChecklistID)
		if ev.Notify, err = e.requestedNotifications(ctx, caller.User, &a); err != nil {
			return CreatedAttempt{}, err
		}
	}
	stored, created, err := e.store.CreateAttempt(ctx, a, ev)
	if err != nil {
		return CreatedAttempt{}, err
	}
	return CreatedAttempt{Attempt: stored, Created: created}, nil
}

// checkPracticeSteps checks a practice attempt's self-marks name real
// steps, and puts their comments in NFC.
func checkPracticeSteps(c *models.Checklist, steps []models.StepGrade) error {
	var v models.ValidationError
	seen := map[string]bool{}
	for i, sg := range steps {
		switch _, ok := c.Step(sg.StepID); {
		case !ok:
			v.Add(fmt.Sprintf("body.steps[%d].stepId", i), "%q is not a step of %s", sg.StepID, c.ID)
		case seen[sg.StepID]:
			v.Add(fmt.Sprintf("body.steps[%d].stepId", i), "%q is marked twice", sg.StepID)
		case !sg.Result.Valid():
			v.Add(fmt.Sprintf("body.steps[%d].result", i), "must be pass, fail or na")
		case len(sg.Comment) > models.MaxCommentLength:
			v.Add(fmt.Sprintf("body.steps[%d].comment", i), "must be at most %d characters", models.MaxCommentLength)
		default:
			v.Text(fmt.Sprintf("body.steps[%d].comment", i), &steps[i].Comment, models.Lines)
		}
		seen[sg.StepID] = true
	}
	return v.Err()
}

// checkCanRequest applies the rules for requesting an evaluation of
// checklist c: no step marks, a cohort whose instructors can evaluate, and
// the skill's tally allowing it.
func (e *Evaluations) checkCanRequest(ctx context.Context, student models.User, a *models.Attempt, c *models.Checklist, steps []models.StepGrade) error {
	if len(steps) > 0 {
		return &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.steps", Message: "an evaluation request carries no step marks; the instructor grades the steps"}}}
	}
	if a.CohortID == "" {
		return &models.RuleError{Code: "no-cohort", Detail: "you are in no cohort, so no instructor can evaluate you; ask your program admin"}
	}
	p, err := e.store.Program(ctx, student.ProgramID)
	if err != nil {
		return err
	}
	t, err := e.tally(ctx, student.ProgramID, student.ID, c.ID)
	if err != nil {
		return err
	}
	return t.RequestRefusalUnder(p.GradingOf(c), p.Policies[c.ID], c.Title, e.clock.Now(), p.Location())
}

// requestedNotifications tells the instructors of the attempt's cohort
// that a student asks to be evaluated.
func (e *Evaluations) requestedNotifications(ctx context.Context, student models.User, a *models.Attempt) ([]models.Notification, error) {
	instructors, err := e.store.CohortInstructors(ctx, student.ProgramID, a.CohortID)
	if err != nil {
		return nil, err
	}
	out := make([]models.Notification, 0, len(instructors))
	for _, in := range instructors {
		out = append(out, models.Notification{UserID: in.ID, Category: "evaluation-requests", Title: "Evaluation requested",
			Body: fmt.Sprintf("%s asks to be evaluated on %s", student.Name, a.ChecklistTitle),
			Data: map[string]string{"screen": "queue", "attemptId": a.ID}})
	}
	return out, nil
}

// AttemptReader reads one attempt.
type AttemptReader interface {
	// Attempt returns attempt id of a program, or ErrNotFound.
	Attempt(ctx context.Context, programID, id string) (models.Attempt, error)
}

// Attempt returns one attempt to its student, the instructors of its
// cohort and the program's admins.
func (e *Evaluations) Attempt(ctx context.Context, caller Caller, id string) (models.Attempt, error) {
	a, err := e.store.Attempt(ctx, caller.ProgramID, id)
	if err != nil {
		return models.Attempt{}, err
	}
	if !models.CanSeeAttempt(caller.User, &a) {
		return models.Attempt{}, fmt.Errorf("%w: this attempt belongs to a student you do not teach", models.ErrForbidden)
	}
	return a, nil
}
