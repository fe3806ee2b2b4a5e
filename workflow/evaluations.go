package workflow

import "skillbook/clock"

// evaluationStores is what the Evaluations use cases need of the store.
type evaluationStores interface{}

// Evaluations holds the use cases of ... (placeholder: filled in by its owner).
type Evaluations struct {
	store evaluationStores
	clock clock.Clock
}

func newEvaluations(store evaluationStores, clk clock.Clock) *Evaluations {
	return &Evaluations{store: store, clock: clk}
}
