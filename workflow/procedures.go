package workflow

import (
	"context"
	"fmt"
	"strings"

	"skillbook/models"
)

// ProcedureStore is what the procedure use cases need: the program's
// targets, the procedures and their students, "store this procedure with
// its events unless its id is taken" and "record this decision with its
// events if the procedure is still pending at version v".
type ProcedureStore interface {
	Program(ctx context.Context, id string) (models.Program, error)
	User(ctx context.Context, programID, id string) (models.User, error)
	StudentIDsInCohorts(ctx context.Context, programID string, cohortIDs []string) ([]string, error)
	Procedure(ctx context.Context, programID, id string) (models.Procedure, error)
	Procedures(ctx context.Context, programID string, f models.ProcedureFilter, page models.Page) (models.List[models.Procedure], error)
	CreateProcedure(ctx context.Context, p models.Procedure, events ...models.Event) (models.Procedure, bool, error)
	ReviewProcedure(ctx context.Context, decided models.Procedure, version int64, events ...models.Event) (models.Procedure, error)
}

// LogProcedureInput is a live procedure the calling student performed.
// ID, when given, is a UUIDv7 the client made when it was logged, so an
// offline retry stores it once.
type LogProcedureInput struct {
	ID          string
	Kind        string
	PerformedAt string
	Site        string
	Note        string
	// Successful says whether it succeeded; nil means it did.
	Successful *bool
}

// LogProcedureOutput is the stored procedure; Created is false for a
// retry of one already stored under the same id.
type LogProcedureOutput struct {
	Procedure models.Procedure
	Created   bool
}

// LogProcedure stores a live procedure the calling student performed,
// pending an instructor's review. Logging again under the same id with
// the same content returns the stored procedure; other content under that
// id is a conflict.
func (s *Skills) LogProcedure(ctx context.Context, caller Caller, in LogProcedureInput) (LogProcedureOutput, error) {
	program, err := s.store.Program(ctx, caller.ProgramID)
	if err != nil {
		return LogProcedureOutput{}, err
	}
	now := s.clock.Now()
	p := models.Procedure{
		ID: in.ID, ProgramID: caller.ProgramID, StudentID: caller.ID, StudentName: caller.Name,
		Kind: in.Kind, PerformedAt: in.PerformedAt,
		Site: strings.TrimSpace(in.Site), Note: strings.TrimSpace(in.Note),
		Status: models.ProcedurePending, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	ok := in.Successful == nil || *in.Successful
	p.Successful = &ok
	if err := p.ValidateNew(program.ProcedureTargets, now); err != nil {
		return LogProcedureOutput{}, err
	}
	stored, created, err := logRecord(ctx, p, func(p models.Procedure) models.Event {
		return s.event(caller, models.Event{
			Type: models.EventProcedureLogged, Subject: "procedure", SubjectID: p.ID, StudentID: p.StudentID,
			Summary: fmt.Sprintf("logged a %s performed on %s", p.Kind, p.PerformedAt),
			Data:    map[string]string{"kind": p.Kind, "performedAt": p.PerformedAt, "site": p.Site, "successful": fmt.Sprint(ok)},
		})
	}, s.store.CreateProcedure)
	if err != nil {
		return LogProcedureOutput{}, err
	}
	return LogProcedureOutput{Procedure: stored.WithSuccess(), Created: created}, nil
}

// Procedure returns one logged procedure to whoever may see its student's
// records.
func (s *Skills) Procedure(ctx context.Context, caller Caller, id string) (models.Procedure, error) {
	p, _, err := visibleRecord(ctx, s, caller, id, s.store.Procedure)
	return p.WithSuccess(), err
}

// ProceduresInput selects procedures: one student's (StudentID), or every
// procedure the caller may see; Status keeps one status.
type ProceduresInput struct {
	StudentID string
	Status    models.ProcedureStatus
	Page      models.Page
}

// Procedures lists logged procedures, newest first: a student's own, the
// students an instructor teaches, or the whole program for admins.
func (s *Skills) Procedures(ctx context.Context, caller Caller, in ProceduresInput) (models.List[models.Procedure], error) {
	students, err := s.recordStudents(ctx, caller, in.StudentID)
	if err != nil {
		return models.List[models.Procedure]{}, err
	}
	f := models.ProcedureFilter{StudentIDs: students, Status: in.Status}
	list, err := s.store.Procedures(ctx, caller.ProgramID, f, in.Page)
	for i := range list.Items {
		list.Items[i] = list.Items[i].WithSuccess()
	}
	return list, err
}

// ReviewInput names the procedure to decide on and, when not 0, the
// version it was read at (If-Match).
type ReviewInput struct {
	ID      string
	Version int64
}

// ConfirmProcedure lets an instructor who teaches the student confirm a
// pending procedure; it then counts toward the program's targets.
func (s *Skills) ConfirmProcedure(ctx context.Context, caller Caller, in ReviewInput) (models.Procedure, error) {
	return s.review(ctx, caller, in, models.ProcedureConfirmed, "")
}

// RejectProcedure lets an instructor who teaches the student reject a
// pending procedure, saying why.
func (s *Skills) RejectProcedure(ctx context.Context, caller Caller, in ReviewInput, reason string) (models.Procedure, error) {
	reason = strings.TrimSpace(reason)
	v := &models.ValidationError{}
	if reason == "" {
		v.Add("body.reason", "is required: say why the procedure is not confirmed")
	}
	v.Text("body.reason", &reason, models.Lines)
	if err := v.Err(); err != nil {
		return models.Procedure{}, err
	}
	return s.review(ctx, caller, in, models.ProcedureRejected, reason)
}

// review decides procedure in.ID once: caller must teach the student, the
// procedure must be at in.Version (when given) and still pending.
func (s *Skills) review(ctx context.Context, caller Caller, in ReviewInput, status models.ProcedureStatus, reason string) (models.Procedure, error) {
	stored, err := decideRecord(ctx, s, caller, in, s.store.Procedure, recordDecision[models.Procedure]{
		may:     models.CanReviewProcedure,
		refusal: "only an instructor who teaches this student may confirm or reject their procedures",
		status:  status, text: reason, confirmed: models.EventProcedureConfirmed, rejected: models.EventProcedureRejected,
		event: func(p models.Procedure) models.Event {
			return models.Event{
				Subject: "procedure", SubjectID: p.ID, StudentID: p.StudentID,
				Summary: fmt.Sprintf("%s a %s performed on %s", status, p.Kind, p.PerformedAt),
				Data:    map[string]string{"status": string(status), "kind": p.Kind, "performedAt": p.PerformedAt, "reason": reason},
			}
		},
		record: s.store.ReviewProcedure,
	})
	return stored.WithSuccess(), err
}
