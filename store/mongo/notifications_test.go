package mongo_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

func note(userID, category string) models.Notification {
	return models.Notification{UserID: userID, Category: category, Title: "T " + userID, Body: "B",
		Data: map[string]string{"screen": "queue"}}
}

func feed(t *testing.T, s *mongo.Store, programID, userID string, f mongo.FeedFilter, page models.Page) models.List[models.FeedItem] {
	t.Helper()
	l, err := s.Notifications(context.Background(), programID, userID, f, page)
	if err != nil {
		t.Fatalf("Notifications(%s) = %v", userID, err)
	}
	return l
}

func TestRelayQueuesEachNotificationOnce(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	e := models.Event{ID: mongo.NewID(), Type: "evaluation.requested", ProgramID: "p1",
		Notify: []models.Notification{note("u1", "evaluation-requests"), note("u2", "evaluation-requests"), note("u2", "evaluation-requests")}}
	for range 2 { // a relay repeated after a crash
		if err := s.EnqueueNotifications(ctx, e); err != nil {
			t.Fatalf("EnqueueNotifications = %v", err)
		}
	}
	e.Notify = append(e.Notify, note("u3", "evaluation-requests"))
	if err := s.EnqueueNotifications(ctx, e); err != nil {
		t.Fatalf("EnqueueNotifications with a new recipient = %v", err)
	}
	for _, u := range []string{"u1", "u2", "u3"} {
		if got := feed(t, s, "p1", u, mongo.FeedFilter{}, models.Page{}); len(got.Items) != 1 || got.Items[0].Push != models.PushPending {
			t.Errorf("feed of %s = %+v; want one pending notification", u, got.Items)
		}
	}
	if got := feed(t, s, "other-program", "u1", mongo.FeedFilter{}, models.Page{}); len(got.Items) != 0 {
		t.Errorf("feed of u1 in another program = %+v; want none", got.Items)
	}
	if n, err := s.PendingPushes(ctx); err != nil || n != 3 {
		t.Errorf("PendingPushes = %d, %v; want 3", n, err)
	}
}

func TestStateChangeQueuesItsNotifications(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
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
	if _, err := s.RelayPending(ctx, 100); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"s1", "s2"} {
		if got := feed(t, s, "p1", u, mongo.FeedFilter{}, models.Page{}); len(got.Items) != 1 || got.Items[0].Category != "assignments" {
			t.Errorf("feed of %s = %+v; want the one assignment notification", u, got.Items)
		}
	}
}

