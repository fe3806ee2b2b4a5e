package contract_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/sqlite"
	"skillbook/store/storetest"
)

// saveUser writes edit's change of cur, audited as actor's edit, guarded
// by cur's version.
func saveUser(s storetest.Store, actor models.Actor, cur models.User, edit func(*models.User)) (models.User, error) {
	next := cur
	edit(&next)
	ev, _ := models.UserChangedEvent(models.EventUserUpdated, actor, cur, next, time.Time{})
	return s.SaveUser(context.Background(), models.UserWrite{Before: cur, After: next, Events: []models.Event{ev}})
}

func TestInsertUserKeepsEmailsUnique(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p, other := newProgram(t, s), newProgram(t, s)
		open := newCohort(t, s, p, "Open")

		u := invite(t, s, p, "Student@Example.com", models.RoleStudent, open.ID)
		if u.Email != "student@example.com" || !u.Active || u.Bound || u.Version != 1 {
			t.Errorf("CreateUser = %+v; want a normalized, active, unbound invitation", u)
		}
		if stored, err := s.UserByEmail(ctx, "STUDENT@example.com"); err != nil || stored.ID != u.ID || stored.Bound {
			t.Errorf("UserByEmail = %+v, %v; want the invitation", stored, err)
		}
		again := models.User{ID: newID(), ProgramID: other, Email: "student@example.com", Name: "Again", Role: models.RoleAdmin, Active: true, Version: 1}
		if err := s.InsertUser(ctx, again); !errors.Is(err, models.ErrConflict) || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("InsertUser(an email taken in another program) = %v; want conflict", err)
		}
		if err := s.InsertUser(ctx, models.User{ID: newID(), Email: "x@example.com"}); err == nil {
			t.Error("InsertUser(no program) = nil; want an error")
		}
		if _, err := s.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("UserByEmail(nobody) = %v; want not found", err)
		}
		if _, err := s.User(ctx, other, u.ID); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("User(another program) = %v; want not found", err)
		}
		if got := auditTypes(t, s, p, u.ID); !slices.Equal(got, []string{"user.invited"}) {
			t.Errorf("audit = %v; want [user.invited]", got)
		}
	})
}

// TestCreateUserAuditsOnce: an invitation records one audit entry, with the
// actor and the normalized email, in its own program's trail only.
func TestCreateUserAuditsOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		actor := models.Actor{UserID: "admin-1", Name: "Admin", Role: models.RoleAdmin, RequestID: "req-1"}
		u, err := s.CreateUser(ctx, actor, models.User{ProgramID: p, Email: "A@Example.com", Name: "A", Role: models.RoleStudent})
		if err != nil {
			t.Fatal(err)
		}
		list, err := s.Audit(ctx, p, models.AuditFilter{StudentID: u.ID}, models.Page{})
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
		if other, err := s.Audit(ctx, "another-program", models.AuditFilter{}, models.Page{}); err != nil || len(other.Items) != 0 {
			t.Errorf("Audit(other program) = %d entries, %v; want none", len(other.Items), err)
		}
	})
}

