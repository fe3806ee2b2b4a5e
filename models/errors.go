package models

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors shared by the store, auth and handlers. Wrap them with
// context; the HTTP layer maps each to one problem type.
var (
	ErrNotFound           = errors.New("not found")
	ErrConflict           = errors.New("conflict")
	ErrForbidden          = errors.New("forbidden")
	ErrUnauthenticated    = errors.New("unauthenticated")
	ErrPreconditionFailed = errors.New("precondition failed")
	ErrUnavailable        = errors.New("store unavailable")
)

// FieldProblem names one invalid field and what is wrong with it.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem found in one input.
type ValidationError struct {
	Problems []FieldProblem
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + p.Message
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Add records a problem with field.
func (e *ValidationError) Add(field, format string, args ...any) {
	e.Problems = append(e.Problems, FieldProblem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns e when it holds problems and nil otherwise, so a validator can
// end with `return v.Err()`.
func (e *ValidationError) Err() error {
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}

// RuleError is a request that is well-formed but breaks a domain rule, such
// as asking for an evaluation before the required practice. Code is stable
// and machine-readable; Detail is for people.
type RuleError struct {
	Code   string
	Detail string
}

func (e *RuleError) Error() string { return e.Code + ": " + e.Detail }

// Refusal is a forbidden request with a stable, machine-readable reason,
// such as a locked signing PIN; it answers 403 with its own problem type.
type Refusal struct {
	Code   string
	Detail string
}

func (e *Refusal) Error() string { return e.Code + ": " + e.Detail }

// Unwrap makes a Refusal an ErrForbidden to errors.Is.
func (e *Refusal) Unwrap() error { return ErrForbidden }
