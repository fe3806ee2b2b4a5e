package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

func invite(tb testing.TB, s *mongo.Store, programID, email string, role models.Role, cohorts ...string) models.User {
	tb.Helper()
	u, err := s.CreateUser(context.Background(), byAdmin, models.User{ProgramID: programID, Email: email, Name: "User " + email, Role: role, CohortIDs: cohorts})
	if err != nil {
		tb.Fatalf("CreateUser(%s) = %v", email, err)
	}
	return u
}

// saveUser writes edit's change of cur, audited as an admin's edit, guarded
// by cur's version.
func saveUser(s *mongo.Store, actor models.Actor, cur models.User, edit func(*models.User)) (models.User, error) {
	next := cur
	edit(&next)
	ev, _ := models.UserChangedEvent(models.EventUserUpdated, actor, cur, next, time.Time{})
	return s.SaveUser(context.Background(), models.UserWrite{Before: cur, After: next, Events: []models.Event{ev}})
}

func TestInsertUserKeepsEmailsUnique(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p, other := newProgramID(t, s), newProgramID(t, s)
	open := newCohort(t, s, p, "Open")

	u := invite(t, s, p, "Student@Example.com", models.RoleStudent, open.ID)
	if u.Email != "student@example.com" || !u.Active || u.Bound || u.Version != 1 {
		t.Errorf("CreateUser = %+v; want a normalized, active, unbound invitation", u)
	}
	if stored, err := s.UserByEmail(ctx, "STUDENT@example.com"); err != nil || stored.ID != u.ID || stored.Bound {
		t.Errorf("UserByEmail = %+v, %v; want the invitation", stored, err)
	}
	again := models.User{ID: mongo.NewID(), ProgramID: other, Email: "student@example.com", Name: "Again", Role: models.RoleAdmin, Active: true, Version: 1}
	if err := s.InsertUser(ctx, again); !errors.Is(err, models.ErrConflict) {
		t.Errorf("InsertUser(an email taken in another program) = %v; want conflict", err)
	}
}

func TestSaveUserVersionsAndAudit(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := newProgramID(t, s)
	a, b := newCohort(t, s, p, "A"), newCohort(t, s, p, "B")
	in := invite(t, s, p, "in@example.com", models.RoleInstructor, a.ID)

	name, cred := "Ina Structor", "RMA (AMT)"
	got, err := saveUser(s, byAdmin, in, func(u *models.User) { u.Name, u.Credential, u.CohortIDs = name, cred, []string{a.ID, b.ID} })
	if err != nil || got.Name != name || got.Credential != cred || len(got.CohortIDs) != 2 || got.Version != 2 {
		t.Fatalf("SaveUser = %+v, %v", got, err)
	}
	if _, err := saveUser(s, byAdmin, in, func(u *models.User) { u.Name = "Stale" }); !errors.Is(err, models.ErrPreconditionFailed) {
		t.Errorf("SaveUser(stale version) = %v; want precondition failed", err)
	}
	off, err := s.SetUserActive(ctx, byAdmin, p, in.ID, false, 2)
	if err != nil || off.Active || off.Version != 3 {
		t.Fatalf("SetUserActive(false) = %+v, %v", off, err)
	}
	if again, err := s.SetUserActive(ctx, byAdmin, p, in.ID, false, 0); err != nil || again.Version != 3 {
		t.Errorf("deactivating again = version %d, %v; want no change", again.Version, err)
	}
	if _, err := s.SetUserActive(ctx, byAdmin, p, in.ID, true, 2); !errors.Is(err, models.ErrPreconditionFailed) {
		t.Errorf("SetUserActive(stale version) = %v; want precondition failed", err)
	}
	if _, err := s.SetUserActive(ctx, byAdmin, p, in.ID, true, 0); err != nil {
		t.Errorf("SetUserActive(true) = %v", err)
	}

	want := []string{"user.invited", "user.updated", "user.deactivated", "user.reactivated"}
	if types := auditTypes(t, s, p, in.ID); !slices.Equal(types, want) {
		t.Errorf("audit = %v; want %v", types, want)
	}
	list, _ := s.Audit(ctx, p, mongo.AuditFilter{SubjectID: in.ID, Type: "user.updated"}, models.Page{})
	d := list.Items[0].Data
	if d["oldName"] != "User in@example.com" || d["newName"] != name || d["newCredential"] != cred || d["newCohortIds"] != a.ID+","+b.ID {
		t.Errorf("user.updated data = %v; want old and new values", d)
	}
}

