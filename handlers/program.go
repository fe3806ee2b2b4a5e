package handlers

import (
	"context"

	"skillbook/workflow"
)

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
