package models

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Notification categories: a user can mute each one for pushes; muted
// notifications still appear in the in-app feed.
const (
	CategoryEvaluationRequests = "evaluation-requests"
	CategoryEvaluationResults  = "evaluation-results"
	CategoryAssignments        = "assignments"
	CategoryReminders          = "reminders"
	CategoryRemediation        = "remediation"
	// CategorySigningPIN tells an instructor about their signing PIN (it
	// locked after wrong tries).
	CategorySigningPIN = "signing-pin"
	// CategoryPINSignOffs tells an instructor of each evaluation made with
	// their signing PIN on a student's phone, so one they did not make is
	// seen (and voided) at once.
	CategoryPINSignOffs = "pin-sign-offs"
)

// Categories lists every notification category.
var Categories = []string{CategoryEvaluationRequests, CategoryEvaluationResults, CategoryAssignments,
	CategoryReminders, CategoryRemediation, CategorySigningPIN, CategoryPINSignOffs}

// ValidCategory reports whether c is a known category.
func ValidCategory(c string) bool { return slices.Contains(Categories, c) }

// MutedCategories checks the categories a user mutes and returns them
// without repeats, in the order given; an unknown one is a
// ValidationError of body.mutedCategories[i].
func MutedCategories(muted []string) ([]string, error) {
	var v ValidationError
	clean := []string{}
	for i, c := range muted {
		switch {
		case !ValidCategory(c):
			v.Add(fmt.Sprintf("body.mutedCategories[%d]", i), "%q is not a notification category", c)
		case !slices.Contains(clean, c):
			clean = append(clean, c)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return clean, nil
}

// FeedOrder is the order of a user's in-app feed.
type FeedOrder string

// The feed orders.
const (
	FeedNewest      FeedOrder = "newest"
	FeedUnreadFirst FeedOrder = "unread-first"
)

// FeedFilter selects and orders a user's feed.
type FeedFilter struct {
	Order      FeedOrder
	UnreadOnly bool
}

// Platform is the kind of app a device token belongs to.
type Platform string

// The platforms FCM delivers to.
const (
	PlatformIOS     Platform = "ios"
	PlatformAndroid Platform = "android"
	PlatformWeb     Platform = "web"
)

// MaxDevicesPerUser bounds the devices one user keeps; registering another
// prunes the least recently refreshed.
const MaxDevicesPerUser = 10

// StaleDeviceAge is how long a token may go unrefreshed before it is
// pruned (FCM's guidance: the app refreshes its token on every start, and
// a token unused for a month is likely dead).
const StaleDeviceAge = 30 * 24 * time.Hour

// ValidDeviceToken reports whether t can be an FCM registration token:
// printable ASCII without spaces, /, ?, #, % or \, so that it is also a
// path segment of DELETE /v1/me/devices/{token}.
func ValidDeviceToken(t string) bool {
	if t == "" {
		return false
	}
	for _, c := range []byte(t) {
		if c <= ' ' || c > '~' || strings.IndexByte("/?#%\\", c) >= 0 {
			return false
		}
	}
	return true
}

// Device is one app installation that can receive pushes: its FCM
// registration token belongs to exactly one user at a time.
type Device struct {
	Token       string    `json:"token" bson:"_id"`
	ProgramID   string    `json:"-" bson:"programId"`
	UserID      string    `json:"-" bson:"userId"`
	Platform    Platform  `json:"platform" bson:"platform"`
	AppVersion  string    `json:"appVersion,omitempty" bson:"appVersion"`
	CreatedAt   time.Time `json:"createdAt" bson:"createdAt"`
	RefreshedAt time.Time `json:"refreshedAt" bson:"refreshedAt"`
}

// PushState is how far the push of a notification got.
type PushState string

// The push states. Pending is waiting for (another) delivery attempt; the
// others are final.
const (
	PushPending  PushState = "pending"
	PushSent     PushState = "sent"
	PushFailed   PushState = "failed"
	PushMuted    PushState = "muted"
	PushNoDevice PushState = "no-device"
)

// FeedItem is one notification in a user's in-app feed.
type FeedItem struct {
	ID        string            `json:"id" bson:"_id"`
	Category  string            `json:"category" bson:"category"`
	Title     string            `json:"title" bson:"title"`
	Body      string            `json:"body" bson:"body"`
	Data      map[string]string `json:"data,omitempty" bson:"data,omitempty"`
	CreatedAt time.Time         `json:"createdAt" bson:"createdAt"`
	Read      bool              `json:"read" bson:"read"`
	ReadAt    *time.Time        `json:"readAt,omitempty" bson:"readAt,omitempty"`
	Push      PushState         `json:"push" bson:"state" doc:"How far the push to the user's devices got."`
}

// NotificationPreferences are one user's choices about pushes.
type NotificationPreferences struct {
	MutedCategories []string `json:"mutedCategories"`
	Version         int64    `json:"version"`
}

// Push is a queued notification as the delivery worker handles it.
type Push struct {
	ID        string
	ProgramID string
	UserID    string
	Category  string
	Title     string
	Body      string
	Data      map[string]string
	// Attempts counts the delivery attempts made before this one.
	Attempts int
	// Delivered lists the device tokens that already accepted it, so a
	// retry sends only to the others.
	Delivered []string
	CreatedAt time.Time
}

// PushOutcome is what one delivery attempt achieved.
type PushOutcome struct {
	State PushState
	// Attempts is the number of delivery attempts made, this one included.
	Attempts int
	// Delivered lists the tokens that accepted the push in this attempt.
	Delivered []string
	// NextAttemptAt is when a pending push is tried again.
	NextAttemptAt time.Time
	// Error says why the last attempt did not deliver everywhere.
	Error string
}

// Reminder is a notification the system raises by itself (a due date near
// or passed) rather than with a change of state. Its ID is derived from
// what it is about (assignment, student, kind), so it is queued once.
type Reminder struct {
	ID        string
	ProgramID string
	Notification
}

// PushStatus is the delivery record of one notification, for operators
// and tests.
type PushStatus struct {
	ID            string
	UserID        string
	State         PushState
	Attempts      int
	Delivered     []string
	NextAttemptAt time.Time
	LastError     string
}
