package workflow

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"skillbook/models"
)

// The records students log and instructors then confirm or reject once
// (models.Logged: procedures, practicum hours) go through one mechanism:
// logRecord stores one, visibleRecord reads one, recordStudents says whose
// a list shows, and decideRecord records the decision. Each kind's use
// cases add its checks, events and store calls.

// logRecord stores p, which the calling student logs (validated, with its
// event made by event once p has its id): a p without an id gets a new
// UUIDv7. Logging again under the same id with the same content returns
// the stored record with created false; other content under that id is
// a conflict.
func logRecord[T any, P models.Logged[T]](ctx context.Context, p T, event func(T) models.Event,
	create func(context.Context, T, ...models.Event) (T, bool, error)) (T, bool, error) {
	f := P(&p).Log()
	if *f.ID == "" {
		*f.ID = uuid.Must(uuid.NewV7()).String()
	}
	stored, created, err := create(ctx, p, event(p))
	if err != nil {
		var zero T
		return zero, false, err
	}
	if !created && !P(&stored).SameEntry(p) {
		var zero T
		return zero, false, f.Kind.IDTaken(*f.ID)
	}
	return stored, created, nil
}

// visibleRecord loads record id (through get) and its student for
// caller: another program's is not found, a same-program one caller may
// not see is forbidden.
func visibleRecord[T any, P models.Logged[T]](ctx context.Context, s *Skills, caller Caller, id string,
	get func(ctx context.Context, programID, id string) (T, error)) (T, models.User, error) {
	var zero T
	p, err := get(ctx, caller.ProgramID, id)
	if err != nil {
		return zero, models.User{}, err
	}
	student := caller.User
	if owner := *P(&p).Log().StudentID; owner != caller.ID {
		if student, err = s.store.User(ctx, caller.ProgramID, owner); err != nil {
			return zero, models.User{}, err
		}
	}
	if !models.CanSeeStudent(caller.User, student) {
		return zero, models.User{}, fmt.Errorf("%w: you may not see this student's records", models.ErrForbidden)
	}
	return p, student, nil
}

// recordStudents is whose records a list shows caller: studentID's when
// given (if caller may see them), else the caller's own, the students an
// instructor teaches, or nil for the whole program (admins); an empty
// list shows none.
func (s *Skills) recordStudents(ctx context.Context, caller Caller, studentID string) ([]string, error) {
	if studentID != "" {
		if _, err := s.student(ctx, caller, studentID); err != nil {
			return nil, err
		}
		return []string{studentID}, nil
	}
	switch models.ScopeOf(caller.User) {
	case models.ScopeOwn:
		return []string{caller.ID}, nil
	case models.ScopeTaughtStudents:
		return s.store.StudentIDsInCohorts(ctx, caller.ProgramID, caller.CohortIDs)
	case models.ScopeNone:
		return []string{}, nil
	}
	return nil, nil
}

// recordDecision is one decision on a logged record: who may take it
// (may, else refused with refusal), the status and text it records, its
// event (event's, of type confirmed or rejected), and the store's guarded
// write (record).
type recordDecision[T any] struct {
	may                 func(caller, student models.User) bool
	refusal             string
	status              models.ProcedureStatus
	text                string
	confirmed, rejected models.EventType
	event               func(p T) models.Event
	record              func(ctx context.Context, decided T, version int64, events ...models.Event) (T, error)
}

// decideRecord decides record in.ID once: caller must see the student and
// be allowed to decide (d.may), the record must be at in.Version (when
// given) and still pending.
func decideRecord[T any, P models.Logged[T]](ctx context.Context, s *Skills, caller Caller, in ReviewInput,
	get func(ctx context.Context, programID, id string) (T, error), d recordDecision[T]) (T, error) {
	var zero T
	p, student, err := visibleRecord[T, P](ctx, s, caller, in.ID, get)
	if err != nil {
		return zero, err
	}
	if !d.may(caller.User, student) {
		return zero, fmt.Errorf("%w: %s", models.ErrForbidden, d.refusal)
	}
	f := P(&p).Log()
	if in.Version != 0 && in.Version != *f.Version {
		return zero, f.Kind.NotAt(*f.ID, *f.Version, in.Version)
	}
	decided, err := P(&p).Decide(caller.User, d.status, d.text, s.clock.Now())
	if err != nil {
		return zero, err
	}
	ev := d.event(p)
	ev.Type = d.confirmed
	if d.status == models.ProcedureRejected {
		ev.Type = d.rejected
	}
	return d.record(ctx, decided, *f.Version, s.event(caller, ev))
}
