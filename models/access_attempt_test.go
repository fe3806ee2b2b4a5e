package models

import (
	"slices"
	"testing"
)

func TestCanSeeAttempt(t *testing.T) {
	a := &Attempt{ProgramID: "p1", StudentID: "ann", CohortID: "c1"}
	tests := []struct {
		name   string
		caller User
		want   bool
	}{
		{"its student", User{ID: "ann", ProgramID: "p1", Role: RoleStudent, CohortIDs: []string{"c1"}}, true},
		{"a classmate", User{ID: "bob", ProgramID: "p1", Role: RoleStudent, CohortIDs: []string{"c1"}}, false},
		{"the cohort's instructor", User{ID: "ivy", ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c1"}}, true},
		{"an instructor of another cohort", User{ID: "oz", ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c2"}}, false},
		{"an admin", User{ID: "adm", ProgramID: "p1", Role: RoleAdmin}, true},
		{"an admin of another program", User{ID: "adm", ProgramID: "p2", Role: RoleAdmin}, false},
		{"a student of another program with the same id", User{ID: "ann", ProgramID: "p2", Role: RoleStudent}, false},
	}
	for _, tt := range tests {
		if got := CanSeeAttempt(tt.caller, a); got != tt.want {
			t.Errorf("CanSeeAttempt(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestQueueCohorts(t *testing.T) {
	ivy := User{ID: "ivy", Role: RoleInstructor, CohortIDs: []string{"c1", "c2"}}
	adm := User{ID: "adm", Role: RoleAdmin}
	tests := []struct {
		name    string
		caller  User
		cohort  string
		cohorts []string
		nilAll  bool // nil: the whole program
		ok      bool
	}{
		{"an admin, every cohort", adm, "", nil, true, true},
		{"an admin, one cohort", adm, "c9", []string{"c9"}, false, true},
		{"an instructor, the cohorts they teach", ivy, "", []string{"c1", "c2"}, false, true},
		{"an instructor, one they teach", ivy, "c2", []string{"c2"}, false, true},
		{"an instructor, one they do not teach", ivy, "c9", []string{}, false, false},
		{"an instructor teaching nothing", User{Role: RoleInstructor}, "", []string{}, false, true},
		{"a student", User{Role: RoleStudent, CohortIDs: []string{"c1"}}, "", nil, true, false},
	}
	for _, tt := range tests {
		got, ok := QueueCohorts(tt.caller, tt.cohort)
		if ok != tt.ok || (got == nil) != tt.nilAll || !slices.Equal(got, tt.cohorts) {
			t.Errorf("QueueCohorts(%s) = %#v, %v; want %#v, %v", tt.name, got, ok, tt.cohorts, tt.ok)
		}
	}
}
