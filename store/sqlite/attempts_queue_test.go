package sqlite

import (
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/models"
)

func TestAttemptQueueIsOldestFirstPagedAndFiltered(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	p := "p1"
	// Requests made in reverse id order, so the queue must sort by time.
	type req struct {
		student, cohort string
		area            models.Area
		minute          int
	}
	reqs := []req{{"s5", "c2", "vitals", 5}, {"s4", "c1", "meds", 4}, {"s3", "c2", "vitals", 3}, {"s2", "c1", "vitals", 2}, {"s1", "c1", "vitals", 1}}
	ids := map[string]string{}
	for _, r := range reqs {
		a, ev := attemptRequest(p, r.student, "bp-manual")
		a.CohortID, a.Area, a.RequestedAt = r.cohort, r.area, clk.Now().Add(time.Duration(r.minute)*time.Minute)
		attemptMustCreate(t, s, a, ev)
		ids[r.student] = a.ID
	}
	// Not in the queue: a practice, an evaluated request, another program's.
	practice, pev := attemptRequest(p, "s1", "pulse")
	practice.Kind, practice.Status = models.AttemptPractice, models.StatusPracticed
	attemptMustCreate(t, s, practice, pev)
	done, dev := attemptRequest(p, "s9", "bp-manual")
	attemptMustCreate(t, s, done, dev)
	if _, err := s.EvaluateAttempt(ctx, p, done.ID, 1, models.StatusPassed, attemptEvaluation(models.OutcomePassed)); err != nil {
		t.Fatal(err)
	}
	foreign, fev := attemptRequest("p2", "t1", "bp-manual")
	attemptMustCreate(t, s, foreign, fev)

	students := func(f models.QueueFilter, limit int) []string {
		t.Helper()
		var out []string
		page := models.Page{Limit: limit}
		for range 10 {
			got, err := s.Queue(ctx, p, f, page)
			if err != nil {
				t.Fatalf("Queue(%+v, %+v) = %v", f, page, err)
			}
			if len(got.Items) > limit {
				t.Fatalf("Queue page of %d items; want at most %d", len(got.Items), limit)
			}
			for _, a := range got.Items {
				if a.ID != ids[a.StudentID] {
					t.Fatalf("Queue holds %s of %s; want only waiting requests", a.ID, a.StudentID)
				}
				out = append(out, a.StudentID)
			}
			if got.NextCursor == "" {
				return out
			}
			page.Cursor = got.NextCursor
		}
		t.Fatal("Queue never ended")
		return nil
	}
	tests := []struct {
		name  string
		f     models.QueueFilter
		limit int
		want  []string
	}{
		{"every cohort", models.QueueFilter{}, 50, []string{"s1", "s2", "s3", "s4", "s5"}},
		{"every cohort in pages of 2", models.QueueFilter{}, 2, []string{"s1", "s2", "s3", "s4", "s5"}},
		{"one cohort", models.QueueFilter{CohortIDs: []string{"c1"}}, 1, []string{"s1", "s2", "s4"}},
		{"two cohorts", models.QueueFilter{CohortIDs: []string{"c2", "c1"}}, 2, []string{"s1", "s2", "s3", "s4", "s5"}},
		{"an area", models.QueueFilter{Area: "vitals"}, 2, []string{"s1", "s2", "s3", "s5"}},
		{"a cohort and an area", models.QueueFilter{CohortIDs: []string{"c1"}, Area: "meds"}, 2, []string{"s4"}},
		{"an unknown cohort", models.QueueFilter{CohortIDs: []string{"c9"}}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := students(tt.f, tt.limit); !slices.Equal(got, tt.want) {
				t.Fatalf("Queue(%+v) students = %v; want %v", tt.f, got, tt.want)
			}
		})
	}
	none, err := s.Queue(ctx, p, models.QueueFilter{CohortIDs: []string{}}, models.Page{})
	if err != nil || none.Items == nil || len(none.Items) != 0 || none.NextCursor != "" {
		t.Fatalf("Queue(no cohorts) = %+v, %v; want an empty list", none, err)
	}
	// A page that ends exactly at the last request has no next cursor.
	if got, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Limit: 5}); err != nil || len(got.Items) != 5 || got.NextCursor != "" {
		t.Fatalf("Queue(limit 5) = %d items, cursor %q, %v; want 5 and no cursor", len(got.Items), got.NextCursor, err)
	}
	// A request made after a page was read shows on a later page, none
	// twice.
	first, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	late, lev := attemptRequest(p, "s6", "bp-manual")
	late.RequestedAt = clk.Now().Add(time.Hour)
	attemptMustCreate(t, s, late, lev)
	rest, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Limit: 50, Cursor: first.NextCursor})
	if err != nil || len(rest.Items) != 4 || rest.Items[0].StudentID != "s3" || rest.Items[3].ID != late.ID {
		t.Fatalf("Queue after the first page = %+v, %v; want s3, s4, s5, s6", rest.Items, err)
	}
	for _, bad := range []string{"%%%", "bm90LWpzb24", strings.Repeat("A", 600), encodeCursor(attemptQueueList, attemptQueueKey{}),
		"eyJsIjoidXNlcnMiLCJrIjp7InQiOjEsImkiOiJ4In19"} { // the last: another list's
		_, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Cursor: bad})
		var v *models.ValidationError
		if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "cursor" {
			t.Errorf("Queue(cursor %q) = %v; want a validation problem of cursor", bad, err)
		}
	}
}

