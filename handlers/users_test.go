package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"skillbook/clock"
	"skillbook/handlers/apitest"
	"skillbook/models"
	"skillbook/workflow"
)

func TestUserRoutes(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	archived := storeCohort(t, tn.env, tn.program.ID, "Fall 2024")
	if _, err := tn.env.Store.SetCohortArchived(context.Background(), models.SystemActor, tn.program.ID, archived.ID, true, 0); err != nil {
		t.Fatal(err)
	}
	u := func(x apitest.User) string { return "/v1/users/" + x.ID }
	invite := func(email string, role models.Role, cohorts ...string) map[string]any {
		return map[string]any{"email": email, "name": "New Person", "role": role, "cohortIds": cohorts}
	}
	tn.run(t, []scenario{
		{"a second student signs in", "GET", "/v1/me", tn.student2, nil, nil, 200, ""},
		{"students may not invite", "POST", "/v1/users", tn.student, invite("a@example.com", "student", tn.cohort.ID), nil, 403, "forbidden"},
		{"instructors may not invite", "POST", "/v1/users", tn.instructor, invite("a@example.com", "student", tn.cohort.ID), nil, 403, "forbidden"},
		{"admin invites", "POST", "/v1/users", tn.admin, invite("New.Student@Example.com", "student", tn.cohort.ID), nil, 201, ""},
		{"the same email again", "POST", "/v1/users", tn.admin, invite("new.student@example.com", "student", tn.cohort.ID), nil, 409, "conflict"},
		{"an email of another program", "POST", "/v1/users", tn.admin, invite(tn.otherStudent.Email, "student", tn.cohort.ID), nil, 409, "conflict"},
		{"archived cohort", "POST", "/v1/users", tn.admin, invite("b@example.com", "student", archived.ID), nil, 422, "validation-failed"},
		{"another program's cohort", "POST", "/v1/users", tn.admin, invite("b@example.com", "student", tn.otherCohort.ID), nil, 422, "validation-failed"},
		{"a student needs one cohort", "POST", "/v1/users", tn.admin, invite("b@example.com", "student"), nil, 422, "validation-failed"},
		{"bad email", "POST", "/v1/users", tn.admin, invite("not an email", "instructor", tn.cohort.ID), nil, 422, "validation-failed"},
		{"bad role", "POST", "/v1/users", tn.admin, invite("b@example.com", "nurse", tn.cohort.ID), nil, 422, "validation-failed"},
		{"an admin needs no cohort", "POST", "/v1/users", tn.admin, invite("boss@example.com", "admin"), nil, 201, ""},

		{"students may not list", "GET", "/v1/users", tn.student, nil, nil, 403, "forbidden"},
		{"instructors list their students", "GET", "/v1/users", tn.instructor, nil, nil, 200, ""},
		{"bad active filter", "GET", "/v1/users?active=yes", tn.admin, nil, nil, 422, "validation-failed"},

		{"admin reads anyone", "GET", u(tn.instructor), tn.admin, nil, nil, 200, ""},
		{"admin of another program", "GET", u(tn.student), tn.otherAdmin, nil, nil, 404, "not-found"},
		{"instructor reads a student taught", "GET", u(tn.student), tn.instructor, nil, nil, 200, ""},
		{"instructor and a student not taught", "GET", u(tn.student2), tn.instructor, nil, nil, 404, "not-found"},
		{"instructor and an admin", "GET", u(tn.admin), tn.instructor, nil, nil, 404, "not-found"},
		{"instructor reads themselves", "GET", u(tn.instructor), tn.instructor, nil, nil, 200, ""},
		{"student reads themselves", "GET", u(tn.student), tn.student, nil, nil, 200, ""},
		{"student and a classmate", "GET", u(tn.student2), tn.student, nil, nil, 404, "not-found"},

		{"instructors may not change users", "PATCH", u(tn.student), tn.instructor, map[string]any{"name": "X"}, ifMatch(`"2"`), 403, "forbidden"},
		{"If-Match is required", "PATCH", u(tn.student), tn.admin, map[string]any{"name": "X"}, nil, 428, "precondition-required"},
		{"stale If-Match", "PATCH", u(tn.student), tn.admin, map[string]any{"name": "X"}, ifMatch(`"1"`), 412, "precondition-failed"},
		{"another program's user", "PATCH", u(tn.otherStudent), tn.admin, map[string]any{"name": "X"}, ifMatch(`"2"`), 404, "not-found"},
		{"moving into an archived cohort", "PATCH", u(tn.student), tn.admin, map[string]any{"cohortIds": []string{archived.ID}}, ifMatch(`"2"`), 422, "validation-failed"},
		{"admin cannot demote themselves", "PATCH", u(tn.admin), tn.admin, map[string]any{"role": "instructor", "cohortIds": []string{tn.cohort.ID}}, ifMatch(`"2"`), 403, "forbidden"},
		{"rename a student", "PATCH", u(tn.student), tn.admin, map[string]any{"name": "Renamed"}, ifMatch(`"2"`), 200, ""},
		{"instructor teaches a second cohort", "PATCH", u(tn.instructor), tn.admin, map[string]any{"cohortIds": []string{tn.cohort.ID, tn.cohort2.ID}, "credential": "RMA (AMT)"}, ifMatch(`"2"`), 200, ""},
		{"instructor now reads that cohort's student", "GET", u(tn.student2), tn.instructor, nil, nil, 200, ""},

		{"students may not deactivate", "POST", u(tn.student2) + "/deactivate", tn.student, nil, nil, 403, "forbidden"},
		{"admin cannot deactivate themselves", "POST", u(tn.admin) + "/deactivate", tn.admin, nil, nil, 403, "forbidden"},
		{"another program's user cannot be deactivated", "POST", u(tn.otherStudent) + "/deactivate", tn.admin, nil, nil, 404, "not-found"},
		{"deactivate with a stale ETag", "POST", u(tn.student2) + "/deactivate", tn.admin, nil, ifMatch(`"1"`), 412, "precondition-failed"},
		{"deactivate", "POST", u(tn.student2) + "/deactivate", tn.admin, nil, ifMatch(`"2"`), 200, ""},
		{"a deactivated user is refused everywhere", "GET", "/v1/me", tn.student2, nil, nil, 403, "forbidden"},
		{"even on their own profile", "GET", u(tn.student2), tn.student2, nil, nil, 403, "forbidden"},
		{"reactivate", "POST", u(tn.student2) + "/reactivate", tn.admin, nil, nil, 200, ""},
		{"back in", "GET", "/v1/me", tn.student2, nil, nil, 200, ""},
	})
}

