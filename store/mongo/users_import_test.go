package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

// TestImportUsersInBatches imports more users than one batch holds: every
// user is stored with its own audit entry, refusals are per user, and no
// event is left for the sweep. (Which rows may be imported at all, such as
// into an archived cohort or without a name, is the roster plan's to say.)
func TestImportUsersInBatches(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	// More than the store's default deadline: the FerretDB stand-in scans
	// the collection for each document it writes, so the import's ~1,000
	// writes of a 500-document collection take minutes under -race.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	p, other := newProgramID(t, s), newProgramID(t, s)
	c := newCohort(t, s, p, "C")
	taken := invite(t, s, other, "taken@example.com", models.RoleAdmin)

	const n = 510
	ws := make([]models.UserWrite, n)
	for i := range ws {
		u := models.User{ID: mongo.NewID(), ProgramID: p, Email: fmt.Sprintf("u%03d@example.com", i), Name: fmt.Sprintf("User %d", i),
			Role: models.RoleStudent, CohortIDs: []string{c.ID}, Active: true, Version: 1}
		if i == 4 {
			u.Email = taken.Email
		}
		ws[i] = models.UserWrite{After: u, Events: []models.Event{models.UserInvitedEvent(models.EventRosterUserCreated, byAdmin, u, time.Time{})}}
	}
	ws[507].After.Email = ws[506].After.Email // the same address twice in one batch
	errs, err := s.InsertUsers(ctx, ws)
	if err != nil {
		t.Fatalf("InsertUsers = %v", err)
	}
	for _, i := range []int{4, 507} {
		if !errors.Is(errs[i], models.ErrConflict) {
			t.Errorf("user %d: %v; want refused as a conflict", i, errs[i])
		}
	}
	// One query for all of them: the FerretDB stand-in scans the
	// collection for each.
	emails := make([]string, 0, n)
	for _, w := range ws {
		emails = append(emails, w.After.Email)
	}
	byEmail, err := s.UsersByEmail(ctx, emails)
	if err != nil {
		t.Fatalf("UsersByEmail = %v", err)
	}
	stored := 0
	for i, w := range ws {
		if errs[i] != nil {
			continue
		}
		stored++
		if u := byEmail[w.After.Email]; u.ID != w.After.ID || u.ProgramID != p || u.Version != 1 || !u.Active || u.Bound {
			t.Fatalf("user %d = %+v", i, u)
		}
	}
	if stored != n-2 {
		t.Errorf("%d users stored; want %d", stored, n-2)
	}
	if left, err := s.RelayPending(ctx, 1000); err != nil || left != 0 {
		t.Errorf("RelayPending = %d, %v; want every event already relayed", left, err)
	}
	audit, err := s.Audit(ctx, p, mongo.AuditFilter{Type: models.EventRosterUserCreated}, models.Page{Limit: 200})
	if err != nil || len(audit.Items) != 200 || audit.NextCursor == "" {
		t.Fatalf("audit = %d entries, %v", len(audit.Items), err)
	}
	if got, err := s.UserByEmail(ctx, "u509@example.com"); err != nil || got.ID != ws[509].After.ID {
		t.Errorf("UserByEmail(last of the second batch) = %+v, %v", got, err)
	}

	// Changes: one applies, one finds its version moved.
	change := func(i int, version int64) models.UserWrite {
		before := ws[i].After
		before.Version = version
		after := before
		after.Name = "Renamed"
		ev, _ := models.UserChangedEvent(models.EventRosterUserUpdated, byAdmin, before, after, time.Time{})
		return models.UserWrite{Before: before, After: after, Events: []models.Event{ev}}
	}
	after, errs, err := s.SaveUsers(ctx, []models.UserWrite{change(0, 1), change(1, 7)})
	if err != nil || errs[0] != nil || after[0].Name != "Renamed" || after[0].Version != 2 ||
		!errors.Is(errs[1], models.ErrPreconditionFailed) {
		t.Fatalf("SaveUsers = %+v, %v, %v", after, errs, err)
	}
	if left, err := s.RelayPending(ctx, 1000); err != nil || left != 0 {
		t.Errorf("RelayPending after updates = %d, %v; want 0", left, err)
	}
	if got := auditTypes(t, s, p, ws[0].After.ID); len(got) != 2 || got[1] != string(models.EventRosterUserUpdated) {
		t.Errorf("audit of the renamed user = %v", got)
	}
	if got := auditTypes(t, s, p, ws[1].After.ID); len(got) != 1 {
		t.Errorf("audit of the user not changed = %v; want only the creation", got)
	}
}
