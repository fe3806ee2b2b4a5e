package contract_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

func TestAuditFiltersAndPagesNewestFirst(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		admin := models.Actor{UserID: "admin-1", Name: "Admin", Role: models.RoleAdmin, RequestID: "req-1"}
		ina := models.Actor{UserID: "ins-1", Name: "Ina", Role: models.RoleInstructor, RequestID: "req-2"}
		type ev struct {
			id      string
			actor   models.Actor
			typ     models.EventType
			subject string
			subID   string
			student string
			program string
		}
		// Oldest first; e3 and e4 share a millisecond.
		evs := []ev{
			{"e1", admin, models.EventUserInvited, "user", "s1", "s1", "p1"},
			{"e2", admin, models.EventUserInvited, "user", "s2", "s2", "p1"},
			{"e3", ina, models.EventEvaluationSigned, "attempt", "a1", "s1", "p1"},
			{"e4", ina, models.EventEvaluationSigned, "attempt", "a2", "s2", "p1"},
			{"e5", admin, "user.updated", "user", "s1", "s1", "p1"},
			{"e6", admin, models.EventCohortCreated, "cohort", "c1", "", "p1"},
			{"e7", admin, "user.updated", "user", "s1", "s1", "p2"},
		}
		for i, e := range evs {
			if i != 3 {
				clk.Advance(time.Millisecond)
			}
			record(t, s, models.Event{ID: e.id, Type: e.typ, ProgramID: e.program, Actor: e.actor, Subject: e.subject,
				SubjectID: e.subID, StudentID: e.student, Summary: "summary " + e.id, Data: map[string]string{"n": e.id},
				Notify: []models.Notification{note("x", "assignments")}})
		}

		list, err := s.Audit(ctx, "p1", models.AuditFilter{StudentID: "s1"}, models.Page{})
		if err != nil || len(list.Items) != 3 || list.NextCursor != "" {
			t.Fatalf("Audit(student s1) = %+v, %v; want 3 entries on one page", list, err)
		}
		if e := list.Items[2]; e.ID != "e1" || e.Type != models.EventUserInvited || e.Actor != admin || e.SubjectID != "s1" || e.Subject != "user" ||
			e.StudentID != "s1" || e.ProgramID != "p1" || e.Summary != "summary e1" || e.Data["n"] != "e1" || e.Notify != nil ||
			!e.At.Equal(epoch.Add(time.Millisecond)) {
			t.Errorf("audit entry = %+v", e)
		}

		cases := []struct {
			f    models.AuditFilter
			want []string
		}{
			{models.AuditFilter{}, []string{"e6", "e5", "e4", "e3", "e2", "e1"}},
			{models.AuditFilter{ActorID: "ins-1"}, []string{"e4", "e3"}},
			{models.AuditFilter{ActorID: "admin-1"}, []string{"e6", "e5", "e2", "e1"}},
			{models.AuditFilter{StudentID: "s2"}, []string{"e4", "e2"}},
			{models.AuditFilter{Subject: "user"}, []string{"e5", "e2", "e1"}},
			{models.AuditFilter{SubjectID: "s1"}, []string{"e5", "e1"}},
			{models.AuditFilter{SubjectID: "s1", Type: "user.updated"}, []string{"e5"}},
			{models.AuditFilter{Type: models.EventEvaluationSigned}, []string{"e4", "e3"}},
			{models.AuditFilter{Subject: "attempt", StudentID: "s1"}, []string{"e3"}},
			{models.AuditFilter{ActorID: "ins-1", StudentID: "s2", Subject: "attempt", SubjectID: "a2", Type: models.EventEvaluationSigned}, []string{"e4"}},
			{models.AuditFilter{ActorID: "admin-1", Type: models.EventEvaluationSigned}, nil},
			{models.AuditFilter{StudentID: "nobody"}, nil},
		}
		for _, c := range cases {
			for _, limit := range []int{1, 2, 50} {
				var got []string
				page := models.Page{Limit: limit}
				for pages := 0; ; pages++ {
					l, err := s.Audit(ctx, "p1", c.f, page)
					if err != nil || pages > 10 {
						t.Fatalf("Audit(%+v, %+v) = %v after %d pages", c.f, page, err, pages)
					}
					if l.Items == nil {
						t.Errorf("Audit(%+v) items = nil; want a list", c.f)
					}
					for _, e := range l.Items {
						got = append(got, e.ID)
					}
					if l.NextCursor == "" {
						break
					}
					page.Cursor = l.NextCursor
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("Audit(%+v) by %d = %v; want %v", c.f, limit, got, c.want)
				}
			}
		}

		if other, err := s.Audit(ctx, "another-program", models.AuditFilter{}, models.Page{}); err != nil || len(other.Items) != 0 {
			t.Errorf("Audit(other program) = %d entries, %v; want none", len(other.Items), err)
		}
		if l, err := s.Audit(ctx, "p2", models.AuditFilter{SubjectID: "s1"}, models.Page{}); err != nil || len(l.Items) != 1 || l.Items[0].ID != "e7" {
			t.Errorf("Audit(p2) = %+v, %v; want e7 only", l.Items, err)
		}
		if _, err := s.Audit(ctx, "", models.AuditFilter{}, models.Page{}); err == nil {
			t.Error("Audit without a program = nil error; want one")
		}
		feedCursor := feed(t, s, "p1", "x", models.FeedFilter{Order: models.FeedNewest}, models.Page{Limit: 1}).NextCursor
		for _, c := range []string{"%%%", "AAAA", feedCursor} {
			_, err := s.Audit(ctx, "p1", models.AuditFilter{}, models.Page{Cursor: c})
			var v *models.ValidationError
			if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "cursor" {
				t.Errorf("Audit with cursor %q = %v; want a validation problem of cursor", c, err)
			}
		}
	})
}

// TestAuditPagesStayStableWhileTheTrailGrows: a page walk started before
// new entries are appended neither repeats nor skips an entry.
func TestAuditPagesStayStableWhileTheTrailGrows(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		var want []string
		for i := range 5 {
			e := models.Event{ID: fmt.Sprintf("e%d", i), Type: models.EventCohortCreated, ProgramID: "p1", Subject: "cohort", SubjectID: "c"}
			record(t, s, e)
			want = append([]string{e.ID}, want...)
			clk.Advance(time.Millisecond)
		}
		first, err := s.Audit(ctx, "p1", models.AuditFilter{}, models.Page{Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		record(t, s, models.Event{ID: "late", Type: models.EventCohortCreated, ProgramID: "p1", Subject: "cohort", SubjectID: "c"})
		got := []string{first.Items[0].ID, first.Items[1].ID}
		page := models.Page{Limit: 2, Cursor: first.NextCursor}
		for page.Cursor != "" {
			l, err := s.Audit(ctx, "p1", models.AuditFilter{}, page)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range l.Items {
				got = append(got, e.ID)
			}
			page.Cursor = l.NextCursor
		}
		if !slices.Equal(got, want) {
			t.Errorf("walk = %v; want %v", got, want)
		}
	})
}
