package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// tenancy is a program with a cohort taught by an instructor, a student in
// it, a second cohort with its own student, an admin, and another program
// with its own admin, cohort and student.
type tenancy struct {
	env                      *apitest.Env
	program                  models.Program
	cohort, cohort2          models.Cohort
	admin, instructor        apitest.User
	student, student2        apitest.User
	otherAdmin, otherStudent apitest.User
	otherCohort              models.Cohort
}

func newTenancy(t *testing.T) *tenancy {
	t.Helper()
	env := apitest.New(t)
	tn := &tenancy{env: env, program: env.Program(t)}
	other := env.Program(t)
	tn.cohort = storeCohort(t, env, tn.program.ID, "Fall 2026")
	tn.cohort2 = storeCohort(t, env, tn.program.ID, "Spring 2027")
	tn.otherCohort = storeCohort(t, env, other.ID, "Elsewhere")
	in := func(ids ...string) func(*models.User) { return func(u *models.User) { u.CohortIDs = ids } }
	tn.admin = env.NewUser(t, tn.program.ID, models.RoleAdmin)
	tn.instructor = env.NewUser(t, tn.program.ID, models.RoleInstructor, in(tn.cohort.ID))
	tn.student = env.NewUser(t, tn.program.ID, models.RoleStudent, in(tn.cohort.ID))
	tn.student2 = env.NewUser(t, tn.program.ID, models.RoleStudent, in(tn.cohort2.ID))
	tn.otherAdmin = env.NewUser(t, other.ID, models.RoleAdmin)
	tn.otherStudent = env.NewUser(t, other.ID, models.RoleStudent, in(tn.otherCohort.ID))
	return tn
}

func storeCohort(t *testing.T, env *apitest.Env, programID, name string) models.Cohort {
	t.Helper()
	c, err := env.Store.CreateCohort(context.Background(), models.SystemActor, models.Cohort{ProgramID: programID, Name: name, StartDate: "2026-09-01"})
	if err != nil {
		t.Fatalf("CreateCohort(%q) = %v", name, err)
	}
	return c
}

// scenario is one call and what it must answer: a status, and for errors
// a problem type.
type scenario struct {
	name   string
	method string
	path   string
	caller apitest.User
	body   any
	header map[string]string
	status int
	slug   string
}

// run plays scenarios in order (later ones may rely on earlier writes).
func (tn *tenancy) run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := tn.env.Do(t, apitest.Request{Method: sc.method, Path: sc.path, Token: sc.caller.Token, Body: sc.body, Header: sc.header})
			if sc.slug != "" {
				r.WantProblem(t, sc.status, sc.slug)
				return
			}
			r.WantStatus(t, sc.status)
		})
	}
}

func ifMatch(v string) map[string]string { return map[string]string{"If-Match": v} }

func TestCohortRoutes(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	c, other := "/v1/cohorts/"+tn.cohort.ID, "/v1/cohorts/"+tn.otherCohort.ID
	fall := map[string]any{"name": "Winter 2027", "startDate": "2027-01-04", "endDate": "2027-12-17"}
	tn.run(t, []scenario{
		{"students may not create", "POST", "/v1/cohorts", tn.student, fall, nil, 403, "forbidden"},
		{"instructors may not create", "POST", "/v1/cohorts", tn.instructor, fall, nil, 403, "forbidden"},
		{"admin creates", "POST", "/v1/cohorts", tn.admin, fall, nil, 201, ""},
		{"duplicate name in another case", "POST", "/v1/cohorts", tn.admin, map[string]any{"name": "winter  2027", "startDate": "2027-01-04"}, nil, 409, "conflict"},
		{"another program may use the name", "POST", "/v1/cohorts", tn.otherAdmin, fall, nil, 201, ""},
		{"bad date", "POST", "/v1/cohorts", tn.admin, map[string]any{"name": "X", "startDate": "01/04/2027"}, nil, 422, "validation-failed"},
		{"end before start", "POST", "/v1/cohorts", tn.admin, map[string]any{"name": "X", "startDate": "2027-01-04", "endDate": "2026-01-01"}, nil, 422, "validation-failed"},
		{"missing name", "POST", "/v1/cohorts", tn.admin, map[string]any{"startDate": "2027-01-04"}, nil, 422, "validation-failed"},
		{"name too long", "POST", "/v1/cohorts", tn.admin, map[string]any{"name": strings.Repeat("n", 121), "startDate": "2027-01-04"}, nil, 422, "validation-failed"},

		{"admin reads", "GET", c, tn.admin, nil, nil, 200, ""},
		{"its instructor reads", "GET", c, tn.instructor, nil, nil, 200, ""},
		{"its student reads", "GET", c, tn.student, nil, nil, 200, ""},
		{"another cohort's student", "GET", c, tn.student2, nil, nil, 404, "not-found"},
		{"another program's cohort", "GET", other, tn.admin, nil, nil, 404, "not-found"},
		{"no such cohort", "GET", "/v1/cohorts/nope", tn.admin, nil, nil, 404, "not-found"},
		{"students list their own", "GET", "/v1/cohorts", tn.student, nil, nil, 200, ""},
		{"bad archived filter", "GET", "/v1/cohorts?archived=maybe", tn.admin, nil, nil, 422, "validation-failed"},

		{"instructors may not change", "PATCH", c, tn.instructor, map[string]any{"name": "Mine"}, ifMatch(`"1"`), 403, "forbidden"},
		{"If-Match is required", "PATCH", c, tn.admin, map[string]any{"name": "Fall 2026 A"}, nil, 428, "precondition-required"},
		{"stale If-Match", "PATCH", c, tn.admin, map[string]any{"name": "Fall 2026 A"}, ifMatch(`"7"`), 412, "precondition-failed"},
		{"unreadable If-Match", "PATCH", c, tn.admin, map[string]any{"name": "Fall 2026 A"}, ifMatch(`W/abc`), 412, "precondition-failed"},
		{"another program's cohort is not found", "PATCH", other, tn.admin, map[string]any{"name": "Mine"}, ifMatch(`"1"`), 404, "not-found"},
		{"rename to a taken name", "PATCH", c, tn.admin, map[string]any{"name": "SPRING 2027"}, ifMatch(`"1"`), 409, "conflict"},
		{"rename", "PATCH", c, tn.admin, map[string]any{"name": "Fall 2026 A"}, ifMatch(`"1"`), 200, ""},
		{"the old ETag is stale now", "PATCH", c, tn.admin, map[string]any{"endDate": "2027-06-30"}, ifMatch(`"1"`), 412, "precondition-failed"},
		{"end date before start", "PATCH", c, tn.admin, map[string]any{"endDate": "2020-06-30"}, ifMatch(`"2"`), 422, "validation-failed"},

		{"students may not archive", "POST", c + "/archive", tn.student, nil, nil, 403, "forbidden"},
		{"archive with a stale ETag", "POST", c + "/archive", tn.admin, nil, ifMatch(`"1"`), 412, "precondition-failed"},
		{"archive", "POST", c + "/archive", tn.admin, nil, ifMatch(`"2"`), 200, ""},
		{"archive again changes nothing", "POST", c + "/archive", tn.admin, nil, nil, 200, ""},
		{"another program's cohort cannot be archived", "POST", other + "/archive", tn.admin, nil, nil, 404, "not-found"},
		{"unarchive", "POST", c + "/unarchive", tn.admin, nil, nil, 200, ""},
	})
}

