package workflow

import (
	"context"
	"time"

	"skillbook/models"
)

// FeedStore reads users' in-app feeds.
type FeedStore interface {
	// Notifications lists one user's feed in the order f asks for.
	Notifications(ctx context.Context, programID, userID string, f models.FeedFilter, page models.Page) (models.List[models.FeedItem], error)
}

// NotificationReadStore records that a user read their notifications.
type NotificationReadStore interface {
	// MarkNotificationRead marks one of a user's notifications read at at
	// (the first reading time is kept) and returns it; another user's is
	// models.ErrNotFound.
	MarkNotificationRead(ctx context.Context, programID, userID, id string, at time.Time) (models.FeedItem, error)
	// MarkAllNotificationsRead marks every unread notification of a user
	// read at at and reports how many.
	MarkAllNotificationsRead(ctx context.Context, programID, userID string, at time.Time) (int64, error)
}

// PreferenceStore keeps users' notification preferences.
type PreferenceStore interface {
	// NotificationPreferences returns a user's preferences: none muted,
	// at version 0, before any were set.
	NotificationPreferences(ctx context.Context, programID, userID string) (models.NotificationPreferences, error)
	// SetNotificationPreferences replaces a user's muted categories; with
	// ifVersion set, only if the stored ones are at that version (0: none
	// stored yet), else models.ErrPreconditionFailed.
	SetNotificationPreferences(ctx context.Context, programID, userID string, muted []string, ifVersion *int64) (models.NotificationPreferences, error)
}

// NotificationsInput pages through the caller's feed.
type NotificationsInput struct {
	// Order is models.FeedUnreadFirst (the default) or models.FeedNewest.
	Order      models.FeedOrder
	UnreadOnly bool
	Page       models.Page
}

// Notifications is the caller's own in-app feed: every notification,
// whether its push was delivered, muted or failed.
func (n *Notices) Notifications(ctx context.Context, caller Caller, in NotificationsInput) (models.List[models.FeedItem], error) {
	if in.Order == "" {
		in.Order = models.FeedUnreadFirst
	}
	return n.store.Notifications(ctx, caller.ProgramID, caller.ID, models.FeedFilter{Order: in.Order, UnreadOnly: in.UnreadOnly}, in.Page)
}

// ReadNotification marks one of the caller's notifications read, now;
// another user's is models.ErrNotFound.
func (n *Notices) ReadNotification(ctx context.Context, caller Caller, id string) (models.FeedItem, error) {
	return n.store.MarkNotificationRead(ctx, caller.ProgramID, caller.ID, id, n.clock.Now().UTC())
}

// ReadAllNotifications marks every unread notification of the caller read,
// now, and reports how many it marked.
func (n *Notices) ReadAllNotifications(ctx context.Context, caller Caller) (int64, error) {
	return n.store.MarkAllNotificationsRead(ctx, caller.ProgramID, caller.ID, n.clock.Now().UTC())
}

// NotificationPreferences returns the caller's own muted categories.
func (n *Notices) NotificationPreferences(ctx context.Context, caller Caller) (models.NotificationPreferences, error) {
	return n.store.NotificationPreferences(ctx, caller.ProgramID, caller.ID)
}

// SetPreferencesInput replaces the caller's muted categories.
type SetPreferencesInput struct {
	MutedCategories []string
	// IfVersion, when set, is the version the caller read the preferences
	// at (0 before any were set); a change since is
	// models.ErrPreconditionFailed.
	IfVersion *int64
}

// SetNotificationPreferences replaces the caller's muted categories, which
// must be known ones (repeats are dropped).
func (n *Notices) SetNotificationPreferences(ctx context.Context, caller Caller, in SetPreferencesInput) (models.NotificationPreferences, error) {
	muted, err := models.MutedCategories(in.MutedCategories)
	if err != nil {
		return models.NotificationPreferences{}, err
	}
	return n.store.SetNotificationPreferences(ctx, caller.ProgramID, caller.ID, muted, in.IfVersion)
}
