package handlers

import (
	"context"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
)

type createPracticumInput struct {
	Body struct {
		ID                  string  `json:"id,omitempty" maxLength:"36" doc:"A UUIDv7 the client made when the hours were logged, so an offline retry stores them once."`
		Date                string  `json:"date" maxLength:"10" doc:"The day worked (YYYY-MM-DD), not in the future."`
		Hours               float64 `json:"hours" doc:"Hours worked that day at the site: more than 0, at most 24, in quarter hours (7.5)."`
		Site                string  `json:"site" minLength:"1" maxLength:"200" doc:"The externship site (clinic, practice)."`
		Preceptor           string  `json:"preceptor" minLength:"1" maxLength:"200" doc:"The site's preceptor who supervised the student."`
		PreceptorCredential string  `json:"preceptorCredential,omitempty" maxLength:"100" doc:"The preceptor's credential (CMA (AAMA), RN, …)."`
		Note                string  `json:"note,omitempty" maxLength:"1000"`
	}
}

type practicumOutput struct {
	ETag string `header:"ETag"`
	Body models.PracticumEntry
}

type createdPracticumOutput struct {
	// Status is 201 for new hours and 200 for a retry of hours already
	// stored under the same id.
	Status   int
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     models.PracticumEntry
}

// createPracticum logs the calling student's practicum hours.
func (s *server) createPracticum(ctx context.Context, in *createPracticumInput) (*createdPracticumOutput, error) {
	b := in.Body
	res, err := s.app.Skills.LogPracticum(ctx, callerOf(ctx), workflow.LogPracticumInput{
		ID: b.ID, Date: b.Date, Hours: b.Hours, Site: b.Site, Preceptor: b.Preceptor,
		PreceptorCredential: b.PreceptorCredential, Note: b.Note,
	})
	if err != nil {
		return nil, err
	}
	status := http.StatusCreated
	if !res.Created {
		status = http.StatusOK
	}
	p := res.Entry
	return &createdPracticumOutput{Status: status, ETag: etag(p.Version), Location: "/v1/practicum-hours/" + p.ID, Body: p}, nil
}

type practicumEntryInput struct {
	ID string `path:"id" maxLength:"64"`
}

// practicumEntry returns one practicum entry.
func (s *server) practicumEntry(ctx context.Context, in *practicumEntryInput) (*practicumOutput, error) {
	p, err := s.app.Skills.PracticumEntry(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &practicumOutput{ETag: etag(p.Version), Body: p}, nil
}

type listPracticumInput struct {
	StudentID string `query:"studentId" maxLength:"64" doc:"Only this student's hours."`
	Status    string `query:"status" enum:"pending,confirmed,rejected" doc:"Only hours with this status."`
	Limit     int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor    string `query:"cursor" maxLength:"512"`
}

type practicumListOutput struct {
	Body models.List[models.PracticumEntry]
}

// practicumEntries lists practicum hours, newest first: a student's own,
// the students an instructor teaches, or the whole program for admins.
func (s *server) practicumEntries(ctx context.Context, in *listPracticumInput) (*practicumListOutput, error) {
	list, err := s.app.Skills.PracticumEntries(ctx, callerOf(ctx), workflow.PracticumInput{
		StudentID: in.StudentID, Status: models.ProcedureStatus(in.Status),
		Page: models.Page{Limit: in.Limit, Cursor: in.Cursor},
	})
	if err != nil {
		return nil, err
	}
	return &practicumListOutput{Body: list}, nil
}

type reviewPracticumInput struct {
	ID      string `path:"id" maxLength:"64"`
	IfMatch string `header:"If-Match" maxLength:"64" doc:"The ETag the hours were read with; 412 if they changed since."`
	Body    *struct {
		Comment string `json:"comment,omitempty" maxLength:"1000" doc:"What the preceptor said; required to reject (the student sees it)."`
	}
}

// reviewPracticum records the preceptor's decision on pending hours.
func (s *server) reviewPracticum(ctx context.Context, in *reviewPracticumInput, status models.ProcedureStatus) (*practicumOutput, error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	comment := ""
	if in.Body != nil {
		comment = in.Body.Comment
	}
	review := s.app.Skills.ConfirmPracticum
	if status == models.ProcedureRejected {
		review = s.app.Skills.RejectPracticum
	}
	p, err := review(ctx, callerOf(ctx), workflow.ReviewInput{ID: in.ID, Version: version}, comment)
	if err != nil {
		return nil, err
	}
	return &practicumOutput{ETag: etag(p.Version), Body: p}, nil
}

// confirmPracticum records the preceptor's confirmation of pending hours.
func (s *server) confirmPracticum(ctx context.Context, in *reviewPracticumInput) (*practicumOutput, error) {
	return s.reviewPracticum(ctx, in, models.ProcedureConfirmed)
}

// rejectPracticum records that the preceptor does not confirm pending
// hours, saying why.
func (s *server) rejectPracticum(ctx context.Context, in *reviewPracticumInput) (*practicumOutput, error) {
	return s.reviewPracticum(ctx, in, models.ProcedureRejected)
}
