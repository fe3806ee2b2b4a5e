package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"skillbook/models"
)

// bearerScheme names the Firebase ID-token security scheme in the OpenAPI
// document; an operation listing it requires a signed-in, known user.
const bearerScheme = "firebase"

// freshAuth is operation metadata asking for a revocation check made now
// rather than from the cache.
const freshAuth = "freshAuth"

var bearer = []map[string][]string{{bearerScheme: {}}}

// authenticate resolves the caller of every operation that declares the
// bearer scheme: the token must verify, and its uid must belong to an
// active user of ours. The role and program come from that stored record,
// never from the token.
func (s *server) authenticate(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(hctx huma.Context, next func(huma.Context)) {
		op := hctx.Operation()
		if op == nil || len(op.Security) == 0 {
			next(hctx)
			return
		}
		fresh, _ := op.Metadata[freshAuth].(bool)
		user, err := s.caller(hctx.Context(), hctx.Header("Authorization"), fresh)
		if err != nil {
			p := problemFor(hctx.Context(), err)
			p.Instance = requestIDFrom(hctx.Context())
			for k, vs := range p.headers {
				for _, v := range vs {
					hctx.SetHeader(k, v)
				}
			}
			hctx.SetHeader("Content-Type", "application/problem+json")
			hctx.SetStatus(p.Status)
			_ = api.Marshal(hctx.BodyWriter(), "application/json", p)
			return
		}
		next(huma.WithValue(hctx, callerKey, user))
	}
}

// caller verifies the Authorization header and returns the active user it
// belongs to, binding a pending invitation on a first verified sign-in.
func (s *server) caller(ctx context.Context, header string, fresh bool) (models.User, error) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if header == "" {
		return models.User{}, fmt.Errorf("%w: the Authorization header is missing", models.ErrUnauthenticated)
	}
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > 8192 {
		return models.User{}, fmt.Errorf("%w: the Authorization header must be \"Bearer <Firebase ID token>\"", models.ErrUnauthenticated)
	}
	verify := s.tokens.Verify
	if fresh {
		verify = s.tokens.VerifyFresh
	}
	id, err := verify(ctx, token)
	if err != nil {
		return models.User{}, err
	}
	user, err := s.store.UserByUID(ctx, id.UID)
	if errors.Is(err, models.ErrNotFound) {
		user, err = s.bindInvitation(ctx, id)
	}
	if err != nil {
		return models.User{}, err
	}
	if !user.Active {
		return models.User{}, fmt.Errorf("%w: this account has been deactivated", models.ErrForbidden)
	}
	return user, nil
}

// bindInvitation links a first sign-in to the invitation for its email. An
// unverified email proves nothing, so it never binds.
func (s *server) bindInvitation(ctx context.Context, id models.Identity) (models.User, error) {
	if id.Email == "" || !id.EmailVerified {
		return models.User{}, fmt.Errorf("%w: no Skillbook account for this sign-in; accept your invitation with a verified email address", models.ErrForbidden)
	}
	user, err := s.store.BindInvitation(ctx, id.Email, id.UID)
	if errors.Is(err, models.ErrNotFound) {
		return models.User{}, fmt.Errorf("%w: no Skillbook invitation for this email address", models.ErrForbidden)
	}
	if err != nil {
		return models.User{}, err
	}
	logFrom(ctx).Info("invitation accepted", "userId", user.ID, "programId", user.ProgramID)
	return user, nil
}

// callerFrom returns the authenticated user of the request; operations
// that declare the bearer scheme always have one.
func callerFrom(ctx context.Context) models.User {
	u, ok := ctx.Value(callerKey).(models.User)
	if !ok {
		panic("handlers: callerFrom on an operation without the bearer scheme")
	}
	return u
}
