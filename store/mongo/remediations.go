package mongo

import (
	"context"
	"fmt"

	"skillbook/models"
)

// CreateRemediation records an admin's remediation plan, which reopens
// evaluation requests for the skill.
func (s *Store) CreateRemediation(ctx context.Context, actor models.Actor, r models.Remediation, notify []models.Notification) (models.Remediation, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	r.ID = NewID()
	r.CreatedBy = actor.UserID
	r.CreatedAt = s.now()
	ev := s.newEvent(models.Event{
		Type: "remediation.planned", ProgramID: r.ProgramID, Actor: actor, Subject: "remediation", SubjectID: r.ID,
		StudentID: r.StudentID, Summary: fmt.Sprintf("recorded a remediation plan for %s and reopened attempts", r.ChecklistID),
		Data:   map[string]string{"checklistId": r.ChecklistID, "plan": r.Plan, "dueDate": r.DueDate},
		Notify: notify,
	})
	doc, err := docWithEvents(r, ev)
	if err != nil {
		return models.Remediation{}, err
	}
	if _, err := s.collection(colRemediations).InsertOne(ctx, doc); err != nil {
		return models.Remediation{}, translate(err, "create remediation")
	}
	s.relayAfter(ctx, colRemediations, r.ID)
	return r, nil
}
