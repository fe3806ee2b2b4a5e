package sqlite

import (
	"database/sql"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/models"
	"skillbook/notify"
	"skillbook/workflow"
)

// The notices' part of the store contract (checked here rather than in the
// package: workflow links the MongoDB engine through exportjob today).
var (
	_ workflow.DeviceStore           = (*Store)(nil)
	_ workflow.FeedStore             = (*Store)(nil)
	_ workflow.NotificationReadStore = (*Store)(nil)
	_ workflow.PreferenceStore       = (*Store)(nil)
	_ workflow.AuditStore            = (*Store)(nil)
	_ notify.Outbox                  = (*Store)(nil)
)

func noticeNote(userID, category string) models.Notification {
	return models.Notification{UserID: userID, Category: category, Title: "T " + userID, Body: "B",
		Data: map[string]string{"screen": "queue"}}
}

// noticeRecord records events (and queues their notifications) as a
// use case's write does.
func noticeRecord(tb testing.TB, s *Store, events ...models.Event) {
	tb.Helper()
	if err := s.write(tb.Context(), func(tx *sql.Tx) error { return s.recordEvents(tb.Context(), tx, events...) }); err != nil {
		tb.Fatalf("recordEvents = %v", err)
	}
}

func noticeFeed(t *testing.T, s *Store, programID, userID string, f models.FeedFilter, page models.Page) models.List[models.FeedItem] {
	t.Helper()
	l, err := s.Notifications(t.Context(), programID, userID, f, page)
	if err != nil {
		t.Fatalf("Notifications(%s) = %v", userID, err)
	}
	return l
}

// noticeScan matches a plan step that reads a whole table (or a whole
// index of it) rather than searching it.
var noticeScan = regexp.MustCompile(`^SCAN (\S+)`)

