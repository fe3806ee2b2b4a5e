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

type programSettingsOutput struct {
	Body workflow.ProgramSettings
}

// programSettings returns the caller's program's settings.
func (s *server) programSettings(ctx context.Context, _ *struct{}) (*programSettingsOutput, error) {
	out, err := s.app.Evaluations.ProgramSettings(ctx, callerOf(ctx))
	if err != nil {
		return nil, err
	}
	return &programSettingsOutput{Body: out}, nil
}

type programSettingsInput struct {
	Body struct {
		PINVoidWindowHours int `json:"pinVoidWindowHours" doc:"How long after a sign-off made with their signing PIN an instructor may void it, in hours (1 to 168)."`
	}
}

// setProgramSettings changes the caller's program's settings (admins).
func (s *server) setProgramSettings(ctx context.Context, in *programSettingsInput) (*programSettingsOutput, error) {
	out, err := s.app.Evaluations.SetPINVoidWindow(ctx, callerOf(ctx), in.Body.PINVoidWindowHours)
	if err != nil {
		return nil, err
	}
	return &programSettingsOutput{Body: out}, nil
}