func TestSaveUserVersionsAndAudit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		a, b := newCohort(t, s, p, "A"), newCohort(t, s, p, "B")
		in := invite(t, s, p, "in@example.com", models.RoleInstructor, a.ID)

		name, cred := "Ina Structor", "RMA (AMT)"
		got, err := saveUser(s, admin, in, func(u *models.User) { u.Name, u.Credential, u.CohortIDs = name, cred, []string{a.ID, b.ID} })
		if err != nil || got.Name != name || got.Credential != cred || len(got.CohortIDs) != 2 || got.Version != 2 {
			t.Fatalf("SaveUser = %+v, %v", got, err)
		}
		if stored, err := s.User(ctx, p, in.ID); err != nil || stored.Name != name || stored.Version != 2 || !slices.Equal(stored.CohortIDs, got.CohortIDs) {
			t.Errorf("User after SaveUser = %+v, %v; want %+v", stored, err, got)
		}
		if _, err := saveUser(s, admin, in, func(u *models.User) { u.Name = "Stale" }); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("SaveUser(stale version) = %v; want precondition failed", err)
		}
		if _, err := saveUser(s, admin, models.User{ID: "nobody", ProgramID: p, Version: 1}, func(u *models.User) { u.Name = "X" }); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("SaveUser(no such user) = %v; want precondition failed", err)
		}
		off, err := s.SetUserActive(ctx, admin, p, in.ID, false, 2)
		if err != nil || off.Active || off.Version != 3 {
			t.Fatalf("SetUserActive(false) = %+v, %v", off, err)
		}
		if again, err := s.SetUserActive(ctx, admin, p, in.ID, false, 0); err != nil || again.Version != 3 {
			t.Errorf("deactivating again = version %d, %v; want no change", again.Version, err)
		}
		if _, err := s.SetUserActive(ctx, admin, p, in.ID, true, 2); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("SetUserActive(stale version) = %v; want precondition failed", err)
		}
		if _, err := s.SetUserActive(ctx, admin, p, in.ID, true, 0); err != nil {
			t.Errorf("SetUserActive(true) = %v", err)
		}

		want := []string{"user.invited", "user.updated", "user.deactivated", "user.reactivated"}
		if types := auditTypes(t, s, p, in.ID); !slices.Equal(types, want) {
			t.Errorf("audit = %v; want %v", types, want)
		}
		d := eventsOf(t, s, p, in.ID, models.EventUserUpdated)[0].Data
		if d["oldName"] != "User in@example.com" || d["newName"] != name || d["newCredential"] != cred || d["newCohortIds"] != a.ID+","+b.ID {
			t.Errorf("user.updated data = %v; want old and new values", d)
		}
	})
}

func TestBindInvitationOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		c := newCohort(t, s, p, "C")
		inv := invite(t, s, p, "new@example.com", models.RoleStudent, c.ID)
		if _, err := s.UserByUID(ctx, "uid-1"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("UserByUID before binding = %v; want not found", err)
		}
		bound := inv
		bound.UID, bound.Bound = "uid-1", true
		w := models.UserWrite{Before: inv, After: bound, Events: []models.Event{models.InvitationAcceptedEvent(models.SystemActor, inv, time.Time{})}}
		got, err := s.BindInvitation(ctx, w)
		if err != nil || !got.Bound || got.UID != "uid-1" || got.Version != 2 {
			t.Fatalf("BindInvitation = %+v, %v; want bound at version 2", got, err)
		}
		if _, err := s.BindInvitation(ctx, w); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("BindInvitation again = %v; want not found (bound already)", err)
		}
		if u, err := s.UserByUID(ctx, "uid-1"); err != nil || u.ID != inv.ID || !u.Bound || u.UID != "uid-1" || u.Version != 2 {
			t.Errorf("UserByUID = %+v, %v; want the bound user", u, err)
		}
		want := []string{"user.invited", "user.invitation-accepted"}
		if types := auditTypes(t, s, p, inv.ID); !slices.Equal(types, want) {
			t.Errorf("audit = %v; want %v", types, want)
		}

		// One account binds one user.
		other := invite(t, s, p, "other@example.com", models.RoleStudent, c.ID)
		steal := other
		steal.UID, steal.Bound = "uid-1", true
		if _, err := s.BindInvitation(ctx, models.UserWrite{Before: other, After: steal}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("BindInvitation(an account bound already) = %v; want conflict", err)
		}
		if u, _ := s.User(ctx, p, other.ID); u.Bound || u.Version != 1 {
			t.Errorf("the refused binding left %+v; want the invitation unchanged", u)
		}
	})
}

