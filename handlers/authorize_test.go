package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// A fresh operation asks the identity provider again: a session revoked a
// moment ago, which ordinary reads still accept from the verifier's cache,
// cannot set a signing PIN.
func TestFreshOperationsCheckRevocationNow(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	in := env.NewUser(t, p.ID, models.RoleInstructor)
	setPIN := apitest.Request{Method: http.MethodPut, Path: "/v1/me/signing-pin", Token: in.Token, Body: map[string]any{"pin": "582914"}}
	env.Do(t, setPIN).WantStatus(t, http.StatusNoContent)

	env.Tokens().RevokeFresh(in.UID)
	env.Get(t, "/v1/me", in.Token).WantStatus(t, http.StatusOK)
	r := env.Do(t, setPIN)
	r.WantProblem(t, http.StatusUnauthorized, "unauthenticated")
	if r.Header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
}

// Revoked and disabled sign-ins are refused everywhere.
func TestRevokedAndDisabledSignInsAreRefused(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	revoked, disabled := env.NewUser(t, p.ID, models.RoleStudent), env.NewUser(t, p.ID, models.RoleAdmin)
	env.Get(t, "/v1/me", revoked.Token).WantStatus(t, http.StatusOK)
	env.Revoke(t, revoked)
	env.Disable(t, disabled)
	for _, u := range []apitest.User{revoked, disabled} {
		env.Get(t, "/v1/me", u.Token).WantProblem(t, http.StatusUnauthorized, "unauthenticated")
		env.Get(t, "/v1/cohorts", u.Token).WantProblem(t, http.StatusUnauthorized, "unauthenticated")
	}
}

// A caller whose role an operation does not allow is refused with a 403
// before the operation reads its input, so a bad body changes nothing.
func TestRoleIsCheckedBeforeInput(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	student := env.NewUser(t, p.ID, models.RoleStudent)
	tests := []struct {
		name   string
		req    apitest.Request
		detail string
	}{
		{"bad PIN", apitest.Request{Method: http.MethodPut, Path: "/v1/me/signing-pin", Body: map[string]any{"pin": "x"}},
			"only instructors sign evaluations"},
		{"bad cohort", apitest.Request{Method: http.MethodPost, Path: "/v1/cohorts", Body: map[string]any{"name": ""}},
			"only program admins may create cohorts"},
		{"unknown query", apitest.Request{Method: http.MethodGet, Path: "/v1/audit?nope=1"},
			"only program admins read the audit trail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.Token = student.Token
			pr := env.Do(t, tt.req).WantProblem(t, http.StatusForbidden, "forbidden")
			if pr.Detail != tt.detail {
				t.Errorf("detail = %q; want %q", pr.Detail, tt.detail)
			}
			if pr.Instance == "" {
				t.Error("no instance (request id) on the problem")
			}
		})
	}
}

// The OpenAPI document shows who may call each operation: every /v1
// operation lists its roles (x-roles), fresh ones say so.
func TestOpenAPIDocumentShowsRoles(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	var doc struct {
		Paths map[string]map[string]struct {
			Roles []string `json:"x-roles"`
			Fresh bool     `json:"x-fresh-session"`
		} `json:"paths"`
	}
	env.Get(t, "/openapi.json", "").WantStatus(t, http.StatusOK).JSON(t, &doc)
	fresh := 0
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if v1 := strings.HasPrefix(path, "/v1/"); v1 != (len(op.Roles) > 0) {
				t.Errorf("%s %s: x-roles %v", method, path, op.Roles)
			}
			if op.Fresh {
				fresh++
			}
		}
	}
	if fresh != 4 {
		t.Errorf("%d operations need a fresh session; want 4 (evaluate, amend, void, set PIN)", fresh)
	}
	raw := map[string]any{}
	env.Get(t, "/openapi.json", "").JSON(t, &raw)
	if b, _ := json.Marshal(raw["paths"].(map[string]any)["/v1/audit"]); !strings.Contains(string(b), `"x-roles":["admin"]`) {
		t.Errorf("GET /v1/audit = %s; want x-roles [admin]", b)
	}
}
