package handlers

import (
	"context"

	"skillbook/models"
	"skillbook/workflow"
)

type studentProgressOutput struct {
	Body models.StudentProgress
}

// myProgress is the calling student's dashboard.
func (s *server) myProgress(ctx context.Context, _ *struct{}) (*studentProgressOutput, error) {
	p, err := s.app.Skills.MyProgress(ctx, callerOf(ctx))
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
	p, err := s.app.Skills.StudentProgress(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &studentProgressOutput{Body: p}, nil
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
	p, err := s.app.Skills.CohortProgress(ctx, callerOf(ctx), workflow.CohortProgressInput{
		CohortID: in.ID, Page: models.Page{Limit: in.Limit, Cursor: in.Cursor},
	})
	if err != nil {
		return nil, err
	}
	return &cohortProgressOutput{Body: p}, nil
}
