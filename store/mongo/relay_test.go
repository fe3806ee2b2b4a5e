package mongo_test

import (
	"context"
	"testing"
	"time"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

// TestWritesRelayTheirOwnEvents: a write relays the events it carries, so
// the sweep finds nothing left, after one user's write and after batches
// (the contract suite checks the audit trail itself).
func TestWritesRelayTheirOwnEvents(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p, err := s.CreateProgram(ctx, "P")
	if err != nil {
		t.Fatal(err)
	}
	actor := models.Actor{UserID: "admin-1", Name: "Admin", Role: models.RoleAdmin, RequestID: "req-1"}
	if _, err := s.CreateUser(ctx, actor, models.User{ProgramID: p.ID, Email: "a@example.com", Name: "A", Role: models.RoleAdmin}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RelayPending(ctx, 100); err != nil || n != 0 {
		t.Fatalf("RelayPending after CreateUser = %d, %v; want 0 documents left to relay", n, err)
	}
	ws := make([]models.UserWrite, 3)
	for i := range ws {
		u := models.User{ID: mongo.NewID(), ProgramID: p.ID, Email: mongo.NewID() + "@example.com", Name: "U", Role: models.RoleStudent, Active: true, Version: 1}
		ws[i] = models.UserWrite{After: u, Events: []models.Event{models.UserInvitedEvent(models.EventRosterUserCreated, actor, u, time.Time{})}}
	}
	if _, err := s.InsertUsers(ctx, ws); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RelayPending(ctx, 100); err != nil || n != 0 {
		t.Fatalf("RelayPending after InsertUsers = %d, %v; want 0", n, err)
	}
	before := ws[0].After
	after := before
	after.Name = "Renamed"
	ev, _ := models.UserChangedEvent(models.EventRosterUserUpdated, actor, before, after, time.Time{})
	if _, errs, err := s.SaveUsers(ctx, []models.UserWrite{{Before: before, After: after, Events: []models.Event{ev}}}); err != nil || errs[0] != nil {
		t.Fatalf("SaveUsers = %v, %v", errs, err)
	}
	if n, err := s.RelayPending(ctx, 100); err != nil || n != 0 {
		t.Fatalf("RelayPending after SaveUsers = %d, %v; want 0", n, err)
	}
}

// TestEventsWithoutAnIDAreRelayed: an event its caller gave no id gets one,
// so the relay can clear it (a pending event keyed "" could be written but
// never cleared, and was relayed again on every sweep).
func TestEventsWithoutAnIDAreRelayed(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p, err := s.CreateProgram(ctx, "P")
	if err != nil {
		t.Fatal(err)
	}
	ev := models.Event{Type: models.EventAssignmentCreated, ProgramID: p.ID, Subject: "assignment", At: time.Now()}
	a := models.Assignment{ProgramID: p.ID, ChecklistID: "bp-manual", CohortID: "c1", Version: 1}
	if _, created, err := s.CreateAssignment(ctx, a, ev); err != nil || !created {
		t.Fatalf("CreateAssignment = %v, %v; want created", created, err)
	}
	if n, err := s.RelayPending(ctx, 100); err != nil || n != 0 {
		t.Fatalf("RelayPending after an event without an id = %d, %v; want 0 documents left to relay", n, err)
	}
}
