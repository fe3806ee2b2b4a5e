package handlers

import (
	"context"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
)

// attemptsQuery narrows a student's attempts.
type attemptsQuery struct {
	ChecklistID string               `query:"checklistId" maxLength:"100" doc:"Only attempts at this checklist (any version)."`
	Status      models.AttemptStatus `query:"status" enum:"practiced,requested,passed,failed,returned,voided" doc:"Only attempts in this status."`
	From        string               `query:"from" format:"date" doc:"Only attempts requested on or after this date (UTC)."`
	To          string               `query:"to" format:"date" doc:"Only attempts requested on or before this date (UTC)."`
	Limit       int                  `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor      string               `query:"cursor" maxLength:"512" doc:"The nextCursor of the previous page; anything else is 422."`
}

func (q attemptsQuery) input(studentID string) workflow.AttemptsInput {
	return workflow.AttemptsInput{StudentID: studentID, ChecklistID: q.ChecklistID, Status: q.Status, From: q.From, To: q.To,
		Page: models.Page{Limit: q.Limit, Cursor: q.Cursor}}
}

// studentAttemptsInput is attemptsQuery with the student (huma reads no
// fields of an unexported embedded struct, hence the repetition).
type studentAttemptsInput struct {
	ID          string               `path:"id" maxLength:"64" doc:"The student."`
	ChecklistID string               `query:"checklistId" maxLength:"100" doc:"Only attempts at this checklist (any version)."`
	Status      models.AttemptStatus `query:"status" enum:"practiced,requested,passed,failed,returned,voided" doc:"Only attempts in this status."`
	From        string               `query:"from" format:"date" doc:"Only attempts requested on or after this date (UTC)."`
	To          string               `query:"to" format:"date" doc:"Only attempts requested on or before this date (UTC)."`
	Limit       int                  `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor      string               `query:"cursor" maxLength:"512" doc:"The nextCursor of the previous page; anything else is 422."`
}

type attemptsOutput struct {
	Body models.List[models.Attempt]
}

// myAttempts lists the calling student's attempts, newest first.
func (s *server) myAttempts(ctx context.Context, in *attemptsQuery) (*attemptsOutput, error) {
	caller := callerOf(ctx)
	list, err := s.app.Evaluations.StudentAttempts(ctx, caller, in.input(caller.ID))
	if err != nil {
		return nil, err
	}
	return &attemptsOutput{Body: list}, nil
}

// studentAttempts lists a student's attempts, newest first.
func (s *server) studentAttempts(ctx context.Context, in *studentAttemptsInput) (*attemptsOutput, error) {
	q := attemptsQuery{ChecklistID: in.ChecklistID, Status: in.Status, From: in.From, To: in.To, Limit: in.Limit, Cursor: in.Cursor}
	list, err := s.app.Evaluations.StudentAttempts(ctx, callerOf(ctx), q.input(in.ID))
	if err != nil {
		return nil, err
	}
	return &attemptsOutput{Body: list}, nil
}

// evaluation returns the attempt holding an evaluation, with its ETag (the
// If-Match of an amendment).
func (s *server) evaluation(ctx context.Context, in *attemptIDInput) (*attemptOutput, error) {
	a, err := s.app.Evaluations.EvaluationAttempt(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return newAttemptOutput(a, http.StatusOK), nil
}

type deprecatedSkillsOutput struct {
	Deprecation string `header:"Deprecation" doc:"When this path was deprecated (RFC 9745): it is an alias kept for one release."`
	Link        string `header:"Link" doc:"The path to use instead (rel=successor-version)."`
	Body        models.List[models.SkillProgress]
}

// skillsDeprecatedAt is when /v1/me/assignments became an alias of
// /v1/me/skills (2026-12-01), as RFC 9745 writes it.
const skillsDeprecatedAt = "@1796083200"

// myAssignmentsAlias is /v1/me/skills under its former path, saying so in
// the headers (RFC 9745's Deprecation, a successor Link).
func (s *server) myAssignmentsAlias(ctx context.Context, in *myAssignmentsInput) (*deprecatedSkillsOutput, error) {
	out, err := s.myAssignments(ctx, in)
	if err != nil {
		return nil, err
	}
	return &deprecatedSkillsOutput{Deprecation: skillsDeprecatedAt, Link: `</v1/me/skills>; rel="successor-version"`, Body: out.Body}, nil
}
