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
	// Everything under /v1 is authenticated by middleware and authorized
	// by its declared rule; the document must say so, and nothing else may
	// claim it.
	v1 := strings.HasPrefix(op.Path, "/v1/")
	if v1 != (len(op.Security) > 0) {
		panic(fmt.Sprintf("handlers: %s %s: /v1 operations, and only they, declare Security: bearer", op.Method, op.Path))
	}
	r, declared := ruleOf(&op)
	if v1 != declared {
		panic(fmt.Sprintf("handlers: %s %s: /v1 operations, and only they, declare who may call them (Metadata: access(...))", op.Method, op.Path))
	}
	if declared {
		if op.Extensions == nil {
			op.Extensions = map[string]any{}
		}
		op.Extensions["x-roles"] = r.roles
		if r.fresh {
			op.Extensions["x-fresh-session"] = true
		}
	}
	documentAnswers(&op, v1)
	defer documentRetry(api, op)
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
