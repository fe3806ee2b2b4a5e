package models

import "testing"

// Table tests of the Can* rules that reached main from other branches,
// over the people of access_test.go.

func TestCanExport(t *testing.T) {
	student, loner := accStudent, accLoner
	inactiveAdmin := accAdmin
	inactiveAdmin.Active = false
	tests := []struct {
		caller  User
		kind    ExportKind
		cohort  string
		student *User
		want    bool
	}{
		{accAdmin, ExportArchive, "", nil, true},
		{accAdmin, ExportMatrix, "c2", nil, true},
		{inactiveAdmin, ExportMatrix, "c1", nil, false},
		{accTeacher, ExportMatrix, "c1", nil, true},
		{accTeacher, ExportTranscripts, "c1", nil, true},
		{accTeacher, ExportMatrix, "c2", nil, false},
		{accTeacher, ExportTranscript, "", &student, true},
		{accTeacher, ExportTranscript, "", &loner, false},
		{accTeacher, ExportArchive, "", nil, false},
		{accTeacher, ExportAccreditation, "c1", nil, false},
		{accRetired, ExportMatrix, "c1", nil, false},
		{accStudent, ExportTranscript, "", &student, true},
		{accClassmate, ExportTranscript, "", &student, false},
		{accStudent, ExportMatrix, "c1", nil, false},
	}
	for _, tt := range tests {
		name := ""
		if tt.student != nil {
			name = tt.student.ID
		}
		if got := CanExport(tt.caller, tt.kind, tt.cohort, tt.student); got != tt.want {
			t.Errorf("CanExport(%s, %s, %q, %q) = %v; want %v", tt.caller.ID, tt.kind, tt.cohort, name, got, tt.want)
		}
	}
}

func TestCanFollowExport(t *testing.T) {
	job := ExportJob{ID: "j1", ProgramID: "p1", RequestedBy: Actor{UserID: "teacher"}}
	tests := []struct {
		caller User
		want   bool
	}{
		{accTeacher, true},
		{accAdmin, true},
		{accOutsider, false},
		{accStudent, false},
		{accForeignAdm, false},
	}
	for _, tt := range tests {
		if got := CanFollowExport(tt.caller, job); got != tt.want {
			t.Errorf("CanFollowExport(%s) = %v; want %v", tt.caller.ID, got, tt.want)
		}
	}
}

func TestRoleOnlyRules(t *testing.T) {
	tests := []struct {
		caller           User
		audit, listUsers bool
	}{
		{accAdmin, true, true},
		{accTeacher, false, true},
		{accStudent, false, false},
		{User{ID: "system", Role: "system"}, false, false},
	}
	for _, tt := range tests {
		if got := CanReadAudit(tt.caller); got != tt.audit {
			t.Errorf("CanReadAudit(%s) = %v; want %v", tt.caller.ID, got, tt.audit)
		}
		if got := CanListUsers(tt.caller); got != tt.listUsers {
			t.Errorf("CanListUsers(%s) = %v; want %v", tt.caller.ID, got, tt.listUsers)
		}
	}
}

func TestCanPlanRemediation(t *testing.T) {
	inactiveAdmin := accAdmin
	inactiveAdmin.Active = false
	tests := []struct {
		caller, student User
		want            bool
	}{
		{accAdmin, accStudent, true},
		{accAdmin, accLoner, true},
		{inactiveAdmin, accStudent, false},
		{accTeacher, accStudent, true}, // teaches c1
		{accTeacher, accLoner, false},  // c2 is not theirs
		{accOutsider, accLoner, true},
		{accOutsider, accStudent, false},
		{accRetired, accStudent, false},     // deactivated
		{accForeignTeac, accStudent, false}, // teaches a "c1", of another program
		{accForeignAdm, accStudent, false},
		{accStudent, accStudent, false}, // not for themselves
		{accClassmate, accStudent, false},
		{accAdmin, accTeacher, false}, // not a student
	}
	for _, tt := range tests {
		if got := CanPlanRemediation(tt.caller, tt.student); got != tt.want {
			t.Errorf("CanPlanRemediation(%s, %s) = %v; want %v", tt.caller.ID, tt.student.ID, got, tt.want)
		}
	}
}
