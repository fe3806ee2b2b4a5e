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

func TestStudentAttemptsAreNewestFirstPagedAndFiltered(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := "p1"
		day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		// Made in an order unlike their times, two at the same instant, so
		// the list must sort by time, then id.
		type made struct {
			name      string
			checklist string
			practice  bool
			at        time.Time
		}
		plan := []made{
			{"b", "bp-manual", true, day.Add(24 * time.Hour)},
			{"a", "bp-manual", true, day},
			{"d", "pulse", false, day.Add(72 * time.Hour)},
			{"c1", "pulse", true, day.Add(48 * time.Hour)},
			{"c2", "bp-manual", true, day.Add(48 * time.Hour)},
		}
		names := map[string]string{}
		for _, m := range plan {
			a, ev := request(p, "s1", m.checklist)
			if m.practice {
				a, ev = practice(p, "s1", m.checklist)
			}
			a.RequestedAt = m.at
			mustAttempt(t, s, a, ev)
			names[a.ID] = m.name
		}
		// Someone else's, and another program's: never listed.
		other, oev := practice(p, "s2", "bp-manual")
		mustAttempt(t, s, other, oev)
		foreign, fev := practice("p2", "s1", "bp-manual")
		mustAttempt(t, s, foreign, fev)

		list := func(f models.AttemptFilter, limit int) []string {
			t.Helper()
			var out []string
			page := models.Page{Limit: limit}
			for range 10 {
				got, err := s.StudentAttempts(ctx, p, "s1", f, page)
				if err != nil {
					t.Fatalf("StudentAttempts(%+v, %+v) = %v", f, page, err)
				}
				if len(got.Items) > limit {
					t.Fatalf("StudentAttempts page of %d; want at most %d", len(got.Items), limit)
				}
				for _, a := range got.Items {
					name, ok := names[a.ID]
					if !ok {
						t.Fatalf("StudentAttempts holds %s of %s in %s; want only s1's in p1", a.ID, a.StudentID, a.ProgramID)
					}
					out = append(out, name)
				}
				if got.NextCursor == "" {
					return out
				}
				page.Cursor = got.NextCursor
			}
			t.Fatal("StudentAttempts never ended")
			return nil
		}
		// c1 and c2 share an instant: ordered by id, newest (larger) first.
		tied := []string{"c1", "c2"}
		if idOf(names, "c1") < idOf(names, "c2") {
			tied = []string{"c2", "c1"}
		}
		all := append(append([]string{"d"}, tied...), "b", "a")
		tests := []struct {
			name  string
			f     models.AttemptFilter
			limit int
			want  []string
		}{
			{"all", models.AttemptFilter{}, 50, all},
			{"all in pages of 2", models.AttemptFilter{}, 2, all},
			{"in pages of 1", models.AttemptFilter{}, 1, all},
			{"a checklist", models.AttemptFilter{ChecklistID: "pulse"}, 1, []string{"d", "c1"}},
			{"a status", models.AttemptFilter{Status: models.StatusRequested}, 2, []string{"d"}},
			{"from a day", models.AttemptFilter{From: day.Add(24 * time.Hour)}, 2, all[:4]},
			{"to a day (exclusive)", models.AttemptFilter{To: day.Add(48 * time.Hour)}, 2, []string{"b", "a"}},
			{"a window and a checklist", models.AttemptFilter{ChecklistID: "bp-manual", From: day.Add(time.Hour), To: day.Add(49 * time.Hour)}, 1, []string{"c2", "b"}},
			{"nothing", models.AttemptFilter{Status: models.StatusPassed}, 2, nil},
		}
		for _, tt := range tests {
			if got := list(tt.f, tt.limit); !slices.Equal(got, tt.want) {
				t.Errorf("StudentAttempts(%s) = %v; want %v", tt.name, got, tt.want)
			}
		}
		// A page that ends at the last attempt has no next cursor.
		if got, err := s.StudentAttempts(ctx, p, "s1", models.AttemptFilter{}, models.Page{Limit: 5}); err != nil || len(got.Items) != 5 || got.NextCursor != "" {
			t.Fatalf("StudentAttempts(limit 5) = %d items, cursor %q, %v; want 5 and no cursor", len(got.Items), got.NextCursor, err)
		}
		// An attempt made after the first page was read comes on no later
		// page (they go back in time), and none is listed twice.
		first, err := s.StudentAttempts(ctx, p, "s1", models.AttemptFilter{}, models.Page{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		late, lev := practice(p, "s1", "pulse")
		late.RequestedAt = day.Add(96 * time.Hour)
		mustAttempt(t, s, late, lev)
		rest, err := s.StudentAttempts(ctx, p, "s1", models.AttemptFilter{}, models.Page{Limit: 50, Cursor: first.NextCursor})
		if err != nil || len(rest.Items) != 3 || names[rest.Items[0].ID] != all[2] {
			t.Fatalf("StudentAttempts after the first page = %+v, %v; want %v", rest.Items, err, all[2:])
		}
		// Cursors it did not make: garbage, forged JSON, too long, another list's.
		queue, err := s.Queue(ctx, p, models.QueueFilter{}, models.Page{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		requestAnother, rev := request(p, "s3", "bp-manual")
		mustAttempt(t, s, requestAnother, rev)
		queue, err = s.Queue(ctx, p, models.QueueFilter{}, models.Page{Limit: 1})
		if err != nil || queue.NextCursor == "" {
			t.Fatalf("Queue(limit 1) = %+v, %v; want a next cursor", queue, err)
		}
		for _, bad := range []string{"zzzz", "%%%", "bm90LWpzb24", "eyJsIjoic3R1ZGVudC1hdHRlbXB0cyJ9", strings.Repeat("A", 600), queue.NextCursor} {
			_, err := s.StudentAttempts(ctx, p, "s1", models.AttemptFilter{}, models.Page{Cursor: bad})
			var v *models.ValidationError
			if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "cursor" {
				t.Errorf("StudentAttempts(cursor %q) = %v; want a validation problem of cursor", bad, err)
			}
		}
	})
}

// idOf is the id named name in names.
func idOf(names map[string]string, name string) string {
	for id, n := range names {
		if n == name {
			return id
		}
	}
	return ""
}
