package contract_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

func note(userID, category string) models.Notification {
	return models.Notification{UserID: userID, Category: category, Title: "T " + userID, Body: "B",
		Data: map[string]string{"screen": "queue"}}
}

// record stores events as a use case's write carries them, so their
// notifications are queued as every change's are: here beside a direct
// export's record (any write with events would do).
func record(tb testing.TB, st storetest.Store, events ...models.Event) {
	tb.Helper()
	j := models.DirectExportJob(newID(), events[0].ProgramID, models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON},
		"P", 0, admin, epoch)
	if err := st.CreateExport(context.Background(), j, events...); err != nil {
		tb.Fatalf("CreateExport with events = %v", err)
	}
}

// queue queues one notification to each of users in p1.
func queue(tb testing.TB, st storetest.Store, users ...string) {
	tb.Helper()
	e := models.Event{ID: newID(), ProgramID: "p1"}
	for _, u := range users {
		e.Notify = append(e.Notify, note(u, "assignments"))
	}
	record(tb, st, e)
}

func feed(t *testing.T, s storetest.Store, programID, userID string, f models.FeedFilter, page models.Page) models.List[models.FeedItem] {
	t.Helper()
	l, err := s.Notifications(context.Background(), programID, userID, f, page)
	if err != nil {
		t.Fatalf("Notifications(%s) = %v", userID, err)
	}
	return l
}

// TestAWriteQueuesEachNotificationOnce: one notification per recipient of
// an event, however often a write carries it (a retried write, a relay
// repeated after a crash).
func TestAWriteQueuesEachNotificationOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		e := models.Event{ID: newID(), Type: "evaluation.requested", ProgramID: "p1",
			Notify: []models.Notification{note("u1", "evaluation-requests"), note("u2", "evaluation-requests"), note("u2", "evaluation-requests")}}
		for range 2 { // a repeated write
			record(t, s, e)
		}
		e.Notify = append(e.Notify, note("u3", "evaluation-requests"))
		record(t, s, e)
		for _, u := range []string{"u1", "u2", "u3"} {
			got := feed(t, s, "p1", u, models.FeedFilter{}, models.Page{})
			if len(got.Items) != 1 || got.Items[0].Push != models.PushPending {
				t.Errorf("feed of %s = %+v; want one pending notification", u, got.Items)
				continue
			}
			it := got.Items[0]
			if it.Title != "T "+u || it.Data["screen"] != "queue" || it.Read || it.ReadAt != nil || !it.CreatedAt.Equal(epoch) {
				t.Errorf("feed item of %s = %+v", u, it)
			}
		}
		if got := feed(t, s, "other-program", "u1", models.FeedFilter{}, models.Page{}); len(got.Items) != 0 {
			t.Errorf("feed of u1 in another program = %+v; want none", got.Items)
		}
		if n, err := s.PendingPushes(ctx); err != nil || n != 3 {
			t.Errorf("PendingPushes = %d, %v; want 3", n, err)
		}
		if got := auditOf(t, s, "p1", ""); len(got) != 1 || got[0].ID != e.ID {
			t.Errorf("audit = %+v; want the one event", got)
		}
	})
}

func TestStateChangeQueuesItsNotifications(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		a := models.Assignment{ProgramID: "p1", ChecklistID: "bp-manual", ChecklistVersion: 1, CohortID: "c1"}
		notify := []models.Notification{note("s1", "assignments"), note("s2", "assignments")}
		if _, _, err := storetest.CreateAssignment(ctx, s, models.SystemActor, a, notify); err != nil {
			t.Fatal(err)
		}
		// The same assignment again (a retried request) notifies nobody twice.
		if _, created, err := storetest.CreateAssignment(ctx, s, models.SystemActor, a, notify); err != nil || created {
			t.Fatalf("CreateAssignment again = %v, %v; want the existing one", created, err)
		}
		for _, u := range []string{"s1", "s2"} {
			if got := feed(t, s, "p1", u, models.FeedFilter{}, models.Page{}); len(got.Items) != 1 || got.Items[0].Category != "assignments" {
				t.Errorf("feed of %s = %+v; want the one assignment notification", u, got.Items)
			}
		}
	})
}

