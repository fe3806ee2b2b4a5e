package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"skillbook/models"
	"skillbook/store/mongo"
)

type createAttemptInput struct {
	Body struct {
		ID          string             `json:"id,omitempty" format:"uuid" doc:"Client-chosen id, so a retried request finds the first attempt instead of making a second."`
		ChecklistID string             `json:"checklistId" minLength:"1" maxLength:"100"`
		Kind        models.AttemptKind `json:"kind" enum:"practice,evaluation" doc:"practice: a self-check that never counts; evaluation: a request for an instructor to grade."`
		Steps       []models.StepGrade `json:"steps,omitempty" maxItems:"200" doc:"A practice attempt's own step marks."`
		Note        string             `json:"note,omitempty" maxLength:"2000"`
	}
}

type attemptOutput struct {
	Status   int
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     models.Attempt
}

func newAttemptOutput(a models.Attempt, status int) *attemptOutput {
	return &attemptOutput{Status: status, ETag: etag(a.Version), Location: "/v1/attempts/" + a.ID, Body: a}
}

// createAttempt logs a practice attempt or requests an evaluation.
func (s *server) createAttempt(ctx context.Context, in *createAttemptInput) (*attemptOutput, error) {
	caller := callerFrom(ctx)
	if caller.Role != models.RoleStudent {
		return nil, fmt.Errorf("%w: only students practise and request evaluations", models.ErrForbidden)
	}
	b := in.Body
	if b.ID != "" {
		id, err := uuid.Parse(b.ID)
		if err != nil {
			return nil, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.id", Message: "must be a UUID"}}}
		}
		b.ID = id.String()
	} else {
		// Chosen now, not by the store, so the notifications below can
		// name the attempt they are about.
		b.ID = mongo.NewID()
	}
	assignment, err := s.store.AssignmentFor(ctx, caller, b.ChecklistID)
	if errors.Is(err, models.ErrNotFound) {
		return nil, &models.RuleError{Code: "not-assigned", Detail: fmt.Sprintf("%s is not assigned to you", b.ChecklistID)}
	}
	if err != nil {
		return nil, err
	}
	checklist, err := s.store.Checklist(ctx, caller.ProgramID, assignment.ChecklistID, assignment.ChecklistVersion)
	if err != nil {
		return nil, err
	}
	cohortID := assignment.CohortID
	if cohortID == "" && len(caller.CohortIDs) > 0 {
		cohortID = caller.CohortIDs[0]
	}
	a := models.Attempt{
		ID: b.ID, ProgramID: caller.ProgramID, StudentID: caller.ID, StudentName: caller.Name, CohortID: cohortID,
		ChecklistID: checklist.ID, ChecklistVersion: checklist.Version, ChecklistTitle: checklist.Title, Area: checklist.Area,
		Kind: b.Kind, Note: b.Note,
	}
	actor := models.ActorOf(caller, requestIDFrom(ctx))
	var notify []models.Notification
	switch b.Kind {
	case models.AttemptPractice:
		if err := checkPracticeSteps(&checklist, b.Steps); err != nil {
			return nil, err
		}
		a.Steps = b.Steps
	case models.AttemptEvaluation:
		if len(b.Steps) > 0 {
			return nil, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.steps", Message: "an evaluation request carries no step marks; the instructor grades the steps"}}}
		}
		if cohortID == "" {
			return nil, &models.RuleError{Code: "no-cohort", Detail: "you are in no cohort, so no instructor can evaluate you; ask your program admin"}
		}
		if err := s.checkCanRequest(ctx, caller, &checklist); err != nil {
			return nil, err
		}
		if notify, err = s.evaluationRequestedNotifications(ctx, caller, a); err != nil {
			return nil, err
		}
	}
	stored, created, err := s.store.CreateAttempt(ctx, actor, a, notify)
	if err != nil {
		return nil, err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	return newAttemptOutput(stored, status), nil
}

// checkPracticeSteps checks a practice attempt's self-marks name real steps.
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
		}
		seen[sg.StepID] = true
	}
	return v.Err()
}

// grading returns the effective grading rule of checklist c in the
// caller's program.
func (s *server) grading(ctx context.Context, programID string, c *models.Checklist) (models.Grading, error) {
	p, err := s.store.Program(ctx, programID)
	if err != nil {
		return models.Grading{}, err
	}
	return c.Grading.Apply(p.Grading), nil
}

