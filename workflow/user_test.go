package workflow

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/models"
)

func TestInviteUser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		caller string // fixture user id
		in     InviteUserInput
		want   error  // a sentinel, or nil for success
		detail string // a piece of the error
	}{
		{"a student into an open cohort", "u-admin", InviteUserInput{Email: " New.Student@Example.com ", Name: " Nia ", Role: models.RoleStudent, CohortIDs: []string{"fall"}}, nil, ""},
		{"an admin needs no cohort", "u-admin", InviteUserInput{Email: "boss@example.com", Name: "Boss", Role: models.RoleAdmin}, nil, ""},
		{"an archived cohort takes no members", "u-admin", InviteUserInput{Email: "x@example.com", Name: "X", Role: models.RoleStudent, CohortIDs: []string{"old"}}, errValidation, "archived"},
		{"another program's cohort", "u-admin", InviteUserInput{Email: "x@example.com", Name: "X", Role: models.RoleStudent, CohortIDs: []string{"elsewhere"}}, errValidation, "no cohort"},
		{"a student without a cohort", "u-admin", InviteUserInput{Email: "x@example.com", Name: "X", Role: models.RoleStudent}, errValidation, "exactly one"},
		{"a student in two cohorts", "u-admin", InviteUserInput{Email: "x@example.com", Name: "X", Role: models.RoleStudent, CohortIDs: []string{"fall", "spring"}}, errValidation, "exactly one"},
		{"a repeated cohort", "u-admin", InviteUserInput{Email: "x@example.com", Name: "X", Role: models.RoleInstructor, CohortIDs: []string{"fall", "fall"}}, errValidation, "twice"},
		{"every problem at once", "u-admin", InviteUserInput{Email: "not an email", Name: "", Role: "nurse"}, errValidation, "email: must be an email address; name: is required; role"},
		{"an email taken", "u-admin", InviteUserInput{Email: "SAM@example.com", Name: "Sam", Role: models.RoleStudent, CohortIDs: []string{"fall"}}, models.ErrConflict, "already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x := newPeopleFixture(t)
			u, err := x.people.InviteUser(t.Context(), peopleCaller(x.store.users[tt.caller]), tt.in)
			if tt.want != nil {
				if !isErr(err, tt.want) || !strings.Contains(err.Error(), tt.detail) {
					t.Fatalf("InviteUser = %+v, %v; want %v about %q", u, err, tt.want, tt.detail)
				}
				if len(x.store.events) != 0 {
					t.Errorf("a refused invitation wrote %v", x.store.eventTypes())
				}
				return
			}
			if err != nil {
				t.Fatalf("InviteUser = %v", err)
			}
			stored := x.store.users[u.ID]
			if u.ID != "id-001" || u.Email != models.NormalizeEmail(tt.in.Email) || u.Name != strings.TrimSpace(tt.in.Name) ||
				u.Bound || !u.Active || u.Version != 1 || !u.CreatedAt.Equal(peopleEpoch) || stored.Email != u.Email {
				t.Errorf("InviteUser = %+v; want a normalized, active, unbound invitation stamped by the clock", u)
			}
			if len(x.store.events) != 1 {
				t.Fatalf("events = %v; want one invitation", x.store.eventTypes())
			}
			e := x.store.events[0]
			if e.Type != models.EventUserInvited || e.SubjectID != u.ID || e.Actor.UserID != "u-admin" || e.Actor.RequestID != "req-1" ||
				!e.At.Equal(peopleEpoch) || (u.Role == models.RoleStudent) != (e.StudentID == u.ID) {
				t.Errorf("invitation event = %+v", e)
			}
		})
	}
}

// errValidation stands for a *models.ValidationError in the tables.
var errValidation = errors.New("validation error")

func isErr(err, want error) bool {
	if want == errValidation {
		var v *models.ValidationError
		return errors.As(err, &v)
	}
	return errors.Is(err, want)
}

func ptr[T any](v T) *T { return &v }

func TestUpdateUserRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		setup  func(x *peopleFixture)
		caller string
		in     UpdateUserInput
		want   error
		detail string
		event  bool // the change is written with a user.updated event
	}{
		{"rename a student", nil, "u-admin", UpdateUserInput{ID: "u-sam", Version: 1, Name: ptr(" Samuel ")}, nil, "", true},
		{"a stale version", nil, "u-admin", UpdateUserInput{ID: "u-sam", Version: 7, Name: ptr("X")}, models.ErrPreconditionFailed, "", false},
		{"another program's user", func(x *peopleFixture) {
			x.store.addUser(models.User{ID: "u-far", ProgramID: "q", Email: "far@example.com", Name: "Far", Role: models.RoleStudent, CohortIDs: []string{"elsewhere"}, Active: true})
		}, "u-admin", UpdateUserInput{ID: "u-far", Name: ptr("X")}, models.ErrNotFound, "", false},
		{"no change writes nothing", nil, "u-admin", UpdateUserInput{ID: "u-ina", Version: 1, Name: ptr("Ina"), CohortIDs: []string{"fall"}}, nil, "", false},
		{"moving into an archived cohort", nil, "u-admin", UpdateUserInput{ID: "u-sam", CohortIDs: []string{"old"}}, errValidation, "archived", false},
		{"staying in an archived cohort", func(x *peopleFixture) {
			x.store.addUser(models.User{ID: "u-alum", ProgramID: peopleProgram, Email: "alum@example.com", Name: "Alum", Role: models.RoleInstructor, CohortIDs: []string{"old"}, Active: true})
		}, "u-admin", UpdateUserInput{ID: "u-alum", CohortIDs: []string{"old", "fall"}}, nil, "", true},
		{"an empty name", nil, "u-admin", UpdateUserInput{ID: "u-sam", Name: ptr("  ")}, errValidation, "name", false},
		{"a student needs one cohort", nil, "u-admin", UpdateUserInput{ID: "u-ina", Role: ptr(models.RoleStudent), CohortIDs: []string{}}, errValidation, "exactly one", false},
		{"an admin cannot demote themselves", nil, "u-admin", UpdateUserInput{ID: "u-admin", Role: ptr(models.RoleInstructor), CohortIDs: []string{"fall"}}, models.ErrForbidden, "your own admin role", false},
		{"an admin may rename themselves", nil, "u-admin", UpdateUserInput{ID: "u-admin", Name: ptr("Ada")}, nil, "", true},
		{"the last active admin is kept", func(x *peopleFixture) {
			x.store.users["u-admin"] = withRole(x.store.users["u-admin"], models.RoleAdmin, false)
			x.store.addUser(models.User{ID: "u-boss", ProgramID: peopleProgram, Email: "boss@example.com", Name: "Boss", Role: models.RoleAdmin, Active: true})
		}, "u-admin", UpdateUserInput{ID: "u-boss", Role: ptr(models.RoleInstructor), CohortIDs: []string{"fall"}}, models.ErrConflict, "at least one active admin", false},
		{"another admin may be demoted while one remains", func(x *peopleFixture) {
			x.store.addUser(models.User{ID: "u-boss", ProgramID: peopleProgram, Email: "boss@example.com", Name: "Boss", Role: models.RoleAdmin, Active: true})
		}, "u-admin", UpdateUserInput{ID: "u-boss", Role: ptr(models.RoleInstructor), CohortIDs: []string{"fall"}}, nil, "", true},
		{"a deactivated admin's demotion takes no active admin", func(x *peopleFixture) {
			x.store.users["u-admin"] = withRole(x.store.users["u-admin"], models.RoleAdmin, false)
			x.store.addUser(models.User{ID: "u-boss", ProgramID: peopleProgram, Email: "boss@example.com", Name: "Boss", Role: models.RoleAdmin, Active: true})
		}, "u-boss", UpdateUserInput{ID: "u-admin", Role: ptr(models.RoleInstructor), CohortIDs: []string{"fall"}}, nil, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x := newPeopleFixture(t)
			if tt.setup != nil {
				tt.setup(x)
			}
			x.clock.Advance(time.Hour)
			before := x.store.users[tt.in.ID]
			u, err := x.people.UpdateUser(t.Context(), peopleCaller(x.store.users[tt.caller]), tt.in)
			if tt.want != nil {
				if !isErr(err, tt.want) || !strings.Contains(err.Error(), tt.detail) {
					t.Fatalf("UpdateUser = %+v, %v; want %v about %q", u, err, tt.want, tt.detail)
				}
			} else if err != nil {
				t.Fatalf("UpdateUser = %v", err)
			}
			types := x.store.eventTypes()
			if !tt.event {
				if len(types) != 0 || x.store.users[tt.in.ID].Version != before.Version {
					t.Errorf("events = %v, version %d; want nothing written", types, x.store.users[tt.in.ID].Version)
				}
				return
			}
			if !slices.Equal(types, []models.EventType{models.EventUserUpdated}) || u.Version != before.Version+1 || !u.UpdatedAt.Equal(peopleEpoch.Add(time.Hour)) {
				t.Errorf("UpdateUser = %+v, events %v; want one user.updated, the version one up, stamped by the clock", u, types)
			}
		})
	}
}

