package models

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestSameSet(t *testing.T) {
	tests := []struct {
		a, b []string
		want bool
	}{
		{nil, []string{}, true},
		{[]string{"a", "b"}, []string{"b", "a"}, true},
		{[]string{"a"}, []string{"a", "b"}, false},
		{[]string{"a", "b"}, []string{"a", "c"}, false},
	}
	for _, tt := range tests {
		if got := SameSet(tt.a, tt.b); got != tt.want {
			t.Errorf("SameSet(%v, %v) = %v; want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestPeopleRules(t *testing.T) {
	admin := User{ID: "a", Role: RoleAdmin, Active: true}
	demoted, deactivated := admin, admin
	demoted.Role = RoleInstructor
	deactivated.Active = false
	renamed := admin
	renamed.Name = "New"
	tests := []struct {
		name          string
		err           error
		want          error
		takesAnAdmin  bool
		before, after User
	}{
		{"demoting oneself", CheckOwnChange("a", admin, demoted, "x"), ErrForbidden, true, admin, demoted},
		{"deactivating oneself", CheckOwnChange("a", admin, deactivated, "x"), ErrForbidden, true, admin, deactivated},
		{"renaming oneself", CheckOwnChange("a", admin, renamed, "x"), nil, false, admin, renamed},
		{"demoting another", CheckOwnChange("b", admin, demoted, "x"), nil, true, admin, demoted},
		{"the last admin", CheckAdminKept(1, admin, demoted, "x"), ErrConflict, true, admin, demoted},
		{"one of two admins", CheckAdminKept(2, admin, deactivated, "x"), nil, true, admin, deactivated},
		{"no admin taken", CheckAdminKept(1, admin, renamed, "x"), nil, false, admin, renamed},
		{"a deactivated admin demoted", CheckAdminKept(0, deactivated, User{Role: RoleStudent}, "x"), nil, false, deactivated, User{Role: RoleStudent}},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) || (tt.want == nil) != (tt.err == nil) {
			t.Errorf("%s = %v; want %v", tt.name, tt.err, tt.want)
		}
		if got := TakesAnAdmin(tt.before, tt.after); got != tt.takesAnAdmin {
			t.Errorf("%s: TakesAnAdmin = %v; want %v", tt.name, got, tt.takesAnAdmin)
		}
	}
}

func TestScopes(t *testing.T) {
	ina := User{ID: "i", Role: RoleInstructor, CohortIDs: []string{"fall"}}
	tests := []struct {
		caller User
		in     UserFilter
		want   UserFilter
		ok     bool
	}{
		{User{Role: RoleAdmin}, UserFilter{Role: RoleInstructor}, UserFilter{Role: RoleInstructor}, true},
		{ina, UserFilter{}, UserFilter{Role: RoleStudent, AnyCohort: []string{"fall"}}, true},
		{ina, UserFilter{Role: RoleAdmin}, UserFilter{Role: RoleAdmin}, false},
		{User{Role: RoleStudent}, UserFilter{}, UserFilter{}, false},
	}
	for _, tt := range tests {
		got, ok := ScopeUsers(tt.caller, tt.in)
		if ok != tt.ok || got.Role != tt.want.Role || !slices.Equal(got.AnyCohort, tt.want.AnyCohort) {
			t.Errorf("ScopeUsers(%s, %+v) = %+v, %v; want %+v, %v", tt.caller.Role, tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if f := ScopeCohorts(ina, CohortFilter{Archived: true}); !f.Archived || !slices.Equal(f.IDs, []string{"fall"}) {
		t.Errorf("ScopeCohorts(instructor) = %+v; want their own cohorts", f)
	}
	if f := ScopeCohorts(User{Role: RoleAdmin}, CohortFilter{}); f.IDs != nil {
		t.Errorf("ScopeCohorts(admin) = %+v; want every cohort", f)
	}
	if f := ScopeCohorts(User{Role: RoleStudent}, CohortFilter{}); f.IDs == nil || len(f.IDs) != 0 {
		t.Errorf("ScopeCohorts(a student in no cohort) = %+v; want none", f)
	}
}

func TestUserChangedEvent(t *testing.T) {
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	before := User{ID: "s", ProgramID: "p", Email: "s@example.com", Name: "Sam", Role: RoleStudent, CohortIDs: []string{"a", "b"}}
	if _, ok := UserChangedEvent(EventUserUpdated, SystemActor, before, User{ID: "s", ProgramID: "p", Email: "s@example.com", Name: "Sam", Role: RoleStudent, CohortIDs: []string{"b", "a"}}, at); ok {
		t.Error("the same cohorts in another order are a change")
	}
	after := before
	after.Name, after.Role, after.CohortIDs = "Samuel", RoleInstructor, []string{"a"}
	e, ok := UserChangedEvent(EventRosterUserUpdated, SystemActor, before, after, at)
	if !ok || e.Type != EventRosterUserUpdated || e.StudentID != "s" || e.Summary != "changed cohortIds, name, role of s@example.com" ||
		e.Data["oldCohortIds"] != "a,b" || e.Data["newRole"] != "instructor" || !e.At.Equal(at) {
		t.Errorf("UserChangedEvent = %+v", e)
	}
}

func TestInstructorsOf(t *testing.T) {
	tests := []struct {
		caller User
		want   []string
		ok     bool
	}{
		{User{Role: RoleStudent, CohortIDs: []string{"fall"}}, []string{"fall"}, true},
		{User{Role: RoleStudent}, []string{}, true},
		{User{Role: RoleInstructor, CohortIDs: []string{"fall"}}, nil, false},
		{User{Role: RoleAdmin}, nil, false},
	}
	for _, tt := range tests {
		f, ok := InstructorsOf(tt.caller)
		if ok != tt.ok || !slices.Equal(f.AnyCohort, tt.want) || (ok && (f.Role != RoleInstructor || f.Active == nil || !*f.Active)) {
			t.Errorf("InstructorsOf(%s %v) = %+v, %v; want active instructors of %v, %v", tt.caller.Role, tt.caller.CohortIDs, f, ok, tt.want, tt.ok)
		}
	}
}
