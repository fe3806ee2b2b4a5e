package workflow

import "skillbook/clock"

// noticeStores is what the Notices use cases need of the store.
type noticeStores interface{}

// Notices holds the use cases of ... (placeholder: filled in by its owner).
type Notices struct {
	store noticeStores
	clock clock.Clock
}

func newNotices(store noticeStores, clk clock.Clock) *Notices {
	return &Notices{store: store, clock: clk}
}
