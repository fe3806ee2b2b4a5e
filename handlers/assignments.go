package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"skillbook/models"
	"skillbook/store/mongo"
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

type assignmentResult struct {
	Assignment models.Assignment `json:"assignment"`
	Created    bool              `json:"created" doc:"False when the same assignment already existed."`
}

type assignOutput struct {
	Status int
	Body   struct {
		Items []assignmentResult `json:"items"`
	}
}

// assign assigns a checklist, or a whole area, to a cohort or a student.
func (s *server) assign(ctx context.Context, in *assignInput) (*assignOutput, error) {
	caller := callerFrom(ctx)
	b := in.Body
	var v models.ValidationError
	if (b.CohortID == "") == (b.StudentID == "") {
		v.Add("cohortId", "give exactly one of cohortId and studentId")
	}
	if (b.ChecklistID == "") == (b.Area == "") {
		v.Add("checklistId", "give exactly one of checklistId and area")
	}
	if b.DueDate != "" {
		if _, err := time.Parse(models.DateLayout, b.DueDate); err != nil {
			v.Add("dueDate", "must be a date such as 2026-12-01")
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}

	var students []models.User
	if b.CohortID != "" {
		cohort, err := s.store.Cohort(ctx, caller.ProgramID, b.CohortID)
		if err != nil {
			return nil, err
		}
		if !models.CanManageCohort(caller, cohort.ID) {
			return nil, fmt.Errorf("%w: only admins and the cohort's instructors may assign its work", models.ErrForbidden)
		}
		if cohort.Archived {
			return nil, &models.RuleError{Code: "cohort-archived", Detail: "the cohort is archived; unarchive it to assign work"}
		}
		if students, err = s.store.CohortStudents(ctx, caller.ProgramID, cohort.ID); err != nil {
			return nil, err
		}
	} else {
		student, err := s.store.User(ctx, caller.ProgramID, b.StudentID)
		if err != nil {
			return nil, err
		}
		if student.Role != models.RoleStudent {
			return nil, &models.RuleError{Code: "not-a-student", Detail: "only students can be assigned checklists"}
		}
		if caller.Role != models.RoleAdmin && !caller.TeachesAny(student.CohortIDs) {
			return nil, fmt.Errorf("%w: only admins and the student's instructors may assign their work", models.ErrForbidden)
		}
		students = []models.User{student}
	}

	checklists, err := s.checklistsToAssign(ctx, caller.ProgramID, b.ChecklistID, b.ChecklistVersion, b.Area)
	if err != nil {
		return nil, err
	}
	actor := models.ActorOf(caller, requestIDFrom(ctx))
	notify := assignmentNotifications(students, checklists, b.DueDate)
	out := &assignOutput{Status: http.StatusOK}
	for _, c := range checklists {
		a := models.Assignment{ProgramID: caller.ProgramID, ChecklistID: c.ID, ChecklistVersion: c.Version, Area: c.Area,
			CohortID: b.CohortID, StudentID: b.StudentID, DueDate: b.DueDate}
		stored, created, err := s.store.CreateAssignment(ctx, actor, a, notify)
		if err != nil {
			return nil, err
		}
		if created {
			out.Status = http.StatusCreated
			notify = nil // one push per student per call, on the first new assignment
		}
		out.Body.Items = append(out.Body.Items, assignmentResult{Assignment: stored, Created: created})
	}
	return out, nil
}

// checklistsToAssign resolves one checklist version, or every current
// published checklist of an area.
func (s *server) checklistsToAssign(ctx context.Context, programID, id string, version int, area models.Area) ([]models.Checklist, error) {
	if id != "" {
		var c models.Checklist
		var err error
		if version > 0 {
			c, err = s.store.Checklist(ctx, programID, id, version)
		} else {
			c, err = s.store.CurrentChecklist(ctx, programID, id)
		}
		if err != nil {
			return nil, err
		}
		if c.Status != models.ChecklistPublished {
			return nil, &models.RuleError{Code: "checklist-not-assignable", Detail: fmt.Sprintf("%s version %d is %s; only published versions can be assigned", c.ID, c.Version, c.Status)}
		}
		return []models.Checklist{c}, nil
	}
	var all []models.Checklist
	page := models.Page{Limit: models.MaxPageLimit}
	for {
		list, err := s.store.Checklists(ctx, programID, mongo.ChecklistFilter{Area: area, Page: page})
		if err != nil {
			return nil, err
		}
		all = append(all, list.Items...)
		if list.NextCursor == "" {
			break
		}
		page.Cursor = list.NextCursor
	}
	if len(all) == 0 {
		return nil, &models.RuleError{Code: "checklist-not-assignable", Detail: "the area has no published checklists"}
	}
	return all, nil
}

func assignmentNotifications(students []models.User, checklists []models.Checklist, due string) []models.Notification {
	title := "New skill assigned"
	body := checklists[0].Title
	if len(checklists) > 1 {
		title = fmt.Sprintf("%d new skills assigned", len(checklists))
		body = fmt.Sprintf("%s and %d more", checklists[0].Title, len(checklists)-1)
	}
	if due != "" {
		body += " — due " + due
	}
	out := make([]models.Notification, 0, len(students))
	for _, st := range students {
		out = append(out, models.Notification{UserID: st.ID, Category: "assignments", Title: title, Body: body,
			Data: map[string]string{"screen": "assignments", "checklistId": checklists[0].ID}})
	}
	return out
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
	caller := callerFrom(ctx)
	switch {
	case caller.Role == models.RoleAdmin:
	case caller.Role == models.RoleInstructor && in.CohortID != "" && caller.InCohort(in.CohortID):
	case caller.Role == models.RoleInstructor && in.StudentID != "":
		student, err := s.store.User(ctx, caller.ProgramID, in.StudentID)
		if err != nil {
			return nil, err
		}
		if !models.CanSeeStudent(caller, student) {
			return nil, fmt.Errorf("%w: you do not teach this student", models.ErrForbidden)
		}
	default:
		return nil, fmt.Errorf("%w: admins list all assignments; instructors give a cohort or student they teach; students use /v1/me/assignments", models.ErrForbidden)
	}
	list, err := s.store.Assignments(ctx, caller.ProgramID, mongo.AssignmentFilter{CohortID: in.CohortID, StudentID: in.StudentID},
		models.Page{Limit: in.Limit, Cursor: in.Cursor})
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
	caller := callerFrom(ctx)
	if caller.Role != models.RoleStudent {
		return nil, fmt.Errorf("%w: assignments are listed for students; use /v1/assignments", models.ErrForbidden)
	}
	p, err := s.studentProgress(ctx, caller)
	if err != nil {
		return nil, err
	}
	items, next, err := pageSlice(p.Skills, models.Page{Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return nil, err
	}
	return &myAssignmentsOutput{Body: models.List[models.SkillProgress]{Items: items, NextCursor: next}}, nil
}

// pageSlice pages a list computed in memory; the cursor is the offset.
func pageSlice[T any](all []T, page models.Page) ([]T, string, error) {
	start := 0
	if page.Cursor != "" {
		n, err := strconv.Atoi(page.Cursor)
		if err != nil || n < 0 || n > len(all) {
			return nil, "", &models.ValidationError{Problems: []models.FieldProblem{{Field: "query.cursor", Message: "is not a cursor this list returned"}}}
		}
		start = n
	}
	end := min(start+page.Size(), len(all))
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return append([]T{}, all[start:end]...), next, nil
}
