package contract_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

// auditCount is how many entries of programID's trail f selects, read
// page by page.
func auditCount(tb testing.TB, st storetest.Store, programID string, f models.AuditFilter) int {
	tb.Helper()
	n, cursor := 0, ""
	for {
		l, err := st.Audit(context.Background(), programID, f, models.Page{Limit: 200, Cursor: cursor})
		if err != nil {
			tb.Fatalf("Audit = %v", err)
		}
		n += len(l.Items)
		if cursor = l.NextCursor; cursor == "" {
			return n
		}
	}
}

// TestImportUsersInBatches imports more users than one batch holds: every
// user is stored with its own audit entry, refusals are per user. (Which
// rows may be imported at all, such as into an archived cohort or without
// a name, is the roster plan's to say.)
func TestImportUsersInBatches(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		// More than the MongoDB engine's default deadline: the FerretDB
		// stand-in scans the collection for each document it writes, so
		// the import's ~1,000 writes take long under -race.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		p, other := newProgram(t, s), newProgram(t, s)
		c := newCohort(t, s, p, "C")
		taken := invite(t, s, other, "taken@example.com", models.RoleAdmin)

		const n = 510
		ws := make([]models.UserWrite, n)
		for i := range ws {
			u := models.User{ID: newID(), ProgramID: p, Email: fmt.Sprintf("u%03d@example.com", i), Name: fmt.Sprintf("User %d", i),
				Role: models.RoleStudent, CohortIDs: []string{c.ID}, Active: true, Version: 1}
			if i == 4 {
				u.Email = taken.Email
			}
			ws[i] = models.UserWrite{After: u, Events: []models.Event{models.UserInvitedEvent(models.EventRosterUserCreated, admin, u, time.Time{})}}
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
			if got := auditTypes(t, s, p, ws[i].After.ID); len(got) != 0 {
				t.Errorf("refused user %d has audit %v; want none", i, got)
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
		if events := auditCount(t, s, p, models.AuditFilter{Type: models.EventRosterUserCreated}); events != n-2 {
			t.Errorf("roster events = %d; want %d", events, n-2)
		}
		if got, err := s.UserByEmail(ctx, "u509@example.com"); err != nil || got.ID != ws[509].After.ID {
			t.Errorf("UserByEmail(last of the second batch) = %+v, %v", got, err)
		}
		page, err := s.Users(ctx, p, models.UserFilter{Role: models.RoleStudent, CohortID: c.ID}, models.Page{Limit: 100})
		if err != nil || len(page.Items) != 100 || page.Items[0].ID != ws[0].After.ID || page.NextCursor == "" {
			t.Errorf("Users(students of C) = %d users, %v; want a first page of 100 starting with the first row", len(page.Items), err)
		}
		// Every page of the cohort's students, in creation (here: id) order,
		// each student once.
		seen, last, cursor := 0, "", ""
		for pages := 0; ; pages++ {
			l, err := s.Users(ctx, p, models.UserFilter{Role: models.RoleStudent, CohortID: c.ID}, models.Page{Limit: 200, Cursor: cursor})
			if err != nil || pages > 3 {
				t.Fatalf("page %d of C's students = %v (%d pages)", pages, err, pages)
			}
			for _, u := range l.Items {
				if u.ID <= last {
					t.Fatalf("page %d: %s after %s; want creation order", pages, u.ID, last)
				}
				last = u.ID
				seen++
			}
			if cursor = l.NextCursor; cursor == "" {
				break
			}
		}
		if seen != n-2 {
			t.Errorf("the pages of C's students held %d; want %d", seen, n-2)
		}

		// Changes: one applies, one finds its version moved, one would take
		// the last admin and is undone.
		change := func(i int, version int64) models.UserWrite {
			before := ws[i].After
			before.Version = version
			after := before
			after.Name = "Renamed"
			ev, _ := models.UserChangedEvent(models.EventRosterUserUpdated, admin, before, after, time.Time{})
			return models.UserWrite{Before: before, After: after, Events: []models.Event{ev}}
		}
		demote := models.UserWrite{Before: taken, After: taken}
		demote.After.Role, demote.After.CohortIDs = models.RoleStudent, []string{}
		after, errs, err := s.SaveUsers(ctx, []models.UserWrite{change(0, 1), change(1, 7), demote})
		if err != nil || errs[0] != nil || after[0].Name != "Renamed" || after[0].Version != 2 ||
			!errors.Is(errs[1], models.ErrPreconditionFailed) || !errors.Is(errs[2], models.ErrConflict) {
			t.Fatalf("SaveUsers = %+v, %v, %v", after, errs, err)
		}
		if got := auditTypes(t, s, p, ws[0].After.ID); len(got) != 2 || got[1] != string(models.EventRosterUserUpdated) {
			t.Errorf("audit of the renamed user = %v", got)
		}
		if got := auditTypes(t, s, p, ws[1].After.ID); len(got) != 1 {
			t.Errorf("audit of the user not changed = %v; want only the creation", got)
		}
		if u, _ := s.User(ctx, other, taken.ID); !u.ActiveAdmin() {
			t.Errorf("the other program's only admin after a roster demotion = %+v; want an admin still", u)
		}
		if got := auditTypes(t, s, other, taken.ID); len(got) != 2 || got[1] != string(models.EventUserChangeUndone) {
			t.Errorf("audit of the admin kept = %v; want invited, change-undone", got)
		}
		if _, err := s.InsertUsers(ctx, []models.UserWrite{{After: models.User{ID: "x", Email: "x@example.com"}}}); err == nil {
			t.Error("InsertUsers(no program) = nil error")
		}
	})
}
