package models

import "slices"

// Roster import results and the cohort membership rule every user write
// (one invitation, an admin's edit, a roster row) checks.

// MaxCohortsPerUser bounds the cohorts one user belongs to or teaches.
const MaxCohortsPerUser = 50

// ValidateMembership checks that u's cohorts suit its role: a student
// belongs to exactly one cohort (their attempts are filed under it), an
// instructor teaches at most MaxCohortsPerUser, an admin sees the whole
// program and needs none. Ids must not repeat.
func (u *User) ValidateMembership() error {
	var v ValidationError
	seen := make(map[string]bool, len(u.CohortIDs))
	for _, id := range u.CohortIDs {
		if id == "" || len(id) > 64 {
			v.Add("cohortIds", "each id must be 1 to 64 characters")
			break
		}
		if seen[id] {
			v.Add("cohortIds", "lists cohort %s twice", id)
			break
		}
		seen[id] = true
	}
	switch {
	case u.Role == RoleStudent && len(u.CohortIDs) != 1:
		v.Add("cohortIds", "a student belongs to exactly one cohort")
	case len(u.CohortIDs) > MaxCohortsPerUser:
		v.Add("cohortIds", "at most %d cohorts", MaxCohortsPerUser)
	}
	return v.Err()
}

// RosterResult says what importing one roster row did (or, in a dry run,
// would do).
type RosterResult string

// The results of a roster row.
const (
	RosterCreated   RosterResult = "created"
	RosterUpdated   RosterResult = "updated"
	RosterUnchanged RosterResult = "unchanged"
	RosterRejected  RosterResult = "rejected"
)

// RosterOutcome is the result of one row of a roster file.
type RosterOutcome struct {
	Row    int          `json:"row" doc:"Line number of the row in the file, counting from 1 (the header is line 1)."`
	Email  string       `json:"email" doc:"The row's email address, normalized; empty when the row could not be read."`
	Result RosterResult `json:"result" enum:"created,updated,unchanged,rejected"`
	Reason string       `json:"reason,omitempty" doc:"Why the row was rejected."`
	UserID string       `json:"userId,omitempty" doc:"The user the row created or matched."`
}

// RosterReport is the result of importing a roster file.
type RosterReport struct {
	DryRun    bool            `json:"dryRun" doc:"True when nothing was written."`
	Created   int             `json:"created"`
	Updated   int             `json:"updated"`
	Unchanged int             `json:"unchanged"`
	Rejected  int             `json:"rejected"`
	Rows      []RosterOutcome `json:"rows"`
}

// Add records one row's outcome and counts it.
func (r *RosterReport) Add(o RosterOutcome) {
	switch o.Result {
	case RosterCreated:
		r.Created++
	case RosterUpdated:
		r.Updated++
	case RosterUnchanged:
		r.Unchanged++
	case RosterRejected:
		r.Rejected++
	}
	r.Rows = append(r.Rows, o)
}

// SameSet reports whether a and b hold the same ids, in any order (neither
// holds one twice: ValidateMembership sees to that).
func SameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