func TestBindInvitationOnce(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := newProgramID(t, s)
	inv := invite(t, s, p, "new@example.com", models.RoleAdmin)
	bound := inv
	bound.UID, bound.Bound = "uid-1", true
	w := models.UserWrite{Before: inv, After: bound, Events: []models.Event{models.InvitationAcceptedEvent(models.SystemActor, inv, time.Time{})}}
	got, err := s.BindInvitation(ctx, w)
	if err != nil || !got.Bound || got.Version != 2 {
		t.Fatalf("BindInvitation = %+v, %v; want bound at version 2", got, err)
	}
	if _, err := s.BindInvitation(ctx, w); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("BindInvitation again = %v; want not found (bound already)", err)
	}
	if u, err := s.UserByUID(ctx, "uid-1"); err != nil || u.ID != inv.ID {
		t.Errorf("UserByUID = %+v, %v; want the bound user", u, err)
	}
	want := []string{"user.invited", "user.invitation-accepted"}
	if types := auditTypes(t, s, p, inv.ID); !slices.Equal(types, want) {
		t.Errorf("audit = %v; want %v", types, want)
	}
}

// TestLastAdminGuard writes changes that skip the use cases' check: the
// store still keeps the program's last active admin, and audits the undoing.
func TestLastAdminGuard(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := newProgramID(t, s)
	c := newCohort(t, s, p, "C")
	first := invite(t, s, p, "first@example.com", models.RoleAdmin)

	_, err := saveUser(s, byAdmin, first, func(u *models.User) { u.Role, u.CohortIDs = models.RoleStudent, []string{c.ID} })
	if !errors.Is(err, models.ErrConflict) || !strings.Contains(err.Error(), "at least one active admin") {
		t.Errorf("demoting the last admin = %v; want conflict", err)
	}
	if _, err := s.SetUserActive(ctx, byAdmin, p, first.ID, false, 0); !errors.Is(err, models.ErrConflict) {
		t.Errorf("deactivating the last admin = %v; want conflict", err)
	}
	if u, err := s.User(ctx, p, first.ID); err != nil || !u.ActiveAdmin() {
		t.Errorf("the last admin after both = %+v, %v; want an active admin still", u, err)
	}
	want := []string{"user.invited", "user.updated", "user.change-undone", "user.deactivated", "user.change-undone"}
	if types := auditTypes(t, s, p, first.ID); !slices.Equal(types, want) {
		t.Errorf("audit = %v; want %v", types, want)
	}
	second := invite(t, s, p, "second@example.com", models.RoleAdmin)
	if _, err := s.SetUserActive(ctx, byAdmin, p, second.ID, false, 0); err != nil {
		t.Errorf("deactivating another admin = %v", err)
	}
	if n, err := s.ActiveAdmins(ctx, p); err != nil || n != 1 {
		t.Errorf("ActiveAdmins = %d, %v; want 1", n, err)
	}
}

