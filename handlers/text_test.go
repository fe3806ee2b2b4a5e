package handlers_test

import (
	"net/http"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// TestCleanTextIn sends names and free text that no client may store: each
// is refused with a 422 naming its field, and text in NFD comes back NFC.
func TestCleanTextIn(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	invite := func(email, name string) map[string]any {
		return map[string]any{"email": email, "name": name, "role": "admin"}
	}
	refused := []struct {
		name  string
		path  string
		body  any
		field string
	}{
		{"a right-to-left override in a name", "/v1/users", invite("eve@example.com", "Eve\u202eLIVE"), "name"},
		{"a NUL in a name", "/v1/users", invite("eve@example.com", "Eve\x00"), "name"},
		{"a newline and bell in a name", "/v1/users", invite("eve@example.com", "Eve\n\a"), "name"},
		{"an isolate in a credential", "/v1/users", map[string]any{"email": "eve@example.com", "name": "Eve", "role": "admin", "credential": "CMA\u2066"}, "credential"},
		{"a bell in a cohort name", "/v1/cohorts", map[string]any{"name": "Fall\a", "startDate": "2027-09-01"}, "name"},
		{"bytes that are not UTF-8", "/v1/users", []byte(`{"email":"eve@example.com","name":"Eve` + "\xff" + `","role":"admin"}`), "body.name"},
		{"bytes that are not UTF-8 in a cohort", "/v1/cohorts", []byte(`{"startDate":"2027-09-01","name":"` + "\xc3" + `"}`), "body.name"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			r := tn.env.Do(t, apitest.Request{Method: http.MethodPost, Path: tt.path, Token: tn.admin.Token, Body: tt.body, ContentType: "application/json"})
			p := r.WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
			if len(p.Errors) == 0 || p.Errors[0].Field != tt.field {
				t.Fatalf("POST %s errors = %+v; want the first naming %s", tt.path, p.Errors, tt.field)
			}
		})
	}

	t.Run("a name in NFD comes back NFC", func(t *testing.T) {
		r := tn.env.Post(t, "/v1/users", tn.admin.Token, invite("jose@example.com", "Jose\u0301 Zoe\u0308")).WantStatus(t, http.StatusCreated)
		var u models.User
		r.JSON(t, &u)
		if want := "Jos\u00e9 Zo\u00eb"; u.Name != want {
			t.Fatalf("invited name = %q; want %q", u.Name, want)
		}
		r = tn.env.Post(t, "/v1/cohorts", tn.admin.Token, map[string]any{"name": "Oto\u0303no 2027", "startDate": "2027-09-01"}).WantStatus(t, http.StatusCreated)
		var c models.Cohort
		r.JSON(t, &c)
		if want := "Ot\u00f5no 2027"; c.Name != want {
			t.Fatalf("cohort name = %q; want %q", c.Name, want)
		}
	})
}
