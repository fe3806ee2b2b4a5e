package handlers

import (
	"context"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
)

type createAttemptInput struct {
	Body struct {
		ID          string             `json:"id,omitempty" maxLength:"36" format:"uuid" doc:"Client-chosen id, so a retried request finds the first attempt instead of making a second: a UUIDv7 (any letter case; stored lower case), as for every client-chosen id."`
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

// createAttempt logs a practice attempt or requests an evaluation: 201
// when new, 200 when a retry found the first.
func (s *server) createAttempt(ctx context.Context, in *createAttemptInput) (*attemptOutput, error) {
	b := in.Body
	out, err := s.app.Evaluations.CreateAttempt(ctx, callerOf(ctx), workflow.NewAttempt{
		ID: b.ID, ChecklistID: b.ChecklistID, Kind: b.Kind, Steps: b.Steps, Note: b.Note})
	if err != nil {
		return nil, err
	}
	status := http.StatusCreated
	if !out.Created {
		status = http.StatusOK
	}
	return newAttemptOutput(out.Attempt, status), nil
}

type attemptIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

// attempt returns one attempt to whoever may see it.
func (s *server) attempt(ctx context.Context, in *attemptIDInput) (*attemptOutput, error) {
	a, err := s.app.Evaluations.Attempt(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return newAttemptOutput(a, http.StatusOK), nil
}

type queueInput struct {
	CohortID string      `query:"cohortId" maxLength:"64"`
	Area     models.Area `query:"area" enum:"vital-signs,phlebotomy,sterilization,wound-care,medication-administration"`
	Limit    int         `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor   string      `query:"cursor" maxLength:"200"`
}

type queueOutput struct {
	Body models.List[models.QueueEntry]
}

// queue lists open evaluation requests, oldest first, with each student's
// earlier attempts.
func (s *server) queue(ctx context.Context, in *queueInput) (*queueOutput, error) {
	list, err := s.app.Evaluations.Queue(ctx, callerOf(ctx), workflow.QueueInput{
		CohortID: in.CohortID, Area: in.Area, Page: models.Page{Limit: in.Limit, Cursor: in.Cursor}})
	if err != nil {
		return nil, err
	}
	return &queueOutput{Body: list}, nil
}
