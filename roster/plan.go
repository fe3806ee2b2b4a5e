package roster

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"skillbook/models"
)

// State is what a roster is checked against: the program as it stands and
// who is importing.
type State struct {
	ProgramID string
	// Caller is the admin importing the file.
	Caller models.User
	// Cohorts are all the program's cohorts, archived ones too.
	Cohorts []models.Cohort
	// Users holds the existing users, of any program, of the file's
	// addresses, keyed by normalized email.
	Users map[string]models.User
	// ActiveAdmins is how many active admins the program has.
	ActiveAdmins int
}

// Decision is what importing one row does.
type Decision struct {
	Outcome models.RosterOutcome
	// User is the user to create (Result created), or the existing user
	// as the row wants them (Result updated or unchanged).
	User models.User
	// Existing is the stored user a row updates, with the version the
	// update must find.
	Existing models.User
}

// Plan decides every row of f against st, in file order: rows that cannot
// be read or break a rule are rejected with a reason; the others create a
// user, update one, or leave one unchanged. Credentials are changed only
// by a non-empty credential cell; cohorts are replaced by the row's.
// Rows are planned in order as they will be written, so a row demoting an
// admin counts the admins the rows before it made or demoted.
func Plan(f *File, st State) []Decision {
	lines := map[string][]int{}
	for _, r := range f.Rows {
		if r.Problem == "" {
			e := models.NormalizeEmail(r.Email)
			lines[e] = append(lines[e], r.Line)
		}
	}
	cohorts := newResolver(st.Cohorts)
	admins := st.ActiveAdmins
	out := make([]Decision, 0, len(f.Rows))
	for _, r := range f.Rows {
		d := decide(r, f.HasCredential, st, cohorts, lines)
		if d.Outcome.Result != models.RosterRejected {
			was, now := d.Existing, d.User
			wasAdmin := was.ID != "" && was.Role == models.RoleAdmin && was.Active
			isAdmin := now.Role == models.RoleAdmin && (was.ID == "" || was.Active)
			switch {
			case wasAdmin && !isAdmin && admins <= 1:
				d = reject(r, models.NormalizeEmail(r.Email), "the program must keep at least one active admin; make someone else an admin first")
			case wasAdmin && !isAdmin:
				admins--
			case !wasAdmin && isAdmin:
				admins++
			}
		}
		out = append(out, d)
	}
	return out
}

func reject(r Row, email, reason string) Decision {
	return Decision{Outcome: models.RosterOutcome{Row: r.Line, Email: email, Result: models.RosterRejected, Reason: reason}}
}

// decide plans one row without regard to the rows around it, except for
// repeated addresses.
func decide(r Row, hasCredential bool, st State, cohorts resolver, lines map[string][]int) Decision {
	email := models.NormalizeEmail(r.Email)
	if r.Problem != "" {
		return reject(r, email, r.Problem)
	}
	if !models.ValidEmail(email) {
		return reject(r, email, "email is not an email address")
	}
	if l := lines[email]; len(l) > 1 {
		others := make([]string, 0, len(l)-1)
		for _, n := range l {
			if n != r.Line {
				others = append(others, strconv.Itoa(n))
			}
		}
		return reject(r, email, "the same email is also on line "+strings.Join(others, ", "))
	}
	role := models.Role(strings.ToLower(r.Role))
	if !role.Valid() {
		return reject(r, email, fmt.Sprintf("role %q is not student, instructor or admin", clip(r.Role, 40)))
	}
	existing, exists := st.Users[email]
	if exists && existing.ProgramID != st.ProgramID {
		// The words of the conflict an invitation meets, which never say
		// where the account is: an admin learns nothing of other programs.
		return reject(r, email, "a user with email "+email+" already exists")
	}
	ids, reason := cohorts.resolve(r.Cohort, existing.CohortIDs)
	if reason != "" {
		return reject(r, email, reason)
	}

	u := models.User{ProgramID: st.ProgramID, Email: email, Name: r.Name, Role: role, CohortIDs: ids}
	if hasCredential {
		u.Credential = r.Credential
	}
	if exists {
		next := existing
		next.Name, next.Role, next.CohortIDs = u.Name, u.Role, u.CohortIDs
		if u.Credential != "" {
			next.Credential = u.Credential
		}
		u = next
	}
	if err := errors.Join(u.Validate(), u.ValidateMembership()); err != nil {
		return reject(r, email, reasonOf(err))
	}
	d := Decision{User: u, Outcome: models.RosterOutcome{Row: r.Line, Email: email, Result: models.RosterCreated}}
	if !exists {
		return d
	}
	d.Existing = existing
	d.Outcome.UserID = existing.ID
	switch {
	case existing.Name == u.Name && existing.Role == u.Role && existing.Credential == u.Credential && models.SameSet(existing.CohortIDs, u.CohortIDs):
		d.Outcome.Result = models.RosterUnchanged
	case existing.ID == st.Caller.ID && existing.Role != u.Role:
		return reject(r, email, "you cannot change your own role; ask another admin")
	default:
		d.Outcome.Result = models.RosterUpdated
	}
	return d
}

// reasonOf words validation problems for a row, naming the file's columns.
func reasonOf(err error) string {
	var parts []string
	for _, e := range unjoin(err) {
		var v *models.ValidationError
		if !errors.As(e, &v) {
			parts = append(parts, e.Error())
			continue
		}
		for _, p := range v.Problems {
			field := p.Field
			if field == "cohortIds" {
				field = ColCohort
			}
			parts = append(parts, field+": "+p.Message)
		}
	}
	return strings.Join(parts, "; ")
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// resolver finds cohorts by id or by name, in any case.
type resolver struct {
	byID  map[string]models.Cohort
	byKey map[string][]models.Cohort
}

func newResolver(cohorts []models.Cohort) resolver {
	r := resolver{byID: map[string]models.Cohort{}, byKey: map[string][]models.Cohort{}}
	for _, c := range cohorts {
		r.byID[c.ID] = c
		k := models.CohortNameKey(c.Name)
		r.byKey[k] = append(r.byKey[k], c)
	}
	return r
}

// resolve turns a cohort cell ("Fall 2026" or "A;B" or ids) into cohort
// ids, or says why it cannot. Archived cohorts are refused unless the user
// is already in them (member).
func (r resolver) resolve(cell string, member []string) ([]string, string) {
	ids := []string{}
	for _, ref := range strings.Split(cell, ";") {
		ref = strings.TrimSpace(ref)
		if ref == "" {
			continue
		}
		c, ok := r.byID[ref]
		if !ok {
			found := r.byKey[models.CohortNameKey(ref)]
			switch len(found) {
			case 0:
				return nil, fmt.Sprintf("cohort %q does not exist in this program", clip(ref, 80))
			case 1:
				c = found[0]
			default:
				return nil, fmt.Sprintf("several cohorts are named %q; use the cohort id", clip(ref, 80))
			}
		}
		if c.Archived && !slices.Contains(member, c.ID) {
			return nil, fmt.Sprintf("cohort %q is archived", c.Name)
		}
		if !slices.Contains(ids, c.ID) {
			ids = append(ids, c.ID)
		}
	}
	return ids, ""
}
