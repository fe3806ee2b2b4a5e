package handlers

import (
	"context"
	"fmt"
	"time"

	"skillbook/models"
)

type studentProgressOutput struct {
	Body models.StudentProgress
}

// progressDate is the date progress is computed for: overdue means a due
// date before it. Programs keep no time zone, so it is the earliest date
// anywhere on Earth (UTC-12): a skill is overdue only once its due date
// has passed everywhere.
func progressDate() string { return time.Now().UTC().Add(-12 * time.Hour).Format(models.DateLayout) }

// myProgress is the calling student's dashboard. Its cost is fixed: the
// program and five bulk reads (assignments, attempts, remediations,
// procedure counts, checklist versions), however much the student did.
func (s *server) myProgress(ctx context.Context, _ *struct{}) (*studentProgressOutput, error) {
	caller := callerFrom(ctx)
	if caller.Role != models.RoleStudent {
		return nil, fmt.Errorf("%w: progress is kept for students; use /v1/students/{id}/progress or /v1/cohorts/{id}/progress", models.ErrForbidden)
	}
	p, err := s.studentProgress(ctx, caller)
	if err != nil {
		return nil, err
	}
	return &studentProgressOutput{Body: p}, nil
}

type progressStudentInput struct {
	ID string `path:"id" maxLength:"64"`
}

// studentProgressByID is one student's dashboard for whoever may see their
// records.
func (s *server) studentProgressByID(ctx context.Context, in *progressStudentInput) (*studentProgressOutput, error) {
	caller := callerFrom(ctx)
	student := caller
	if in.ID != caller.ID {
		var err error
		if student, err = s.store.User(ctx, caller.ProgramID, in.ID); err != nil {
			return nil, err
		}
	}
	if student.Role != models.RoleStudent {
		return nil, fmt.Errorf("user %s is not a student: %w", in.ID, models.ErrNotFound)
	}
	if !models.CanSeeStudent(caller, student) {
		return nil, fmt.Errorf("%w: you may not see this student's records", models.ErrForbidden)
	}
	p, err := s.studentProgress(ctx, student)
	if err != nil {
		return nil, err
	}
	return &studentProgressOutput{Body: p}, nil
}

// studentProgress loads and computes one student's progress.
func (s *server) studentProgress(ctx context.Context, student models.User) (models.StudentProgress, error) {
	program, err := s.store.Program(ctx, student.ProgramID)
	if err != nil {
		return models.StudentProgress{}, err
	}
	records, err := s.store.ProgressRecords(ctx, student.ProgramID, []models.User{student})
	if err != nil {
		return models.StudentProgress{}, err
	}
	records.Program = program
	return models.StudentProgressOf(student, &records, progressDate()), nil
}

type cohortProgressInput struct {
	ID     string `path:"id" maxLength:"64"`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Students per page."`
	Cursor string `query:"cursor" maxLength:"512"`
}

type cohortProgressOutput struct {
	Body models.CohortProgress
}

// cohortProgress is a cohort's matrix of students by assigned checklists,
// a page of students at a time, for admins and the cohort's instructors.
func (s *server) cohortProgress(ctx context.Context, in *cohortProgressInput) (*cohortProgressOutput, error) {
	caller := callerFrom(ctx)
	// Students never see their classmates' records; decide before reading
	// anything, but after the cohort is known to be in the program.
	cohort, err := s.store.Cohort(ctx, caller.ProgramID, in.ID)
	if err != nil {
		return nil, err
	}
	if !models.CanManageCohort(caller, cohort.ID) {
		return nil, fmt.Errorf("%w: only admins and the cohort's instructors see its progress", models.ErrForbidden)
	}
	program, err := s.store.Program(ctx, caller.ProgramID)
	if err != nil {
		return nil, err
	}
	page, err := s.store.CohortProgress(ctx, caller.ProgramID, cohort.ID, models.Page{Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return nil, err
	}
	page.Records.Program = program
	out := models.CohortProgress{CohortID: cohort.ID, CohortName: cohort.Name, AsOf: progressDate(),
		Items: make([]models.StudentProgress, 0, len(page.Students.Items)), NextCursor: page.Students.NextCursor}
	for _, st := range page.Students.Items {
		out.Items = append(out.Items, models.StudentProgressOf(st, &page.Records, out.AsOf))
	}
	out.Checklists = models.ProgressColumns(out.Items)
	return &cohortProgressOutput{Body: out}, nil
}
