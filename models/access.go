package models

// Who may see and change what, decided from stored user records only.
// Handlers call these; a record the caller may not see answers 404, as if
// it did not exist, when it belongs to another program.

// InCohort reports whether u belongs to (a student) or teaches (an
// instructor) the cohort.
func (u User) InCohort(cohortID string) bool {
	for _, c := range u.CohortIDs {
		if c == cohortID {
			return true
		}
	}
	return false
}

// TeachesAny reports whether instructor teaches any of cohortIDs.
func (u User) TeachesAny(cohortIDs []string) bool {
	if u.Role != RoleInstructor {
		return false
	}
	for _, c := range cohortIDs {
		if u.InCohort(c) {
			return true
		}
	}
	return false
}

// CanSeeStudent reports whether caller may read student's records:
// students their own, instructors the students of cohorts they teach,
// admins their whole program.
func CanSeeStudent(caller, student User) bool {
	if caller.ProgramID != student.ProgramID || student.Role != RoleStudent {
		return false
	}
	switch caller.Role {
	case RoleAdmin:
		return true
	case RoleInstructor:
		return caller.TeachesAny(student.CohortIDs)
	case RoleStudent:
		return caller.ID == student.ID
	}
	return false
}

// CanSeeCohort reports whether caller may read a cohort's records.
func CanSeeCohort(caller User, c Cohort) bool {
	if caller.ProgramID != c.ProgramID {
		return false
	}
	switch caller.Role {
	case RoleAdmin:
		return true
	case RoleInstructor, RoleStudent:
		return caller.InCohort(c.ID)
	}
	return false
}

// CanManageCohort reports whether caller may assign work to a cohort and
// its students: admins, and instructors who teach it.
func CanManageCohort(caller User, cohortID string) bool {
	switch caller.Role {
	case RoleAdmin:
		return true
	case RoleInstructor:
		return caller.InCohort(cohortID)
	}
	return false
}

// CanEvaluate reports whether caller may grade an attempt of a student in
// cohortID: instructors who teach that cohort.
func CanEvaluate(caller User, cohortID string) bool {
	return caller.Role == RoleInstructor && caller.Active && caller.InCohort(cohortID)
}

// CanSeeUser reports whether caller may read u's profile: admins anyone in
// their program, instructors themselves and the students they teach,
// students themselves.
func CanSeeUser(caller, u User) bool {
	switch {
	case caller.ProgramID != u.ProgramID:
		return false
	case caller.ID == u.ID, caller.Role == RoleAdmin:
		return true
	}
	return CanSeeStudent(caller, u)
}

// CanReviewProcedure reports whether caller may confirm or reject a
// procedure of student: an active instructor who teaches one of the
// student's cohorts.
func CanReviewProcedure(caller, student User) bool {
	return caller.ProgramID == student.ProgramID && caller.Role == RoleInstructor && caller.Active &&
		caller.TeachesAny(student.CohortIDs)
}

// CanReadChecklist reports whether caller may read checklist version c:
// published and retired versions everyone whose program sees them, drafts
// only their program's admins.
func CanReadChecklist(caller User, c Checklist) bool {
	if c.Status != ChecklistDraft {
		return true
	}
	return caller.Role == RoleAdmin && caller.ProgramID == c.ProgramID
}

// CanAssignTo reports whether caller may assign work to student
// individually: admins of their program, and instructors who teach them.
func CanAssignTo(caller, student User) bool {
	if caller.ProgramID != student.ProgramID {
		return false
	}
	return caller.Role == RoleAdmin || caller.TeachesAny(student.CohortIDs)
}

// CanListAssignments reports whether caller may list the assignments made
// to cohortID or to student (nil when the list names no student): admins
// all of their program's, instructors those of a cohort they teach or of a
// student they teach. Students read theirs as their progress.
func CanListAssignments(caller User, cohortID string, student *User) bool {
	switch caller.Role {
	case RoleAdmin:
		return true
	case RoleInstructor:
		if cohortID != "" && caller.InCohort(cohortID) {
			return true
		}
		return student != nil && CanSeeStudent(caller, *student)
	}
	return false
}

// RecordScope is whose records a list shows a caller when it names no
// student.
type RecordScope int

// The scopes, from none to the whole program.
const (
	ScopeNone           RecordScope = iota // nobody's
	ScopeOwn                               // the caller's own (students)
	ScopeTaughtStudents                    // the students of the cohorts the caller teaches
	ScopeProgram                           // every student of the caller's program (admins)
)

// ScopeOf is whose records caller sees in a list that names no student.
func ScopeOf(caller User) RecordScope {
	switch caller.Role {
	case RoleStudent:
		return ScopeOwn
	case RoleInstructor:
		return ScopeTaughtStudents
	case RoleAdmin:
		return ScopeProgram
	}
	return ScopeNone
}
