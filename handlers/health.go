package handlers

import (
	"context"
	"skillbook/signing"
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

// signingKeysPath is where the public signing keys are published.
const signingKeysPath = "/.well-known/skillbook-keys.json"

type signingKeysOutput struct {
	CacheControl string `header:"Cache-Control"`
	Body         signing.JWKSet
}

// signingKeys publishes the public keys records are signed with.
func (s *server) signingKeys(ctx context.Context, _ *struct{}) (*signingKeysOutput, error) {
	out := &signingKeysOutput{CacheControl: "public, max-age=300", Body: signing.JWKSet{Keys: []signing.JWK{}}}
	if s.keys != nil {
		out.Body = s.keys.JWKS()
	}
	return out, nil
}
