package workflow

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"skillbook/models"
)

// fakeNotices is an in-memory noticeStores: devices keyed by token, one
// feed and one preferences record per user, and an audit trail.
type fakeNotices struct {
	devices map[string]models.Device
	feed    map[string][]models.FeedItem // by user id
	prefs   map[string]models.NotificationPreferences
	audit   []models.Event
	// lastAudit is the filter and program of the last Audit call.
	lastAudit struct {
		programID string
		filter    models.AuditFilter
	}
	// heads and checkpoints are the audit chains' (audit_chain_test.go).
	heads       []models.AuditHead
	checkpoints []models.AuditCheckpoint
}

func newFakeNotices() *fakeNotices {
	return &fakeNotices{devices: map[string]models.Device{}, feed: map[string][]models.FeedItem{},
		prefs: map[string]models.NotificationPreferences{}}
}

func (f *fakeNotices) SaveDevice(_ context.Context, d models.Device, keep int, staleBefore time.Time) (models.Device, bool, error) {
	old, known := f.devices[d.Token]
	d.CreatedAt = d.RefreshedAt
	if known {
		d.CreatedAt = old.CreatedAt
	}
	f.devices[d.Token] = d
	var mine []models.Device
	for _, x := range f.devices {
		if x.UserID != d.UserID {
			continue
		}
		if x.RefreshedAt.Before(staleBefore) {
			delete(f.devices, x.Token)
			continue
		}
		mine = append(mine, x)
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].RefreshedAt.After(mine[j].RefreshedAt) })
	for _, x := range mine[min(keep, len(mine)):] {
		delete(f.devices, x.Token)
	}
	return f.devices[d.Token], !known, nil
}

func (f *fakeNotices) RemoveDevice(_ context.Context, programID, userID, token string) error {
	d, ok := f.devices[token]
	if !ok || d.ProgramID != programID || d.UserID != userID {
		return fmt.Errorf("remove device: %w", models.ErrNotFound)
	}
	delete(f.devices, token)
	return nil
}

// tokensOf lists userID's device tokens in order.
func (f *fakeNotices) tokensOf(userID string) []string {
	var out []string
	for t, d := range f.devices {
		if d.UserID == userID {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

func (f *fakeNotices) Notifications(_ context.Context, _, userID string, fl models.FeedFilter, _ models.Page) (models.List[models.FeedItem], error) {
	items := []models.FeedItem{}
	for _, it := range f.feed[userID] {
		if !fl.UnreadOnly || !it.Read {
			items = append(items, it)
		}
	}
	return models.List[models.FeedItem]{Items: items}, nil
}

func (f *fakeNotices) MarkNotificationRead(_ context.Context, _, userID, id string, at time.Time) (models.FeedItem, error) {
	for i, it := range f.feed[userID] {
		if it.ID == id {
			if !it.Read {
				f.feed[userID][i].Read, f.feed[userID][i].ReadAt = true, &at
			}
			return f.feed[userID][i], nil
		}
	}
	return models.FeedItem{}, fmt.Errorf("find notification %s: %w", id, models.ErrNotFound)
}

func (f *fakeNotices) MarkAllNotificationsRead(_ context.Context, _, userID string, at time.Time) (int64, error) {
	var n int64
	for i, it := range f.feed[userID] {
		if !it.Read {
			f.feed[userID][i].Read, f.feed[userID][i].ReadAt = true, &at
			n++
		}
	}
	return n, nil
}

func (f *fakeNotices) NotificationPreferences(_ context.Context, _, userID string) (models.NotificationPreferences, error) {
	p, ok := f.prefs[userID]
	if !ok {
		return models.NotificationPreferences{MutedCategories: []string{}}, nil
	}
	return p, nil
}

func (f *fakeNotices) SetNotificationPreferences(_ context.Context, _, userID string, muted []string, ifVersion *int64) (models.NotificationPreferences, error) {
	p := f.prefs[userID]
	if ifVersion != nil && *ifVersion != p.Version {
		return models.NotificationPreferences{}, fmt.Errorf("set notification preferences: %w", models.ErrPreconditionFailed)
	}
	p = models.NotificationPreferences{MutedCategories: muted, Version: p.Version + 1}
	f.prefs[userID] = p
	return p, nil
}

func (f *fakeNotices) Audit(_ context.Context, programID string, fl models.AuditFilter, _ models.Page) (models.List[models.Event], error) {
	f.lastAudit.programID, f.lastAudit.filter = programID, fl
	items := []models.Event{}
	for _, e := range f.audit {
		if e.ProgramID == programID && (fl.Type == "" || e.Type == fl.Type) {
			items = append(items, e)
		}
	}
	return models.List[models.Event]{Items: items}, nil
}
