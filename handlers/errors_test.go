package handlers_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"skillbook/handlers"
	"skillbook/handlers/apitest"
	"skillbook/models"
)

// TestBadInputIsAProblemNeverA500 sends every kind of malformed request a
// client can make and checks each gets a 4xx problem naming what was wrong.
func TestBadInputIsAProblemNeverA500(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, func(d *handlers.Deps) { d.BodyLimit = 64 << 10 })
	p := env.Program(t)
	student := env.NewUser(t, p.ID, models.RoleStudent)
	admin := env.NewUser(t, p.ID, models.RoleAdmin)

	tests := []struct {
		name        string
		method      string
		path        string
		body        any
		contentType string
		status      int
		slug        string
		mentions    string
	}{
		{"unknown route", http.MethodGet, "/v1/nothing-here", nil, "", http.StatusNotFound, "not-found", "/v1/nothing-here"},
		{"unknown top-level route", http.MethodGet, "/nothing", nil, "", http.StatusNotFound, "not-found", "/nothing"},
		{"wrong method", http.MethodDelete, "/v1/attempts", nil, "", http.StatusMethodNotAllowed, "method-not-allowed", "DELETE"},
		{"malformed JSON", http.MethodPost, "/v1/attempts", `{"checklistId": "bp-manual", `, "application/json", http.StatusBadRequest, "malformed-request", ""},
		{"not JSON at all", http.MethodPost, "/v1/attempts", `hello`, "application/json", http.StatusBadRequest, "malformed-request", ""},
		{"unknown field", http.MethodPost, "/v1/attempts", `{"checklistId": "bp-manual", "kind": "practice", "grade": "A"}`, "application/json", http.StatusUnprocessableEntity, "validation-failed", "grade"},
		{"wrong type", http.MethodPost, "/v1/attempts", `{"checklistId": 42, "kind": "practice"}`, "application/json", http.StatusUnprocessableEntity, "validation-failed", "checklistId"},
		{"bad enum", http.MethodPost, "/v1/attempts", `{"checklistId": "bp-manual", "kind": "exam"}`, "application/json", http.StatusUnprocessableEntity, "validation-failed", "kind"},
		{"missing field", http.MethodPost, "/v1/attempts", `{"kind": "practice"}`, "application/json", http.StatusUnprocessableEntity, "validation-failed", "checklistId"},
		{"bad uuid", http.MethodPost, "/v1/attempts", `{"id": "nope", "checklistId": "bp-manual", "kind": "practice"}`, "application/json", http.StatusUnprocessableEntity, "validation-failed", "id"},
		{"unknown query parameter", http.MethodGet, "/v1/me?debug=1", nil, "", http.StatusUnprocessableEntity, "validation-failed", "debug"},
		{"limit out of range", http.MethodGet, "/v1/queue?limit=100000", nil, "", http.StatusUnprocessableEntity, "validation-failed", "limit"},
		{"garbage cursor", http.MethodGet, "/v1/audit?cursor=%%%", nil, "", http.StatusUnprocessableEntity, "validation-failed", "cursor"},
		{"bad idempotency key", http.MethodPost, "/v1/attempts", `{}`, "application/json", http.StatusBadRequest, "invalid-idempotency-key", "Idempotency-Key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := apitest.Request{Method: tt.method, Path: tt.path, Token: student.Token, Body: tt.body, ContentType: tt.contentType}
			// The queue and the audit trail are not the student's: a role
			// refusal (403) would come before the input is read.
			if strings.HasPrefix(tt.path, "/v1/audit") || strings.HasPrefix(tt.path, "/v1/queue") {
				req.Token = admin.Token
			}
			if tt.slug == "invalid-idempotency-key" {
				req.Header = map[string]string{"Idempotency-Key": strings.Repeat("k", 300)}
			}
			r := env.Do(t, req)
			prob := r.WantProblem(t, tt.status, tt.slug)
			if tt.mentions != "" && !strings.Contains(string(r.Body), tt.mentions) {
				t.Errorf("problem %s does not mention %q", r.Body, tt.mentions)
			}
			if prob.Instance == "" || prob.Instance != r.Header.Get("X-Request-ID") {
				t.Errorf("problem instance %q; want the request id %q", prob.Instance, r.Header.Get("X-Request-ID"))
			}
		})
	}
}

// TestOversizeBodyIsRefused needs a real connection: the server refuses the
// body while reading it, before any handler runs.
func TestOversizeBodyIsRefused(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, func(d *handlers.Deps) { d.BodyLimit = 64 << 10 })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go env.App.Listener(ln)
	t.Cleanup(func() { _ = env.App.Shutdown() })

	body := `{"note": "` + strings.Repeat("x", 100<<10) + `"}`
	resp, err := http.Post("http://"+ln.Addr().String()+"/v1/attempts", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	r := apitest.Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
	r.WantProblem(t, http.StatusRequestEntityTooLarge, "body-too-large")
}

func TestOpenAPIDocumentDescribesTheAPI(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	r := env.Get(t, "/openapi.json", "").WantStatus(t, http.StatusOK)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.Body, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q; want 3.1", doc.OpenAPI)
	}
	for path, method := range map[string]string{
		"/v1/me": "get", "/v1/attempts": "post", "/v1/attempts/{id}": "get", "/v1/queue": "get",
		"/v1/attempts/{id}/evaluations": "post", "/v1/evaluations/{id}/amendments": "post", "/v1/assignments": "post",
	} {
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("the document has no %s %s", method, path)
		}
	}
	env.Get(t, "/docs", "").WantStatus(t, http.StatusOK)
}
