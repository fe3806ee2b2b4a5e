package workflow

import "skillbook/clock"

// peopleStores is what the People use cases need of the store.
type peopleStores interface{}

// People holds the use cases of ... (placeholder: filled in by its owner).
type People struct {
	store peopleStores
	clock clock.Clock
}

func newPeople(store peopleStores, clk clock.Clock) *People {
	return &People{store: store, clock: clk}
}
