package handlers

import (
	"context"
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// register adds an operation whose errors go through problemFor, so every
// handler just returns the errors of our packages.
func register[I, O any](api huma.API, op huma.Operation, h func(context.Context, *I) (*O, error)) {
	// Everything under /v1 is authenticated by middleware; the document
	// must say so, and nothing else may claim it.
	if strings.HasPrefix(op.Path, "/v1/") != (len(op.Security) > 0) {
		panic(fmt.Sprintf("handlers: %s %s: /v1 operations, and only they, declare Security: bearer", op.Method, op.Path))
	}
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
