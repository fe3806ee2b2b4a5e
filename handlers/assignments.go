package handlers

import (
	"context"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
)

type assignInput struct {
	Body struct {
		CohortID         string      `json:"cohortId,omitempty" maxLength:"64" doc:"Assign to every student of this cohort (or give studentId)."`
		StudentID        string      `json:"studentId,omitempty" maxLength:"64" doc:"Assign to one student (or give cohortId)."`
		ChecklistID      string      `json:"checklistId,omitempty" maxLength:"100" doc:"The checklist to assign (or give area)."`
		ChecklistVersion int         `json:"checklistVersion,omitempty" minimum:"0" maximum:"100000" doc:"A published version; default the current one."`
		Area             models.Area `json:"area,omitempty" enum:"vital-signs,phlebotomy,sterilization,wound-care,medication-administration" doc:"Assign every current checklist of this area."`
		DueDate          string      `json:"dueDate,omitempty" format:"date" doc:"Date the skill should be competent by."`
	}
}

type assignOutput struct {
	Status int
	Body   struct {
		Items []workflow.AssignmentResult `json:"items"`
	}
}

// assign assigns a checklist, or a whole area, to a cohort or a student.
func (s *server) assign(ctx context.Context, in *assignInput) (*assignOutput, error) {
	b := in.Body
	res, err := s.app.Skills.Assign(ctx, callerOf(ctx), workflow.AssignInput{
		CohortID: b.CohortID, StudentID: b.StudentID, ChecklistID: b.ChecklistID, ChecklistVersion: b.ChecklistVersion,
		Area: b.Area, DueDate: b.DueDate,
	})
	if err != nil {
		return nil, err
	}
	out := &assignOutput{Status: http.StatusOK}
	if res.Created {
		out.Status = http.StatusCreated
	}
	out.Body.Items = res.Items
	return out, nil
}

type listAssignmentsInput struct {
	CohortID  string `query:"cohortId" maxLength:"64" doc:"Assignments made to this cohort."`
	StudentID string `query:"studentId" maxLength:"64" doc:"Assignments made to this student individually."`
	Limit     int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor    string `query:"cursor" maxLength:"200"`
}

type listAssignmentsOutput struct {
	Body models.List[models.Assignment]
}

// listAssignments lists assignments for admins (all) and instructors (their
// cohorts and students).
func (s *server) listAssignments(ctx context.Context, in *listAssignmentsInput) (*listAssignmentsOutput, error) {
	list, err := s.app.Skills.Assignments(ctx, callerOf(ctx), workflow.AssignmentsInput{
		AssignmentFilter: models.AssignmentFilter{CohortID: in.CohortID, StudentID: in.StudentID},
		Page:             models.Page{Limit: in.Limit, Cursor: in.Cursor},
	})
	if err != nil {
		return nil, err
	}
	return &listAssignmentsOutput{Body: list}, nil
}

type myAssignmentsInput struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor string `query:"cursor" maxLength:"20"`
}

type myAssignmentsOutput struct {
	Body models.List[models.SkillProgress]
}

// myAssignments lists the calling student's assigned checklists with their
// current standing, in curriculum order.
func (s *server) myAssignments(ctx context.Context, in *myAssignmentsInput) (*myAssignmentsOutput, error) {
	list, err := s.app.Skills.MyAssignments(ctx, callerOf(ctx), models.Page{Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return nil, err
	}
	return &myAssignmentsOutput{Body: list}, nil
}