func TestCohortLifecycle(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	env := tn.env

	r := env.Post(t, "/v1/cohorts", tn.admin.Token, map[string]any{"name": " Summer 2027 ", "startDate": "2027-06-01"}).WantStatus(t, http.StatusCreated)
	var c models.Cohort
	r.JSON(t, &c)
	if c.Name != "Summer 2027" || c.ProgramID != tn.program.ID || c.Version != 1 {
		t.Errorf("created cohort = %+v", c)
	}
	if loc, tag := r.Header.Get("Location"), r.Header.Get("ETag"); loc != "/v1/cohorts/"+c.ID || tag != `"1"` {
		t.Errorf("Location %q, ETag %q; want /v1/cohorts/%s and \"1\"", loc, tag, c.ID)
	}
	r = env.Get(t, "/v1/cohorts/"+c.ID, tn.admin.Token).WantStatus(t, http.StatusOK)
	if r.Header.Get("ETag") != `"1"` {
		t.Errorf("GET ETag = %q", r.Header.Get("ETag"))
	}
	r = env.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/v1/cohorts/" + c.ID, Token: tn.admin.Token,
		Body: map[string]any{"startDate": "2027-06-07", "endDate": "2027-08-27"}, Header: ifMatch(`"1"`)}).WantStatus(t, http.StatusOK)
	r.JSON(t, &c)
	if c.StartDate != "2027-06-07" || c.EndDate != "2027-08-27" || r.Header.Get("ETag") != `"2"` {
		t.Errorf("patched cohort = %+v, ETag %s", c, r.Header.Get("ETag"))
	}
	// An empty end date removes it.
	r = env.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/v1/cohorts/" + c.ID, Token: tn.admin.Token,
		Body: map[string]any{"endDate": ""}, Header: ifMatch(`"2"`)}).WantStatus(t, http.StatusOK)
	var cleared models.Cohort
	r.JSON(t, &cleared)
	if cleared.EndDate != "" || cleared.Version != 3 {
		t.Errorf("cohort after removing its end date = %+v", cleared)
	}
	env.Post(t, "/v1/cohorts/"+tn.cohort2.ID+"/archive", tn.admin.Token, nil).WantStatus(t, http.StatusOK)

	names := func(path string, u apitest.User) string {
		var l models.List[models.Cohort]
		env.Get(t, path, u.Token).WantStatus(t, http.StatusOK).JSON(t, &l)
		var out []string
		for _, c := range l.Items {
			out = append(out, c.Name)
		}
		return strings.Join(out, ",")
	}
	for _, tt := range []struct {
		path   string
		caller apitest.User
		want   string
	}{
		{"/v1/cohorts", tn.admin, "Fall 2026,Summer 2027"},
		{"/v1/cohorts?archived=true", tn.admin, "Spring 2027"},
		{"/v1/cohorts?archived=false&limit=1", tn.admin, "Fall 2026"},
		{"/v1/cohorts", tn.instructor, "Fall 2026"},
		{"/v1/cohorts", tn.student2, ""},
		{"/v1/cohorts?archived=true", tn.student2, "Spring 2027"},
		{"/v1/cohorts", tn.otherAdmin, "Elsewhere"},
	} {
		if got := names(tt.path, tt.caller); got != tt.want {
			t.Errorf("GET %s as %s = %q; want %q", tt.path, tt.caller.Role, got, tt.want)
		}
	}

	list, err := env.Store.Audit(context.Background(), tn.program.ID, models.AuditFilter{SubjectID: c.ID}, models.Page{})
	if err != nil || len(list.Items) != 3 || list.Items[0].Type != "cohort.updated" || list.Items[2].Type != "cohort.created" {
		t.Fatalf("audit of the cohort = %+v, %v; want created, updated twice", list.Items, err)
	}
	if a := list.Items[2].Actor; a.UserID != tn.admin.ID || a.RequestID == "" {
		t.Errorf("audit actor = %+v; want the admin and the request id", a)
	}
}
