package workflow

import (
	"context"
	"fmt"

	"skillbook/models"
)

// ProgressStore is what the progress reads need: the program's rules and
// the records progress is computed from, read in bulk.
type ProgressStore interface {
	Program(ctx context.Context, id string) (models.Program, error)
	User(ctx context.Context, programID, id string) (models.User, error)
	Cohort(ctx context.Context, programID, id string) (models.Cohort, error)
	ProgressRecords(ctx context.Context, programID string, students []models.User) (models.ProgressRecords, error)
	CohortProgress(ctx context.Context, programID, cohortID string, page models.Page) (models.CohortProgressPage, error)
}

// MyProgress is the calling student's dashboard. Its cost is fixed: the
// program and six bulk reads (assignments, attempts, remediations,
// procedure counts, practicum hours, checklist versions), however much
// the student did.
func (s *Skills) MyProgress(ctx context.Context, caller Caller) (models.StudentProgress, error) {
	return s.progressOf(ctx, caller.User)
}

// StudentProgress is one student's dashboard, for whoever may see their
// records.
func (s *Skills) StudentProgress(ctx context.Context, caller Caller, studentID string) (models.StudentProgress, error) {
	student, err := s.student(ctx, caller, studentID)
	if err != nil {
		return models.StudentProgress{}, err
	}
	return s.progressOf(ctx, student)
}

// student loads student id for caller (caller themselves without a read):
// a user who is not a student is not found, a student caller may not see
// is forbidden.
func (s *Skills) student(ctx context.Context, caller Caller, id string) (models.User, error) {
	student := caller.User
	if id != caller.ID {
		var err error
		if student, err = s.store.User(ctx, caller.ProgramID, id); err != nil {
			return models.User{}, err
		}
	}
	if student.Role != models.RoleStudent {
		return models.User{}, fmt.Errorf("user %s is not a student: %w", id, models.ErrNotFound)
	}
	if !models.CanSeeStudent(caller.User, student) {
		return models.User{}, fmt.Errorf("%w: you may not see this student's records", models.ErrForbidden)
	}
	return student, nil
}

// progressOf loads and computes one student's progress as of today.
func (s *Skills) progressOf(ctx context.Context, student models.User) (models.StudentProgress, error) {
	program, err := s.store.Program(ctx, student.ProgramID)
	if err != nil {
		return models.StudentProgress{}, err
	}
	records, err := s.store.ProgressRecords(ctx, student.ProgramID, []models.User{student})
	if err != nil {
		return models.StudentProgress{}, err
	}
	records.Program = program
	return models.StudentProgressOf(student, &records, program.Today(s.clock.Now())), nil
}

// CohortProgressInput selects a page of a cohort's students.
type CohortProgressInput struct {
	CohortID string
	Page     models.Page
}

// CohortProgress is a cohort's matrix of students by assigned checklists,
// a page of students at a time, for admins and the cohort's instructors.
func (s *Skills) CohortProgress(ctx context.Context, caller Caller, in CohortProgressInput) (models.CohortProgress, error) {
	// Students never see their classmates' records; decide before reading
	// anything, but after the cohort is known to be in the program.
	cohort, err := s.store.Cohort(ctx, caller.ProgramID, in.CohortID)
	if err != nil {
		return models.CohortProgress{}, err
	}
	if !models.CanManageCohort(caller.User, cohort.ID) {
		return models.CohortProgress{}, fmt.Errorf("%w: only admins and the cohort's instructors see its progress", models.ErrForbidden)
	}
	program, err := s.store.Program(ctx, caller.ProgramID)
	if err != nil {
		return models.CohortProgress{}, err
	}
	page, err := s.store.CohortProgress(ctx, caller.ProgramID, cohort.ID, in.Page)
	if err != nil {
		return models.CohortProgress{}, err
	}
	page.Records.Program = program
	out := models.CohortProgress{CohortID: cohort.ID, CohortName: cohort.Name, AsOf: program.Today(s.clock.Now()),
		Items: make([]models.StudentProgress, 0, len(page.Students.Items)), NextCursor: page.Students.NextCursor}
	for _, st := range page.Students.Items {
		out.Items = append(out.Items, models.StudentProgressOf(st, &page.Records, out.AsOf))
	}
	out.Checklists = models.ProgressColumns(out.Items)
	return out, nil
}