// tally sums a student's attempts at a checklist since their latest
// remediation plan.
func (s *server) tally(ctx context.Context, programID, studentID, checklistID string) (models.SkillTally, error) {
	attempts, err := s.store.SkillAttempts(ctx, programID, []string{studentID}, []string{checklistID})
	if err != nil {
		return models.SkillTally{}, err
	}
	plans, err := s.store.RemediationsOf(ctx, programID, []string{studentID})
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

// checkCanRequest applies the rules for requesting an evaluation: not
// competent already, not flagged for remediation, enough logged practice,
// no request already waiting.
func (s *server) checkCanRequest(ctx context.Context, student models.User, c *models.Checklist) error {
	g, err := s.grading(ctx, student.ProgramID, c)
	if err != nil {
		return err
	}
	t, err := s.tally(ctx, student.ProgramID, student.ID, c.ID)
	if err != nil {
		return err
	}
	switch {
	case t.Competent(g):
		return &models.RuleError{Code: "already-competent", Detail: fmt.Sprintf("you are already competent in %s", c.Title)}
	case t.Flagged(g):
		return &models.RuleError{Code: "remediation-required", Detail: fmt.Sprintf("%d failed evaluations reached the limit of %d; your program admin must record a remediation plan before you can request another", t.Failed, g.MaxAttempts)}
	case t.Practice < g.RequiredPractice:
		missing := g.RequiredPractice - t.Practice
		return &models.RuleError{Code: "practice-required", Detail: fmt.Sprintf("log %d more practice attempt(s) of %s before requesting an evaluation (%d of %d done)", missing, c.Title, t.Practice, g.RequiredPractice)}
	case t.Open != nil:
		return fmt.Errorf("%w: an evaluation of this checklist is already requested and waiting for an instructor (attempt %s)", models.ErrConflict, t.Open.ID)
	}
	return nil
}

func (s *server) evaluationRequestedNotifications(ctx context.Context, student models.User, a models.Attempt) ([]models.Notification, error) {
	instructors, err := s.store.CohortInstructors(ctx, student.ProgramID, a.CohortID)
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

type attemptIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

// attempt returns one attempt to its student, the instructors of its
// cohort and the program's admins.
func (s *server) attempt(ctx context.Context, in *attemptIDInput) (*attemptOutput, error) {
	caller := callerFrom(ctx)
	a, err := s.store.Attempt(ctx, caller.ProgramID, in.ID)
	if err != nil {
		return nil, err
	}
	if err := canSeeAttempt(caller, &a); err != nil {
		return nil, err
	}
	return newAttemptOutput(a, http.StatusOK), nil
}

func canSeeAttempt(caller models.User, a *models.Attempt) error {
	switch {
	case caller.Role == models.RoleAdmin:
	case caller.Role == models.RoleStudent && caller.ID == a.StudentID:
	case caller.Role == models.RoleInstructor && caller.InCohort(a.CohortID):
	default:
		return fmt.Errorf("%w: this attempt belongs to a student you do not teach", models.ErrForbidden)
	}
	return nil
}

type queueInput struct {
	CohortID string      `query:"cohortId" maxLength:"64"`
	Area     models.Area `query:"area" enum:"vital-signs,phlebotomy,sterilization,wound-care,medication-administration"`
	Limit    int         `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor   string      `query:"cursor" maxLength:"200"`
}

// attemptSummary is an earlier attempt as the queue shows it.
type attemptSummary struct {
	ID             string               `json:"id"`
	Kind           models.AttemptKind   `json:"kind"`
	Status         models.AttemptStatus `json:"status"`
	RequestedAt    time.Time            `json:"requestedAt"`
	EvaluatedAt    *time.Time           `json:"evaluatedAt,omitempty"`
	Score          *int                 `json:"score,omitempty"`
	FailedCritical []string             `json:"failedCritical,omitempty"`
	Comment        string               `json:"comment,omitempty"`
}

type queueEntry struct {
	Attempt models.Attempt   `json:"attempt"`
	History []attemptSummary `json:"history" doc:"The student's earlier attempts at this checklist, newest first."`
}

type queueOutput struct {
	Body models.List[queueEntry]
}

// queue lists open evaluation requests, oldest first: an instructor's from
// the cohorts they teach, an admin's from the whole program.
func (s *server) queue(ctx context.Context, in *queueInput) (*queueOutput, error) {
	caller := callerFrom(ctx)
	var cohorts []string
	switch caller.Role {
	case models.RoleAdmin:
		if in.CohortID != "" {
			cohorts = []string{in.CohortID}
		}
	case models.RoleInstructor:
		cohorts = []string{}
		for _, c := range caller.CohortIDs {
			if in.CohortID == "" || c == in.CohortID {
				cohorts = append(cohorts, c)
			}
		}
		if in.CohortID != "" && len(cohorts) == 0 {
			return nil, fmt.Errorf("%w: you do not teach this cohort", models.ErrForbidden)
		}
	default:
		return nil, fmt.Errorf("%w: the queue is for instructors and admins", models.ErrForbidden)
	}
	page, err := s.store.Queue(ctx, caller.ProgramID, mongo.QueueFilter{CohortIDs: cohorts, Area: in.Area}, models.Page{Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return nil, err
	}
	out := &queueOutput{Body: models.List[queueEntry]{Items: make([]queueEntry, 0, len(page.Items)), NextCursor: page.NextCursor}}
	if len(page.Items) == 0 {
		return out, nil
	}
	var studentIDs, checklistIDs []string
	for _, a := range page.Items {
		studentIDs = append(studentIDs, a.StudentID)
		checklistIDs = append(checklistIDs, a.ChecklistID)
	}
	history, err := s.store.SkillAttempts(ctx, caller.ProgramID, uniq(studentIDs), uniq(checklistIDs))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(history, func(x, y models.Attempt) int { return y.RequestedAt.Compare(x.RequestedAt) })
	for _, a := range page.Items {
		e := queueEntry{Attempt: a, History: []attemptSummary{}}
		for _, h := range history {
			if h.StudentID == a.StudentID && h.ChecklistID == a.ChecklistID && h.ID != a.ID {
				e.History = append(e.History, summarize(h))
			}
		}
		out.Body.Items = append(out.Body.Items, e)
	}
	return out, nil
}

func summarize(a models.Attempt) attemptSummary {
	s := attemptSummary{ID: a.ID, Kind: a.Kind, Status: a.Status, RequestedAt: a.RequestedAt}
	if e := a.Evaluation; e != nil {
		at, score := e.EvaluatedAt, e.Score
		s.EvaluatedAt, s.Score, s.FailedCritical, s.Comment = &at, &score, e.FailedCritical, e.Comment
	}
	return s
}

func uniq(ss []string) []string {
	slices.Sort(ss)
	return slices.Compact(ss)
}
