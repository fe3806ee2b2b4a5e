package models

import (
	"net/mail"
	"strings"
	"time"
)

// Role is what a user may do in their program.
type Role string

// The three roles of a program.
const (
	RoleStudent    Role = "student"
	RoleInstructor Role = "instructor"
	RoleAdmin      Role = "admin"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RoleStudent, RoleInstructor, RoleAdmin:
		return true
	}
	return false
}

// Program is the tenant: every record belongs to exactly one program.
type Program struct {
	ID      string  `json:"id" bson:"_id"`
	Name    string  `json:"name" bson:"name"`
	Grading Grading `json:"grading" bson:"grading"`
	// ProcedureTargets maps a procedure kind to how many confirmed live
	// performances each student needs.
	ProcedureTargets map[string]int `json:"procedureTargets" bson:"procedureTargets"`
	CreatedAt        time.Time      `json:"createdAt" bson:"createdAt"`
}

// User is a person in a program. A user starts as an invitation (no UID) and
// is bound to a Firebase account on their first verified sign-in.
type User struct {
	ID         string   `json:"id" bson:"_id"`
	ProgramID  string   `json:"programId" bson:"programId"`
	Email      string   `json:"email" bson:"email"`
	Name       string   `json:"name" bson:"name"`
	Role       Role     `json:"role" bson:"role"`
	Credential string   `json:"credential,omitempty" bson:"credential"`
	CohortIDs  []string `json:"cohortIds" bson:"cohortIds"`
	UID        string   `json:"-" bson:"uid"`
	// The instructor's signing PIN, kept only as a slow salted hash.
	PINHash     string    `json:"-" bson:"pinHash,omitempty"`
	PINFailures int       `json:"-" bson:"pinFailures,omitempty"`
	PINSet      bool      `json:"signingPinSet" bson:"pinSet"`
	Bound       bool      `json:"bound" bson:"bound"`
	Active      bool      `json:"active" bson:"active"`
	Version     int64     `json:"version" bson:"version"`
	CreatedAt   time.Time `json:"createdAt" bson:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt" bson:"updatedAt"`
}

// Identity is what a verified ID token says about its holder.
type Identity struct {
	UID           string
	Email         string
	EmailVerified bool
}

// NormalizeEmail lower-cases and trims an address so that one person has
// one key, however they typed it.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// ValidEmail reports whether s is a bare address ("a@b.c", no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == "" && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// Validate checks the fields a new or changed user must have.
func (u *User) Validate() error {
	var v ValidationError
	if !ValidEmail(u.Email) {
		v.Add("email", "must be an email address")
	}
	if strings.TrimSpace(u.Name) == "" {
		v.Add("name", "is required")
	} else if len(u.Name) > 200 {
		v.Add("name", "must be at most 200 characters")
	}
	if !u.Role.Valid() {
		v.Add("role", "must be student, instructor or admin")
	}
	if len(u.Credential) > 100 {
		v.Add("credential", "must be at most 100 characters")
	}
	return v.Err()
}

// DefaultProcedureTargets are the live procedures a program requires each student
// to log (phlebotomy certification asks for 30 venipunctures and 10
// capillary sticks).
var DefaultProcedureTargets = map[string]int{"venipuncture": 30, "capillary-puncture": 10}