// noticePlan is the query plan of query, one detail per step.
func noticePlan(tb testing.TB, db *sql.DB, query string, args ...any) []string {
	tb.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatalf("EXPLAIN QUERY PLAN %s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return plan
}

// noticeAssertNoScan fails when query's plan scans a table (a JSON list of
// ids passed in, json_each, is not one).
func noticeAssertNoScan(tb testing.TB, db *sql.DB, query string, args ...any) {
	tb.Helper()
	plan := noticePlan(tb, db, query, args...)
	for _, step := range plan {
		if m := noticeScan.FindStringSubmatch(step); m != nil && m[1] != "json_each" {
			tb.Errorf("plan of %s\n  scans: %q (plan %q)", query, step, plan)
		}
	}
}

// noticeAssertNoSort fails when query's plan sorts rows an index should
// give in order (a page would sort everything its filter selects).
func noticeAssertNoSort(tb testing.TB, db *sql.DB, query string, args ...any) {
	tb.Helper()
	plan := noticePlan(tb, db, query, args...)
	for _, step := range plan {
		if strings.Contains(step, "TEMP B-TREE") {
			tb.Errorf("plan of %s\n  sorts: %q (plan %q)", query, step, plan)
		}
	}
}

func TestNoticeRecordQueuesEachNotificationOnce(t *testing.T) {
	s, _ := openTest(t)
	e := models.Event{ID: newID(), Type: "evaluation.requested", ProgramID: "p1",
		Notify: []models.Notification{noticeNote("u1", "evaluation-requests"), noticeNote("u2", "evaluation-requests"), noticeNote("u2", "evaluation-requests")}}
	for range 2 { // a repeated write
		noticeRecord(t, s, e)
	}
	e.Notify = append(e.Notify, noticeNote("u3", "evaluation-requests"))
	noticeRecord(t, s, e)
	for _, u := range []string{"u1", "u2", "u3"} {
		got := noticeFeed(t, s, "p1", u, models.FeedFilter{}, models.Page{})
		if len(got.Items) != 1 || got.Items[0].Push != models.PushPending {
			t.Errorf("feed of %s = %+v; want one pending notification", u, got.Items)
			continue
		}
		it := got.Items[0]
		if it.Title != "T "+u || it.Data["screen"] != "queue" || it.Read || it.ReadAt != nil || !it.CreatedAt.Equal(testEpoch) {
			t.Errorf("feed item of %s = %+v", u, it)
		}
	}
	if got := noticeFeed(t, s, "other-program", "u1", models.FeedFilter{}, models.Page{}); len(got.Items) != 0 {
		t.Errorf("feed of u1 in another program = %+v; want none", got.Items)
	}
	if n, err := s.PendingPushes(t.Context()); err != nil || n != 3 {
		t.Errorf("PendingPushes = %d, %v; want 3", n, err)
	}
}

func TestNoticeFeedOrdersPagesAndMarksRead(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	var ids []string // oldest first
	for range 5 {
		noticeRecord(t, s, models.Event{ID: newID(), ProgramID: "p1", Notify: []models.Notification{noticeNote("u1", "assignments")}})
		l := noticeFeed(t, s, "p1", "u1", models.FeedFilter{}, models.Page{Limit: 1})
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
			l := noticeFeed(t, s, "p1", "u1", f, page)
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
	if l := noticeFeed(t, s, "p1", "u1", models.FeedFilter{}, models.Page{Limit: 5}); l.NextCursor != "" {
		t.Errorf("a page holding the whole feed has a next cursor %q", l.NextCursor)
	}
	newest := noticeFeed(t, s, "p1", "u1", models.FeedFilter{}, models.Page{Limit: 1}).NextCursor
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
}

func TestNoticePreferencesIfMatch(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
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
}

// TestNoticeQueriesUseIndexes checks the plans of the notices' hot
// queries: none reads a table that grows with the program.
func TestNoticeQueriesUseIndexes(t *testing.T) {
	s, _ := openTest(t)
	ids := `["u1","u2"]`
	after := &noticeFeedKey{At: 1, ID: "x"}
	type query struct {
		name, sql string
		args      []any
	}
	// Sorting these is bounded: a user's few devices.
	sortsFew := map[string]bool{"surplus devices": true}
	qs := []query{
		{"claim", claimSQL, []any{"w", 2, 1, 1, 50}},
		{"devices of users", devicesOfSQL, []any{ids, 40}},
		{"muted categories", `SELECT user_id, muted FROM notification_prefs WHERE user_id IN (SELECT value FROM json_each(?))`, []any{ids}},
		{"queued reminders", `SELECT id FROM notifications WHERE id IN (SELECT value FROM json_each(?))`, []any{ids}},
		{"mark all read", `UPDATE notifications SET read = 1, read_at = ?, version = version + 1
			WHERE user_id = ? AND read = 0 AND program_id = ?`, []any{1, "u1", "p1"}},
		{"surplus devices", `DELETE FROM devices WHERE token IN (
				SELECT token FROM devices WHERE user_id = ? ORDER BY refreshed_at DESC, token LIMIT -1 OFFSET ?)`, []any{"u1", 10}},
		{"stale devices of a user", `DELETE FROM devices WHERE user_id = ? AND refreshed_at < ?`, []any{"u1", 1}},
		{"stale devices", `DELETE FROM devices WHERE refreshed_at < ?`, []any{1}},
	}
	for _, unread := range []bool{false, true} {
		for _, read := range []bool{false, true} {
			for _, a := range []*noticeFeedKey{nil, after} {
				if unread && read {
					continue
				}
				q, args := feedQuery("p1", "u1", unread, read, a, 51)
				qs = append(qs, query{"feed", q, args})
			}
		}
	}
	// Each filter walks the index of its most selective column.
	filters := []struct {
		f     models.AuditFilter
		index string
	}{
		{models.AuditFilter{}, "events_program_at"},
		{models.AuditFilter{ActorID: "a"}, "events_actor_at"},
		{models.AuditFilter{StudentID: "s"}, "events_student_at"},
		{models.AuditFilter{Subject: "attempt"}, "events_kind_at"},
		{models.AuditFilter{SubjectID: "x"}, "events_subject_at"},
		{models.AuditFilter{Type: "user.updated"}, "events_type_at"},
		{models.AuditFilter{SubjectID: "x", Type: "user.updated"}, "events_subject_at"},
		{models.AuditFilter{Subject: "user", SubjectID: "x"}, "events_subject_at"},
		{models.AuditFilter{ActorID: "a", StudentID: "s"}, "events_student_at"},
		{models.AuditFilter{ActorID: "a", Type: "user.updated", Subject: "user"}, "events_actor_at"},
		{models.AuditFilter{ActorID: "a", StudentID: "s", Subject: "attempt", SubjectID: "x", Type: "attempt.signed"}, "events_subject_at"},
	}
	for _, c := range filters {
		for _, a := range []*auditKey{nil, {At: 1, ID: "x"}} {
			q, args := auditQuery("p1", c.f, a, 51)
			qs = append(qs, query{"audit", q, args})
			if plan := strings.Join(noticePlan(t, s.writer, q, args...), "; "); !strings.Contains(plan, "INDEX "+c.index+" ") {
				t.Errorf("audit plan of %+v = %q; want %s", c.f, plan, c.index)
			}
		}
	}
	for _, q := range qs {
		t.Run(q.name, func(t *testing.T) {
			noticeAssertNoScan(t, s.writer, q.sql, q.args...)
			if !sortsFew[q.name] {
				noticeAssertNoSort(t, s.writer, q.sql, q.args...)
			}
		})
	}
	// The surplus devices of a user come from their own index, in order.
	if plan := strings.Join(noticePlan(t, s.writer, qs[5].sql, qs[5].args...), "; "); !strings.Contains(plan, "devices_user") {
		t.Errorf("surplus devices plan %q; want devices_user", plan)
	}
	if plan := strings.Join(noticePlan(t, s.writer, claimSQL, "w", 2, 1, 1, 50), "; "); !strings.Contains(plan, "notifications_due") {
		t.Errorf("claim plan %q; want notifications_due", plan)
	}
}
