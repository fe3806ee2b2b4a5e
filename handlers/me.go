package handlers

import (
	"context"

	"skillbook/models"
	"skillbook/workflow"
)

// meBody is the caller's profile and, for an instructor, their signing
// PIN's state (a lock shows here as well as in their notifications).
type meBody struct {
	models.User
	SigningPIN *models.SigningPINStatus `json:"signingPin,omitempty" doc:"Instructors only: whether a signing PIN is set and whether it is locked."`
}

type meOutput struct {
	Body meBody
}

// me returns the caller's own profile.
func (s *server) me(ctx context.Context, _ *struct{}) (*meOutput, error) {
	u := callerFrom(ctx)
	out := &meOutput{Body: meBody{User: u}}
	if u.Role == models.RoleInstructor {
		st := workflow.SigningPINStatus(u)
		out.Body.SigningPIN = &st
	}
	return out, nil
}
