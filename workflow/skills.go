package workflow

import "skillbook/clock"

// skillStores is what the Skills use cases need of the store.
type skillStores interface{}

// Skills holds the use cases of ... (placeholder: filled in by its owner).
type Skills struct {
	store skillStores
	clock clock.Clock
}

func newSkills(store skillStores, clk clock.Clock) *Skills {
	return &Skills{store: store, clock: clk}
}
