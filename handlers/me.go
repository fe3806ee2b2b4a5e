package handlers

import (
	"context"

	"skillbook/models"
)

type meOutput struct {
	Body models.User
}

// me returns the caller's own profile.
func (s *server) me(ctx context.Context, _ *struct{}) (*meOutput, error) {
	return &meOutput{Body: callerFrom(ctx)}, nil
}
