package handlers

import (
	"context"
	"time"

	"skillbook/models"
)

// IdempotencyStore keeps the first response to each Idempotency-Key (both
// engines implement it). BeginIdempotent claims key for a request with
// fingerprint: (nil, nil) means run the request and then Finish or Abandon
// the key; a stored response means replay it; models.ErrIdempotencyMismatch
// and models.ErrIdempotencyInFlight refuse the retry.
type IdempotencyStore interface {
	BeginIdempotent(ctx context.Context, key, fingerprint string, now time.Time, lease time.Duration) (*models.StoredResponse, error)
	FinishIdempotent(ctx context.Context, key string, resp models.StoredResponse) error
	AbandonIdempotent(ctx context.Context, key string) error
}

// Store is what the HTTP layer itself asks of the engine: whether it
// answers (/readyz) and the Idempotency-Key records. Everything else goes
// through the use cases.
type Store interface {
	IdempotencyStore
	Ping(ctx context.Context) error
}