// TestLastAdminGuard writes changes that skip the use cases' check: the
// store still keeps the program's last active admin, and audits the
// undoing.
func TestLastAdminGuard(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		c := newCohort(t, s, p, "C")
		first := invite(t, s, p, "first@example.com", models.RoleAdmin)

		_, err := saveUser(s, admin, first, func(u *models.User) { u.Role, u.CohortIDs = models.RoleStudent, []string{c.ID} })
		if !errors.Is(err, models.ErrConflict) || !strings.Contains(err.Error(), "at least one active admin") {
			t.Errorf("demoting the last admin = %v; want conflict", err)
		}
		if _, err := s.SetUserActive(ctx, admin, p, first.ID, false, 0); !errors.Is(err, models.ErrConflict) {
			t.Errorf("deactivating the last admin = %v; want conflict", err)
		}
		if u, err := s.User(ctx, p, first.ID); err != nil || !u.ActiveAdmin() {
			t.Errorf("the last admin after both = %+v, %v; want an active admin still", u, err)
		}
		want := []string{"user.invited", "user.updated", "user.change-undone", "user.deactivated", "user.change-undone"}
		if types := auditTypes(t, s, p, first.ID); !slices.Equal(types, want) {
			t.Errorf("audit = %v; want %v", types, want)
		}
		undone := eventsOf(t, s, p, first.ID, models.EventUserChangeUndone)[0]
		if undone.Actor.UserID != admin.UserID || undone.Data["oldRole"] != "student" || undone.Data["newRole"] != "admin" {
			t.Errorf("user.change-undone = %+v; want the actor and the role put back", undone)
		}
		second := invite(t, s, p, "second@example.com", models.RoleAdmin)
		if _, err := s.SetUserActive(ctx, admin, p, second.ID, false, 0); err != nil {
			t.Errorf("deactivating another admin = %v", err)
		}
		if n, err := s.ActiveAdmins(ctx, p); err != nil || n != 1 {
			t.Errorf("ActiveAdmins = %d, %v; want 1", n, err)
		}
		if admins, err := s.ProgramAdmins(ctx, p); err != nil || len(admins) != 1 || admins[0].ID != first.ID {
			t.Errorf("ProgramAdmins = %v, %v; want the first admin only", admins, err)
		}
	})
}

// Two admins demoting each other at the same moment both pass the check
// made before writing; the count after writing undoes at least one. On
// SQLite the count runs in the write's transaction: exactly one is undone.
func TestMutualDemotionKeepsAnAdmin(t *testing.T) {
	forEachAtomicEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		_, oneTransaction := s.(*sqlite.Store)
		ctx := context.Background()
		for round := range 5 {
			p := newProgram(t, s)
			c := newCohort(t, s, p, "C")
			x := invite(t, s, p, fmt.Sprintf("x%d@example.com", round), models.RoleAdmin)
			y := invite(t, s, p, fmt.Sprintf("y%d@example.com", round), models.RoleAdmin)
			pairs := [][2]models.User{{x, y}, {y, x}}
			errs := race(len(pairs), func(i int) error {
				actor := models.Actor{UserID: pairs[i][0].ID, Role: models.RoleAdmin}
				_, err := saveUser(s, actor, pairs[i][1], func(u *models.User) { u.Role, u.CohortIDs = models.RoleInstructor, []string{c.ID} })
				return err
			})
			refused := 0
			for _, err := range errs {
				switch {
				case errors.Is(err, models.ErrConflict):
					refused++
				case err != nil:
					t.Errorf("SaveUser = %v; want success or conflict", err)
				}
			}
			n, err := s.ActiveAdmins(ctx, p)
			if err != nil || n < 1 || refused < 1 {
				t.Fatalf("round %d: ActiveAdmins = %d, %v, %d refused; want an admin left", round, n, err, refused)
			}
			if oneTransaction && (n != 1 || refused != 1) {
				t.Fatalf("round %d: ActiveAdmins = %d, %d refused; want 1 admin left, 1 refused", round, n, refused)
			}
		}
	})
}

func TestUsersFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		a, b := newCohort(t, s, p, "A"), newCohort(t, s, p, "B")
		mustName := func(u models.User, name string) {
			if _, err := saveUser(s, admin, u, func(u *models.User) { u.Name = name }); err != nil {
				t.Fatal(err)
			}
		}
		ann := invite(t, s, p, "ann.lee@example.com", models.RoleStudent, a.ID)
		mustName(ann, "Ann Lee")
		clk.Advance(time.Millisecond)
		bob := invite(t, s, p, "bob@example.com", models.RoleStudent, b.ID)
		mustName(bob, "Bob Axb")
		clk.Advance(time.Millisecond)
		ina := invite(t, s, p, "ina@example.com", models.RoleInstructor, a.ID, b.ID)
		mustName(ina, "Ina Nurse")
		clk.Advance(time.Millisecond)
		if _, err := s.CreateUser(ctx, admin, models.User{ProgramID: p, Email: "boss@example.com", Name: "Élodie Örn", Role: models.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetUserActive(ctx, admin, p, bob.ID, false, 0); err != nil {
			t.Fatal(err)
		}
		invite(t, s, newProgram(t, s), "ann.other@example.com", models.RoleAdmin)

		yes, no := true, false
		tests := []struct {
			name string
			f    models.UserFilter
			want string
		}{
			{"all", models.UserFilter{}, "ann.lee,bob,ina,boss"},
			{"students", models.UserFilter{Role: models.RoleStudent}, "ann.lee,bob"},
			{"cohort A", models.UserFilter{CohortID: a.ID}, "ann.lee,ina"},
			{"students of B", models.UserFilter{Role: models.RoleStudent, AnyCohort: []string{b.ID}}, "bob"},
			{"any of A, B", models.UserFilter{AnyCohort: []string{a.ID, b.ID}}, "ann.lee,bob,ina"},
			{"no cohorts", models.UserFilter{AnyCohort: []string{}}, ""},
			{"active", models.UserFilter{Active: &yes}, "ann.lee,ina,boss"},
			{"inactive", models.UserFilter{Active: &no}, "bob"},
			{"name substring, any case", models.UserFilter{Query: "LEE"}, "ann.lee"},
			{"email prefix", models.UserFilter{Query: "bo"}, "bob,boss"},
			{"name word", models.UserFilter{Query: "nurse"}, "ina"},
			{"name beyond ASCII, any case", models.UserFilter{Query: " éLODIE ö"}, "boss"},
			{"dot is literal", models.UserFilter{Query: "a.b"}, ""},
			{"regex characters are literal", models.UserFilter{Query: "(.*"}, ""},
			{"LIKE characters are literal", models.UserFilter{Query: "%"}, ""},
			{"combined", models.UserFilter{Query: "@example", Role: models.RoleInstructor, CohortID: b.ID, Active: &yes}, "ina"},
		}
		locals := func(l models.List[models.User]) string {
			var got []string
			for _, u := range l.Items {
				local, _, _ := strings.Cut(u.Email, "@")
				got = append(got, local)
			}
			return strings.Join(got, ",")
		}
		for _, tt := range tests {
			l, err := s.Users(ctx, p, tt.f, models.Page{})
			if err != nil || locals(l) != tt.want || l.NextCursor != "" || l.Items == nil {
				t.Errorf("Users(%s) = %q (next %q), %v; want %q", tt.name, locals(l), l.NextCursor, err, tt.want)
			}
		}

		// Pages of two, the cursor keeping its place while users are added.
		first, err := s.Users(ctx, p, models.UserFilter{}, models.Page{Limit: 2})
		if err != nil || locals(first) != "ann.lee,bob" || first.NextCursor == "" {
			t.Fatalf("first page = %q (next %q), %v", locals(first), first.NextCursor, err)
		}
		clk.Advance(time.Millisecond)
		invite(t, s, p, "zed@example.com", models.RoleStudent, a.ID)
		second, err := s.Users(ctx, p, models.UserFilter{}, models.Page{Limit: 2, Cursor: first.NextCursor})
		if err != nil || locals(second) != "ina,boss" || second.NextCursor == "" {
			t.Fatalf("second page = %q (next %q), %v", locals(second), second.NextCursor, err)
		}
		third, err := s.Users(ctx, p, models.UserFilter{}, models.Page{Limit: 2, Cursor: second.NextCursor})
		if err != nil || locals(third) != "zed" || third.NextCursor != "" {
			t.Errorf("third page = %q (next %q), %v; want the user added meanwhile, last", locals(third), third.NextCursor, err)
		}
		cohorts, _ := s.Cohorts(ctx, p, models.CohortFilter{}, models.Page{Limit: 1})
		for _, bad := range []string{"nope", "!!", cohorts.NextCursor} {
			_, err := s.Users(ctx, p, models.UserFilter{}, models.Page{Cursor: bad})
			var ve *models.ValidationError
			if !errors.As(err, &ve) || ve.Problems[0].Field != "cursor" {
				t.Errorf("Users(cursor %q) = %v; want a validation error of cursor", bad, err)
			}
		}
		if _, err := s.Users(ctx, "", models.UserFilter{}, models.Page{}); err == nil {
			t.Error("Users(no program) = nil error")
		}

		found, err := s.UsersByEmail(ctx, []string{"ANN.LEE@example.com", "ann.other@example.com", "nobody@example.com"})
		if err != nil || len(found) != 2 || found["ann.lee@example.com"].ID != ann.ID || found["ann.other@example.com"].ProgramID == p {
			t.Errorf("UsersByEmail = %v, %v; want two users of two programs", found, err)
		}
	})
}

