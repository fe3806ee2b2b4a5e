package sqlite

import (
	"context"
	"testing"

	"skillbook/models"
)

// skillAssign stores an assignment of checklist id version 1 to a cohort
// or (cohortID "") to a student, keyed and with its event as the Assign
// use case stores it.
func skillAssign(tb testing.TB, s *Store, programID, cohortID, studentID, id, due string) models.Assignment {
	tb.Helper()
	a, _, err := skillCreateAssignment(context.Background(), s, models.Assignment{ProgramID: programID, ChecklistID: id,
		ChecklistVersion: 1, Area: models.AreaVitalSigns, CohortID: cohortID, StudentID: studentID, DueDate: due})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func skillCreateAssignment(ctx context.Context, s *Store, a models.Assignment) (models.Assignment, bool, error) {
	a.ID, a.AssignedBy, a.Version, a.CreatedAt = a.Key(), skillAdmin.UserID, 1, s.now()
	ev := models.Event{Type: models.EventAssignmentCreated, ProgramID: a.ProgramID, Actor: skillAdmin,
		Subject: "assignment", SubjectID: a.ID, StudentID: a.StudentID,
		Notify: []models.Notification{{UserID: "s1", Category: "assignments", Title: "New checklist"}}}
	return s.CreateAssignment(ctx, a, ev)
}
