package workflow

import "skillbook/clock"

// noticeStores is what the Notices use cases need of the store.
type noticeStores interface {
	DeviceStore
	FeedStore
	NotificationReadStore
	PreferenceStore
	AuditStore
	AuditChainStore
}

// Notices holds the use cases of what reaches a user and what the program
// keeps: devices for pushes, the in-app feed and its preferences, and the
// audit trail.
type Notices struct {
	store   noticeStores
	clock   clock.Clock
	signing Signing
}

func newNotices(store noticeStores, clk clock.Clock, sig Signing) *Notices {
	return &Notices{store: store, clock: clk, signing: sig}
}
