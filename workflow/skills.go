package workflow

import (
	"github.com/google/uuid"

	"skillbook/clock"
	"skillbook/models"
)

// skillStores is what the Skills use cases need of the store.
type skillStores interface {
	AssignStore
	AssignmentListStore
	ChecklistReadStore
	ChecklistDraftStore
	ProcedureStore
	ProgressStore
	PracticumStore
}

// Skills holds the use cases of the skills a program teaches: its
// checklist library, assigning checklists, the live procedures students
// log and instructors review, and the progress read from all of it.
type Skills struct {
	store skillStores
	clock clock.Clock
}

func newSkills(store skillStores, clk clock.Clock) *Skills {
	return &Skills{store: store, clock: clk}
}

// event stamps e as caused by caller now: a new id (the relay's key), the
// actor and the clock's time.
func (s *Skills) event(caller Caller, e models.Event) models.Event {
	e.ID = uuid.Must(uuid.NewV7()).String()
	e.ProgramID = caller.ProgramID
	e.Actor = caller.Actor()
	e.At = s.clock.Now()
	return e
}
