package notify_test

import (
	"context"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/models"
	"skillbook/notify"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

func TestRemindersOncePerStudentAssignmentAndKind(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	lib, err := checklists.Library()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.UpsertLibrary(ctx, lib); err != nil {
		t.Fatal(err)
	}
	p, err := r.st.CreateProgram(ctx, "Reminders")
	if err != nil {
		t.Fatal(err)
	}
	r.program = p.ID
	student := func(email string) models.User {
		u, err := r.st.CreateUser(ctx, models.SystemActor, models.User{ProgramID: p.ID, Email: email, Name: email,
			Role: models.RoleStudent, CohortIDs: []string{"c1"}})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	behind, competent := student("behind@test.skillbook.test"), student("competent@test.skillbook.test")
	assign := func(checklistID, due string) {
		a := models.Assignment{ProgramID: p.ID, ChecklistID: checklistID, ChecklistVersion: 1, CohortID: "c1", DueDate: due}
		if _, _, err := storetest.CreateAssignment(ctx, r.st, models.SystemActor, a, nil); err != nil {
			t.Fatal(err)
		}
	}
	assign("bp-manual", "2026-03-10")
	assign("hand-washing", "2026-03-20") // not due yet
	assign("pulse-oximetry", "")         // no due date
	// One student is already competent in the skill due.
	a, _, err := r.st.CreateAttempt(ctx, models.Attempt{ID: mongo.NewID(), ProgramID: p.ID, StudentID: competent.ID,
		CohortID: "c1", ChecklistID: "bp-manual", ChecklistVersion: 1, Kind: models.AttemptEvaluation, Status: models.StatusRequested})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.EvaluateAttempt(ctx, p.ID, a.ID, a.Version, models.StatusPassed, models.Evaluation{ID: mongo.NewID(), Outcome: models.OutcomePassed,
		Score: 100, EvaluatedAt: r.clock.Now()}); err != nil {
		t.Fatal(err)
	}

	w := notify.New(r.config("w"))
	for _, step := range []struct {
		now  string
		want int
	}{
		// The 10th ends everywhere (UTC-12) at 12:00 UTC on the 11th.
		{"2026-03-09T11:00:00Z", 0}, // more than 48 hours before
		{"2026-03-09T13:00:00Z", 1}, // due soon
		{"2026-03-11T11:00:00Z", 0}, // due soon, already queued
		{"2026-03-11T12:30:00Z", 1}, // overdue
		{"2026-03-12T09:00:00Z", 0}, // overdue, already queued
	} {
		now, err := time.Parse(time.RFC3339, step.now)
		if err != nil {
			t.Fatal(err)
		}
		r.clock.Set(now)
		n, err := w.QueueReminders(ctx)
		if err != nil || n != step.want {
			t.Errorf("QueueReminders at %s = %d, %v; want %d", step.now, n, err, step.want)
		}
	}
	l, err := r.st.Notifications(ctx, p.ID, behind.ID, mongo.FeedFilter{}, models.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Items) != 2 || l.Items[0].Title != "Skill overdue" || l.Items[1].Title != "Skill due soon" ||
		l.Items[1].Category != models.CategoryReminders || l.Items[1].Data["checklistId"] != "bp-manual" {
		t.Errorf("feed of the student behind = %+v; want a due-soon and an overdue reminder for bp-manual", l.Items)
	}
	if l, _ := r.st.Notifications(ctx, p.ID, competent.ID, mongo.FeedFilter{}, models.Page{}); len(l.Items) != 0 {
		t.Errorf("feed of the competent student = %+v; want no reminders", l.Items)
	}
}

// TestRemindersInProgramTimeZone: a program with a time zone is reminded
// by its own days: an assignment is past due when its due day ends there.
func TestRemindersInProgramTimeZone(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	lib, err := checklists.Library()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.UpsertLibrary(ctx, lib); err != nil {
		t.Fatal(err)
	}
	p, err := r.st.CreateProgram(ctx, "Chicago")
	if err != nil {
		t.Fatal(err)
	}
	tz := "America/Chicago"
	if _, err := r.st.UpdateProgramSettings(ctx, p.ID, models.SettingsPatch{TimeZone: &tz},
		models.Event{ID: mongo.NewID(), Type: models.EventProgramUpdated, ProgramID: p.ID, Actor: models.SystemActor, Subject: "program", SubjectID: p.ID}); err != nil {
		t.Fatal(err)
	}
	r.program = p.ID
	u, err := r.st.CreateUser(ctx, models.SystemActor, models.User{ProgramID: p.ID, Email: "late@test.skillbook.test", Name: "Late",
		Role: models.RoleStudent, CohortIDs: []string{"c1"}})
	if err != nil {
		t.Fatal(err)
	}
	a := models.Assignment{ProgramID: p.ID, ChecklistID: "bp-manual", ChecklistVersion: 1, CohortID: "c1", DueDate: "2026-03-10"}
	if _, _, err := storetest.CreateAssignment(ctx, r.st, models.SystemActor, a, nil); err != nil {
		t.Fatal(err)
	}
	w := notify.New(r.config("w"))
	for _, step := range []struct {
		now  string
		want int
	}{
		// The 10th ends in Chicago (CDT, UTC-5) at 05:00 UTC on the 11th.
		{"2026-03-09T04:30:00Z", 0}, // more than 48 hours before
		{"2026-03-09T05:30:00Z", 1}, // due soon
		{"2026-03-11T04:30:00Z", 0}, // due soon, already queued
		{"2026-03-11T05:30:00Z", 1}, // overdue in Chicago, though not yet everywhere
	} {
		now, err := time.Parse(time.RFC3339, step.now)
		if err != nil {
			t.Fatal(err)
		}
		r.clock.Set(now)
		if n, err := w.QueueReminders(ctx); err != nil || n != step.want {
			t.Errorf("QueueReminders at %s = %d, %v; want %d", step.now, n, err, step.want)
		}
	}
	if l, _ := r.st.Notifications(ctx, p.ID, u.ID, mongo.FeedFilter{}, models.Page{}); len(l.Items) != 2 {
		t.Errorf("feed = %+v; want a due-soon and an overdue reminder", l.Items)
	}
}