func withRole(u models.User, role models.Role, active bool) models.User {
	u.Role, u.Active = role, active
	return u
}

// TestUpdateUserRace: without If-Match a change lost to another writer is
// decided again on the new state; with it, the change is refused.
func TestUpdateUserRace(t *testing.T) {
	t.Parallel()
	bump := func(times int) func(f *fakePeople) {
		n := 0
		return func(f *fakePeople) {
			if n < times {
				n++
				u := f.users["u-sam"]
				u.Version++
				u.Credential = "changed meanwhile"
				f.users["u-sam"] = u
			}
		}
	}
	tests := []struct {
		name    string
		version int64
		bumps   int
		want    error
	}{
		{"retried on the new state", 0, 1, nil},
		{"a version that moved", 1, 1, models.ErrPreconditionFailed},
		{"always losing", 0, 100, models.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x := newPeopleFixture(t)
			x.store.beforeWrite = bump(tt.bumps)
			u, err := x.people.UpdateUser(t.Context(), peopleCaller(x.admin), UpdateUserInput{ID: "u-sam", Version: tt.version, Name: ptr("Samuel")})
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("UpdateUser = %+v, %v; want %v", u, err, tt.want)
				}
				return
			}
			if err != nil || u.Name != "Samuel" || u.Credential != "changed meanwhile" || u.Version != 3 {
				t.Errorf("UpdateUser = %+v, %v; want the rename on top of the other change, version 3", u, err)
			}
		})
	}
}

func TestSetUserActiveRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		setup  func(x *peopleFixture)
		caller string
		target string
		active bool
		want   error
		detail string
		event  models.EventType
	}{
		{"deactivate a student", nil, "u-admin", "u-sam", false, nil, "", models.EventUserDeactivated},
		{"deactivating again changes nothing", func(x *peopleFixture) {
			x.store.users["u-sam"] = withRole(x.store.users["u-sam"], models.RoleStudent, false)
		}, "u-admin", "u-sam", false, nil, "", ""},
		{"reactivate", func(x *peopleFixture) {
			x.store.users["u-sam"] = withRole(x.store.users["u-sam"], models.RoleStudent, false)
		}, "u-admin", "u-sam", true, nil, "", models.EventUserReactivated},
		{"an admin cannot deactivate themselves", func(x *peopleFixture) {
			x.store.addUser(models.User{ID: "u-boss", ProgramID: peopleProgram, Email: "boss@example.com", Name: "Boss", Role: models.RoleAdmin, Active: true})
		}, "u-admin", "u-admin", false, models.ErrForbidden, "your own account", ""},
		{"the last active admin stays", func(x *peopleFixture) {
			x.store.users["u-admin"] = withRole(x.store.users["u-admin"], models.RoleAdmin, false)
			x.store.addUser(models.User{ID: "u-boss", ProgramID: peopleProgram, Email: "boss@example.com", Name: "Boss", Role: models.RoleAdmin, Active: true})
		}, "u-admin", "u-boss", false, models.ErrConflict, "at least one active admin", ""},
		{"another admin while one remains", func(x *peopleFixture) {
			x.store.addUser(models.User{ID: "u-boss", ProgramID: peopleProgram, Email: "boss@example.com", Name: "Boss", Role: models.RoleAdmin, Active: true})
		}, "u-admin", "u-boss", false, nil, "", models.EventUserDeactivated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x := newPeopleFixture(t)
			if tt.setup != nil {
				tt.setup(x)
			}
			in := UserStateInput{ID: tt.target}
			do := x.people.DeactivateUser
			if tt.active {
				do = x.people.ReactivateUser
			}
			u, err := do(t.Context(), peopleCaller(x.store.users[tt.caller]), in)
			if tt.want != nil {
				if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.detail) {
					t.Fatalf("= %+v, %v; want %v about %q", u, err, tt.want, tt.detail)
				}
			} else if err != nil || u.Active != tt.active {
				t.Fatalf("= %+v, %v; want active %v", u, err, tt.active)
			}
			types := x.store.eventTypes()
			if tt.event == "" {
				if len(types) != 0 {
					t.Errorf("events = %v; want none", types)
				}
				return
			}
			e := x.store.events[0]
			if len(types) != 1 || e.Type != tt.event || (u.Role == models.RoleStudent) != (e.StudentID == u.ID) || !e.At.Equal(peopleEpoch) {
				t.Errorf("events = %+v; want one %s", x.store.events, tt.event)
			}
		})
	}
}

func TestUsersAndUserAccess(t *testing.T) {
	t.Parallel()
	x := newPeopleFixture(t)
	ctx := t.Context()
	if _, err := x.people.Users(ctx, peopleCaller(x.student), UsersInput{}); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("Users(student) = %v; want forbidden", err)
	}
	l, err := x.people.Users(ctx, peopleCaller(x.instructor), UsersInput{})
	if err != nil || len(l.Items) != 1 || l.Items[0].ID != "u-sam" {
		t.Errorf("Users(instructor) = %+v, %v; want the student taught", l.Items, err)
	}
	x.store.lastUserFilter = nil
	if l, err := x.people.Users(ctx, peopleCaller(x.instructor), UsersInput{Filter: models.UserFilter{Role: models.RoleAdmin}}); err != nil || len(l.Items) != 0 || x.store.lastUserFilter != nil {
		t.Errorf("Users(instructor, admins) = %+v, %v; want none, without asking the store", l.Items, err)
	}
	if l, err := x.people.Users(ctx, peopleCaller(x.admin), UsersInput{}); err != nil || len(l.Items) != 4 {
		t.Errorf("Users(admin) = %d users, %v; want the whole program's 4", len(l.Items), err)
	}

	tests := []struct {
		caller, target models.User
		ok             bool
	}{
		{x.admin, x.instructor, true},
		{x.instructor, x.student, true},
		{x.instructor, x.student2, false},
		{x.instructor, x.admin, false},
		{x.instructor, x.instructor, true},
		{x.student, x.student, true},
		{x.student, x.student2, false},
	}
	for _, tt := range tests {
		u, err := x.people.User(ctx, peopleCaller(tt.caller), tt.target.ID)
		if tt.ok && (err != nil || u.ID != tt.target.ID) || !tt.ok && !errors.Is(err, models.ErrNotFound) {
			t.Errorf("User(%s reads %s) = %v; want ok %v (else not found)", tt.caller.ID, tt.target.ID, err, tt.ok)
		}
	}
}
