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

func TestQueueIsOldestFirstPagedAndFiltered(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
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
			a, ev := request(p, r.student, "bp-manual")
			a.CohortID, a.Area, a.RequestedAt = r.cohort, r.area, clk.Now().Add(time.Duration(r.minute)*time.Minute)
			mustAttempt(t, s, a, ev)
			ids[r.student] = a.ID
		}
		// Not in the queue: a practice, an evaluated request, another program's.
		prac, pev := practice(p, "s1", "pulse")
		mustAttempt(t, s, prac, pev)
		done, dev := request(p, "s9", "bp-manual")
		mustAttempt(t, s, done, dev)
		if _, err := s.EvaluateAttempt(ctx, p, done.ID, 1, models.StatusPassed, evaluation(models.OutcomePassed)); err != nil {
			t.Fatal(err)
		}
		foreign, fev := request("p2", "t1", "bp-manual")
		mustAttempt(t, s, foreign, fev)

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
			if got := students(tt.f, tt.limit); !slices.Equal(got, tt.want) {
				t.Errorf("Queue(%s) students = %v; want %v", tt.name, got, tt.want)
			}
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
		late, lev := request(p, "s6", "bp-manual")
		late.RequestedAt = clk.Now().Add(time.Hour)
		mustAttempt(t, s, late, lev)
		rest, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Limit: 50, Cursor: first.NextCursor})
		if err != nil || len(rest.Items) != 4 || rest.Items[0].StudentID != "s3" || rest.Items[3].ID != late.ID {
			t.Fatalf("Queue after the first page = %+v, %v; want s3, s4, s5, s6", rest.Items, err)
		}
		program := newProgram(t, s)
		invite(t, s, program, "u1@example.com", models.RoleAdmin)
		invite(t, s, program, "u2@example.com", models.RoleAdmin)
		users, _ := s.Users(ctx, program, models.UserFilter{}, models.Page{Limit: 1})
		for _, bad := range []string{"%%%", "bm90LWpzb24", strings.Repeat("A", 600), users.NextCursor} { // the last: another list's
			_, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Cursor: bad})
			var v *models.ValidationError
			if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "cursor" {
				t.Errorf("Queue(cursor %q) = %v; want a validation problem of cursor", bad, err)
			}
		}
	})
}
