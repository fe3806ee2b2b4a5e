package handlers_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// FuzzRoutes sends arbitrary path parameters, query strings, bodies and
// Idempotency-Key, If-Match and X-Request-ID values to every operation of
// the API, as listed by its own OpenAPI document (so routes added later
// are fuzzed too), as an admin, an instructor or a student. Whatever
// arrives, the answer is never a 5xx, and every error is a problem
// document.
func FuzzRoutes(f *testing.F) {
	env := apitest.New(f)
	p := env.Program(f)
	callers := []string{
		env.NewUser(f, p.ID, models.RoleAdmin).Token,
		env.NewUser(f, p.ID, models.RoleInstructor).Token,
		env.NewUser(f, p.ID, models.RoleStudent).Token,
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	env.Get(f, "/openapi.json", "").WantStatus(f, http.StatusOK).JSON(f, &doc)
	type route struct{ method, path string }
	var routes []route
	for path, ops := range doc.Paths {
		for method := range ops {
			switch m := strings.ToUpper(method); m {
			case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
				routes = append(routes, route{m, path})
			}
		}
	}
	slices.SortFunc(routes, func(a, b route) int { return strings.Compare(a.path+" "+a.method, b.path+" "+b.method) })
	if len(routes) < 10 {
		f.Fatalf("the OpenAPI document lists %d operations", len(routes))
	}
	for i := range routes {
		f.Add(uint16(i), "0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f", "limit=5", []byte(`{}`), `"1"`, uint8(i))
	}
	f.Add(uint16(0), "../../v1/me", "cursor=%ff&limit=-1", []byte(`{"name":null}`), "W/\"x\"", uint8(0))
	f.Add(uint16(1), "%00", "limit=201&cursor=AAAA&dryRun=maybe", []byte("email,name,role,cohort\n=1,a,b,c\n"), "*", uint8(1))
	f.Add(uint16(2), strings.Repeat("a", 300), "area=vital-signs&area=x", []byte(`[1,2,3]`), strings.Repeat("k", 300), uint8(2))
	f.Fuzz(func(t *testing.T, which uint16, param, query string, body []byte, hdr string, who uint8) {
		r := routes[int(which)%len(routes)]
		path := r.path
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			if j < i {
				break
			}
			path = path[:i] + url.PathEscape(param) + path[j+1:]
		}
		if query != "" {
			path += "?" + (&url.URL{RawQuery: query}).RawQuery
		}
		if strings.IndexFunc(path, func(c rune) bool { return c <= ' ' || c == 0x7f || c == '#' }) >= 0 {
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
			headers["X-Request-ID"] = h
		}
		contentType := "application/json"
		if who&4 != 0 {
			contentType = "text/csv"
		}
		start := time.Now()
		resp := env.Do(t, apitest.Request{Method: r.method, Path: path, Token: callers[int(who)%len(callers)], Body: body,
			ContentType: contentType, Header: headers})
		if took := time.Since(start); took > 10*time.Second {
			t.Fatalf("%s %s with %q took %s (answered %d)", r.method, path, body, took, resp.Status)
		}
		if resp.Status >= 500 {
			t.Fatalf("%s %s with %q answered %d: %s", r.method, path, body, resp.Status, resp.Body)
		}
		if resp.Status >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Fatalf("%s %s answered %d with Content-Type %q", r.method, path, resp.Status, resp.Header.Get("Content-Type"))
		}
	})
}
