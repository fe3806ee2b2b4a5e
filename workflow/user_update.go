package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"skillbook/models"
)

// UserUpdateStore is what changing a user needs: the user as stored, the
// cohorts they are to join, the program's active admins, and writing the
// change with its audit event if the user is still at the version read.
type UserUpdateStore interface {
	User(ctx context.Context, programID, id string) (models.User, error)
	CohortsByID(ctx context.Context, ids []string) (map[string]models.Cohort, error)
	ActiveAdmins(ctx context.Context, programID string) (int64, error)
	// SaveUser writes w.After with w.Events if the user is still at
	// w.Before.Version (models.ErrPreconditionFailed otherwise), and
	// refuses (models.ErrConflict) a write that, raced by another, left the
	// program without an active admin.
	SaveUser(ctx context.Context, w models.UserWrite) (models.User, error)
}

// UpdateUserInput changes a user; nil fields stay.
type UpdateUserInput struct {
	ID string
	// Version, when not 0, must be the user's current version
	// (models.ErrPreconditionFailed otherwise).
	Version    int64
	Name       *string
	Role       *models.Role
	Credential *string
	// CohortIDs, when not nil, replaces the user's cohorts; those they
	// join must be open.
	CohortIDs []string
}

// UpdateUser changes a user's name, role, credential or cohorts. A change
// that changes nothing writes nothing and returns the user as stored. An
// admin cannot give up their own admin role, and the program keeps one
// active admin (models.ErrConflict).
func (p *People) UpdateUser(ctx context.Context, caller Caller, in UpdateUserInput) (models.User, error) {
	what := "update user " + in.ID
	return p.changeUser(ctx, caller, in.ID, in.Version, what, func(cur models.User) (models.User, []models.Event, error) {
		next := cur
		if in.Name != nil {
			next.Name = strings.TrimSpace(*in.Name)
		}
		if in.Role != nil {
			next.Role = *in.Role
		}
		if in.Credential != nil {
			next.Credential = strings.TrimSpace(*in.Credential)
		}
		if in.CohortIDs != nil {
			next.CohortIDs = slices.Clone(in.CohortIDs)
		}
		if err := next.Validate(); err != nil {
			return cur, nil, err
		}
		if next.Role != cur.Role || in.CohortIDs != nil {
			if err := next.ValidateMembership(); err != nil {
				return cur, nil, err
			}
		}
		ev, changed := models.UserChangedEvent(models.EventUserUpdated, caller.Actor(), cur, next, p.now())
		if !changed {
			return cur, nil, nil
		}
		if err := models.CheckOwnChange(caller.ID, cur, next, what); err != nil {
			return cur, nil, err
		}
		if err := p.checkAdminKept(ctx, cur, next, what); err != nil {
			return cur, nil, err
		}
		var added []string
		for _, c := range next.CohortIDs {
			if !slices.Contains(cur.CohortIDs, c) {
				added = append(added, c)
			}
		}
		if err := p.checkCohortsOpen(ctx, cur.ProgramID, added); err != nil {
			return cur, nil, err
		}
		next.UpdatedAt = ev.At
		return next, []models.Event{ev}, nil
	})
}

// UserStateInput names a user to deactivate or reactivate.
type UserStateInput struct {
	ID string
	// Version, when not 0, must be the user's current version.
	Version int64
}

// DeactivateUser refuses every further request of a user; their records
// stay, and so do signatures they made. Deactivating a deactivated user
// changes nothing. An admin cannot deactivate themselves, nor the
// program's last active admin.
func (p *People) DeactivateUser(ctx context.Context, caller Caller, in UserStateInput) (models.User, error) {
	return p.setUserActive(ctx, caller, in, false)
}

// ReactivateUser lets a deactivated user sign in again.
func (p *People) ReactivateUser(ctx context.Context, caller Caller, in UserStateInput) (models.User, error) {
	return p.setUserActive(ctx, caller, in, true)
}

func (p *People) setUserActive(ctx context.Context, caller Caller, in UserStateInput, active bool) (models.User, error) {
	what := "deactivate user " + in.ID
	if active {
		what = "reactivate user " + in.ID
	}
	return p.changeUser(ctx, caller, in.ID, in.Version, what, func(cur models.User) (models.User, []models.Event, error) {
		if cur.Active == active {
			return cur, nil, nil
		}
		next := cur
		next.Active, next.UpdatedAt = active, p.now()
		if err := models.CheckOwnChange(caller.ID, cur, next, what); err != nil {
			return cur, nil, err
		}
		if err := p.checkAdminKept(ctx, cur, next, what); err != nil {
			return cur, nil, err
		}
		return next, []models.Event{models.UserActiveEvent(caller.Actor(), cur, active, next.UpdatedAt)}, nil
	})
}

// checkAdminKept refuses a change that would take the program's last
// active admin, as far as can be seen before writing (the store guards the
// race of two such changes).
func (p *People) checkAdminKept(ctx context.Context, before, after models.User, what string) error {
	if !models.TakesAnAdmin(before, after) {
		return nil
	}
	n, err := p.store.ActiveAdmins(ctx, before.ProgramID)
	if err != nil {
		return err
	}
	return models.CheckAdminKept(n, before, after, what)
}

// changeUser reads user id of the caller's program, lets edit decide the
// change (no events: nothing to change) and writes it guarded by the
// version read. With a client version (not 0) a different or moved version
// is models.ErrPreconditionFailed; without one a lost race is decided
// again on the new state, then models.ErrConflict.
func (p *People) changeUser(ctx context.Context, caller Caller, id string, version int64, what string,
	edit func(cur models.User) (models.User, []models.Event, error)) (models.User, error) {
	for range peopleRaceRetries {
		cur, err := p.store.User(ctx, caller.ProgramID, id)
		if err != nil {
			return models.User{}, err
		}
		if version != 0 && cur.Version != version {
			return models.User{}, fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
		}
		next, events, err := edit(cur)
		if err != nil {
			return models.User{}, err
		}
		if len(events) == 0 {
			return cur, nil
		}
		u, err := p.store.SaveUser(ctx, models.UserWrite{Before: cur, After: next, Events: events})
		if errors.Is(err, models.ErrPreconditionFailed) && version == 0 {
			continue
		}
		return u, err
	}
	return models.User{}, changedMeanwhile(what)
}
