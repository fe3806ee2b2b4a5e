package workflow

import (
	"context"
	"fmt"
	"strings"

	"skillbook/models"
)

// CohortCreateStore is what creating a cohort needs: storing it with its
// audit event, its name unique in the program (models.ErrConflict).
type CohortCreateStore interface {
	InsertCohort(ctx context.Context, c models.Cohort, events ...models.Event) error
}

// CreateCohortInput is a new cohort.
type CreateCohortInput struct {
	Name string
	// StartDate and EndDate are dates such as 2026-09-01; EndDate is
	// optional and after StartDate.
	StartDate string
	EndDate   string
}

// CreateCohort adds a cohort to the caller's program.
func (p *People) CreateCohort(ctx context.Context, caller Caller, in CreateCohortInput) (models.Cohort, error) {
	c := models.Cohort{ProgramID: caller.ProgramID, Name: strings.TrimSpace(in.Name), StartDate: in.StartDate, EndDate: in.EndDate}
	if err := c.Validate(); err != nil {
		return models.Cohort{}, err
	}
	now := p.now()
	c.ID = p.newID()
	c.Version = 1
	c.CreatedAt, c.UpdatedAt = now, now
	if err := p.store.InsertCohort(ctx, c, models.CohortCreatedEvent(caller.Actor(), c, now)); err != nil {
		return models.Cohort{}, err
	}
	return c, nil
}

// CohortReadStore is what reading cohorts needs.
type CohortReadStore interface {
	Cohort(ctx context.Context, programID, id string) (models.Cohort, error)
	Cohorts(ctx context.Context, programID string, f models.CohortFilter, page models.Page) (models.List[models.Cohort], error)
}

// CohortsInput selects the cohorts to list and the page.
type CohortsInput struct {
	// Archived lists archived cohorts instead of active ones.
	Archived bool
	Page     models.Page
}

// Cohorts lists, in creation order, the cohorts the caller may see: the
// whole program's for admins, their own for instructors and students.
func (p *People) Cohorts(ctx context.Context, caller Caller, in CohortsInput) (models.List[models.Cohort], error) {
	f := models.ScopeCohorts(caller.User, models.CohortFilter{Archived: in.Archived})
	return p.store.Cohorts(ctx, caller.ProgramID, f, in.Page)
}

// Cohort returns one cohort the caller may see (models.CanSeeCohort); any
// other is models.ErrNotFound, as if it did not exist.
func (p *People) Cohort(ctx context.Context, caller Caller, id string) (models.Cohort, error) {
	c, err := p.store.Cohort(ctx, caller.ProgramID, id)
	if err != nil {
		return models.Cohort{}, err
	}
	if !models.CanSeeCohort(caller.User, c) {
		return models.Cohort{}, fmt.Errorf("cohort %s: %w", id, models.ErrNotFound)
	}
	return c, nil
}