// attemptAssertNoScan fails unless query's plan reads through index (and
// never scans a table).
func attemptAssertNoScan(tb testing.TB, db *sql.DB, index, query string, args ...any) {
	tb.Helper()
	whole := skillAssertNoScan(tb, db, query, args...)
	tb.Logf("plan:\n%s", whole)
	if !strings.Contains(whole, "INDEX "+index+" ") {
		tb.Errorf("plan of %s does not use %s:\n%s", query, index, whole)
	}
}

func TestAttemptQueriesReadThroughIndexes(t *testing.T) {
	s, _ := openTest(t)
	// Some rows and fresh statistics, so the planner chooses as it would
	// on a real program.
	for i := range 50 {
		a, ev := attemptRequest("p1", "s"+string(rune('a'+i%26))+string(rune('a'+i/26)), "bp-manual")
		attemptMustCreate(t, s, a, ev)
	}
	if _, err := s.writer.Exec("ANALYZE"); err != nil {
		t.Fatal(err)
	}
	after := &attemptQueueKey{At: 1, ID: "x"}
	cases := []struct {
		name, index string
		query       string
		args        []any
	}{
		{name: "AttemptByEvaluation", index: "attempts_evaluation", query: attemptByEvaluationSQL, args: []any{"e1", "p1"}},
	}
	add := func(name, index, q string, args []any) {
		cases = append(cases, struct {
			name, index string
			query       string
			args        []any
		}{name, index, q, args})
	}
	q, args := attemptQueueSQL("p1", models.QueueFilter{}, nil, 51)
	add("Queue", "attempts_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{Area: "vitals"}, after, 51)
	add("Queue after a cursor, by area", "attempts_area_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{}, after, 51)
	add("Queue after a cursor", "attempts_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{CohortIDs: []string{"c1"}}, after, 51)
	add("Queue of a cohort", "attempts_cohort_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{CohortIDs: []string{"c1", "c2", "c3"}, Area: "vitals"}, nil, 51)
	add("Queue of cohorts", "attempts_cohort_queue", q, args)
	q, args = attemptSkillSQL("p1", []models.StudentSkill{{StudentID: "sa", ChecklistID: "bp-manual"}, {StudentID: "sb", ChecklistID: "pulse"}}, 4001)
	add("SkillAttempts", "attempts_student_skill", q, args)
	q, args = attemptRemediationsSQL("p1", []string{"sa", "sb"})
	add("RemediationsOf", "remediations_student", q, args)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { attemptAssertNoScan(t, s.reader, c.index, c.query, c.args...) })
	}
}
