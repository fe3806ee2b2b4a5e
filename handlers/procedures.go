package handlers

import (
	"context"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
)

type createProcedureInput struct {
	Body struct {
		ID          string `json:"id,omitempty" maxLength:"36" format:"uuid" doc:"A UUIDv7 the client made when the procedure was logged, so an offline retry stores it once (any letter case; stored lower case), as for every client-chosen id."`
		Kind        string `json:"kind" minLength:"1" maxLength:"64" doc:"One of the procedure kinds the program counts, such as venipuncture or capillary-puncture."`
		PerformedAt string `json:"performedAt" maxLength:"10" doc:"The date it was performed (YYYY-MM-DD), not in the future."`
		Site        string `json:"site,omitempty" maxLength:"200" doc:"Where it was performed (clinic, lab)."`
		Note        string `json:"note,omitempty" maxLength:"1000"`
		Successful  *bool  `json:"successful,omitempty" doc:"Whether it succeeded (default true); only successful confirmed procedures count toward the targets."`
	}
}

type procedureOutput struct {
	ETag string `header:"ETag"`
	Body models.Procedure
}

type createdProcedureOutput struct {
	// Status is 201 for a new procedure and 200 for a retry of one already
	// stored under the same id.
	Status   int
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     models.Procedure
}

// createProcedure logs a live procedure the calling student performed.
func (s *server) createProcedure(ctx context.Context, in *createProcedureInput) (*createdProcedureOutput, error) {
	b := in.Body
	res, err := s.app.Skills.LogProcedure(ctx, callerOf(ctx), workflow.LogProcedureInput{
		ID: b.ID, Kind: b.Kind, PerformedAt: b.PerformedAt, Site: b.Site, Note: b.Note, Successful: b.Successful,
	})
	if err != nil {
		return nil, err
	}
	status := http.StatusCreated
	if !res.Created {
		status = http.StatusOK
	}
	p := res.Procedure
	return &createdProcedureOutput{Status: status, ETag: etag(p.Version), Location: "/v1/procedures/" + p.ID, Body: p}, nil
}

type procedureInput struct {
	ID string `path:"id" maxLength:"64"`
}

// procedure returns one logged procedure.
func (s *server) procedure(ctx context.Context, in *procedureInput) (*procedureOutput, error) {
	p, err := s.app.Skills.Procedure(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &procedureOutput{ETag: etag(p.Version), Body: p}, nil
}

type listProceduresInput struct {
	StudentID string `query:"studentId" maxLength:"64" doc:"Only this student's procedures."`
	Status    string `query:"status" enum:"pending,confirmed,rejected" doc:"Only procedures with this status."`
	Limit     int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor    string `query:"cursor" maxLength:"512"`
}

type proceduresOutput struct {
	Body models.List[models.Procedure]
}

// procedures lists logged procedures, newest first: a student's own, the
// students an instructor teaches, or the whole program for admins.
func (s *server) procedures(ctx context.Context, in *listProceduresInput) (*proceduresOutput, error) {
	list, err := s.app.Skills.Procedures(ctx, callerOf(ctx), workflow.ProceduresInput{
		StudentID: in.StudentID, Status: models.ProcedureStatus(in.Status),
		Page: models.Page{Limit: in.Limit, Cursor: in.Cursor},
	})
	if err != nil {
		return nil, err
	}
	return &proceduresOutput{Body: list}, nil
}

type confirmProcedureInput struct {
	ID      string `path:"id" maxLength:"64"`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The ETag the procedure was read with; 412 if it changed since."`
}

type rejectProcedureInput struct {
	ID      string `path:"id" maxLength:"64"`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The ETag the procedure was read with; 412 if it changed since."`
	Body    struct {
		Reason string `json:"reason" minLength:"1" maxLength:"1000" doc:"Why the procedure is not confirmed; the student sees it."`
	}
}

// confirmProcedure lets an instructor who teaches the student confirm a
// pending procedure; it then counts toward the program's targets.
func (s *server) confirmProcedure(ctx context.Context, in *confirmProcedureInput) (*procedureOutput, error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	p, err := s.app.Skills.ConfirmProcedure(ctx, callerOf(ctx), workflow.ReviewInput{ID: in.ID, Version: version})
	if err != nil {
		return nil, err
	}
	return &procedureOutput{ETag: etag(p.Version), Body: p}, nil
}

// rejectProcedure lets an instructor who teaches the student reject a
// pending procedure, saying why.
func (s *server) rejectProcedure(ctx context.Context, in *rejectProcedureInput) (*procedureOutput, error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	p, err := s.app.Skills.RejectProcedure(ctx, callerOf(ctx), workflow.ReviewInput{ID: in.ID, Version: version}, in.Body.Reason)
	if err != nil {
		return nil, err
	}
	return &procedureOutput{ETag: etag(p.Version), Body: p}, nil
}
