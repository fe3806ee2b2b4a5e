package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// FuzzRequestBodies sends arbitrary bodies, query strings and header values
// to the routes that decode client input. Whatever arrives, the answer is
// never a 5xx, and every error is a problem document.
func FuzzRequestBodies(f *testing.F) {
	seeds := []struct {
		route int
		body  string
		query string
		hdr   string
	}{
		{0, `{"checklistId":"bp-manual","kind":"practice","steps":[{"stepId":"hand-hygiene","result":"pass"}]}`, "", "k1"},
		{0, `{"id":"0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f","checklistId":"bp-manual","kind":"evaluation"}`, "", ""},
		{1, `{"cohortId":"x","area":"phlebotomy","dueDate":"2026-13-40"}`, "", ""},
		{2, `{"steps":[{"stepId":"a","result":"fail"}],"setting":"skills-lab","attest":true,"signer":{"instructorId":"i","pin":"12"}}`, "", "\"3\""},
		{3, ``, "limit=0&cursor=%00", ""},
		{3, ``, "area=vital-signs&limit=5&cursor=AAAA", ""},
		{4, `{"reason":"","correction":"` + strings.Repeat("é", 5000) + `","attest":true}`, "", "W/\"x\""},
		{0, `{"kind":"practice","checklistId":"bp-manual","steps":null,"note":"\u0000"}`, "", "\x7f"},
		{0, `[]`, "", ""},
		{0, `{"checklistId":{"$gt":""},"kind":"practice"}`, "", ""},
	}
	for _, s := range seeds {
		f.Add(s.route, []byte(s.body), s.query, s.hdr)
	}
	env := apitest.New(f)
	p := env.Program(f)
	student := env.NewUser(f, p.ID, models.RoleStudent)
	admin := env.NewUser(f, p.ID, models.RoleAdmin)
	routes := []struct {
		method, path string
		token        string
	}{
		{http.MethodPost, "/v1/attempts", student.Token},
		{http.MethodPost, "/v1/assignments", admin.Token},
		{http.MethodPost, "/v1/attempts/00000000-0000-0000-0000-000000000000/evaluations", student.Token},
		{http.MethodGet, "/v1/queue", admin.Token},
		{http.MethodPost, "/v1/evaluations/nope/amendments", admin.Token},
	}
	f.Fuzz(func(t *testing.T, route int, body []byte, query, hdr string) {
		if route < 0 {
			route = -route
		}
		r := routes[route%len(routes)]
		path := r.path
		if query != "" {
			path += "?" + (&url.URL{RawQuery: query}).RawQuery
		}
		if _, err := url.ParseRequestURI(path); err != nil || strings.ContainsAny(path, " #") {
			return // not a request line a client can send
		}
		headers := map[string]string{}
		if h := strings.Map(func(c rune) rune {
			if c < 0x20 || c == 0x7f || c > 0x7e {
				return -1
			}
			return c
		}, hdr); h != "" {
			headers["Idempotency-Key"] = h
			headers["If-Match"] = h
		}
		resp := env.Do(t, apitest.Request{Method: r.method, Path: path, Token: r.token, Body: body, ContentType: "application/json", Header: headers})
		if resp.Status >= 500 {
			t.Fatalf("%s %s with %q answered %d: %s", r.method, path, body, resp.Status, resp.Body)
		}
		if resp.Status >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("%s %s answered %d with Content-Type %q", r.method, path, resp.Status, resp.Header.Get("Content-Type"))
		}
	})
}