func TestFeedOrdersPagesAndMarksRead(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		var ids []string // oldest first
		for range 5 {
			record(t, s, models.Event{ID: newID(), ProgramID: "p1", Notify: []models.Notification{note("u1", "assignments")}})
			l := feed(t, s, "p1", "u1", models.FeedFilter{}, models.Page{Limit: 1})
			ids = append(ids, l.Items[0].ID)
			clk.Advance(time.Millisecond)
		}
		// Read the second oldest and the newest.
		readAt := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		for _, id := range []string{ids[1], ids[4]} {
			item, err := s.MarkNotificationRead(ctx, "p1", "u1", id, readAt)
			if err != nil || !item.Read || item.ReadAt == nil || !item.ReadAt.Equal(readAt) {
				t.Fatalf("MarkNotificationRead(%s) = %+v, %v", id, item, err)
			}
		}
		first, _ := s.Notification(ctx, "p1", "u1", ids[1])
		again, err := s.MarkNotificationRead(ctx, "p1", "u1", ids[1], readAt.Add(time.Hour))
		if err != nil || !again.ReadAt.Equal(*first.ReadAt) {
			t.Errorf("marking read twice = %v, %v; want the first reading time kept", again.ReadAt, err)
		}
		if _, err := s.MarkNotificationRead(ctx, "p1", "u2", ids[0], readAt); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("MarkNotificationRead of another user's notification = %v; want ErrNotFound", err)
		}
		if _, err := s.MarkNotificationRead(ctx, "p2", "u1", ids[0], readAt); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("MarkNotificationRead in another program = %v; want ErrNotFound", err)
		}
		if _, err := s.Notification(ctx, "p1", "u2", ids[0]); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Notification of another user's = %v; want ErrNotFound", err)
		}
		if it, _ := s.Notification(ctx, "p1", "u1", ids[0]); it.Read {
			t.Errorf("a notification another user tried to mark read is read: %+v", it)
		}

		walk := func(f models.FeedFilter, limit int) []string {
			var got []string
			page := models.Page{Limit: limit}
			for {
				l := feed(t, s, "p1", "u1", f, page)
				for _, it := range l.Items {
					got = append(got, it.ID)
				}
				if l.NextCursor == "" {
					return got
				}
				page.Cursor = l.NextCursor
			}
		}
		for _, limit := range []int{1, 2, 3, 5, 50} {
			if got, want := walk(models.FeedFilter{Order: models.FeedNewest}, limit), []string{ids[4], ids[3], ids[2], ids[1], ids[0]}; !slices.Equal(got, want) {
				t.Errorf("newest first by %d = %v; want %v", limit, got, want)
			}
			if got, want := walk(models.FeedFilter{Order: models.FeedUnreadFirst}, limit), []string{ids[3], ids[2], ids[0], ids[4], ids[1]}; !slices.Equal(got, want) {
				t.Errorf("unread first by %d = %v; want %v", limit, got, want)
			}
			if got, want := walk(models.FeedFilter{UnreadOnly: true}, limit), []string{ids[3], ids[2], ids[0]}; !slices.Equal(got, want) {
				t.Errorf("unread only by %d = %v; want %v", limit, got, want)
			}
			if got, want := walk(models.FeedFilter{Order: models.FeedUnreadFirst, UnreadOnly: true}, limit), []string{ids[3], ids[2], ids[0]}; !slices.Equal(got, want) {
				t.Errorf("unread only, unread first, by %d = %v; want %v", limit, got, want)
			}
		}
		if l := feed(t, s, "p1", "u1", models.FeedFilter{}, models.Page{Limit: 5}); l.NextCursor != "" {
			t.Errorf("a page holding the whole feed has a next cursor %q", l.NextCursor)
		}
		newest := feed(t, s, "p1", "u1", models.FeedFilter{}, models.Page{Limit: 1}).NextCursor
		for _, c := range []string{newest, "%%%", "AAAA", strings.Repeat("A", 600)} {
			_, err := s.Notifications(ctx, "p1", "u1", models.FeedFilter{Order: models.FeedUnreadFirst}, models.Page{Cursor: c})
			var v *models.ValidationError
			if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "cursor" {
				t.Errorf("unread-first feed with cursor %.20q = %v; want a validation problem of cursor", c, err)
			}
		}

		n, err := s.MarkAllNotificationsRead(ctx, "p1", "u1", readAt)
		if err != nil || n != 3 {
			t.Errorf("MarkAllNotificationsRead = %d, %v; want 3", n, err)
		}
		if got := walk(models.FeedFilter{UnreadOnly: true}, 2); len(got) != 0 {
			t.Errorf("unread after read-all = %v", got)
		}
		if n, err := s.MarkAllNotificationsRead(ctx, "p1", "u1", readAt); err != nil || n != 0 {
			t.Errorf("MarkAllNotificationsRead again = %d, %v; want 0", n, err)
		}
	})
}

