package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

func invite(tb testing.TB, s *mongo.Store, programID, email string, role models.Role, cohorts ...string) models.User {
	tb.Helper()
	u, err := s.InviteUser(context.Background(), byAdmin, models.User{ProgramID: programID, Email: email, Name: "User " + email, Role: role, CohortIDs: cohorts})
	if err != nil {
		tb.Fatalf("InviteUser(%s) = %v", email, err)
	}
	return u
}

func TestInviteUserChecksCohorts(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p, other := newProgramID(t, s), newProgramID(t, s)
	open := newCohort(t, s, p, "Open")
	closed := newCohort(t, s, p, "Closed")
	if _, err := s.SetCohortArchived(ctx, byAdmin, p, closed.ID, true, 0); err != nil {
		t.Fatal(err)
	}
	foreign := newCohort(t, s, other, "Foreign")

	u := invite(t, s, p, "Student@Example.com", models.RoleStudent, open.ID)
	if u.Email != "student@example.com" || !u.Active || u.Bound || u.Version != 1 {
		t.Errorf("InviteUser = %+v; want a normalized, active, unbound invitation", u)
	}
	tests := []struct {
		name    string
		role    models.Role
		cohorts []string
		want    string
	}{
		{"archived cohort", models.RoleStudent, []string{closed.ID}, "archived"},
		{"other program's cohort", models.RoleStudent, []string{foreign.ID}, "no cohort"},
		{"student without cohort", models.RoleStudent, nil, "exactly one"},
		{"student in two", models.RoleStudent, []string{open.ID, open.ID + "x"}, "exactly one"},
		{"repeated cohort", models.RoleInstructor, []string{open.ID, open.ID}, "twice"},
	}
	for i, tt := range tests {
		_, err := s.InviteUser(ctx, byAdmin, models.User{ProgramID: p, Email: fmt.Sprintf("x%d@example.com", i), Name: "X", Role: tt.role, CohortIDs: tt.cohorts})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("InviteUser(%s) = %v; want a validation error about %q", tt.name, err, tt.want)
		}
	}
	if _, err := s.InviteUser(ctx, byAdmin, models.User{ProgramID: other, Email: "STUDENT@example.com", Name: "Again", Role: models.RoleAdmin}); !errors.Is(err, models.ErrConflict) {
		t.Errorf("InviteUser(an email taken in another program) = %v; want conflict", err)
	}
}

func TestUpdateUserVersionsAndAudit(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := newProgramID(t, s)
	a, b := newCohort(t, s, p, "A"), newCohort(t, s, p, "B")
	in := invite(t, s, p, "in@example.com", models.RoleInstructor, a.ID)

	name, cred := "Ina Structor", "RMA (AMT)"
	got, err := s.UpdateUser(ctx, byAdmin, p, in.ID, 1, mongo.UserChange{Name: &name, Credential: &cred, CohortIDs: []string{a.ID, b.ID}})
	if err != nil || got.Name != name || got.Credential != cred || len(got.CohortIDs) != 2 || got.Version != 2 {
		t.Fatalf("UpdateUser = %+v, %v", got, err)
	}
	if _, err := s.UpdateUser(ctx, byAdmin, p, in.ID, 1, mongo.UserChange{Name: &name}); !errors.Is(err, models.ErrPreconditionFailed) {
		t.Errorf("UpdateUser(stale version) = %v; want precondition failed", err)
	}
	// The same cohorts in another order are no change.
	same, err := s.UpdateUser(ctx, byAdmin, p, in.ID, 2, mongo.UserChange{Name: &name, CohortIDs: []string{b.ID, a.ID}})
	if err != nil || same.Version != 2 {
		t.Errorf("UpdateUser(no change) = version %d, %v; want 2", same.Version, err)
	}
	if _, err := s.UpdateUser(ctx, byAdmin, newProgramID(t, s), in.ID, 0, mongo.UserChange{Name: &name}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("UpdateUser(other program) = %v; want not found", err)
	}
	off, err := s.SetUserActive(ctx, byAdmin, p, in.ID, false, 2)
	if err != nil || off.Active || off.Version != 3 {
		t.Fatalf("SetUserActive(false) = %+v, %v", off, err)
	}
	if again, err := s.SetUserActive(ctx, byAdmin, p, in.ID, false, 0); err != nil || again.Version != 3 {
		t.Errorf("deactivating again = version %d, %v; want no change", again.Version, err)
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

func TestAdminGuards(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := newProgramID(t, s)
	c := newCohort(t, s, p, "C")
	first := invite(t, s, p, "first@example.com", models.RoleAdmin)
	self := models.Actor{UserID: first.ID, Name: "First", Role: models.RoleAdmin}
	student := models.RoleStudent

	if _, err := s.UpdateUser(ctx, self, p, first.ID, 0, mongo.UserChange{Role: &student, CohortIDs: []string{c.ID}}); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("demoting oneself = %v; want forbidden", err)
	}
	if _, err := s.SetUserActive(ctx, self, p, first.ID, false, 0); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("deactivating oneself = %v; want forbidden", err)
	}
	// Someone else (a system task) may not take the only admin either.
	if _, err := s.UpdateUser(ctx, byAdmin, p, first.ID, 0, mongo.UserChange{Role: &student, CohortIDs: []string{c.ID}}); !errors.Is(err, models.ErrConflict) {
		t.Errorf("demoting the last admin = %v; want conflict", err)
	}
	if _, err := s.SetUserActive(ctx, byAdmin, p, first.ID, false, 0); !errors.Is(err, models.ErrConflict) {
		t.Errorf("deactivating the last admin = %v; want conflict", err)
	}
	second := invite(t, s, p, "second@example.com", models.RoleAdmin)
	if _, err := s.SetUserActive(ctx, self, p, second.ID, false, 0); err != nil {
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
	s := storetest.New(t)
	ctx := context.Background()
	for round := range 5 {
		p := newProgramID(t, s)
		c := newCohort(t, s, p, "C")
		x := invite(t, s, p, fmt.Sprintf("x%d@example.com", round), models.RoleAdmin)
		y := invite(t, s, p, fmt.Sprintf("y%d@example.com", round), models.RoleAdmin)
		instructor := models.RoleInstructor
		var wg sync.WaitGroup
		for _, pair := range [][2]models.User{{x, y}, {y, x}} {
			wg.Go(func() {
				actor := models.Actor{UserID: pair[0].ID, Role: models.RoleAdmin}
				_, err := s.UpdateUser(ctx, actor, p, pair[1].ID, 0, mongo.UserChange{Role: &instructor, CohortIDs: []string{c.ID}})
				if err != nil && !errors.Is(err, models.ErrConflict) {
					t.Errorf("UpdateUser = %v; want success or conflict", err)
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
		if _, err := s.UpdateUser(ctx, byAdmin, p, u.ID, 0, mongo.UserChange{Name: &name}); err != nil {
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