// TestLastAdminIsKept walks the guard that keeps a program administrable.
func TestLastAdminIsKept(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	env := tn.env
	second := env.NewUser(t, tn.program.ID, models.RoleAdmin)
	env.Get(t, "/v1/me", second.Token).WantStatus(t, http.StatusOK) // binds: version 2

	// One admin demotes the other: allowed while another active admin remains.
	r := env.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/v1/users/" + second.ID, Token: tn.admin.Token,
		Body: map[string]any{"role": "instructor", "cohortIds": []string{tn.cohort.ID}}, Header: ifMatch(`"2"`)}).WantStatus(t, http.StatusOK)
	var demoted models.User
	r.JSON(t, &demoted)
	if demoted.Role != models.RoleInstructor || r.Header.Get("ETag") != `"3"` {
		t.Errorf("demoted = %+v, ETag %s", demoted, r.Header.Get("ETag"))
	}
	// The demoted admin is an instructor now: admin routes are closed to them.
	env.Post(t, "/v1/users/"+tn.admin.ID+"/deactivate", second.Token, nil).WantProblem(t, http.StatusForbidden, "forbidden")

	// A change by someone else, not over HTTP, may not remove the last admin either.
	instructor := models.RoleInstructor
	app := workflow.New(env.Store, clock.System{}, workflow.EphemeralSigning())
	system := workflow.Caller{User: models.User{ID: "system", ProgramID: tn.program.ID, Role: models.RoleAdmin, Active: true}}
	_, err := app.People.UpdateUser(context.Background(), system, workflow.UpdateUserInput{ID: tn.admin.ID, Role: &instructor, CohortIDs: []string{tn.cohort.ID}})
	if err == nil || !strings.Contains(err.Error(), "at least one active admin") {
		t.Errorf("demoting the last admin = %v; want a conflict", err)
	}
	// Nor may a store write that skipped that check: the store undoes it.
	last, err := env.Store.User(context.Background(), tn.program.ID, tn.admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	demotedLast := last
	demotedLast.Role, demotedLast.CohortIDs = models.RoleInstructor, []string{tn.cohort.ID}
	_, err = env.Store.SaveUser(context.Background(), models.UserWrite{Before: last, After: demotedLast})
	if err == nil || !strings.Contains(err.Error(), "at least one active admin") {
		t.Errorf("writing the last admin's demotion = %v; want a conflict", err)
	}
	if n, err := env.Store.ActiveAdmins(context.Background(), tn.program.ID); err != nil || n != 1 {
		t.Errorf("ActiveAdmins after the undone write = %d, %v; want 1", n, err)
	}

	list, err := env.Store.Audit(context.Background(), tn.program.ID, models.AuditFilter{SubjectID: second.ID, Type: "user.updated"}, models.Page{})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("user.updated entries = %d, %v; want 1", len(list.Items), err)
	}
	if d := list.Items[0].Data; d["oldRole"] != "admin" || d["newRole"] != "instructor" || d["newCohortIds"] != tn.cohort.ID {
		t.Errorf("user.updated data = %v; want the old and new role and cohorts", d)
	}
}

