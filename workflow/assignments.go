package workflow

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"skillbook/models"
)

// AssignStore is what Assign needs: who is assigned, what is assigned,
// and "store this assignment with its events unless it exists".
type AssignStore interface {
	Cohort(ctx context.Context, programID, id string) (models.Cohort, error)
	CohortStudents(ctx context.Context, programID, cohortID string) ([]models.User, error)
	User(ctx context.Context, programID, id string) (models.User, error)
	Checklist(ctx context.Context, programID, id string, version int) (models.Checklist, error)
	CurrentChecklist(ctx context.Context, programID, id string) (models.Checklist, error)
	Checklists(ctx context.Context, programID string, f models.ChecklistFilter) (models.List[models.Checklist], error)
	CreateAssignment(ctx context.Context, a models.Assignment, events ...models.Event) (models.Assignment, bool, error)
}

// AssignInput names what to assign to whom: exactly one of CohortID and
// StudentID, exactly one of ChecklistID (with an optional published
// ChecklistVersion; 0 is the current one) and Area (every current
// checklist of it).
type AssignInput struct {
	CohortID         string
	StudentID        string
	ChecklistID      string
	ChecklistVersion int
	Area             models.Area
	DueDate          string
}

// AssignmentResult is one assignment Assign made or found.
type AssignmentResult struct {
	Assignment models.Assignment `json:"assignment"`
	Created    bool              `json:"created" doc:"False when the same assignment already existed."`
}

// AssignOutput lists the assignments of one Assign, one per checklist.
type AssignOutput struct {
	Items []AssignmentResult
	// Created reports whether any of them is new.
	Created bool
}

// Assign assigns a checklist, or every current checklist of an area, to a
// cohort or a student. Admins and the cohort's (or student's) instructors
// may; an archived cohort takes no new work; only published versions are
// assigned. Assigning again what is assigned finds the existing
// assignment. The students are notified once per call, with the first new
// assignment.
func (s *Skills) Assign(ctx context.Context, caller Caller, in AssignInput) (AssignOutput, error) {
	if err := in.validate(); err != nil {
		return AssignOutput{}, err
	}
	students, err := s.assignees(ctx, caller, in)
	if err != nil {
		return AssignOutput{}, err
	}
	checklists, err := s.checklistsToAssign(ctx, caller.ProgramID, in)
	if err != nil {
		return AssignOutput{}, err
	}
	notify := assignmentNotifications(students, checklists, in.DueDate)
	var out AssignOutput
	for _, c := range checklists {
		a := models.Assignment{ProgramID: caller.ProgramID, ChecklistID: c.ID, ChecklistVersion: c.Version, Area: c.Area,
			CohortID: in.CohortID, StudentID: in.StudentID, DueDate: in.DueDate,
			AssignedBy: caller.ID, Version: 1, CreatedAt: s.clock.Now()}
		a.ID = a.Key()
		stored, created, err := s.store.CreateAssignment(ctx, a, s.assignmentEvent(caller, a, notify))
		if err != nil {
			return AssignOutput{}, err
		}
		if created {
			out.Created = true
			notify = nil // one push per student per call, on the first new assignment
		}
		out.Items = append(out.Items, AssignmentResult{Assignment: stored, Created: created})
	}
	return out, nil
}

func (in AssignInput) validate() error {
	var v models.ValidationError
	if (in.CohortID == "") == (in.StudentID == "") {
		v.Add("cohortId", "give exactly one of cohortId and studentId")
	}
	if (in.ChecklistID == "") == (in.Area == "") {
		v.Add("checklistId", "give exactly one of checklistId and area")
	}
	if in.DueDate != "" {
		if _, err := time.Parse(models.DateLayout, in.DueDate); err != nil {
			v.Add("dueDate", "must be a date such as 2026-12-01")
		}
	}
	return v.Err()
}

// assignees are the students an assignment reaches, once caller may make it.
func (s *Skills) assignees(ctx context.Context, caller Caller, in AssignInput) ([]models.User, error) {
	if in.CohortID != "" {
		cohort, err := s.store.Cohort(ctx, caller.ProgramID, in.CohortID)
		if err != nil {
			return nil, err
		}
		if !models.CanManageCohort(caller.User, cohort.ID) {
			return nil, fmt.Errorf("%w: only admins and the cohort's instructors may assign its work", models.ErrForbidden)
		}
		if cohort.Archived {
			return nil, &models.RuleError{Code: "cohort-archived", Detail: "the cohort is archived; unarchive it to assign work"}
		}
		return s.store.CohortStudents(ctx, caller.ProgramID, cohort.ID)
	}
	student, err := s.store.User(ctx, caller.ProgramID, in.StudentID)
	if err != nil {
		return nil, err
	}
	if student.Role != models.RoleStudent {
		return nil, &models.RuleError{Code: "not-a-student", Detail: "only students can be assigned checklists"}
	}
	if !models.CanAssignTo(caller.User, student) {
		return nil, fmt.Errorf("%w: only admins and the student's instructors may assign their work", models.ErrForbidden)
	}
	return []models.User{student}, nil
}

