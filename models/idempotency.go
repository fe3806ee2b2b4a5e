package models

import (
	"errors"
	"time"
)

// IdempotencyTTL is how long an Idempotency-Key is remembered.
const IdempotencyTTL = 24 * time.Hour

// StoredResponse is the first response to an idempotent request, replayed
// to every retry with the same key.
type StoredResponse struct {
	Status int
	Header map[string]string
	Body   []byte
}

// Idempotency outcomes besides a fresh start.
var (
	// ErrIdempotencyMismatch: the key was used with a different body.
	ErrIdempotencyMismatch = errors.New("idempotency key reused with a different request")
	// ErrIdempotencyInFlight: the first request with the key is still running.
	ErrIdempotencyInFlight = errors.New("a request with this idempotency key is still in progress")
	// ErrIdempotencyApplied: the first request with the key made its change
	// but ended (the server stopped) before its answer was recorded.
	ErrIdempotencyApplied = errors.New("a request with this idempotency key was applied; its answer was lost")
)
