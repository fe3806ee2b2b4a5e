package workflow

import (
	"context"
	"errors"
	"slices"

	"skillbook/models"
)

// UserInviteStore is what inviting a user needs: the cohorts they are to
// join, and storing the invitation with its audit event (the email unique
// across Skillbook: models.ErrConflict).
type UserInviteStore interface {
	CohortsByID(ctx context.Context, ids []string) (map[string]models.Cohort, error)
	InsertUser(ctx context.Context, u models.User, events ...models.Event) error
}

// InviteUserInput is the person an admin invites.
type InviteUserInput struct {
	Email      string
	Name       string
	Role       models.Role
	Credential string
	// CohortIDs are the cohorts a student belongs to (exactly one) or an
	// instructor teaches.
	CohortIDs []string
}

// InviteUser invites one person into the caller's program: an active,
// unbound user who becomes a signed-in user on their first sign-in with a
// verified email. Their cohorts must be open cohorts of the program.
func (p *People) InviteUser(ctx context.Context, caller Caller, in InviteUserInput) (models.User, error) {
	u := models.User{ProgramID: caller.ProgramID, Email: in.Email, Name: in.Name, Role: in.Role,
		Credential: in.Credential, CohortIDs: slices.Clone(in.CohortIDs)}
	u.Normalize()
	if err := validateUser(&u); err != nil {
		return models.User{}, err
	}
	if err := p.checkCohortsOpen(ctx, caller.ProgramID, u.CohortIDs); err != nil {
		return models.User{}, err
	}
	now := p.now()
	u.ID = p.newID()
	u.Active, u.Version = true, 1
	u.CreatedAt, u.UpdatedAt = now, now
	if err := p.store.InsertUser(ctx, u, models.UserInvitedEvent(models.EventUserInvited, caller.Actor(), u, now)); err != nil {
		return models.User{}, err
	}
	return u, nil
}

// validateUser checks a user's fields and cohort membership, listing every
// problem of both in one validation error; u's texts are left in NFC.
func validateUser(u *models.User) error {
	var all models.ValidationError
	for _, err := range []error{u.Validate(), u.ValidateMembership()} {
		var v *models.ValidationError
		if errors.As(err, &v) {
			all.Problems = append(all.Problems, v.Problems...)
		}
	}
	return all.Err()
}

// checkCohortsOpen checks that a user may join the cohorts ids: open
// cohorts of the program.
func (p *People) checkCohortsOpen(ctx context.Context, programID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	cohorts, err := p.store.CohortsByID(ctx, ids)
	if err != nil {
		return err
	}
	return models.CheckCohortsOpen(programID, ids, cohorts)
}