// checklistsToAssign resolves one published checklist version, or every
// current published checklist of an area.
func (s *Skills) checklistsToAssign(ctx context.Context, programID string, in AssignInput) ([]models.Checklist, error) {
	if in.ChecklistID != "" {
		var c models.Checklist
		var err error
		if in.ChecklistVersion > 0 {
			c, err = s.store.Checklist(ctx, programID, in.ChecklistID, in.ChecklistVersion)
		} else {
			c, err = s.store.CurrentChecklist(ctx, programID, in.ChecklistID)
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
	f := models.ChecklistFilter{Area: in.Area, Page: models.Page{Limit: models.MaxPageLimit}}
	for {
		list, err := s.store.Checklists(ctx, programID, f)
		if err != nil {
			return nil, err
		}
		all = append(all, list.Items...)
		if list.NextCursor == "" {
			break
		}
		f.Page.Cursor = list.NextCursor
	}
	if len(all) == 0 {
		return nil, &models.RuleError{Code: "checklist-not-assignable", Detail: "the area has no published checklists"}
	}
	return all, nil
}

// assignmentEvent is the audit event of a new assignment, carrying the
// pushes it causes.
func (s *Skills) assignmentEvent(caller Caller, a models.Assignment, notify []models.Notification) models.Event {
	target := "cohort " + a.CohortID
	if a.StudentID != "" {
		target = "student " + a.StudentID
	}
	return s.event(caller, models.Event{
		Type: models.EventAssignmentCreated, Subject: "assignment", SubjectID: a.ID, StudentID: a.StudentID,
		Summary: fmt.Sprintf("assigned %s v%d to %s", a.ChecklistID, a.ChecklistVersion, target),
		Data: map[string]string{"checklistId": a.ChecklistID, "checklistVersion": strconv.Itoa(a.ChecklistVersion),
			"cohortId": a.CohortID, "studentId": a.StudentID, "dueDate": a.DueDate},
		Notify: notify,
	})
}

// assignmentNotifications tells each student what was assigned: one push
// however many checklists.
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

// AssignmentListStore is what Assignments needs.
type AssignmentListStore interface {
	User(ctx context.Context, programID, id string) (models.User, error)
	Assignments(ctx context.Context, programID string, f models.AssignmentFilter, page models.Page) (models.List[models.Assignment], error)
}

// AssignmentsInput selects assignments: made to a cohort, to a student
// individually, or (admins) all.
type AssignmentsInput struct {
	models.AssignmentFilter
	Page models.Page
}

// Assignments lists assignments: all of the program's for admins, those of
// a cohort or a student they teach for instructors.
func (s *Skills) Assignments(ctx context.Context, caller Caller, in AssignmentsInput) (models.List[models.Assignment], error) {
	if !models.CanListAssignments(caller.User, in.CohortID, nil) {
		if in.StudentID == "" {
			return models.List[models.Assignment]{}, fmt.Errorf("%w: admins list all assignments; instructors give a cohort or student they teach; students use /v1/me/assignments", models.ErrForbidden)
		}
		student, err := s.store.User(ctx, caller.ProgramID, in.StudentID)
		if err != nil {
			return models.List[models.Assignment]{}, err
		}
		if !models.CanListAssignments(caller.User, in.CohortID, &student) {
			return models.List[models.Assignment]{}, fmt.Errorf("%w: you do not teach this student", models.ErrForbidden)
		}
	}
	return s.store.Assignments(ctx, caller.ProgramID, in.AssignmentFilter, in.Page)
}

// MyAssignments lists the calling student's assigned checklists with their
// current standing, in curriculum order, a page at a time.
func (s *Skills) MyAssignments(ctx context.Context, caller Caller, page models.Page) (models.List[models.SkillProgress], error) {
	p, err := s.progressOf(ctx, caller.User)
	if err != nil {
		return models.List[models.SkillProgress]{}, err
	}
	items, next, err := pageSlice(p.Skills, page)
	if err != nil {
		return models.List[models.SkillProgress]{}, err
	}
	return models.List[models.SkillProgress]{Items: items, NextCursor: next}, nil
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
