package models

import "testing"

// The people of the access tables: a program p1 with cohorts c1 and c2,
// and a second program p2.
var (
	accAdmin       = User{ID: "admin", ProgramID: "p1", Role: RoleAdmin, Active: true}
	accTeacher     = User{ID: "teacher", ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c1"}, Active: true}
	accRetired     = User{ID: "retired", ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c1"}, Active: false}
	accOutsider    = User{ID: "outsider", ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c2"}, Active: true}
	accStudent     = User{ID: "student", ProgramID: "p1", Role: RoleStudent, CohortIDs: []string{"c1"}, Active: true}
	accClassmate   = User{ID: "classmate", ProgramID: "p1", Role: RoleStudent, CohortIDs: []string{"c1"}, Active: true}
	accLoner       = User{ID: "loner", ProgramID: "p1", Role: RoleStudent, CohortIDs: []string{"c2"}, Active: true}
	accForeignAdm  = User{ID: "foreign-admin", ProgramID: "p2", Role: RoleAdmin, Active: true}
	accForeignTeac = User{ID: "foreign-teacher", ProgramID: "p2", Role: RoleInstructor, CohortIDs: []string{"c1"}, Active: true}
)

func TestCanSeeStudent(t *testing.T) {
	tests := []struct {
		caller, student User
		want            bool
	}{
		{accAdmin, accStudent, true},
		{accTeacher, accStudent, true},
		{accRetired, accStudent, true},
		{accOutsider, accStudent, false},
		{accStudent, accStudent, true},
		{accClassmate, accStudent, false},
		{accForeignAdm, accStudent, false},
		{accForeignTeac, accStudent, false}, // teaches a "c1", of another program
		{accAdmin, accTeacher, false},       // not a student
		{accStudent, accTeacher, false},
	}
	for _, tt := range tests {
		if got := CanSeeStudent(tt.caller, tt.student); got != tt.want {
			t.Errorf("CanSeeStudent(%s, %s) = %v; want %v", tt.caller.ID, tt.student.ID, got, tt.want)
		}
	}
}

func TestCanSeeCohort(t *testing.T) {
	c1 := Cohort{ID: "c1", ProgramID: "p1"}
	tests := []struct {
		caller User
		want   bool
	}{
		{accAdmin, true},
		{accTeacher, true},
		{accOutsider, false},
		{accStudent, true},
		{accLoner, false},
		{accForeignAdm, false},
		{accForeignTeac, false},
		{User{ID: "ghost", ProgramID: "p1", Role: "system", CohortIDs: []string{"c1"}}, false},
	}
	for _, tt := range tests {
		if got := CanSeeCohort(tt.caller, c1); got != tt.want {
			t.Errorf("CanSeeCohort(%s, c1) = %v; want %v", tt.caller.ID, got, tt.want)
		}
	}
}

func TestCanManageCohort(t *testing.T) {
	tests := []struct {
		caller User
		cohort string
		want   bool
	}{
		{accAdmin, "c1", true},
		{accAdmin, "c2", true},
		{accTeacher, "c1", true},
		{accTeacher, "c2", false},
		{accOutsider, "c1", false},
		{accStudent, "c1", false},
	}
	for _, tt := range tests {
		if got := CanManageCohort(tt.caller, tt.cohort); got != tt.want {
			t.Errorf("CanManageCohort(%s, %s) = %v; want %v", tt.caller.ID, tt.cohort, got, tt.want)
		}
	}
}

func TestCanEvaluate(t *testing.T) {
	tests := []struct {
		caller User
		cohort string
		want   bool
	}{
		{accTeacher, "c1", true},
		{accTeacher, "c2", false},
		{accRetired, "c1", false}, // deactivated
		{accOutsider, "c1", false},
		{accAdmin, "c1", false},
		{accStudent, "c1", false},
	}
	for _, tt := range tests {
		if got := CanEvaluate(tt.caller, tt.cohort); got != tt.want {
			t.Errorf("CanEvaluate(%s, %s) = %v; want %v", tt.caller.ID, tt.cohort, got, tt.want)
		}
	}
}

func TestCanSeeUser(t *testing.T) {
	tests := []struct {
		caller, u User
		want      bool
	}{
		{accAdmin, accTeacher, true},
		{accAdmin, accStudent, true},
		{accTeacher, accTeacher, true},
		{accTeacher, accOutsider, false},
		{accTeacher, accStudent, true},
		{accTeacher, accLoner, false},
		{accStudent, accStudent, true},
		{accStudent, accClassmate, false},
		{accStudent, accTeacher, false},
		{accForeignAdm, accStudent, false},
	}
	for _, tt := range tests {
		if got := CanSeeUser(tt.caller, tt.u); got != tt.want {
			t.Errorf("CanSeeUser(%s, %s) = %v; want %v", tt.caller.ID, tt.u.ID, got, tt.want)
		}
	}
}

func TestCanReviewProcedure(t *testing.T) {
	teacher := User{ID: "i1", ProgramID: "p1", Role: RoleInstructor, Active: true, CohortIDs: []string{"c1"}}
	other := User{ID: "i2", ProgramID: "p1", Role: RoleInstructor, Active: true, CohortIDs: []string{"c2"}}
	inactive := teacher
	inactive.Active = false
	admin := User{ID: "a1", ProgramID: "p1", Role: RoleAdmin, Active: true}
	foreign := teacher
	foreign.ProgramID = "p2"
	for _, tt := range []struct {
		name   string
		caller User
		want   bool
	}{
		{"teacher", teacher, true}, {"other cohort", other, false}, {"inactive", inactive, false},
		{"admin", admin, false}, {"student", student, false}, {"other program", foreign, false},
	} {
		if got := CanReviewProcedure(tt.caller, student); got != tt.want {
			t.Errorf("CanReviewProcedure(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestCanReadChecklist(t *testing.T) {
	draft := Checklist{ID: "own", ProgramID: "p1", Status: ChecklistDraft}
	published := Checklist{ID: "own", ProgramID: "p1", Status: ChecklistPublished}
	retired := Checklist{ID: "own", ProgramID: "p1", Status: ChecklistRetired}
	shipped := Checklist{ID: "bp-manual", Status: ChecklistPublished}
	tests := []struct {
		caller User
		c      Checklist
		want   bool
	}{
		{accAdmin, draft, true},
		{accTeacher, draft, false},
		{accStudent, draft, false},
		{accForeignAdm, draft, false},
		{accStudent, published, true},
		{accTeacher, retired, true},
		{accStudent, shipped, true},
		{accForeignAdm, shipped, true},
	}
	for _, tt := range tests {
		if got := CanReadChecklist(tt.caller, tt.c); got != tt.want {
			t.Errorf("CanReadChecklist(%s, %s %s) = %v; want %v", tt.caller.ID, tt.c.ID, tt.c.Status, got, tt.want)
		}
	}
}

func TestCanAssignTo(t *testing.T) {
	tests := []struct {
		caller, student User
		want            bool
	}{
		{accAdmin, accStudent, true},
		{accTeacher, accStudent, true},
		{accTeacher, accLoner, false},
		{accOutsider, accLoner, true},
		{accStudent, accStudent, false},
		{accForeignAdm, accStudent, false},
		{accForeignTeac, accStudent, false},
	}
	for _, tt := range tests {
		if got := CanAssignTo(tt.caller, tt.student); got != tt.want {
			t.Errorf("CanAssignTo(%s, %s) = %v; want %v", tt.caller.ID, tt.student.ID, got, tt.want)
		}
	}
}

func TestCanListAssignments(t *testing.T) {
	student, loner := accStudent, accLoner
	tests := []struct {
		caller  User
		cohort  string
		student *User
		want    bool
	}{
		{accAdmin, "", nil, true},
		{accAdmin, "c2", nil, true},
		{accTeacher, "c1", nil, true},
		{accTeacher, "c2", nil, false},
		{accTeacher, "", nil, false},
		{accTeacher, "", &student, true},
		{accTeacher, "", &loner, false},
		{accTeacher, "c1", &loner, true}, // the cohort is theirs
		{accStudent, "c1", nil, false},
		{accStudent, "", &student, false},
	}
	for _, tt := range tests {
		name := ""
		if tt.student != nil {
			name = tt.student.ID
		}
		if got := CanListAssignments(tt.caller, tt.cohort, tt.student); got != tt.want {
			t.Errorf("CanListAssignments(%s, %q, %q) = %v; want %v", tt.caller.ID, tt.cohort, name, got, tt.want)
		}
	}
}

func TestScopeOf(t *testing.T) {
	tests := []struct {
		caller User
		want   RecordScope
	}{
		{accStudent, ScopeOwn},
		{accTeacher, ScopeTaughtStudents},
		{accAdmin, ScopeProgram},
		{User{ID: "system", Role: "system"}, ScopeNone},
	}
	for _, tt := range tests {
		if got := ScopeOf(tt.caller); got != tt.want {
			t.Errorf("ScopeOf(%s) = %v; want %v", tt.caller.ID, got, tt.want)
		}
	}
}
