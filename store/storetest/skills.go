package storetest

import (
	"context"
	"fmt"
	"strconv"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/workflow"

	"github.com/google/uuid"
)

// Fixtures of the skills records, for tests that need them stored without
// going through a whole use case: each stores what the use case would,
// events included, as actor.

// CreateAssignment stores a (keyed as the Assign use case keys it) with
// its audit event, which carries notify.
func CreateAssignment(ctx context.Context, st Store, actor models.Actor, a models.Assignment, notify []models.Notification) (models.Assignment, bool, error) {
	a.ID, a.AssignedBy, a.Version, a.CreatedAt = a.Key(), actor.UserID, 1, clock.System{}.Now()
	// The event's time is left to the store, which stamps it by its own
	// clock (a test's fake one) as it does a use case's.
	ev := models.Event{ID: uuid.Must(uuid.NewV7()).String(), Type: models.EventAssignmentCreated, ProgramID: a.ProgramID, Actor: actor,
		Subject: "assignment", SubjectID: a.ID, StudentID: a.StudentID,
		Summary: fmt.Sprintf("assigned %s v%d", a.ChecklistID, a.ChecklistVersion),
		Data:    map[string]string{"checklistId": a.ChecklistID, "checklistVersion": strconv.Itoa(a.ChecklistVersion)},
		Notify:  notify}
	return st.CreateAssignment(ctx, a, ev)
}

// CreateProcedure stores p as logged by actor, pending review, with its
// audit event.
func CreateProcedure(ctx context.Context, st Store, actor models.Actor, p models.Procedure) (models.Procedure, bool, error) {
	if p.ID == "" {
		p.ID = uuid.Must(uuid.NewV7()).String()
	}
	now := clock.System{}.Now()
	p.Status, p.Review, p.Version, p.CreatedAt, p.UpdatedAt = models.ProcedurePending, nil, 1, now, now
	// The event's time is left to the store, as in CreateAssignment.
	ev := models.Event{ID: uuid.Must(uuid.NewV7()).String(), Type: models.EventProcedureLogged, ProgramID: p.ProgramID, Actor: actor,
		Subject: "procedure", SubjectID: p.ID, StudentID: p.StudentID,
		Summary: fmt.Sprintf("logged a %s performed on %s", p.Kind, p.PerformedAt)}
	return st.CreateProcedure(ctx, p, ev)
}

// skillsAs is the Skills use cases over st, called by actor in program.
func skillsAs(st Store, actor models.Actor, programID string) (*workflow.Skills, workflow.Caller) {
	u := models.User{ID: actor.UserID, Name: actor.Name, Role: actor.Role, ProgramID: programID, Active: true}
	return workflow.New(st, clock.System{}, workflow.EphemeralSigning()).Skills, workflow.Caller{User: u, RequestID: actor.RequestID}
}

// CreateChecklistDraft drafts c as program's next version of c.ID.
func CreateChecklistDraft(ctx context.Context, st Store, actor models.Actor, programID string, c models.Checklist) (models.Checklist, error) {
	skills, caller := skillsAs(st, actor, programID)
	return skills.CreateDraft(ctx, caller, c)
}

// PublishChecklist publishes program's draft id version.
func PublishChecklist(ctx context.Context, st Store, actor models.Actor, programID, id string, version int) (models.Checklist, error) {
	skills, caller := skillsAs(st, actor, programID)
	return skills.Publish(ctx, caller, workflow.PublishInput{ID: id, Version: version})
}

// RetireChecklist retires program's published version id version.
func RetireChecklist(ctx context.Context, st Store, actor models.Actor, programID, id string, version int) (models.Checklist, error) {
	skills, caller := skillsAs(st, actor, programID)
	return skills.Retire(ctx, caller, id, version)
}
