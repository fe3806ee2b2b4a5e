package models

import "time"

// Limited is a request refused because its caller did too much of
// something expensive too quickly (signing-PIN tries, pending export jobs,
// roster imports); it answers 429 with Retry-After. Code is stable and
// machine-readable; Detail is for people.
type Limited struct {
	Code       string
	Detail     string
	RetryAfter time.Duration
}

func (e *Limited) Error() string { return e.Code + ": " + e.Detail }
