package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

// TestImportUsersInBatches imports more users than one batch holds: every
// user is stored with its own audit entry, refusals are per user, and no
// event is left for the sweep.
func TestImportUsersInBatches(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p, other := newProgramID(t, s), newProgramID(t, s)
	c := newCohort(t, s, p, "C")
	closed := newCohort(t, s, p, "Closed")
	if _, err := s.SetCohortArchived(ctx, byAdmin, p, closed.ID, true, 0); err != nil {
		t.Fatal(err)
	}
	taken := invite(t, s, other, "taken@example.com", models.RoleAdmin)

	const n = 510
	users := make([]models.User, n)
	for i := range users {
		users[i] = models.User{ProgramID: p, Email: fmt.Sprintf("U%03d@Example.com", i), Name: fmt.Sprintf("User %d", i), Role: models.RoleStudent, CohortIDs: []string{c.ID}}
	}
	users[3].CohortIDs = []string{closed.ID}
	users[4].Email = taken.Email
	users[505].Name = ""
	out, errs, err := s.ImportUsers(ctx, byAdmin, users)
	if err != nil {
		t.Fatalf("ImportUsers = %v", err)
	}
	var ve *models.ValidationError
	for i, want := range map[int]func(error) bool{
		3:   func(err error) bool { return errors.As(err, &ve) },
		4:   func(err error) bool { return errors.Is(err, models.ErrConflict) },
		505: func(err error) bool { return errors.As(err, &ve) },
	} {
		if !want(errs[i]) || out[i].ID != "" {
			t.Errorf("user %d: %+v, %v; want refused", i, out[i], errs[i])
		}
	}
	stored := 0
	for i, u := range out {
		if errs[i] == nil {
			stored++
			if u.ID == "" || u.Email != fmt.Sprintf("u%03d@example.com", i) || u.Version != 1 || !u.Active {
				t.Fatalf("user %d = %+v", i, u)
			}
		}
	}
	if stored != n-3 {
		t.Errorf("%d users stored; want %d", stored, n-3)
	}
	if left, err := s.RelayPending(ctx, 1000); err != nil || left != 0 {
		t.Errorf("RelayPending = %d, %v; want every event already relayed", left, err)
	}
	audit, err := s.Audit(ctx, p, mongo.AuditFilter{Type: mongo.EventRosterUserCreated}, models.Page{Limit: 200})
	if err != nil || len(audit.Items) != 200 || audit.NextCursor == "" {
		t.Fatalf("audit = %d entries, %v", len(audit.Items), err)
	}
	if got, err := s.UserByEmail(ctx, "u509@example.com"); err != nil || got.ID != out[509].ID {
		t.Errorf("UserByEmail(last of the second batch) = %+v, %v", got, err)
	}

	// Changes: one applies, one finds its version moved, one would leave
	// nothing to change.
	name := "Renamed"
	ups := []mongo.UserUpdate{
		{ID: out[0].ID, Version: 1, Change: mongo.UserChange{Name: &name, FromRoster: true}},
		{ID: out[1].ID, Version: 7, Change: mongo.UserChange{Name: &name, FromRoster: true}},
		{ID: out[2].ID, Version: 1, Change: mongo.UserChange{Name: &out[2].Name, FromRoster: true}},
	}
	after, errs, err := s.UpdateUsers(ctx, byAdmin, p, ups)
	if err != nil || errs[0] != nil || after[0].Name != name || after[0].Version != 2 ||
		!errors.Is(errs[1], models.ErrPreconditionFailed) || errs[2] != nil || after[2].Version != 1 {
		t.Fatalf("UpdateUsers = %+v, %v, %v", after, errs, err)
	}
	if left, err := s.RelayPending(ctx, 1000); err != nil || left != 0 {
		t.Errorf("RelayPending after updates = %d, %v; want 0", left, err)
	}
	if got := auditTypes(t, s, p, out[0].ID); len(got) != 2 || got[1] != mongo.EventRosterUserUpdated {
		t.Errorf("audit of the renamed user = %v", got)
	}
}
