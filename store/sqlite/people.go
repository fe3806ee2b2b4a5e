package sqlite

import (
	"errors"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"skillbook/workflow"
)

// The store keeps what the People use cases ask of it, and the signing
// PINs.
var _ interface {
	workflow.SignInStore
	workflow.UserInviteStore
	workflow.UserReadStore
	workflow.UserUpdateStore
	workflow.CohortCreateStore
	workflow.CohortReadStore
	workflow.CohortUpdateStore
	workflow.RosterStore
	workflow.SigningPINStore
	workflow.PINTryStore
} = (*Store)(nil)

// errNoProgramID refuses a write or a list without a program.
var errNoProgramID = errors.New("program id is required")

// errTooManyPeople refuses a list longer than its bound.
var errTooManyPeople = errors.New("too many results")

// isUniqueViolation reports a broken UNIQUE or PRIMARY KEY constraint (a
// taken email, uid, id or cohort name), not another constraint such as a
// foreign key.
func isUniqueViolation(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}

// placeholders is "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// peopleKey is the keyset position of a user or cohort list: creation
// time and id, the order the lists are in.
type peopleKey struct {
	At int64  `json:"t"`
	ID string `json:"i"`
}

func (k peopleKey) complete() bool { return k.ID != "" }
