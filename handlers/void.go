package handlers

import (
	"context"
	"net/http"

	"skillbook/workflow"
)

type voidInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The attempt whose PIN sign-off to void."`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"Optional: the attempt's ETag; the void is refused (412) if the record changed since."`
	Body    struct {
		Reason string `json:"reason" minLength:"1" maxLength:"2000" doc:"Why: for example, the sign-off was not made by you."`
		Attest bool   `json:"attest" doc:"Must be true: the void is a signed amendment."`
	}
}

// void withdraws an evaluation signed with the caller's signing PIN.
func (s *server) void(ctx context.Context, in *voidInput) (*attemptOutput, error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	a, err := s.app.Evaluations.Void(ctx, callerOf(ctx), workflow.VoidInput{AttemptID: in.ID, Version: version,
		Reason: in.Body.Reason, Attest: in.Body.Attest})
	if err != nil {
		return nil, err
	}
	return newAttemptOutput(a, http.StatusCreated), nil
}
