package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillbook/models"
)

// RequestUnitStore is an engine whose request's writes can commit in one
// transaction with the record of the request's Idempotency-Key (the
// SQLite engine): BeginRequest answers as BeginIdempotent does, without
// claiming anything, and otherwise returns a context whose writes are
// held until EndRequest commits them with the response (or, given nil,
// rolls them back). The MongoDB engine, whose state changes are single
// documents, keeps the claim, finish and abandon of IdempotencyStore.
type RequestUnitStore interface {
	BeginRequest(ctx context.Context, key, fingerprint string, now time.Time) (context.Context, *models.StoredResponse, error)
	EndRequest(ctx context.Context, resp *models.StoredResponse) error
}

// idempotentUnit runs c's request as one unit of st: its writes, its
// audit entries, its notifications and its key's record commit together.
func (s *server) idempotentUnit(c *fiber.Ctx, st RequestUnitStore, scope, fingerprint string) error {
	ctx, stored, err := st.BeginRequest(c.UserContext(), scope, fingerprint, s.clock.Now())
	if err != nil {
		return idempotencyRefusal(err)
	}
	if stored != nil {
		return replay(c, stored)
	}
	c.SetUserContext(ctx)
	ended := false
	defer func() {
		// A panic or an early return: nothing the request wrote stays.
		if !ended {
			_ = st.EndRequest(ctx, nil)
		}
	}()
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	ended = true
	if status := c.Response().StatusCode(); retryable(status) {
		if err := st.EndRequest(ctx, nil); err != nil {
			logFrom(ctx).Warn("roll back idempotent request", "error", err)
		}
		return nil
	}
	if err := st.EndRequest(ctx, storedResponse(c)); err != nil {
		// Nothing the request wrote was committed: the answer it prepared
		// must not reach the client.
		logFrom(ctx).Error("commit idempotent request", "error", err)
		c.Response().Reset()
		if errors.Is(err, models.ErrIdempotencyInFlight) {
			return idempotencyRefusal(err)
		}
		if !errors.Is(err, models.ErrUnavailable) {
			err = fmt.Errorf("%w: %v", models.ErrUnavailable, err)
		}
		return c.App().ErrorHandler(c, err)
	}
	return nil
}

// retryable says a run that ended with status may succeed when retried:
// its key is forgotten (and, in a unit, its writes undone).
func retryable(status int) bool {
	return status >= 500 || status == http.StatusConflict || status == http.StatusTooManyRequests || status == http.StatusUnauthorized
}

// storedResponse is c's response as a retry replays it.
func storedResponse(c *fiber.Ctx) *models.StoredResponse {
	resp := &models.StoredResponse{Status: c.Response().StatusCode(), Header: map[string]string{}, Body: append([]byte(nil), c.Response().Body()...)}
	for _, h := range replayedHeaders {
		if v := c.GetRespHeader(h); v != "" {
			resp.Header[h] = v
		}
	}
	return resp
}

// replay answers with a stored response.
func replay(c *fiber.Ctx, stored *models.StoredResponse) error {
	for k, v := range stored.Header {
		c.Set(k, v)
	}
	c.Set("Idempotent-Replayed", "true")
	return c.Status(stored.Status).Send(stored.Body)
}

// idempotencyRefusal is the problem for a key that cannot run now.
func idempotencyRefusal(err error) error {
	switch {
	case errors.Is(err, models.ErrIdempotencyMismatch):
		return problemWithType(http.StatusUnprocessableEntity, "idempotency-key-reused",
			"this Idempotency-Key was already used with a different request body")
	case errors.Is(err, models.ErrIdempotencyInFlight):
		p := problemWithType(http.StatusConflict, "idempotency-in-progress",
			"a request with this Idempotency-Key is still being processed; retry shortly")
		p.headers = http.Header{"Retry-After": {"1"}}
		return p
	}
	return err
}
