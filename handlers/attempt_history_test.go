package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// listAttempts follows every page of an attempts list, limit at a time.
func listAttempts(t *testing.T, env *apitest.Env, path, token string, limit int) []models.Attempt {
	t.Helper()
	var out []models.Attempt
	cursor := ""
	for range 50 {
		u := path + sep(path) + "limit=" + strconv.Itoa(limit)
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		var page models.List[models.Attempt]
		env.Get(t, u, token).WantStatus(t, http.StatusOK).JSON(t, &page)
		if len(page.Items) > limit {
			t.Fatalf("GET %s = %d items; want at most %d", u, len(page.Items), limit)
		}
		out = append(out, page.Items...)
		if page.NextCursor == "" {
			return out
		}
		cursor = page.NextCursor
	}
	t.Fatalf("GET %s never ended", path)
	return nil
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}

func TestStudentAttemptLists(t *testing.T) {
	t.Parallel()
	c := newClassIn(t, apitest.New(t), 2, models.AreaVitalSigns)
	student, classmate := c.students[0], c.students[1]
	var practiced models.Attempt
	c.env.Post(t, "/v1/attempts", student.Token, map[string]any{"checklistId": "pulse-oximetry", "kind": "practice"}).
		WantStatus(t, http.StatusCreated).JSON(t, &practiced)
	failed := c.request(t, student, "bp-manual")
	var graded models.Attempt
	c.env.Post(t, "/v1/attempts/"+failed.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, failed, firstCritical(t, c, failed)), "setting": "skills-lab",
	}).WantStatus(t, http.StatusCreated).JSON(t, &graded)
	waiting := c.request(t, student, "pulse-oximetry")
	c.request(t, classmate, "bp-manual")

	ids := func(as []models.Attempt) []string {
		out := make([]string, len(as))
		for i, a := range as {
			out[i] = a.ID
		}
		return out
	}
	newestFirst := []string{waiting.ID, failed.ID, practiced.ID}
	for _, tt := range []struct {
		name, path string
		token      string
		want       []string
	}{
		{"own, in pages of 1", "/v1/me/attempts", student.Token, newestFirst},
		{"own, by checklist", "/v1/me/attempts?checklistId=pulse-oximetry", student.Token, []string{waiting.ID, practiced.ID}},
		{"own, by status", "/v1/me/attempts?status=failed", student.Token, []string{failed.ID}},
		{"own, by dates", "/v1/me/attempts?from=2000-01-01&to=2999-12-31", student.Token, newestFirst},
		{"own, before any", "/v1/me/attempts?to=2000-01-01", student.Token, nil},
		{"by their instructor", "/v1/students/" + student.ID + "/attempts", c.instructor.Token, newestFirst},
		{"by the admin, by status", "/v1/students/" + student.ID + "/attempts?status=requested", c.admin.Token, []string{waiting.ID}},
		{"by the student", "/v1/students/" + student.ID + "/attempts", student.Token, newestFirst},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(listAttempts(t, c.env, tt.path, tt.token, 1)); strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("GET %s = %v; want %v", tt.path, got, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		name, path, token string
		status            int
		slug, field       string
	}{
		{"a classmate's", "/v1/students/" + student.ID + "/attempts", classmate.Token, http.StatusForbidden, "forbidden", ""},
		{"to before from", "/v1/me/attempts?from=2026-03-02&to=2026-03-01", student.Token, http.StatusUnprocessableEntity, "validation-failed", "to"},
		{"not a date", "/v1/me/attempts?from=yesterday", student.Token, http.StatusUnprocessableEntity, "validation-failed", "query.from"},
		{"unknown status", "/v1/me/attempts?status=lost", student.Token, http.StatusUnprocessableEntity, "validation-failed", "query.status"},
		{"an instructor's own list", "/v1/me/attempts", c.instructor.Token, http.StatusForbidden, "forbidden", ""},
		{"not a student", "/v1/students/" + c.instructor.ID + "/attempts", c.admin.Token, http.StatusNotFound, "not-found", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := c.env.Get(t, tt.path, tt.token).WantProblem(t, tt.status, tt.slug)
			if tt.field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != tt.field) {
				t.Errorf("GET %s problems = %+v; want one of %s", tt.path, p.Errors, tt.field)
			}
		})
	}

	// An evaluation by its id: the attempt holding it, with the ETag an
	// amendment sends as If-Match.
	var byEval models.Attempt
	r := c.env.Get(t, "/v1/evaluations/"+graded.Evaluation.ID, student.Token).WantStatus(t, http.StatusOK)
	r.JSON(t, &byEval)
	if byEval.ID != failed.ID || byEval.Evaluation == nil || byEval.Evaluation.ID != graded.Evaluation.ID || r.Header.Get("ETag") == "" {
		t.Errorf("GET /v1/evaluations/%s = %+v (ETag %q); want attempt %s with its evaluation", graded.Evaluation.ID, byEval, r.Header.Get("ETag"), failed.ID)
	}
	c.env.Get(t, "/v1/evaluations/"+graded.Evaluation.ID, classmate.Token).WantProblem(t, http.StatusForbidden, "forbidden")
	c.env.Get(t, "/v1/evaluations/0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f", c.admin.Token).WantProblem(t, http.StatusNotFound, "not-found")
}

