package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"skillbook/models"
	"skillbook/store/mongo"
)

type createProcedureInput struct {
	Body struct {
		ID          string `json:"id,omitempty" maxLength:"36" doc:"A UUIDv7 the client made when the procedure was logged, so an offline retry stores it once."`
		Kind        string `json:"kind" minLength:"1" maxLength:"64" doc:"One of the procedure kinds the program counts, such as venipuncture or capillary-puncture."`
		PerformedAt string `json:"performedAt" maxLength:"10" doc:"The date it was performed (YYYY-MM-DD), not in the future."`
		Site        string `json:"site,omitempty" maxLength:"200" doc:"Where it was performed (clinic, lab)."`
		Note        string `json:"note,omitempty" maxLength:"1000"`
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

// procedureETag is the ETag of a procedure at version.
func procedureETag(version int64) string { return strconv.Quote(strconv.FormatInt(version, 10)) }

// createProcedure logs a live procedure the calling student performed.
func (s *server) createProcedure(ctx context.Context, in *createProcedureInput) (*createdProcedureOutput, error) {
	caller := callerFrom(ctx)
	if caller.Role != models.RoleStudent {
		return nil, fmt.Errorf("%w: only students log the live procedures they performed", models.ErrForbidden)
	}
	program, err := s.store.Program(ctx, caller.ProgramID)
	if err != nil {
		return nil, err
	}
	p := models.Procedure{
		ID: in.Body.ID, ProgramID: caller.ProgramID, StudentID: caller.ID, StudentName: caller.Name,
		Kind: in.Body.Kind, PerformedAt: in.Body.PerformedAt,
		Site: strings.TrimSpace(in.Body.Site), Note: strings.TrimSpace(in.Body.Note),
	}
	if err := p.ValidateNew(program.ProcedureTargets, time.Now()); err != nil {
		return nil, err
	}
	p, created, err := s.store.CreateProcedure(ctx, models.ActorOf(caller, requestIDFrom(ctx)), p)
	if err != nil {
		return nil, err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	return &createdProcedureOutput{Status: status, ETag: procedureETag(p.Version), Location: "/v1/procedures/" + p.ID, Body: p}, nil
}

type procedureInput struct {
	ID string `path:"id" maxLength:"64"`
}

// procedure returns one logged procedure.
func (s *server) procedure(ctx context.Context, in *procedureInput) (*procedureOutput, error) {
	p, _, err := s.visibleProcedure(ctx, callerFrom(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &procedureOutput{ETag: procedureETag(p.Version), Body: p}, nil
}

// visibleProcedure loads procedure id and its student for caller: another
// program's is not found, a same-program one caller may not see is
// forbidden.
func (s *server) visibleProcedure(ctx context.Context, caller models.User, id string) (models.Procedure, models.User, error) {
	p, err := s.store.Procedure(ctx, caller.ProgramID, id)
	if err != nil {
		return models.Procedure{}, models.User{}, err
	}
	student := caller
	if p.StudentID != caller.ID {
		if student, err = s.store.User(ctx, caller.ProgramID, p.StudentID); err != nil {
			return models.Procedure{}, models.User{}, err
		}
	}
	if !models.CanSeeStudent(caller, student) {
		return models.Procedure{}, models.User{}, fmt.Errorf("%w: you may not see this student's records", models.ErrForbidden)
	}
	return p, student, nil
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
	caller := callerFrom(ctx)
	f := mongo.ProcedureFilter{Status: models.ProcedureStatus(in.Status)}
	switch {
	case in.StudentID != "":
		if in.StudentID != caller.ID || caller.Role != models.RoleStudent {
			student, err := s.store.User(ctx, caller.ProgramID, in.StudentID)
			if err != nil {
				return nil, err
			}
			if student.Role != models.RoleStudent {
				return nil, fmt.Errorf("user %s is not a student: %w", in.StudentID, models.ErrNotFound)
			}
			if !models.CanSeeStudent(caller, student) {
				return nil, fmt.Errorf("%w: you may not see this student's records", models.ErrForbidden)
			}
		}
		f.StudentIDs = []string{in.StudentID}
	case caller.Role == models.RoleStudent:
		f.StudentIDs = []string{caller.ID}
	case caller.Role == models.RoleInstructor:
		ids, err := s.store.StudentIDsInCohorts(ctx, caller.ProgramID, caller.CohortIDs)
		if err != nil {
			return nil, err
		}
		f.StudentIDs = ids
	}
	list, err := s.store.Procedures(ctx, caller.ProgramID, f, models.Page{Limit: in.Limit, Cursor: in.Cursor})
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
	caller := callerFrom(ctx)
	p, err := s.reviewableProcedure(ctx, caller, in.ID, in.IfMatch)
	if err != nil {
		return nil, err
	}
	p, err = s.store.ConfirmProcedure(ctx, models.ActorOf(caller, requestIDFrom(ctx)), p, caller)
	if err != nil {
		return nil, err
	}
	return &procedureOutput{ETag: procedureETag(p.Version), Body: p}, nil
}

// rejectProcedure lets an instructor who teaches the student reject a
// pending procedure, saying why.
func (s *server) rejectProcedure(ctx context.Context, in *rejectProcedureInput) (*procedureOutput, error) {
	caller := callerFrom(ctx)
	reason := strings.TrimSpace(in.Body.Reason)
	if reason == "" {
		v := &models.ValidationError{}
		v.Add("body.reason", "is required: say why the procedure is not confirmed")
		return nil, v
	}
	p, err := s.reviewableProcedure(ctx, caller, in.ID, in.IfMatch)
	if err != nil {
		return nil, err
	}
	p, err = s.store.RejectProcedure(ctx, models.ActorOf(caller, requestIDFrom(ctx)), p, caller, reason)
	if err != nil {
		return nil, err
	}
	return &procedureOutput{ETag: procedureETag(p.Version), Body: p}, nil
}

// reviewableProcedure loads procedure id for caller to decide on: caller
// must teach the student, and ifMatch, when given, must name the current
// version.
func (s *server) reviewableProcedure(ctx context.Context, caller models.User, id, ifMatch string) (models.Procedure, error) {
	p, student, err := s.visibleProcedure(ctx, caller, id)
	if err != nil {
		return models.Procedure{}, err
	}
	if !models.CanReviewProcedure(caller, student) {
		return models.Procedure{}, fmt.Errorf("%w: only an instructor who teaches this student may confirm or reject their procedures", models.ErrForbidden)
	}
	if ifMatch != "" {
		v, ok := procedureIfMatch(ifMatch)
		if !ok {
			bad := &models.ValidationError{}
			bad.Add("If-Match", "must be an ETag this API returned, such as \"3\"")
			return models.Procedure{}, bad
		}
		if v != p.Version {
			return models.Procedure{}, fmt.Errorf("procedure %s is at version %d, not %d: %w", id, p.Version, v, models.ErrPreconditionFailed)
		}
	}
	return p, nil
}

// procedureIfMatch reads the version of an ETag ("3", W/"3" or 3).
func procedureIfMatch(tag string) (int64, bool) {
	tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
	if uq, err := strconv.Unquote(tag); err == nil {
		tag = uq
	}
	v, err := strconv.ParseInt(tag, 10, 64)
	return v, err == nil && v > 0
}
