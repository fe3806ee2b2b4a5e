package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gofiber/fiber/v2"

	"skillbook/models"
	"skillbook/workflow"
)

// bearerScheme names the Firebase ID-token security scheme in the OpenAPI
// document; an operation listing it requires a signed-in, known user.
const bearerScheme = "firebase"

// freshAuth is operation metadata asking for a revocation check made now
// rather than from the cache.
const freshAuth = "freshAuth"

var bearer = []map[string][]string{{bearerScheme: {}}}

// authenticate resolves the caller of every /v1 request: the token must
// verify, and its uid must belong to an active user of ours. The role and
// program come from that stored record, never from the token. It runs as
// Fiber middleware, ahead of idempotency, which is scoped to the caller.
func (s *server) authenticate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	user, err := s.caller(ctx, c.Get(fiber.HeaderAuthorization), s.tokens.Verify)
	if err != nil {
		return err
	}
	c.SetUserContext(context.WithValue(ctx, callerKey, user))
	return nil
}

// requireFresh re-checks, with the identity provider and now, that the
// token of an operation marked freshAuth was not revoked: signing an
// evaluation must not ride on a session revoked a minute ago.
func (s *server) requireFresh(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(hctx huma.Context, next func(huma.Context)) {
		if fresh, _ := hctx.Operation().Metadata[freshAuth].(bool); !fresh {
			next(hctx)
			return
		}
		if _, err := s.caller(hctx.Context(), hctx.Header("Authorization"), s.tokens.VerifyFresh); err != nil {
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
		next(hctx)
	}
}

// caller verifies the Authorization header and returns the active user it
// belongs to (People.SignIn), binding a pending invitation on a first
// verified sign-in.
func (s *server) caller(ctx context.Context, header string, verify func(context.Context, string) (models.Identity, error)) (models.User, error) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if header == "" {
		return models.User{}, fmt.Errorf("%w: the Authorization header is missing", models.ErrUnauthenticated)
	}
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > 8192 {
		return models.User{}, fmt.Errorf("%w: the Authorization header must be \"Bearer <Firebase ID token>\"", models.ErrUnauthenticated)
	}
	id, err := verify(ctx, token)
	if err != nil {
		return models.User{}, err
	}
	return s.app.People.SignIn(ctx, workflow.SignInInput{Identity: id, RequestID: requestIDFrom(ctx)})
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
