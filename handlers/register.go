package handlers

import (
	"context"

	"github.com/danielgtaylor/huma/v2"
)

// register adds an operation whose errors go through problemFor, so every
// handler just returns the errors of our packages.
func register[I, O any](api huma.API, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	huma.Register(api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, in)
		if err != nil {
			p := problemFor(ctx, err)
			if p.Instance == "" {
				p.Instance = requestIDFrom(ctx)
			}
			return nil, p
		}
		return out, nil
	})
}
