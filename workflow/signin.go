package workflow

import (
	"context"
	"errors"
	"fmt"

	"skillbook/models"
)

// SignInStore is what signing in needs: the user bound to a sign-in
// account, the invitation for an email address, and binding the two.
type SignInStore interface {
	UserByUID(ctx context.Context, uid string) (models.User, error)
	UserByEmail(ctx context.Context, email string) (models.User, error)
	// BindInvitation stores w.After's uid and bound flag with w.Events if
	// the invitation is still unbound at w.Before.Version
	// (models.ErrNotFound otherwise).
	BindInvitation(ctx context.Context, w models.UserWrite) (models.User, error)
}

// SignInInput is a verified sign-in: what the identity provider vouches
// for, and the request that carries it.
type SignInInput struct {
	Identity  models.Identity
	RequestID string
}

// SignIn resolves a verified sign-in to the active user it belongs to. The
// role and program come from that stored record, never from the token. A
// first sign-in binds the pending invitation for its email, only when the
// email is verified (an unverified address proves nothing); the binding is
// audited. Deactivated users are refused.
func (p *People) SignIn(ctx context.Context, in SignInInput) (models.User, error) {
	u, err := p.store.UserByUID(ctx, in.Identity.UID)
	if errors.Is(err, models.ErrNotFound) {
		u, err = p.acceptInvitation(ctx, in)
	}
	if err != nil {
		return models.User{}, err
	}
	if !u.Active {
		return models.User{}, errSignInDeactivated
	}
	return u, nil
}

var (
	errSignInDeactivated  = fmt.Errorf("%w: this account has been deactivated", models.ErrForbidden)
	errSignInNoInvitation = fmt.Errorf("%w: no Skillbook invitation for this email address", models.ErrForbidden)
	errSignInUnverified   = fmt.Errorf("%w: no Skillbook account for this sign-in; accept your invitation with a verified email address", models.ErrForbidden)
)

// acceptInvitation binds the invitation for the sign-in's verified email
// to its account.
func (p *People) acceptInvitation(ctx context.Context, in SignInInput) (models.User, error) {
	id := in.Identity
	if id.Email == "" || !id.EmailVerified {
		return models.User{}, errSignInUnverified
	}
	inv, err := p.store.UserByEmail(ctx, id.Email)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return models.User{}, errSignInNoInvitation
	case err != nil:
		return models.User{}, err
	case !inv.Active:
		return models.User{}, errSignInDeactivated
	}
	u := models.User{}
	err = models.ErrNotFound
	if !inv.Bound {
		now := p.now()
		next := inv
		next.UID, next.Bound, next.UpdatedAt = id.UID, true, now
		// Skillbook binds on the identity provider's word, so the system
		// is the actor; the request names the sign-in.
		actor := models.SystemActor
		actor.RequestID = in.RequestID
		u, err = p.store.BindInvitation(ctx, models.UserWrite{Before: inv, After: next,
			Events: []models.Event{models.InvitationAcceptedEvent(actor, inv, now)}})
	}
	if errors.Is(err, models.ErrNotFound) {
		// A concurrent first request may have bound it a moment ago.
		u, err = p.store.UserByUID(ctx, id.UID)
	}
	if errors.Is(err, models.ErrNotFound) {
		return models.User{}, errSignInNoInvitation
	}
	return u, err
}
