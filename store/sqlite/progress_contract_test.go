package sqlite

import (
	"context"

	"skillbook/models"
	"skillbook/notify"
	"skillbook/workflow"
)

// skillWithPeople is the store with the people reads other areas
// implement stubbed, so the compiler checks this area's methods against
// every interface that lists them, signatures included.
type skillWithPeople struct{ *Store }

func (skillWithPeople) Program(context.Context, string) (models.Program, error) {
	return models.Program{}, nil
}
func (skillWithPeople) User(context.Context, string, string) (models.User, error) {
	return models.User{}, nil
}
func (skillWithPeople) Cohort(context.Context, string, string) (models.Cohort, error) {
	return models.Cohort{}, nil
}
func (skillWithPeople) CohortStudents(context.Context, string, string) ([]models.User, error) {
	return nil, nil
}
func (skillWithPeople) CreateRemediation(context.Context, models.Remediation, models.Event) (models.Remediation, error) {
	return models.Remediation{}, nil
}

func (skillWithPeople) QueuedReminders(context.Context, []string) (map[string]bool, error) {
	return nil, nil
}
func (skillWithPeople) QueueReminders(context.Context, []models.Reminder) (int, error) { return 0, nil }

var (
	_ workflow.AssignStore         = skillWithPeople{}
	_ workflow.AssignmentListStore = skillWithPeople{}
	_ workflow.ChecklistReadStore  = skillWithPeople{}
	_ workflow.ChecklistDraftStore = skillWithPeople{}
	_ workflow.ProcedureStore      = skillWithPeople{}
	_ workflow.ProgressStore       = skillWithPeople{}
	_ workflow.RemediationStore    = skillWithPeople{}
	_ workflow.RemediationReader   = skillWithPeople{}
	_ notify.Records               = skillWithPeople{}
)
