package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"skillbook/models"
)

// CohortUpdateStore is what changing a cohort needs: the cohort as stored,
// and writing the change with its audit event if the cohort is still at
// the version read.
type CohortUpdateStore interface {
	Cohort(ctx context.Context, programID, id string) (models.Cohort, error)
	// SaveCohort writes after with events if the cohort is still at
	// before.Version (models.ErrPreconditionFailed otherwise); a name
	// taken in the program is models.ErrConflict.
	SaveCohort(ctx context.Context, before, after models.Cohort, events ...models.Event) (models.Cohort, error)
}

// UpdateCohortInput changes a cohort; nil fields stay.
type UpdateCohortInput struct {
	ID string
	// Version, when not 0, must be the cohort's current version
	// (models.ErrPreconditionFailed otherwise).
	Version   int64
	Name      *string
	StartDate *string
	// EndDate "" removes the end date.
	EndDate *string
}

// UpdateCohort renames a cohort or changes its dates. A change that
// changes nothing writes nothing and returns the cohort as stored.
func (p *People) UpdateCohort(ctx context.Context, caller Caller, in UpdateCohortInput) (models.Cohort, error) {
	return p.changeCohort(ctx, caller, in.ID, in.Version, "update cohort "+in.ID, func(cur models.Cohort) (models.Cohort, []models.Event, error) {
		next := cur
		if in.Name != nil {
			next.Name = strings.TrimSpace(*in.Name)
		}
		if in.StartDate != nil {
			next.StartDate = *in.StartDate
		}
		if in.EndDate != nil {
			next.EndDate = *in.EndDate
		}
		if err := next.Validate(); err != nil {
			return cur, nil, err
		}
		ev, changed := models.CohortChangedEvent(caller.Actor(), cur, next, p.now())
		if !changed {
			return cur, nil, nil
		}
		next.UpdatedAt = ev.At
		return next, []models.Event{ev}, nil
	})
}

// CohortStateInput names a cohort to archive or unarchive.
type CohortStateInput struct {
	ID string
	// Version, when not 0, must be the cohort's current version.
	Version int64
}

// ArchiveCohort archives a cohort: its records stay, it leaves the default
// lists and takes no new members. Archiving an archived cohort changes
// nothing.
func (p *People) ArchiveCohort(ctx context.Context, caller Caller, in CohortStateInput) (models.Cohort, error) {
	return p.setCohortArchived(ctx, caller, in, true)
}

// UnarchiveCohort brings an archived cohort back.
func (p *People) UnarchiveCohort(ctx context.Context, caller Caller, in CohortStateInput) (models.Cohort, error) {
	return p.setCohortArchived(ctx, caller, in, false)
}

func (p *People) setCohortArchived(ctx context.Context, caller Caller, in CohortStateInput, archived bool) (models.Cohort, error) {
	what := "archive cohort " + in.ID
	if !archived {
		what = "unarchive cohort " + in.ID
	}
	return p.changeCohort(ctx, caller, in.ID, in.Version, what, func(cur models.Cohort) (models.Cohort, []models.Event, error) {
		if cur.Archived == archived {
			return cur, nil, nil
		}
		now := p.now()
		next := cur
		next.SetArchived(archived, now)
		return next, []models.Event{models.CohortArchivedEvent(caller.Actor(), cur, archived, now)}, nil
	})
}

// changeCohort is changeUser for cohorts: read, decide, write guarded by
// the version read, decide again after a lost race without a client
// version.
func (p *People) changeCohort(ctx context.Context, caller Caller, id string, version int64, what string,
	edit func(cur models.Cohort) (models.Cohort, []models.Event, error)) (models.Cohort, error) {
	for range peopleRaceRetries {
		cur, err := p.store.Cohort(ctx, caller.ProgramID, id)
		if err != nil {
			return models.Cohort{}, err
		}
		if version != 0 && cur.Version != version {
			return models.Cohort{}, fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
		}
		next, events, err := edit(cur)
		if err != nil {
			return models.Cohort{}, err
		}
		if len(events) == 0 {
			return cur, nil
		}
		c, err := p.store.SaveCohort(ctx, cur, next, events...)
		if errors.Is(err, models.ErrPreconditionFailed) && version == 0 {
			continue
		}
		return c, err
	}
	return models.Cohort{}, changedMeanwhile(what)
}
