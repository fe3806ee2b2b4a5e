package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"skillbook/models"
	"skillbook/workflow"
)

// bearerScheme names the Firebase ID-token security scheme in the OpenAPI
// document; an operation listing it requires a signed-in, known user.
const bearerScheme = "firebase"

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
