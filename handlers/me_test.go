package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"skillbook/auth/authtest"
	"skillbook/handlers/apitest"
	"skillbook/models"
)

func TestMeReturnsStoredProfile(t *testing.T) {
	t.Parallel()
	env := apitest.NewE2E(t)
	p := env.Program(t)
	in := env.NewUser(t, p.ID, models.RoleInstructor)

	var me models.User
	env.Get(t, "/v1/me", in.Token).WantStatus(t, http.StatusOK).JSON(t, &me)
	if me.ID != in.ID || me.Role != models.RoleInstructor || me.ProgramID != p.ID || me.Credential != "CMA (AAMA)" || !me.Bound {
		t.Errorf("GET /v1/me = %+v; want the stored instructor %s, bound", me, in.ID)
	}
	// The role comes from our record, not from anything the token says.
	forged := authtest.WithClaims(t, in.Token, func(c map[string]any) { c["role"] = "admin" })
	env.Get(t, "/v1/me", forged).WantStatus(t, http.StatusOK).JSON(t, &me)
	if me.Role != models.RoleInstructor {
		t.Errorf("role with a forged claim = %q; want instructor", me.Role)
	}
}

func TestMeRejectsBadTokens(t *testing.T) {
	t.Parallel()
	env := apitest.NewE2E(t)
	p := env.Program(t)
	student := env.NewUser(t, p.ID, models.RoleStudent)
	now := time.Now().Unix()

	revoked := env.NewUser(t, p.ID, models.RoleStudent)
	authtest.Revoke(t, revoked.UID)

	stranger := authtest.SignUp(t, "stranger-"+student.ID[24:]+"@test.skillbook.test", true)

	tests := []struct {
		name   string
		header string
		status int
		slug   string
	}{
		{"missing", "", http.StatusUnauthorized, "unauthenticated"},
		{"not bearer", "Basic dXNlcjpwYXNz", http.StatusUnauthorized, "unauthenticated"},
		{"empty bearer", "Bearer ", http.StatusUnauthorized, "unauthenticated"},
		{"malformed", "Bearer not.a.token", http.StatusUnauthorized, "unauthenticated"},
		{"garbage", "Bearer abc", http.StatusUnauthorized, "unauthenticated"},
		{"expired", "Bearer " + authtest.WithClaims(t, student.Token, func(c map[string]any) {
			c["iat"], c["auth_time"], c["exp"] = now-7200, now-7200, now-3600
		}), http.StatusUnauthorized, "unauthenticated"},
		{"wrong project", "Bearer " + authtest.WithClaims(t, student.Token, func(c map[string]any) {
			c["aud"], c["iss"] = "demo-other", "https://securetoken.google.com/demo-other"
		}), http.StatusUnauthorized, "unauthenticated"},
		{"revoked", "Bearer " + revoked.Token, http.StatusUnauthorized, "unauthenticated"},
		{"no account here", "Bearer " + stranger.Token, http.StatusForbidden, "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := env.Do(t, apitest.Request{Method: http.MethodGet, Path: "/v1/me", Header: map[string]string{"Authorization": tt.header}})
			r.WantProblem(t, tt.status, tt.slug)
			if tt.status == http.StatusUnauthorized && r.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("401 without WWW-Authenticate")
			}
		})
	}
}

func TestInvitationBindsOnlyToVerifiedEmail(t *testing.T) {
	t.Parallel()
	env := apitest.NewE2E(t)
	p := env.Program(t)
	email := "invitee-" + p.ID[24:] + "@test.skillbook.test"
	if _, err := env.Store.CreateUser(t.Context(), models.SystemActor, models.User{ProgramID: p.ID, Email: email, Name: "Invitee", Role: models.RoleStudent}); err != nil {
		t.Fatal(err)
	}

	unverified := authtest.SignUp(t, email, false)
	env.Get(t, "/v1/me", unverified.Token).WantProblem(t, http.StatusForbidden, "forbidden")
	if u, err := env.Store.UserByEmail(t.Context(), email); err != nil || u.Bound {
		t.Fatalf("after an unverified sign-in the invitation is bound=%v (err %v); want unbound", u.Bound, err)
	}

	// The same person verifies their email: now the invitation binds.
	authtest.Verify(t, unverified.UID)
	token := authtest.SignIn(t, email)
	var me models.User
	env.Get(t, "/v1/me", token).WantStatus(t, http.StatusOK).JSON(t, &me)
	if me.Email != email || !me.Bound {
		t.Errorf("GET /v1/me = %+v; want bound %s", me, email)
	}
	// Accepting the invitation is audited, once: the unverified try was not.
	list, err := env.Store.Audit(t.Context(), p.ID, models.AuditFilter{SubjectID: me.ID, Type: models.EventInvitationAccepted}, models.Page{})
	if err != nil || len(list.Items) != 1 || list.Items[0].StudentID != me.ID {
		t.Errorf("audit of the acceptance = %+v, %v; want one entry filed under the student", list.Items, err)
	}
	env.Get(t, "/v1/me", token).WantStatus(t, http.StatusOK)
	if again, err := env.Store.Audit(t.Context(), p.ID, models.AuditFilter{SubjectID: me.ID, Type: models.EventInvitationAccepted}, models.Page{}); err != nil || len(again.Items) != 1 {
		t.Errorf("acceptances after a second request = %d, %v; want 1", len(again.Items), err)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.Get(t, "/healthz", "").WantStatus(t, http.StatusOK)
	r := env.Get(t, "/readyz", "").WantStatus(t, http.StatusOK)
	if r.Header.Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID on the response")
	}
}
