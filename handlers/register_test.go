package handlers

import (
	"context"
	"net/http"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humafiber"
	"github.com/gofiber/fiber/v2"
)

// register refuses, at start-up, a /v1 operation that does not say who may
// call it, and an open one that claims roles.
func TestRegisterRefusesUndeclaredAccess(t *testing.T) {
	api := humafiber.New(fiber.New(), huma.DefaultConfig("test", "1"))
	h := func(context.Context, *struct{}) (*struct{}, error) { return &struct{}{}, nil }
	for _, op := range []huma.Operation{
		{OperationID: "no-roles", Method: http.MethodGet, Path: "/v1/x", Security: bearer},
		{OperationID: "open-with-roles", Method: http.MethodGet, Path: "/y", Metadata: access(anyRole)},
		{OperationID: "no-bearer", Method: http.MethodGet, Path: "/v1/z", Metadata: access(anyRole)},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("register(%s %s) did not panic", op.Method, op.Path)
				}
			}()
			register(api, op, h)
		}()
	}
	defer func() {
		if recover() == nil {
			t.Error("access with no roles did not panic")
		}
	}()
	access(allowed{})
}
