package storetest

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"skillbook/clock"
	"skillbook/models"
)

// CreatePracticumEntry stores p as logged by actor, pending review, with
// its audit event.
func CreatePracticumEntry(ctx context.Context, st Store, actor models.Actor, p models.PracticumEntry) (models.PracticumEntry, bool, error) {
	if p.ID == "" {
		p.ID = uuid.Must(uuid.NewV7()).String()
	}
	now := clock.System{}.Now()
	p.Status, p.Review, p.Version, p.CreatedAt, p.UpdatedAt = models.ProcedurePending, nil, 1, now, now
	// The event's time is left to the store, as in CreateAssignment.
	ev := models.Event{ID: uuid.Must(uuid.NewV7()).String(), Type: models.EventPracticumLogged, ProgramID: p.ProgramID, Actor: actor,
		Subject: "practicum", SubjectID: p.ID, StudentID: p.StudentID,
		Summary: fmt.Sprintf("logged %v practicum hours at %s on %s", p.Hours, p.Site, p.Date)}
	return st.CreatePracticumEntry(ctx, p, ev)
}
