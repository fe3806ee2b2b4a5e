package handlers

import (
	"context"
)

type healthOutput struct {
	Body struct {
		Status string `json:"status" example:"ok"`
	}
}

// healthz says the process is alive; it touches nothing else.
func (s *server) healthz(ctx context.Context, _ *struct{}) (*healthOutput, error) {
	out := &healthOutput{}
	out.Body.Status = "ok"
	return out, nil
}

// readyz says the process can serve: the store answers.
func (s *server) readyz(ctx context.Context, _ *struct{}) (*healthOutput, error) {
	if err := s.store.Ping(ctx); err != nil {
		return nil, err
	}
	out := &healthOutput{}
	out.Body.Status = "ready"
	return out, nil
}