func TestFeedOrdersPagesAndMarksRead(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := storetest.NewWithClock(t, clk)
	ctx := context.Background()
	var ids []string // oldest first
	for range 5 {
		e := models.Event{ID: mongo.NewID(), ProgramID: "p1", Notify: []models.Notification{note("u1", "assignments")}}
		if err := s.EnqueueNotifications(ctx, e); err != nil {
			t.Fatal(err)
		}
		l := feed(t, s, "p1", "u1", mongo.FeedFilter{}, models.Page{Limit: 1})
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

	walk := func(f mongo.FeedFilter) []string {
		var got []string
		page := models.Page{Limit: 2}
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
	if got, want := walk(models.FeedFilter{Order: models.FeedNewest}), []string{ids[4], ids[3], ids[2], ids[1], ids[0]}; !slices.Equal(got, want) {
		t.Errorf("newest first = %v; want %v", got, want)
	}
	if got, want := walk(models.FeedFilter{Order: models.FeedUnreadFirst}), []string{ids[3], ids[2], ids[0], ids[4], ids[1]}; !slices.Equal(got, want) {
		t.Errorf("unread first = %v; want %v", got, want)
	}
	if got, want := walk(mongo.FeedFilter{UnreadOnly: true}), []string{ids[3], ids[2], ids[0]}; !slices.Equal(got, want) {
		t.Errorf("unread only = %v; want %v", got, want)
	}
	if _, err := s.Notifications(ctx, "p1", "u1", models.FeedFilter{Order: models.FeedUnreadFirst}, models.Page{Cursor: feed(t, s, "p1", "u1", mongo.FeedFilter{}, models.Page{Limit: 1}).NextCursor}); err == nil {
		t.Error("a cursor of the newest-first feed was accepted by the unread-first feed")
	}

	n, err := s.MarkAllNotificationsRead(ctx, "p1", "u1", readAt)
	if err != nil || n != 3 {
		t.Errorf("MarkAllNotificationsRead = %d, %v; want 3", n, err)
	}
	if got := walk(mongo.FeedFilter{UnreadOnly: true}); len(got) != 0 {
		t.Errorf("unread after read-all = %v", got)
	}
}

func TestClaimPushesLeasesEachOnce(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := storetest.NewWithClock(t, clk)
	ctx := context.Background()
	e := models.Event{ID: mongo.NewID(), ProgramID: "p1"}
	for _, u := range []string{"u1", "u2", "u3", "u4", "u5"} {
		e.Notify = append(e.Notify, note(u, "assignments"))
	}
	if err := s.EnqueueNotifications(ctx, e); err != nil {
		t.Fatal(err)
	}
	a, err := s.ClaimPushes(ctx, "A", 3, time.Minute)
	if err != nil || len(a) != 3 {
		t.Fatalf("ClaimPushes(A) = %d, %v; want 3", len(a), err)
	}
	b, err := s.ClaimPushes(ctx, "B", 10, 100*time.Millisecond)
	if err != nil || len(b) != 2 {
		t.Fatalf("ClaimPushes(B) = %d, %v; want the 2 left", len(b), err)
	}
	if more, _ := s.ClaimPushes(ctx, "C", 10, time.Minute); len(more) != 0 {
		t.Fatalf("ClaimPushes(C) while all are leased = %d; want 0", len(more))
	}
	// A finishes one, reschedules one for now, and has lost none.
	if err := s.FinishPush(ctx, "A", a[0].ID, models.PushOutcome{State: models.PushSent, Attempts: 1, Delivered: []string{"tok"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishPush(ctx, "A", a[1].ID, models.PushOutcome{State: models.PushPending, Attempts: 1,
		NextAttemptAt: clk.Now().Add(-time.Second), Error: "UNAVAILABLE"}); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishPush(ctx, "B", a[2].ID, models.PushOutcome{State: models.PushSent}); !errors.Is(err, models.ErrConflict) {
		t.Errorf("FinishPush by a worker without the lease = %v; want ErrConflict", err)
	}
	st, err := s.PushStatus(ctx, a[0].ID)
	if err != nil || st.State != models.PushSent || !slices.Equal(st.Delivered, []string{"tok"}) || st.Attempts != 1 {
		t.Errorf("PushStatus = %+v, %v", st, err)
	}
	// B's lease expires: its two, and A's rescheduled one, are claimable again.
	clk.Advance(100 * time.Millisecond)
	c, err := s.ClaimPushes(ctx, "C", 10, time.Minute)
	if err != nil || len(c) != 3 {
		t.Fatalf("ClaimPushes after B's lease expired = %d, %v; want 3", len(c), err)
	}
	if c[0].Attempts+c[1].Attempts+c[2].Attempts != 1 {
		t.Errorf("attempts of the reclaimed = %d %d %d; want one retried", c[0].Attempts, c[1].Attempts, c[2].Attempts)
	}
	if err := s.FinishPush(ctx, "B", b[0].ID, models.PushOutcome{State: models.PushSent}); !errors.Is(err, models.ErrConflict) {
		t.Errorf("FinishPush with an expired, taken-over lease = %v; want ErrConflict", err)
	}
}

func TestDevicesRegisterRefreshMoveAndPrune(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := storetest.NewWithClock(t, clk)
	ctx := context.Background()
	reg := func(token, user string) (models.Device, bool) {
		t.Helper()
		d, created, err := s.RegisterDevice(ctx, models.Device{Token: token, ProgramID: "p1", UserID: user, Platform: models.PlatformAndroid, AppVersion: "1.0"})
		if err != nil {
			t.Fatalf("RegisterDevice(%s, %s) = %v", token, user, err)
		}
		return d, created
	}
	tokens := func(user string) []string {
		t.Helper()
		ds, err := s.DevicesOf(ctx, []string{user})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range ds {
			out = append(out, d.Token)
		}
		slices.Sort(out)
		return out
	}
	d1, created := reg("tok-a", "u1")
	if !created || d1.UserID != "u1" || d1.CreatedAt.IsZero() {
		t.Fatalf("first registration = %+v, created %v", d1, created)
	}
	clk.Advance(time.Millisecond)
	d2, created := reg("tok-a", "u1")
	if created || !d2.RefreshedAt.After(d1.RefreshedAt) || !d2.CreatedAt.Equal(d1.CreatedAt) {
		t.Errorf("registering again = %+v, created %v; want refreshed", d2, created)
	}
	reg("tok-a", "u2") // the phone changed hands
	if got := tokens("u1"); len(got) != 0 {
		t.Errorf("u1's devices after the move = %v; want none", got)
	}
	if err := s.RemoveDevice(ctx, "p1", "u1", "tok-a"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("RemoveDevice of a token another user holds = %v; want ErrNotFound", err)
	}
	if err := s.RemoveDevice(ctx, "p1", "u2", "tok-a"); err != nil {
		t.Errorf("RemoveDevice = %v", err)
	}

	for i := range models.MaxDevicesPerUser + 2 {
		reg(string(rune('a'+i))+"-tok", "u3")
		clk.Advance(time.Millisecond)
	}
	got := tokens("u3")
	if len(got) != models.MaxDevicesPerUser || slices.Contains(got, "a-tok") || slices.Contains(got, "b-tok") {
		t.Errorf("u3's devices = %v; want the newest %d", got, models.MaxDevicesPerUser)
	}

	n, err := s.PruneStaleDevices(ctx, clk.Now().Add(time.Hour))
	if err != nil || n != int64(models.MaxDevicesPerUser) {
		t.Errorf("PruneStaleDevices = %d, %v; want %d", n, err, models.MaxDevicesPerUser)
	}
	if dropped, err := s.DropDevice(ctx, "c-tok"); err != nil || dropped {
		t.Errorf("DropDevice of a pruned token = %v, %v; want false", dropped, err)
	}
}

func TestNotificationPreferencesIfMatch(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p, err := s.NotificationPreferences(ctx, "p1", "u1")
	if err != nil || p.Version != 0 || len(p.MutedCategories) != 0 {
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
	muted, err := s.MutedCategories(ctx, []string{"u1", "u2", "u3"})
	if err != nil || !slices.Equal(muted["u1"], []string{"remediation"}) || !slices.Equal(muted["u2"], []string{"assignments"}) || muted["u3"] != nil {
		t.Errorf("MutedCategories = %v, %v", muted, err)
	}
}

func TestRemindersQueueOnceAndDueAssignments(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	for _, due := range []string{"2026-03-01", "2026-03-05", "2026-03-09", ""} {
		a := models.Assignment{ProgramID: "p1", ChecklistID: "cl-" + due, ChecklistVersion: 1, CohortID: "c1", DueDate: due}
		if _, _, err := storetest.CreateAssignment(ctx, s, models.SystemActor, a, nil); err != nil {
			t.Fatal(err)
		}
	}
	due, err := s.DueAssignments(ctx, "2026-03-02", "2026-03-09")
	if err != nil || len(due) != 2 || due[0].DueDate != "2026-03-05" || due[1].DueDate != "2026-03-09" {
		t.Errorf("DueAssignments = %+v, %v; want the two due from the 2nd to the 9th", due, err)
	}
	r := models.Reminder{ID: "rem-asg-s1-due-soon", ProgramID: "p1", Notification: note("s1", "reminders")}
	for i, want := range []int{1, 0} {
		n, err := s.QueueReminders(ctx, []models.Reminder{r})
		if err != nil || n != want {
			t.Errorf("QueueReminders #%d = %d, %v; want %d", i+1, n, err, want)
		}
	}
	queued, err := s.QueuedReminders(ctx, []string{r.ID, "rem-asg-s2-due-soon"})
	if err != nil || !queued[r.ID] || queued["rem-asg-s2-due-soon"] {
		t.Errorf("QueuedReminders = %v, %v", queued, err)
	}
}

func TestSaveDeviceKeepsTheNewestAndDropsStaleOnes(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	start := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	save := func(token string, at time.Time, keep int, staleBefore time.Time) bool {
		t.Helper()
		d, created, err := s.SaveDevice(ctx, models.Device{Token: token, ProgramID: "p1", UserID: "u1", Platform: models.PlatformWeb, RefreshedAt: at},
			keep, staleBefore)
		if err != nil || !d.RefreshedAt.Equal(at) {
			t.Fatalf("SaveDevice(%s) = %+v, %v; want refreshed at %v", token, d, err, at)
		}
		return created
	}
	for i, tok := range []string{"old", "mid", "new"} {
		if !save(tok, start.Add(time.Duration(i)*time.Hour), 3, time.Time{}) {
			t.Errorf("SaveDevice(%s) was not new", tok)
		}
	}
	if save("new", start.Add(3*time.Hour), 2, start.Add(30*time.Minute)) {
		t.Error("SaveDevice of a known token reported it new")
	}
	ds, err := s.DevicesOf(ctx, []string{"u1"})
	var got []string
	for _, d := range ds {
		got = append(got, d.Token)
	}
	slices.Sort(got)
	if err != nil || !slices.Equal(got, []string{"mid", "new"}) {
		t.Errorf("devices = %v, %v; want the stale one dropped and 2 kept", got, err)
	}
	save("newest", start.Add(4*time.Hour), 1, time.Time{})
	if ds, err := s.DevicesOf(ctx, []string{"u1"}); err != nil || len(ds) != 1 || ds[0].Token != "newest" {
		t.Errorf("devices after keeping 1 = %+v, %v; want the newest", ds, err)
	}
}