func TestCohortRosters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p, other := newProgram(t, s), newProgram(t, s)
		a, b := newCohort(t, s, p, "A"), newCohort(t, s, p, "B")
		elsewhere := newCohort(t, s, other, "Elsewhere")
		s1 := invite(t, s, p, "s1@example.com", models.RoleStudent, a.ID)
		s2 := invite(t, s, p, "s2@example.com", models.RoleStudent, b.ID)
		s3 := invite(t, s, p, "s3@example.com", models.RoleStudent, a.ID)
		in := invite(t, s, p, "in@example.com", models.RoleInstructor, a.ID, b.ID)
		off := invite(t, s, p, "off@example.com", models.RoleInstructor, a.ID)
		if _, err := s.SetUserActive(ctx, admin, p, off.ID, false, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetUserActive(ctx, admin, p, s3.ID, false, 0); err != nil {
			t.Fatal(err)
		}
		ids := func(us []models.User) []string {
			out := []string{}
			for _, u := range us {
				out = append(out, u.ID)
			}
			slices.Sort(out)
			return out
		}
		sorted := func(v ...string) []string { slices.Sort(v); return v }
		if got, err := s.CohortStudents(ctx, p, a.ID); err != nil || !slices.Equal(ids(got), sorted(s1.ID)) {
			t.Errorf("CohortStudents(A) = %v, %v; want the active student s1", ids(got), err)
		}
		if got, err := s.CohortInstructors(ctx, p, a.ID); err != nil || !slices.Equal(ids(got), sorted(in.ID)) {
			t.Errorf("CohortInstructors(A) = %v, %v; want the active instructor", ids(got), err)
		}
		if got, err := s.CohortStudents(ctx, other, a.ID); err != nil || len(got) != 0 {
			t.Errorf("CohortStudents(another program) = %v, %v; want none", got, err)
		}
		if got, err := s.StudentIDsInCohorts(ctx, p, []string{a.ID, b.ID}); err != nil || !slices.Equal(sorted(got...), sorted(s1.ID, s2.ID, s3.ID)) {
			t.Errorf("StudentIDsInCohorts = %v, %v; want every student of A and B, inactive too", got, err)
		}
		if got, err := s.StudentIDsInCohorts(ctx, p, nil); err != nil || got == nil || len(got) != 0 {
			t.Errorf("StudentIDsInCohorts(none) = %#v, %v; want an empty list", got, err)
		}
		found, err := s.CohortsByID(ctx, []string{a.ID, elsewhere.ID, "nope"})
		if err != nil || len(found) != 2 || found[a.ID].Name != "A" || found[a.ID].ProgramID != p || found[elsewhere.ID].ProgramID != other {
			t.Errorf("CohortsByID = %+v, %v; want A and Elsewhere, each with its program", found, err)
		}
		if got, err := s.CohortsByID(ctx, nil); err != nil || got == nil || len(got) != 0 {
			t.Errorf("CohortsByID(none) = %v, %v; want an empty map", got, err)
		}
	})
}
