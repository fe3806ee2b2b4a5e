package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillbook/models"
)

// idempotencyHeader lets a mobile client retry a POST after a dropped
// connection without doing the work twice.
const idempotencyHeader = "Idempotency-Key"

// idempotencyBookkeeping bounds recording or abandoning a key, on a
// context detached from the request's deadline.
const idempotencyBookkeeping = 5 * time.Second

// replayedHeaders are kept with a stored response and sent on replay.
var replayedHeaders = []string{fiber.HeaderContentType, fiber.HeaderETag, fiber.HeaderLocation}

// validIdempotencyKey accepts 1–255 visible ASCII characters (a UUID is
// what clients usually send).
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// idempotency stores the first response to a POST carrying an
// Idempotency-Key, in the database and scoped to the caller and path, and
// replays it to retries. The same key with another body is a 422; a retry
// while the first run is in progress is a 409. Runs that end in a 5xx or a
// conflict are forgotten so a retry can succeed.
func (s *server) idempotency(lease time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		key := c.Get(idempotencyHeader)
		if c.Method() != fiber.MethodPost || key == "" {
			return c.Next()
		}
		if !validIdempotencyKey(key) {
			return problemWithType(http.StatusBadRequest, "invalid-idempotency-key",
				"Idempotency-Key must be 1 to 255 visible ASCII characters")
		}
		ctx := c.UserContext()
		caller := callerFrom(ctx)
		scope := models.Digest(caller.ID, c.Method(), c.Path(), key)
		fingerprint := models.Digest(string(c.Request().URI().QueryString()), string(c.Body()))

		if us, ok := s.store.(RequestUnitStore); ok {
			return s.idempotentUnit(c, us, scope, fingerprint, lease)
		}
		stored, err := s.store.BeginIdempotent(ctx, scope, fingerprint, s.clock.Now(), lease)
		switch {
		case err != nil:
			return idempotencyRefusal(err)
		case stored != nil:
			return replay(c, stored)
		}

		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				return herr
			}
		}
		// The key's bookkeeping runs even when the request's own deadline
		// has passed (that is when a failure is likeliest): a response not
		// recorded would run the request again for a retry after the lease.
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), idempotencyBookkeeping)
		defer cancel()
		if retryable(c.Response().StatusCode()) {
			if err := s.store.AbandonIdempotent(bctx, scope); err != nil {
				logFrom(ctx).Warn("abandon idempotency key", "error", err)
			}
			return nil
		}
		if err := s.store.FinishIdempotent(bctx, scope, *storedResponse(c)); err != nil {
			// The work is done; a retry will see the key in progress until
			// the lease ends and then run again, which the handlers'
			// own guards (client-chosen ids, version checks) absorb.
			logFrom(ctx).Error("store idempotent response", "error", err)
		}
		return nil
	}
}

// problemWithType is a problem whose type is more specific than its status.
func problemWithType(status int, slug, detail string) *Problem {
	p := newProblem(status, detail)
	p.Type = problemBase + slug
	return p
}
