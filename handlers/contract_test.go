package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"skillbook/handlers/apitest"
)

// TestContractCatchesUndocumentedAnswers: the checker every end-to-end
// test runs (apitest.NewE2E) refuses what the document does not say, so
// its silence on the e2e suite means the responses match /openapi.json.
func TestContractCatchesUndocumentedAnswers(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	k := apitest.NewContract(t, env)
	json := http.Header{"Content-Type": {"application/json"}}
	problem := http.Header{"Content-Type": {"application/problem+json"}}
	tests := []struct {
		name, method, path string
		resp               apitest.Response
		wrong              string // in the error; "" when it matches
	}{
		{"documented", http.MethodGet, "/healthz", apitest.Response{Status: 200, Header: json, Body: []byte(`{"status":"ok"}`)}, ""},
		{"a field the schema does not have", http.MethodGet, "/healthz", apitest.Response{Status: 200, Header: json, Body: []byte(`{"status":"ok","extra":1}`)}, "additional properties"},
		{"a missing required field", http.MethodGet, "/v1/me/skills", apitest.Response{Status: 200, Header: json, Body: []byte(`{"nextCursor":"x"}`)}, "items"},
		{"a wrong type", http.MethodGet, "/v1/attempts/x", apitest.Response{Status: 200, Header: json, Body: []byte(`{"id":7}`)}, "id"},
		{"an undocumented status", http.MethodGet, "/healthz", apitest.Response{Status: 409, Header: problem, Body: []byte(`{}`)}, "status 409"},
		{"an undocumented media type", http.MethodGet, "/healthz", apitest.Response{Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte(`<p>`)}, "text/html"},
		{"a problem", http.MethodGet, "/v1/me", apitest.Response{Status: 403, Header: problem, Body: []byte(`{"type":"/problems/forbidden","title":"Forbidden","status":403}`)}, ""},
		{"the router's 404", http.MethodGet, "/v2/nothing", apitest.Response{Status: 404, Header: problem, Body: []byte(`{}`)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := k.Validate(tt.method, tt.path, tt.resp)
			switch {
			case tt.wrong == "" && err != nil:
				t.Errorf("Validate = %v; want it to match", err)
			case tt.wrong != "" && (err == nil || !strings.Contains(err.Error(), tt.wrong)):
				t.Errorf("Validate = %v; want a mismatch naming %q", err, tt.wrong)
			}
		})
	}
}
