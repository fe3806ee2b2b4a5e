package contract_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

func TestCreateRemediationKeepsWhatTheCallerMade(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		r := models.Remediation{ID: newID(), ProgramID: p, StudentID: "ann", ChecklistID: "bp-manual", Plan: "Practise twice",
			DueDate: "2026-12-15", CreatedBy: "adm", CreatedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
		planned := models.Event{Type: models.EventRemediationPlanned, ProgramID: p, Actor: admin,
			Subject: "remediation", SubjectID: r.ID, StudentID: "ann", Summary: "planned",
			Notify: []models.Notification{{UserID: "ann", Category: "remediation", Title: "Remediation plan"}}}
		got, err := s.CreateRemediation(ctx, r, planned)
		if err != nil || got != r {
			t.Fatalf("CreateRemediation = %+v, %v; want %+v", got, err, r)
		}
		plans, err := s.RemediationsOf(ctx, p, []string{"ann"})
		if err != nil || len(plans) != 1 || plans[0] != r {
			t.Fatalf("RemediationsOf = %+v, %v; want the plan as made", plans, err)
		}
		if got := auditTypes(t, s, p, r.ID); !slices.Equal(got, []string{"remediation.planned"}) {
			t.Fatalf("audit = %v; want remediation.planned", got)
		}
		if n := notified(t, s, p, "ann"); n != 1 {
			t.Fatalf("notifications = %d; want the student's one", n)
		}
		if _, err := s.CreateRemediation(ctx, r, planned); !errors.Is(err, models.ErrConflict) {
			t.Fatalf("CreateRemediation(a used id) = %v; want ErrConflict", err)
		}
		if e, n := len(auditOf(t, s, p, "")), notified(t, s, p, "ann"); e != 1 || n != 1 {
			t.Fatalf("after a refused plan: events, notifications = %d, %d; want 1, 1", e, n)
		}
	})
}

func TestRemediationsOfAreTheStudentsOnly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		mk := func(program, student, checklist string, day int) models.Remediation {
			t.Helper()
			r := models.Remediation{ID: newID(), ProgramID: program, StudentID: student, ChecklistID: checklist, Plan: "Practise",
				CreatedBy: "adm", CreatedAt: time.Date(2026, 12, day, 9, 0, 0, 0, time.UTC)}
			if _, err := s.CreateRemediation(ctx, r, models.Event{Type: models.EventRemediationPlanned, ProgramID: program,
				Actor: admin, Subject: "remediation", SubjectID: r.ID, StudentID: student}); err != nil {
				t.Fatal(err)
			}
			return r
		}
		annLater := mk("p1", "ann", "pulse", 3)
		annFirst := mk("p1", "ann", "bp-manual", 2)
		bob := mk("p1", "bob", "bp-manual", 1)
		mk("p1", "cal", "bp-manual", 1)
		mk("p2", "ann", "bp-manual", 1)
		got, err := s.RemediationsOf(ctx, "p1", []string{"bob", "ann"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range got {
			ids = append(ids, r.ID)
		}
		if want := []string{annFirst.ID, annLater.ID, bob.ID}; !slices.Equal(ids, want) {
			t.Fatalf("RemediationsOf(bob, ann) = %v; want %v (each student's oldest first)", ids, want)
		}
		if got, err := s.RemediationsOf(ctx, "p1", nil); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("RemediationsOf(none) = %v, %v; want an empty list", got, err)
		}
	})
}
