package models

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Assignment asks a cohort, or one student, to become competent in one
// published checklist version, optionally by a due date.
type Assignment struct {
	ID               string    `json:"id" bson:"_id"`
	ProgramID        string    `json:"programId" bson:"programId"`
	ChecklistID      string    `json:"checklistId" bson:"checklistId"`
	ChecklistVersion int       `json:"checklistVersion" bson:"checklistVersion"`
	Area             Area      `json:"area" bson:"area"`
	CohortID         string    `json:"cohortId,omitempty" bson:"cohortId,omitempty"`
	StudentID        string    `json:"studentId,omitempty" bson:"studentId,omitempty"`
	DueDate          string    `json:"dueDate,omitempty" bson:"dueDate,omitempty"`
	AssignedBy       string    `json:"assignedBy" bson:"assignedBy"`
	Version          int64     `json:"version" bson:"version"`
	CreatedAt        time.Time `json:"createdAt" bson:"createdAt"`
}

// AppliesTo reports whether the assignment is for student (directly or
// through one of their cohorts).
func (a *Assignment) AppliesTo(student User) bool {
	if a.StudentID != "" {
		return a.StudentID == student.ID
	}
	for _, c := range student.CohortIDs {
		if c == a.CohortID {
			return true
		}
	}
	return false
}

// Key is the id an assignment gets from what is assigned to whom, so
// assigning the same checklist version to the same cohort or student twice
// finds the first assignment instead of making a second.
func (a *Assignment) Key() string {
	target := "cohort:" + a.CohortID
	if a.StudentID != "" {
		target = "student:" + a.StudentID
	}
	h := sha256.New()
	for _, part := range []string{a.ProgramID, target, a.ChecklistID, strconv.Itoa(a.ChecklistVersion)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "asg_" + hex.EncodeToString(h.Sum(nil)[:16])
}

// AssignmentFilter selects the assignments made to one cohort, or to one
// student individually; empty fields select all.
type AssignmentFilter struct {
	CohortID  string
	StudentID string
}
