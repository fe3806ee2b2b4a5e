package sqlite

import (
	"database/sql"
	"regexp"
	"strings"
	"testing"

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