// TestEveryListRefusesForgedCursors: a cursor no list returned (garbage,
// a hand-made one, another list's) is a 422 problem naming the cursor on
// every paged list, never a 200 or a 500.
func TestEveryListRefusesForgedCursors(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	assignTo(t, s.env, s.program.ID, s.cohort.ID, "", "bp-manual", "")
	forged := []string{"zzzz", "AAAA", "eyJsIjoiYXVkaXQifQ", "%25%25%25", "MTIz"}
	lists := []struct {
		path  string
		token string
	}{
		{"/v1/checklists", s.student.Token},
		{"/v1/assignments", s.admin.Token},
		{"/v1/me/assignments", s.student.Token},
		{"/v1/me/skills", s.student.Token},
		{"/v1/queue", s.admin.Token},
		{"/v1/cohorts", s.admin.Token},
		{"/v1/users", s.admin.Token},
		{"/v1/procedures", s.admin.Token},
		{"/v1/cohorts/" + s.cohort.ID + "/progress", s.admin.Token},
		{"/v1/audit", s.admin.Token},
		{"/v1/me/notifications", s.student.Token},
		{"/v1/me/attempts", s.student.Token},
		{"/v1/students/" + s.student.ID + "/attempts", s.admin.Token},
	}
	for _, l := range lists {
		for _, cur := range forged {
			r := s.env.Get(t, l.path+"?cursor="+cur, l.token)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "cursor") {
				t.Errorf("GET %s?cursor=%s = %d %s; want 422 naming the cursor", l.path, cur, r.Status, r.Body)
				continue
			}
			r.WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
		}
	}
}

func TestMySkillsAndTheDeprecatedAlias(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	assignTo(t, s.env, s.program.ID, s.cohort.ID, "", "bp-manual", "")
	assignTo(t, s.env, s.program.ID, s.cohort.ID, "", "pulse-oximetry", "")
	var skills, alias models.List[models.SkillProgress]
	s.env.Get(t, "/v1/me/skills", s.student.Token).WantStatus(t, http.StatusOK).JSON(t, &skills)
	r := s.env.Get(t, "/v1/me/assignments", s.student.Token).WantStatus(t, http.StatusOK)
	r.JSON(t, &alias)
	if len(skills.Items) != 2 || len(alias.Items) != 2 || skills.Items[0].ChecklistID != alias.Items[0].ChecklistID {
		t.Errorf("/v1/me/skills = %+v, /v1/me/assignments = %+v; want the same two skills", skills.Items, alias.Items)
	}
	if r.Header.Get("Deprecation") == "" || !strings.Contains(r.Header.Get("Link"), "</v1/me/skills>") {
		t.Errorf("alias headers Deprecation %q, Link %q; want it deprecated for /v1/me/skills", r.Header.Get("Deprecation"), r.Header.Get("Link"))
	}
	if h := s.env.Get(t, "/v1/me/skills", s.student.Token).Header.Get("Deprecation"); h != "" {
		t.Errorf("/v1/me/skills Deprecation = %q; want none", h)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Deprecated bool `json:"deprecated"`
		} `json:"paths"`
	}
	s.env.Get(t, "/openapi.json", "").WantStatus(t, http.StatusOK).JSON(t, &doc)
	if !doc.Paths["/v1/me/assignments"]["get"].Deprecated || doc.Paths["/v1/me/skills"]["get"].Deprecated {
		t.Errorf("document: /v1/me/assignments deprecated %v, /v1/me/skills %v; want only the alias deprecated",
			doc.Paths["/v1/me/assignments"]["get"].Deprecated, doc.Paths["/v1/me/skills"]["get"].Deprecated)
	}
	s.env.Get(t, "/v1/me/skills", s.teacher.Token).WantProblem(t, http.StatusForbidden, "forbidden")
}

// TestAssigningAnAreaPushesOncePerStudent: an area of several checklists
// assigned to a cohort is one notification (one push) per student.
func TestAssigningAnAreaPushesOncePerStudent(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	var made struct {
		Items []struct {
			Created bool `json:"created"`
		} `json:"items"`
	}
	s.env.Post(t, "/v1/assignments", s.admin.Token, map[string]any{"cohortId": s.cohort.ID, "area": models.AreaSterilization}).
		WantStatus(t, http.StatusCreated).JSON(t, &made)
	if len(made.Items) < 2 {
		t.Fatalf("assigned %d checklists; want an area of several", len(made.Items))
	}
	for _, u := range []apitest.User{s.student, s.classmate} {
		var feed models.List[models.FeedItem]
		s.env.Get(t, "/v1/me/notifications", u.Token).WantStatus(t, http.StatusOK).JSON(t, &feed)
		n := 0
		for _, it := range feed.Items {
			if it.Category == "assignments" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s has %d assignment notifications after %d checklists were assigned; want 1", u.ID, n, len(made.Items))
		}
	}
}
