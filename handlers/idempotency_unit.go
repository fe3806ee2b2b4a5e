package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillbook/models"
)

// RequestUnitStore is an engine that claims a request's Idempotency-Key in
// the transaction of the request's first write (the SQLite engine), so the
// change and the claim commit together: BeginRequest answers as
// BeginIdempotent does, without writing, and otherwise returns a context
// the request's writes claim the key with; EndRequest records the answer
// (or, given nil, releases the key). The MongoDB engine, whose state
// changes are single documents, keeps the claim, finish and abandon of
// IdempotencyStore.
type RequestUnitStore interface {
	BeginRequest(ctx context.Context, key, fingerprint string, now time.Time, lease time.Duration) (context.Context, *models.StoredResponse, error)
	EndRequest(ctx context.Context, resp *models.StoredResponse) error
}

// idempotentUnit runs c's request as a unit of st: its first write claims
// the key, and its answer is recorded when it ends.
func (s *server) idempotentUnit(c *fiber.Ctx, st RequestUnitStore, scope, fingerprint string, lease time.Duration) error {
	ctx, stored, err := st.BeginRequest(c.UserContext(), scope, fingerprint, s.clock.Now(), lease)
	if err != nil {
		return idempotencyRefusal(err)
	}
	if stored != nil {
		return replay(c, stored)
	}
	c.SetUserContext(ctx)
	ended := false
	defer func() {
		// A panic: release the key.
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
	var answer *models.StoredResponse
	if !retryable(c.Response().StatusCode()) {
		answer = storedResponse(c)
	}
	// On a context of its own: the request's deadline may have passed.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), idempotencyBookkeeping)
	defer cancel()
	if err := st.EndRequest(bctx, answer); err != nil {
		// The change, if any, is committed: the client gets its answer, and
		// the store keeps it for retries until it can record it.
		logFrom(ctx).Error("record idempotent response", "error", err)
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
	case errors.Is(err, models.ErrIdempotencyApplied):
		return problemWithType(http.StatusConflict, "idempotency-key-applied",
			"a request with this Idempotency-Key was applied, but the server stopped before recording its answer; read the resource to see the result")
	}
	return err
}
