package mongo_test

import (
	"context"
	"testing"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

func TestCreateUserAppendsAuditEntryOnce(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p, err := s.CreateProgram(ctx, "P")
	if err != nil {
		t.Fatal(err)
	}
	actor := models.Actor{UserID: "admin-1", Name: "Admin", Role: models.RoleAdmin, RequestID: "req-1"}
	u, err := s.CreateUser(ctx, actor, models.User{ProgramID: p.ID, Email: "A@Example.com", Name: "A", Role: models.RoleStudent})
	if err != nil {
		t.Fatal(err)
	}
	// A second sweep finds nothing left: the write relayed its own event.
	if n, err := s.RelayPending(ctx, 100); err != nil || n != 0 {
		t.Fatalf("RelayPending = %d, %v; want 0 documents left to relay", n, err)
	}
	list, err := s.Audit(ctx, p.ID, mongo.AuditFilter{StudentID: u.ID}, models.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 {
		t.Fatalf("Audit(student) = %d entries; want 1", len(list.Items))
	}
	e := list.Items[0]
	if e.Type != "user.invited" || e.Actor != actor || e.SubjectID != u.ID || e.Data["email"] != "a@example.com" {
		t.Errorf("audit entry = %+v", e)
	}
	if other, err := s.Audit(ctx, "another-program", mongo.AuditFilter{}, models.Page{}); err != nil || len(other.Items) != 0 {
		t.Errorf("Audit(other program) = %d entries, %v; want none", len(other.Items), err)
	}
}
