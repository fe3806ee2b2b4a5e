package workflow

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"skillbook/clock"
	"skillbook/models"
)

// peopleStores is what the People use cases need of the store.
type peopleStores interface {
	SignInStore
	UserInviteStore
	UserReadStore
	UserUpdateStore
	CohortCreateStore
	CohortReadStore
	CohortUpdateStore
	RosterStore
}

// People holds the use cases of a program's people: signing in (and
// accepting an invitation), inviting and managing users, cohorts, and
// roster imports.
type People struct {
	store peopleStores
	clock clock.Clock
	// newID names a new user or cohort: time-ordered, so creation order is
	// id order.
	newID func() string
	// rosters limits each admin's roster imports (dry runs too), in this
	// process.
	rosters *limiter
}

func newPeople(store peopleStores, clk clock.Clock) *People {
	return &People{store: store, clock: clk, newID: func() string { return uuid.Must(uuid.NewV7()).String() },
		rosters: newLimiter(clk, rosterImportsPerAdmin, rosterImportsEvery)}
}

// now is the time of a change, at the millisecond precision records keep.
func (p *People) now() time.Time { return p.clock.Now().UTC().Truncate(time.Millisecond) }

// peopleRaceRetries bounds how often a change without a client version is
// read and decided again after another writer changed the record first.
const peopleRaceRetries = 3

// changedMeanwhile is the refusal of a change that kept losing the race to
// other writers.
func changedMeanwhile(what string) error {
	return fmt.Errorf("%s: %w: it is being changed by someone else; retry", what, models.ErrConflict)
}
