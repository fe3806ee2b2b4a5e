package workflow

import (
	"context"
	"fmt"
	"strings"

	"skillbook/models"
)

// PracticumStore is what the practicum use cases need: the entries and
// their students, "store this entry with its events unless its id is
// taken" and "record this decision with its events if the entry is still
// pending at version v".
type PracticumStore interface {
	User(ctx context.Context, programID, id string) (models.User, error)
	StudentIDsInCohorts(ctx context.Context, programID string, cohortIDs []string) ([]string, error)
	PracticumEntry(ctx context.Context, programID, id string) (models.PracticumEntry, error)
	PracticumEntries(ctx context.Context, programID string, f models.PracticumFilter, page models.Page) (models.List[models.PracticumEntry], error)
	CreatePracticumEntry(ctx context.Context, p models.PracticumEntry, events ...models.Event) (models.PracticumEntry, bool, error)
	ReviewPracticumEntry(ctx context.Context, decided models.PracticumEntry, version int64, events ...models.Event) (models.PracticumEntry, error)
}

// LogPracticumInput is a day's hours the calling student spent at one
// externship site. ID, when given, is a UUIDv7 the client made when they
// were logged, so an offline retry stores them once.
type LogPracticumInput struct {
	ID                  string
	Date                string
	Hours               float64
	Site                string
	Preceptor           string
	PreceptorCredential string
	Note                string
}

// LogPracticumOutput is the stored entry; Created is false for a retry of
// one already stored under the same id.
type LogPracticumOutput struct {
	Entry   models.PracticumEntry
	Created bool
}

// LogPracticum stores the calling student's practicum hours, pending the
// preceptor's confirmation (recorded by an instructor or admin). Logging
// again under the same id with the same content returns the stored entry;
// other content under that id is a conflict.
func (s *Skills) LogPracticum(ctx context.Context, caller Caller, in LogPracticumInput) (LogPracticumOutput, error) {
	now := s.clock.Now()
	p := models.PracticumEntry{
		ID: in.ID, ProgramID: caller.ProgramID, StudentID: caller.ID, StudentName: caller.Name,
		Date: in.Date, Hours: in.Hours, Site: strings.TrimSpace(in.Site),
		Preceptor: strings.TrimSpace(in.Preceptor), PreceptorCredential: strings.TrimSpace(in.PreceptorCredential),
		Note:   strings.TrimSpace(in.Note),
		Status: models.ProcedurePending, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if err := p.ValidateNew(now); err != nil {
		return LogPracticumOutput{}, err
	}
	stored, created, err := logRecord(ctx, p, func(p models.PracticumEntry) models.Event {
		hours := fmt.Sprint(p.Hours)
		return s.event(caller, models.Event{
			Type: models.EventPracticumLogged, Subject: "practicum", SubjectID: p.ID, StudentID: p.StudentID,
			Summary: fmt.Sprintf("logged %s practicum hours at %s on %s", hours, p.Site, p.Date),
			Data:    map[string]string{"date": p.Date, "hours": hours, "site": p.Site, "preceptor": p.Preceptor},
		})
	}, s.store.CreatePracticumEntry)
	if err != nil {
		return LogPracticumOutput{}, err
	}
	return LogPracticumOutput{Entry: stored, Created: created}, nil
}

// PracticumEntry returns one practicum entry to whoever may see its
// student's records.
func (s *Skills) PracticumEntry(ctx context.Context, caller Caller, id string) (models.PracticumEntry, error) {
	p, _, err := visibleRecord(ctx, s, caller, id, s.store.PracticumEntry)
	return p, err
}

// PracticumInput selects practicum entries: one student's (StudentID), or
// every entry the caller may see; Status keeps one status.
type PracticumInput struct {
	StudentID string
	Status    models.ProcedureStatus
	Page      models.Page
}

// PracticumEntries lists practicum entries, newest first: a student's
// own, the students an instructor teaches, or the whole program for
// admins.
func (s *Skills) PracticumEntries(ctx context.Context, caller Caller, in PracticumInput) (models.List[models.PracticumEntry], error) {
	students, err := s.recordStudents(ctx, caller, in.StudentID)
	if err != nil {
		return models.List[models.PracticumEntry]{}, err
	}
	f := models.PracticumFilter{StudentIDs: students, Status: in.Status}
	return s.store.PracticumEntries(ctx, caller.ProgramID, f, in.Page)
}

// ConfirmPracticum records the preceptor's confirmation of pending hours,
// entered by an instructor who teaches the student or an admin, with an
// optional comment; the hours then count toward the requirement.
func (s *Skills) ConfirmPracticum(ctx context.Context, caller Caller, in ReviewInput, comment string) (models.PracticumEntry, error) {
	return s.reviewPracticum(ctx, caller, in, models.ProcedureConfirmed, comment)
}

// RejectPracticum records that the preceptor does not confirm pending
// hours, with a comment saying why.
func (s *Skills) RejectPracticum(ctx context.Context, caller Caller, in ReviewInput, comment string) (models.PracticumEntry, error) {
	return s.reviewPracticum(ctx, caller, in, models.ProcedureRejected, comment)
}

// reviewPracticum decides entry in.ID once: caller must teach the student
// (or be an admin), the entry must be at in.Version (when given) and
// still pending; a rejection needs a comment.
func (s *Skills) reviewPracticum(ctx context.Context, caller Caller, in ReviewInput, status models.ProcedureStatus, comment string) (models.PracticumEntry, error) {
	comment = strings.TrimSpace(comment)
	v := &models.ValidationError{}
	if status == models.ProcedureRejected && comment == "" {
		v.Add("body.comment", "is required: say why the hours are not confirmed")
	}
	if len(comment) > models.MaxProcedureReasonLen {
		v.Add("body.comment", "must be at most %d characters", models.MaxProcedureReasonLen)
	} else {
		v.Text("body.comment", &comment, models.Lines)
	}
	if err := v.Err(); err != nil {
		return models.PracticumEntry{}, err
	}
	return decideRecord(ctx, s, caller, in, s.store.PracticumEntry, recordDecision[models.PracticumEntry]{
		may:     models.CanReviewPracticum,
		refusal: "only an instructor who teaches this student, or an admin, may record a preceptor's decision on their hours",
		status:  status, text: comment, confirmed: models.EventPracticumConfirmed, rejected: models.EventPracticumRejected,
		event: func(p models.PracticumEntry) models.Event {
			hours := fmt.Sprint(p.Hours)
			return models.Event{
				Subject: "practicum", SubjectID: p.ID, StudentID: p.StudentID,
				Summary: fmt.Sprintf("%s %s practicum hours at %s on %s", status, hours, p.Site, p.Date),
				Data:    map[string]string{"status": string(status), "date": p.Date, "hours": hours, "site": p.Site, "comment": comment},
			}
		},
		record: s.store.ReviewPracticumEntry,
	})
}
