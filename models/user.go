package models

import (
	"fmt"
	"net/mail"
	"slices"
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

	// PINVoidHours is how long, in hours, an instructor may void a
	// sign-off made with their signing PIN; 0 is the default (see
	// PINVoidWindow).
	PINVoidHours int `json:"pinVoidWindowHours,omitempty" bson:"pinVoidWindowHours,omitempty"`
	// Frameworks are the competency frameworks the program reports
	// against (none: DefaultFrameworks); EvidenceRules tighten the shipped
	// evidence rules (EvidenceRuleOf).
	Frameworks    []string       `json:"frameworks,omitempty" bson:"frameworks,omitempty"`
	EvidenceRules []EvidenceRule `json:"evidenceRules,omitempty" bson:"evidenceRules,omitempty"`

	// TimeZone is the program's IANA time zone ("" for UTC): the dates of
	// exports and reminders are its dates.
	TimeZone string `json:"timeZone,omitempty" bson:"timeZone,omitempty"`
	// PracticumHours is the practicum (externship) the program requires,
	// in hours; 0 is the default (DefaultPracticumHours).
	PracticumHours int `json:"practicumHoursRequired,omitempty" bson:"practicumHoursRequired,omitempty"`
	// Policies are the program's own attempt and practice rules per
	// checklist id, over the checklist's grading.
	Policies map[string]ChecklistPolicy `json:"checklistPolicies,omitempty" bson:"checklistPolicies,omitempty"`
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
	PINHash     string `json:"-" bson:"pinHash,omitempty"`
	PINFailures int    `json:"-" bson:"pinFailures,omitempty"`
	// PINLockedAt is when the PIN locked (nil while it is not); PINRefused
	// counts the tries refused since, unchecked and not audited one by one.
	PINLockedAt *time.Time `json:"-" bson:"pinLockedAt,omitempty"`
	PINRefused  int        `json:"-" bson:"pinRefused,omitempty"`
	PINSet      bool       `json:"signingPinSet" bson:"pinSet"`
	Bound       bool       `json:"bound" bson:"bound"`
	Active      bool       `json:"active" bson:"active"`
	Version     int64      `json:"version" bson:"version"`
	CreatedAt   time.Time  `json:"createdAt" bson:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt" bson:"updatedAt"`

	// PINSetAt is when the PIN was last set (nil for one set before this
	// was recorded): a sign-in revoked since makes the PIN unusable.
	PINSetAt *time.Time `json:"-" bson:"pinSetAt,omitempty"`
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

// Validate checks the fields a new or changed user must have, and puts
// the name and credential in NFC.
func (u *User) Validate() error {
	var v ValidationError
	if _, p := CleanText("email", u.Email, Line); p != nil {
		v.Problems = append(v.Problems, *p)
	} else if !ValidEmail(u.Email) {
		v.Add("email", "must be an email address")
	}
	if strings.TrimSpace(u.Name) == "" {
		v.Add("name", "is required")
	} else if len(u.Name) > 200 {
		v.Add("name", "must be at most 200 characters")
	} else {
		v.Text("name", &u.Name, Line)
	}
	v.Text("credential", &u.Credential, Line)
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

// Normalize trims what a person typed: the email lower-cased, the name and
// credential without surrounding space, and no cohorts as an empty list.
func (u *User) Normalize() {
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	u.Credential = strings.TrimSpace(u.Credential)
	if u.CohortIDs == nil {
		u.CohortIDs = []string{}
	}
}

// ActiveAdmin reports whether u is an active admin of their program.
func (u User) ActiveAdmin() bool { return u.Role == RoleAdmin && u.Active }

// Instructor is an instructor as their students see them: whom a student
// can hand their phone to, to sign with a signing PIN. No email.
type Instructor struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Credential string `json:"credential,omitempty"`
}

// UserFilter selects users of a program; zero fields select all.
type UserFilter struct {
	Role Role
	// CohortID keeps the members (or teachers) of one cohort.
	CohortID string
	// AnyCohort, when not nil, keeps users in at least one of these
	// cohorts (an instructor's own).
	AnyCohort []string
	Active    *bool
	// Query keeps users whose name or email contains it, in any case.
	Query string
}

// UserWrite is one change of a user as a use case records it: the user as
// read (zero for a new user), the user to store, and the events recording
// the change. The store writes After only if the user is still at
// Before.Version.
type UserWrite struct {
	Before, After User
	Events        []Event
}

// TakesAnAdmin reports whether the change from before to after leaves the
// program with one active admin fewer.
func TakesAnAdmin(before, after User) bool {
	return before.ActiveAdmin() && !after.ActiveAdmin()
}

// LastAdminError is the refusal of a change that would leave the program
// without an active admin: a program always keeps one.
func LastAdminError(what string) error {
	return fmt.Errorf("%s: %w: the program must keep at least one active admin; make someone else an admin first", what, ErrConflict)
}

// CheckAdminKept refuses a change from before to after that would take the
// program's last active admin, of activeAdmins counted before the change.
func CheckAdminKept(activeAdmins int64, before, after User, what string) error {
	if TakesAnAdmin(before, after) && activeAdmins <= 1 {
		return LastAdminError(what)
	}
	return nil
}

// CheckOwnChange refuses the changes an admin may not make to their own
// account: giving up the admin role and deactivating themselves. Another
// admin must do either, so a program is never left without one by mistake.
func CheckOwnChange(callerID string, before, after User, what string) error {
	if callerID != before.ID {
		return nil
	}
	if before.Role == RoleAdmin && after.Role != RoleAdmin {
		return fmt.Errorf("%s: %w: you cannot give up your own admin role; ask another admin", what, ErrForbidden)
	}
	if before.Active && !after.Active {
		return fmt.Errorf("%s: %w: you cannot deactivate your own account; ask another admin", what, ErrForbidden)
	}
	return nil
}

// UserInvitedEvent records the invitation of u, by an admin (typ
// EventUserInvited) or a roster import (EventRosterUserCreated).
func UserInvitedEvent(typ EventType, actor Actor, u User, at time.Time) Event {
	return userEvent(Event{
		Type: typ, ProgramID: u.ProgramID, Actor: actor, At: at, Subject: "user", SubjectID: u.ID,
		Summary: fmt.Sprintf("invited %s as %s", u.Email, u.Role),
		Data: map[string]string{"email": u.Email, "role": string(u.Role), "name": u.Name,
			"credential": u.Credential, "cohortIds": strings.Join(u.CohortIDs, ",")},
	}, u, u)
}

// UserChangedEvent records what changed from before to after of a user's
// name, credential, role and cohorts (typ EventUserUpdated, or
// EventRosterUserUpdated for a roster import); ok is false when nothing
// did. Cohorts in another order are no change.
func UserChangedEvent(typ EventType, actor Actor, before, after User, at time.Time) (e Event, ok bool) {
	data := map[string]string{}
	if before.Name != after.Name {
		recordChange(data, "name", before.Name, after.Name)
	}
	if before.Credential != after.Credential {
		recordChange(data, "credential", before.Credential, after.Credential)
	}
	if before.Role != after.Role {
		recordChange(data, "role", string(before.Role), string(after.Role))
	}
	if !SameSet(before.CohortIDs, after.CohortIDs) {
		recordChange(data, "cohortIds", strings.Join(before.CohortIDs, ","), strings.Join(after.CohortIDs, ","))
	}
	if len(data) == 0 {
		return Event{}, false
	}
	return userEvent(Event{
		Type: typ, ProgramID: before.ProgramID, Actor: actor, At: at, Subject: "user", SubjectID: before.ID,
		Summary: fmt.Sprintf("changed %s of %s", strings.Join(changedFields(data), ", "), before.Email), Data: data,
	}, before, after), true
}

// UserActiveEvent records the deactivation (active false) or reactivation
// of a user.
func UserActiveEvent(actor Actor, before User, active bool, at time.Time) Event {
	verb, typ := "deactivated", EventUserDeactivated
	if active {
		verb, typ = "reactivated", EventUserReactivated
	}
	return userEvent(Event{
		Type: typ, ProgramID: before.ProgramID, Actor: actor, At: at, Subject: "user", SubjectID: before.ID,
		Summary: fmt.Sprintf("%s %s", verb, before.Email),
		Data:    map[string]string{"oldActive": fmt.Sprint(before.Active), "newActive": fmt.Sprint(active)},
	}, before, before)
}

// InvitationAcceptedEvent records the first verified sign-in that bound
// the invitation u to a sign-in account.
func InvitationAcceptedEvent(actor Actor, u User, at time.Time) Event {
	return userEvent(Event{
		Type: EventInvitationAccepted, ProgramID: u.ProgramID, Actor: actor, At: at, Subject: "user", SubjectID: u.ID,
		Summary: fmt.Sprintf("%s accepted the invitation with a verified sign-in", u.Email),
		Data:    map[string]string{"email": u.Email},
	}, u, u)
}

// UserChangeUndoneEvent records the undoing of a change from before to
// after that left the program without an active admin.
func UserChangeUndoneEvent(actor Actor, before, after User, at time.Time) Event {
	return userEvent(Event{
		Type: EventUserChangeUndone, ProgramID: after.ProgramID, Actor: actor, At: at, Subject: "user", SubjectID: after.ID,
		Summary: fmt.Sprintf("undid the change of %s: the program must keep an active admin", after.Email),
		Data: map[string]string{"oldRole": string(after.Role), "newRole": string(before.Role),
			"oldActive": fmt.Sprint(after.Active), "newActive": fmt.Sprint(before.Active)},
	}, before, after)
}

// userEvent files e under the student's records when the user is or was a
// student.
func userEvent(e Event, before, after User) Event {
	if before.Role == RoleStudent || after.Role == RoleStudent {
		e.StudentID = e.SubjectID
	}
	return e
}

// recordChange records a field's old and new values in an event's data.
func recordChange(data map[string]string, field, from, to string) {
	title := strings.ToUpper(field[:1]) + field[1:]
	data["old"+title] = from
	data["new"+title] = to
}

// changedFields lists the fields an event's data records as changed.
func changedFields(data map[string]string) []string {
	var out []string
	for k := range data {
		if f, ok := strings.CutPrefix(k, "new"); ok {
			out = append(out, strings.ToLower(f[:1])+f[1:])
		}
	}
	slices.Sort(out)
	return out
}
