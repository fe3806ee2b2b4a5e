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

// CanExport reports whether caller may take export kind of cohortID (a
// cohort export) or of student (a transcript). The caller has already
// found the cohort or student in their own program. Admins export
// anything of their program, the full archive included; instructors the
// matrix and transcripts of the cohorts they teach and the transcripts of
// their students; students their own transcript.
func CanExport(caller User, kind ExportKind, cohortID string, student *User) bool {
	if !caller.Active {
		return false
	}
	switch caller.Role {
	case RoleAdmin:
		return true
	case RoleInstructor:
		switch kind {
		case ExportMatrix, ExportTranscripts:
			return caller.InCohort(cohortID)
		case ExportTranscript:
			return student != nil && CanSeeStudent(caller, *student)
		}
	case RoleStudent:
		return kind == ExportTranscript && student != nil && student.ID == caller.ID
	}
	return false
}

// CanFollowExport reports whether caller may follow export j (its
// progress, its file): the user who asked for it, and the admins of its
// program.
func CanFollowExport(caller User, j ExportJob) bool {
	if caller.ProgramID != j.ProgramID {
		return false
	}
	return j.RequestedBy.UserID == caller.ID || caller.Role == RoleAdmin
}

// CanReadAudit reports whether caller may read their program's audit
// trail: its admins.
func CanReadAudit(caller User) bool { return caller.Role == RoleAdmin }

// CanListUsers reports whether caller may list users at all: admins (their
// program) and instructors (the students they teach).
func CanListUsers(caller User) bool {
	return caller.Role == RoleAdmin || caller.Role == RoleInstructor
}

// ScopeUsers narrows f to the users caller may see in a list: admins
// anyone in their program, instructors the students of the cohorts they
// teach. ok is false when f asks only for users caller may not see.
func ScopeUsers(caller User, f UserFilter) (scoped UserFilter, ok bool) {
	switch caller.Role {
	case RoleAdmin:
		return f, true
	case RoleInstructor:
		if f.Role != "" && f.Role != RoleStudent {
			return f, false
		}
		f.Role = RoleStudent
		f.AnyCohort = append([]string{}, caller.CohortIDs...)
		return f, true
	}
	return f, false
}

// InstructorsOf is the filter of the instructors a student may list: the
// active instructors teaching any of the student's cohorts. ok is false
// for any other caller.
func InstructorsOf(caller User) (f UserFilter, ok bool) {
	if caller.Role != RoleStudent {
		return UserFilter{}, false
	}
	active := true
	return UserFilter{Role: RoleInstructor, AnyCohort: append([]string{}, caller.CohortIDs...), Active: &active}, true
}

// ScopeCohorts narrows f to the cohorts caller may see in a list: admins
// the whole program's, instructors and students their own.
func ScopeCohorts(caller User, f CohortFilter) CohortFilter {
	if caller.Role != RoleAdmin {
		f.IDs = append([]string{}, caller.CohortIDs...)
	}
	return f
}

// CanSeeAttempt reports whether caller may read attempt a: its student,
// the instructors of its cohort and the program's admins.
func CanSeeAttempt(caller User, a *Attempt) bool {
	if caller.ProgramID != a.ProgramID {
		return false
	}
	switch caller.Role {
	case RoleAdmin:
		return true
	case RoleStudent:
		return caller.ID == a.StudentID
	case RoleInstructor:
		return caller.InCohort(a.CohortID)
	}
	return false
}

// QueueCohorts is which cohorts' evaluation requests caller may see in
// the queue, narrowed to cohortID when it is set: nil means the whole
// program (an admin's view). ok is false when caller may not see the
// queue, or not that cohort's.
func QueueCohorts(caller User, cohortID string) (cohorts []string, ok bool) {
	switch caller.Role {
	case RoleAdmin:
		if cohortID != "" {
			return []string{cohortID}, true
		}
		return nil, true
	case RoleInstructor:
		cohorts = []string{}
		for _, c := range caller.CohortIDs {
			if cohortID == "" || c == cohortID {
				cohorts = append(cohorts, c)
			}
		}
		return cohorts, cohortID == "" || len(cohorts) > 0
	}
	return nil, false
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

// CanPlanRemediation reports whether caller may record a remediation plan
// for student: the program's admins, and the active instructors who teach
// one of the student's cohorts (who saw the failures and plan the practice).
func CanPlanRemediation(caller, student User) bool {
	if caller.ProgramID != student.ProgramID || student.Role != RoleStudent || !caller.Active {
		return false
	}
	switch caller.Role {
	case RoleAdmin:
		return true
	case RoleInstructor:
		return caller.TeachesAny(student.CohortIDs)
	}
	return false
}

// CanReviewPracticum reports whether caller may record a preceptor's
// confirmation or rejection of student's practicum hours: an active
// instructor who teaches one of the student's cohorts, or an active admin
// of the program.
func CanReviewPracticum(caller, student User) bool {
	return CanReviewProcedure(caller, student) ||
		(caller.ProgramID == student.ProgramID && caller.ActiveAdmin())
}
