package workflow

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

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
	if p.ID == "" {
		p.ID = uuid.Must(uuid.NewV7()).String()
	}
	hours := fmt.Sprint(p.Hours)
	ev := s.event(caller, models.Event{
		Type: models.EventPracticumLogged, Subject: "practicum", SubjectID: p.ID, StudentID: p.StudentID,
		Summary: fmt.Sprintf("logged %s practicum hours at %s on %s", hours, p.Site, p.Date),
		Data:    map[string]string{"date": p.Date, "hours": hours, "site": p.Site, "preceptor": p.Preceptor},
	})
	stored, created, err := s.store.CreatePracticumEntry(ctx, p, ev)
	if err != nil {
		return LogPracticumOutput{}, err
	}
	if !created && !stored.SameEntry(p) {
		return LogPracticumOutput{}, fmt.Errorf("log practicum hours %s: %w: this id is already used by other hours", p.ID, models.ErrConflict)
	}
	return LogPracticumOutput{Entry: stored, Created: created}, nil
}

// PracticumEntry returns one practicum entry to whoever may see its
// student's records.
func (s *Skills) PracticumEntry(ctx context.Context, caller Caller, id string) (models.PracticumEntry, error) {
	p, _, err := s.visiblePracticum(ctx, caller, id)
	return p, err
}

// visiblePracticum loads entry id and its student for caller: another
// program's is not found, a same-program one caller may not see is
// forbidden.
func (s *Skills) visiblePracticum(ctx context.Context, caller Caller, id string) (models.PracticumEntry, models.User, error) {
	p, err := s.store.PracticumEntry(ctx, caller.ProgramID, id)
	if err != nil {
		return models.PracticumEntry{}, models.User{}, err
	}
	student := caller.User
	if p.StudentID != caller.ID {
		if student, err = s.store.User(ctx, caller.ProgramID, p.StudentID); err != nil {
			return models.PracticumEntry{}, models.User{}, err
		}
	}
	if !models.CanSeeStudent(caller.User, student) {
		return models.PracticumEntry{}, models.User{}, fmt.Errorf("%w: you may not see this student's records", models.ErrForbidden)
	}
	return p, student, nil
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
	f := models.PracticumFilter{Status: in.Status}
	switch {
	case in.StudentID != "":
		if _, err := s.student(ctx, caller, in.StudentID); err != nil {
			return models.List[models.PracticumEntry]{}, err
		}
		f.StudentIDs = []string{in.StudentID}
	default:
		switch models.ScopeOf(caller.User) {
		case models.ScopeOwn:
			f.StudentIDs = []string{caller.ID}
		case models.ScopeTaughtStudents:
			ids, err := s.store.StudentIDsInCohorts(ctx, caller.ProgramID, caller.CohortIDs)
			if err != nil {
				return models.List[models.PracticumEntry]{}, err
			}
			f.StudentIDs = ids
		case models.ScopeNone:
			f.StudentIDs = []string{}
		}
	}
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
	p, student, err := s.visiblePracticum(ctx, caller, in.ID)
	if err != nil {
		return models.PracticumEntry{}, err
	}
	if !models.CanReviewPracticum(caller.User, student) {
		return models.PracticumEntry{}, fmt.Errorf("%w: only an instructor who teaches this student, or an admin, may record a preceptor's decision on their hours", models.ErrForbidden)
	}
	if in.Version != 0 && in.Version != p.Version {
		return models.PracticumEntry{}, fmt.Errorf("practicum hours %s are at version %d, not %d: %w", p.ID, p.Version, in.Version, models.ErrPreconditionFailed)
	}
	decided, err := p.Decide(caller.User, status, comment, s.clock.Now())
	if err != nil {
		return models.PracticumEntry{}, err
	}
	typ := models.EventPracticumConfirmed
	if status == models.ProcedureRejected {
		typ = models.EventPracticumRejected
	}
	hours := fmt.Sprint(p.Hours)
	ev := s.event(caller, models.Event{
		Type: typ, Subject: "practicum", SubjectID: p.ID, StudentID: p.StudentID,
		Summary: fmt.Sprintf("%s %s practicum hours at %s on %s", status, hours, p.Site, p.Date),
		Data:    map[string]string{"status": string(status), "date": p.Date, "hours": hours, "site": p.Site, "comment": comment},
	})
	return s.store.ReviewPracticumEntry(ctx, decided, p.Version, ev)
}