func TestListUsersFilters(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	env := tn.env
	if _, err := env.Store.SetUserActive(context.Background(), models.SystemActor, tn.program.ID, tn.student2.ID, false, 0); err != nil {
		t.Fatal(err)
	}
	ids := func(path string, caller apitest.User) []string {
		var l models.List[models.User]
		env.Get(t, path, caller.Token).WantStatus(t, http.StatusOK).JSON(t, &l)
		var out []string
		for _, u := range l.Items {
			out = append(out, u.ID)
		}
		return out
	}
	local := strings.Split(tn.student.Email, "@")[0]
	tests := []struct {
		path   string
		caller apitest.User
		want   []string
	}{
		{"/v1/users", tn.admin, []string{tn.admin.ID, tn.instructor.ID, tn.student.ID, tn.student2.ID}},
		{"/v1/users?role=student", tn.admin, []string{tn.student.ID, tn.student2.ID}},
		{"/v1/users?cohortId=" + tn.cohort.ID, tn.admin, []string{tn.instructor.ID, tn.student.ID}},
		{"/v1/users?active=false", tn.admin, []string{tn.student2.ID}},
		{"/v1/users?active=true&role=student", tn.admin, []string{tn.student.ID}},
		{"/v1/users?q=" + url.QueryEscape(strings.ToUpper(local)), tn.admin, []string{tn.student.ID}},
		{"/v1/users?q=Test+instructor", tn.admin, []string{tn.instructor.ID}},
		{"/v1/users?limit=2", tn.admin, []string{tn.admin.ID, tn.instructor.ID}},
		{"/v1/users", tn.instructor, []string{tn.student.ID}},
		{"/v1/users?role=admin", tn.instructor, nil},
		{"/v1/users?cohortId=" + tn.cohort2.ID, tn.instructor, nil},
		{"/v1/users", tn.otherAdmin, []string{tn.otherAdmin.ID, tn.otherStudent.ID}},
	}
	for _, tt := range tests {
		if got := ids(tt.path, tt.caller); !slices.Equal(got, tt.want) {
			t.Errorf("GET %s as %s = %v; want %v", tt.path, tt.caller.Role, got, tt.want)
		}
	}
	var page1, page2 models.List[models.User]
	env.Get(t, "/v1/users?limit=3", tn.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &page1)
	env.Get(t, "/v1/users?limit=3&cursor="+page1.NextCursor, tn.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &page2)
	if len(page1.Items) != 3 || len(page2.Items) != 1 || page2.Items[0].ID != tn.student2.ID || page2.NextCursor != "" {
		t.Errorf("pages = %d then %d items (next %q)", len(page1.Items), len(page2.Items), page2.NextCursor)
	}
}

func TestInviteThenSignIn(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	env := tn.env
	email := "invitee-" + tn.program.ID[24:] + "@test.skillbook.test"
	r := env.Post(t, "/v1/users", tn.admin.Token, map[string]any{
		"email": email, "name": "Ina Vitee", "role": "instructor", "credential": "CMA (AAMA)", "cohortIds": []string{tn.cohort.ID, tn.cohort2.ID},
	}).WantStatus(t, http.StatusCreated)
	var u models.User
	r.JSON(t, &u)
	if r.Header.Get("Location") != "/v1/users/"+u.ID || r.Header.Get("ETag") != `"1"` || u.Bound || !u.Active {
		t.Errorf("invite = %+v; Location %q ETag %q", u, r.Header.Get("Location"), r.Header.Get("ETag"))
	}
	if strings.Contains(string(r.Body), "uid") || strings.Contains(string(r.Body), "pinHash") {
		t.Errorf("the profile shows internal fields: %s", r.Body)
	}
	list, err := env.Store.Audit(context.Background(), tn.program.ID, models.AuditFilter{SubjectID: u.ID}, models.Page{})
	if err != nil || len(list.Items) != 1 || list.Items[0].Type != "user.invited" || list.Items[0].Actor.UserID != tn.admin.ID {
		t.Errorf("audit of the invitation = %+v, %v", list.Items, err)
	}
}
