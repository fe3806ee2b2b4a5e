package workflow

import (
	"context"
	"fmt"
	"slices"

	"skillbook/models"
)

// QueueStore reads the open evaluation requests.
type QueueStore interface {
	// Queue lists the open evaluation requests of a program, oldest
	// first, narrowed by f.
	Queue(ctx context.Context, programID string, f models.QueueFilter, page models.Page) (models.List[models.Attempt], error)
	SkillAttempts(ctx context.Context, programID string, skills []models.StudentSkill) ([]models.Attempt, error)
}

// QueueInput narrows the queue to a cohort and an area, one page at a
// time.
type QueueInput struct {
	CohortID string
	Area     models.Area
	Page     models.Page
}

// Queue lists open evaluation requests, oldest first, each with the
// student's earlier attempts at the checklist: an instructor's from the
// cohorts they teach, an admin's from the whole program.
func (e *Evaluations) Queue(ctx context.Context, caller Caller, in QueueInput) (models.List[models.QueueEntry], error) {
	cohorts, ok := models.QueueCohorts(caller.User, in.CohortID)
	if !ok && caller.Role == models.RoleInstructor {
		return models.List[models.QueueEntry]{}, fmt.Errorf("%w: you do not teach this cohort", models.ErrForbidden)
	}
	if !ok {
		return models.List[models.QueueEntry]{}, fmt.Errorf("%w: the queue is for instructors and admins", models.ErrForbidden)
	}
	page, err := e.store.Queue(ctx, caller.ProgramID, models.QueueFilter{CohortIDs: cohorts, Area: in.Area}, in.Page)
	if err != nil {
		return models.List[models.QueueEntry]{}, err
	}
	out := models.List[models.QueueEntry]{Items: make([]models.QueueEntry, 0, len(page.Items)), NextCursor: page.NextCursor}
	if len(page.Items) == 0 {
		return out, nil
	}
	skills := make([]models.StudentSkill, 0, len(page.Items))
	for _, a := range page.Items {
		skills = append(skills, models.StudentSkill{StudentID: a.StudentID, ChecklistID: a.ChecklistID})
	}
	history, err := e.store.SkillAttempts(ctx, caller.ProgramID, skills)
	if err != nil {
		return models.List[models.QueueEntry]{}, err
	}
	slices.SortFunc(history, func(x, y models.Attempt) int { return y.RequestedAt.Compare(x.RequestedAt) })
	for _, a := range page.Items {
		entry := models.QueueEntry{Attempt: a, History: []models.AttemptSummary{}}
		for i := range history {
			h := &history[i]
			if h.StudentID == a.StudentID && h.ChecklistID == a.ChecklistID && h.ID != a.ID {
				entry.History = append(entry.History, h.Summary())
			}
		}
		out.Items = append(out.Items, entry)
	}
	return out, nil
}
