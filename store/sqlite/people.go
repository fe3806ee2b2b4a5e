package sqlite

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"skillbook/models"
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

type peopleCursorDoc struct {
	List string    `json:"l"`
	Key  peopleKey `json:"k"`
}

// peopleEncodeCursor is the opaque cursor of position k in list.
func peopleEncodeCursor(list string, k peopleKey) string {
	b, _ := json.Marshal(peopleCursorDoc{List: list, Key: k})
	return base64.RawURLEncoding.EncodeToString(b)
}

// peopleDecodeCursor reads a cursor peopleEncodeCursor made for list; any
// other is a validation problem of the "cursor" parameter.
func peopleDecodeCursor(list, s string) (peopleKey, error) {
	bad := &models.ValidationError{}
	bad.Add("cursor", "is not a cursor this list returned")
	if len(s) > 512 {
		return peopleKey{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return peopleKey{}, bad
	}
	var c peopleCursorDoc
	if err := json.Unmarshal(b, &c); err != nil || c.List != list || c.Key.ID == "" {
		return peopleKey{}, bad
	}
	return c.Key, nil
}
