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