// Two admins demoting each other at the same moment both pass the check
// made before writing; the count after writing undoes at least one.
func TestMutualDemotionKeepsAnAdmin(t *testing.T) {
	t.Parallel()
	if !storetest.AtomicUpdates(t) {
		return
	}
	s := storetest.New(t)
	ctx := context.Background()
	for round := range 5 {
		p := newProgramID(t, s)
		c := newCohort(t, s, p, "C")
		x := invite(t, s, p, fmt.Sprintf("x%d@example.com", round), models.RoleAdmin)
		y := invite(t, s, p, fmt.Sprintf("y%d@example.com", round), models.RoleAdmin)
		var wg sync.WaitGroup
		for _, pair := range [][2]models.User{{x, y}, {y, x}} {
			wg.Go(func() {
				actor := models.Actor{UserID: pair[0].ID, Role: models.RoleAdmin}
				_, err := saveUser(s, actor, pair[1], func(u *models.User) { u.Role, u.CohortIDs = models.RoleInstructor, []string{c.ID} })
				if err != nil && !errors.Is(err, models.ErrConflict) {
					t.Errorf("SaveUser = %v; want success or conflict", err)
				}
			})
		}
		wg.Wait()
		if n, err := s.ActiveAdmins(ctx, p); err != nil || n < 1 {
			t.Fatalf("round %d: ActiveAdmins = %d, %v; want at least 1", round, n, err)
		}
	}
}

func TestUsersFilters(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := newProgramID(t, s)
	a, b := newCohort(t, s, p, "A"), newCohort(t, s, p, "B")
	mustName := func(u models.User, name string) {
		if _, err := saveUser(s, byAdmin, u, func(u *models.User) { u.Name = name }); err != nil {
			t.Fatal(err)
		}
	}
	ann := invite(t, s, p, "ann.lee@example.com", models.RoleStudent, a.ID)
	mustName(ann, "Ann Lee")
	bob := invite(t, s, p, "bob@example.com", models.RoleStudent, b.ID)
	mustName(bob, "Bob Axb")
	ina := invite(t, s, p, "ina@example.com", models.RoleInstructor, a.ID, b.ID)
	mustName(ina, "Ina Nurse")
	invite(t, s, p, "boss@example.com", models.RoleAdmin)
	if _, err := s.SetUserActive(ctx, byAdmin, p, bob.ID, false, 0); err != nil {
		t.Fatal(err)
	}
	invite(t, s, newProgramID(t, s), "ann.other@example.com", models.RoleAdmin)

	yes, no := true, false
	tests := []struct {
		name string
		f    mongo.UserFilter
		want string
	}{
		{"all", mongo.UserFilter{}, "ann.lee,bob,ina,boss"},
		{"students", mongo.UserFilter{Role: models.RoleStudent}, "ann.lee,bob"},
		{"cohort A", mongo.UserFilter{CohortID: a.ID}, "ann.lee,ina"},
		{"students of B", mongo.UserFilter{Role: models.RoleStudent, AnyCohort: []string{b.ID}}, "bob"},
		{"no cohorts", mongo.UserFilter{AnyCohort: []string{}}, ""},
		{"active", mongo.UserFilter{Active: &yes}, "ann.lee,ina,boss"},
		{"inactive", mongo.UserFilter{Active: &no}, "bob"},
		{"name substring, any case", mongo.UserFilter{Query: "LEE"}, "ann.lee"},
		{"email prefix", mongo.UserFilter{Query: "bo"}, "bob,boss"},
		{"name word", mongo.UserFilter{Query: "nurse"}, "ina"},
		{"dot is literal", mongo.UserFilter{Query: "a.b"}, ""},
		{"regex characters are literal", mongo.UserFilter{Query: "(.*"}, ""},
		{"combined", mongo.UserFilter{Query: "@example", Role: models.RoleInstructor, CohortID: b.ID, Active: &yes}, "ina"},
	}
	for _, tt := range tests {
		l, err := s.Users(ctx, p, tt.f, models.Page{})
		var got []string
		for _, u := range l.Items {
			local, _, _ := strings.Cut(u.Email, "@")
			got = append(got, local)
		}
		if err != nil || strings.Join(got, ",") != tt.want {
			t.Errorf("Users(%s) = %q, %v; want %q", tt.name, strings.Join(got, ","), err, tt.want)
		}
	}

	found, err := s.UsersByEmail(ctx, []string{"ANN.LEE@example.com", "ann.other@example.com", "nobody@example.com"})
	if err != nil || len(found) != 2 || found["ann.lee@example.com"].ID != ann.ID || found["ann.other@example.com"].ProgramID == p {
		t.Errorf("UsersByEmail = %v, %v; want two users of two programs", found, err)
	}
}