func TestNotificationPreferencesIfMatch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p, err := s.NotificationPreferences(ctx, "p1", "u1")
		if err != nil || p.Version != 0 || p.MutedCategories == nil || len(p.MutedCategories) != 0 {
			t.Fatalf("NotificationPreferences before any = %+v, %v", p, err)
		}
		v0 := int64(0)
		// The categories come checked and without repeats (models.MutedCategories).
		p, err = s.SetNotificationPreferences(ctx, "p1", "u1", []string{"reminders", "assignments"}, &v0)
		if err != nil || p.Version != 1 || !slices.Equal(p.MutedCategories, []string{"reminders", "assignments"}) {
			t.Fatalf("SetNotificationPreferences(If-Match 0) = %+v, %v", p, err)
		}
		if _, err := s.SetNotificationPreferences(ctx, "p1", "u1", nil, &v0); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("a second If-Match 0 = %v; want ErrPreconditionFailed", err)
		}
		v1 := int64(1)
		if p, err = s.SetNotificationPreferences(ctx, "p1", "u1", []string{"remediation"}, &v1); err != nil || p.Version != 2 {
			t.Errorf("If-Match 1 = %+v, %v", p, err)
		}
		if _, err := s.SetNotificationPreferences(ctx, "p1", "u1", nil, &v1); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("a stale If-Match = %v; want ErrPreconditionFailed", err)
		}
		if p, err = s.SetNotificationPreferences(ctx, "p1", "u2", []string{"assignments"}, nil); err != nil || p.Version != 1 {
			t.Errorf("unconditional first set = %+v, %v", p, err)
		}
		if p, err = s.SetNotificationPreferences(ctx, "p1", "u2", nil, nil); err != nil || p.Version != 2 || p.MutedCategories == nil || len(p.MutedCategories) != 0 {
			t.Errorf("unconditional set to none = %+v, %v", p, err)
		}
		if p, err = s.SetNotificationPreferences(ctx, "p1", "u2", []string{"assignments"}, nil); err != nil || p.Version != 3 {
			t.Errorf("unconditional set again = %+v, %v", p, err)
		}
		// Another program sees none of them, and cannot take them over.
		if p, err := s.NotificationPreferences(ctx, "p2", "u1"); err != nil || p.Version != 0 || len(p.MutedCategories) != 0 {
			t.Errorf("NotificationPreferences in another program = %+v, %v; want none", p, err)
		}
		if _, err := s.SetNotificationPreferences(ctx, "p2", "u1", nil, &v1); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("If-Match 1 from another program = %v; want ErrPreconditionFailed", err)
		}
		if _, err := s.SetNotificationPreferences(ctx, "p2", "u1", nil, nil); !errors.Is(err, models.ErrConflict) {
			t.Errorf("unconditional set from another program = %v; want ErrConflict", err)
		}
		muted, err := s.MutedCategories(ctx, []string{"u1", "u2", "u3"})
		if err != nil || !slices.Equal(muted["u1"], []string{"remediation"}) || !slices.Equal(muted["u2"], []string{"assignments"}) || muted["u3"] != nil {
			t.Errorf("MutedCategories = %v, %v", muted, err)
		}
		if _, err := s.SetNotificationPreferences(ctx, "p1", "u1", nil, nil); err != nil {
			t.Fatal(err)
		}
		if muted, err := s.MutedCategories(ctx, []string{"u1"}); err != nil || len(muted) != 0 {
			t.Errorf("MutedCategories of a user who muted none = %v, %v; want none", muted, err)
		}
		if muted, err := s.MutedCategories(ctx, nil); err != nil || len(muted) != 0 {
			t.Errorf("MutedCategories(nil) = %v, %v; want none", muted, err)
		}
	})
}
