package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// newChecklistBody is a valid create-checklist request for id.
func newChecklistBody(id string) map[string]any {
	return map[string]any{
		"id":           id,
		"area":         "vital-signs",
		"title":        "Count a pulse at the wrist",
		"purpose":      "The student counts a radial pulse.",
		"competencies": []string{"MAERB-2015 I.P.1.c"},
		"equipment":    []string{"Watch with a second hand"},
		"steps": []map[string]any{
			{"id": "hand-hygiene", "text": "Perform hand hygiene.", "critical": true},
			{"id": "count", "text": "Count for 30 seconds and double it."},
		},
		"grading": map[string]any{"minScore": 100},
	}
}

func TestChecklistsReadTheLibrary(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	student := env.NewUser(t, p.ID, models.RoleStudent)

	// Page through the whole library.
	seen := map[string]bool{}
	path := "/v1/checklists?limit=7"
	for pages := 0; path != ""; pages++ {
		if pages > 20 {
			t.Fatal("pagination does not end")
		}
		var page models.List[struct {
			ID            string `json:"id"`
			Steps         int    `json:"steps"`
			CriticalSteps int    `json:"criticalSteps"`
		}]
		env.Get(t, path, student.Token).WantStatus(t, http.StatusOK).JSON(t, &page)
		for _, it := range page.Items {
			if seen[it.ID] {
				t.Errorf("%s listed twice", it.ID)
			}
			seen[it.ID] = true
			if it.Steps == 0 || it.CriticalSteps == 0 {
				t.Errorf("%s listed with %d steps, %d critical", it.ID, it.Steps, it.CriticalSteps)
			}
		}
		path = ""
		if page.NextCursor != "" {
			path = "/v1/checklists?limit=7&cursor=" + url.QueryEscape(page.NextCursor)
		}
	}
	if len(seen) < 26 || !seen["bp-manual"] {
		t.Errorf("listed %d checklists; want the whole library", len(seen))
	}

	var filtered models.List[struct {
		ID string `json:"id"`
	}]
	env.Get(t, "/v1/checklists?area=vital-signs&competency="+url.QueryEscape("MAERB-2015 I.P.1.a")+"&q=blood", student.Token).
		WantStatus(t, http.StatusOK).JSON(t, &filtered)
	if len(filtered.Items) != 2 || filtered.Items[0].ID != "bp-automated" || filtered.Items[1].ID != "bp-manual" {
		t.Errorf("filtered list = %+v; want only bp-automated and bp-manual", filtered.Items)
	}

	r := env.Get(t, "/v1/checklists/bp-manual", student.Token).WantStatus(t, http.StatusOK)
	var c models.Checklist
	r.JSON(t, &c)
	if c.ID != "bp-manual" || c.Version != 1 || len(c.Steps) < 10 || c.Status != models.ChecklistPublished || c.Digest == "" {
		t.Errorf("GET /v1/checklists/bp-manual = %+v", c)
	}
	if got := r.Header.Get("ETag"); got != `"1"` {
		t.Errorf("ETag = %q; want \"1\"", got)
	}
	env.Get(t, "/v1/checklists/bp-manual/versions/1", student.Token).WantStatus(t, http.StatusOK)
	var versions struct {
		Items []struct {
			Version int `json:"version"`
		} `json:"items"`
	}
	env.Get(t, "/v1/checklists/bp-manual/versions", student.Token).WantStatus(t, http.StatusOK).JSON(t, &versions)
	if len(versions.Items) != 1 || versions.Items[0].Version != 1 {
		t.Errorf("versions = %+v; want [1]", versions.Items)
	}

	errs := []struct {
		path   string
		status int
		slug   string
	}{
		{"/v1/checklists/no-such-checklist", http.StatusNotFound, "not-found"},
		{"/v1/checklists/no-such-checklist/versions", http.StatusNotFound, "not-found"},
		{"/v1/checklists/bp-manual/versions/2", http.StatusNotFound, "not-found"},
		{"/v1/checklists/bp-manual/versions/0", http.StatusUnprocessableEntity, "validation-failed"},
		{"/v1/checklists?limit=500", http.StatusUnprocessableEntity, "validation-failed"},
		{"/v1/checklists?area=cardiology", http.StatusUnprocessableEntity, "validation-failed"},
		{"/v1/checklists?cursor=not-a-cursor", http.StatusUnprocessableEntity, "validation-failed"},
	}
	for _, e := range errs {
		t.Run(e.path, func(t *testing.T) {
			env.Get(t, e.path, student.Token).WantProblem(t, e.status, e.slug)
		})
	}
	env.Get(t, "/v1/checklists", "").WantProblem(t, http.StatusUnauthorized, "unauthenticated")
}

// TestChecklistsOnlyAdminsChange: students and instructors read the
// library but every change is 403 for them, with the same problem type.
func TestChecklistsOnlyAdminsChange(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	admin := env.NewUser(t, p.ID, models.RoleAdmin)
	env.Post(t, "/v1/checklists", admin.Token, newChecklistBody("wrist-pulse")).WantStatus(t, http.StatusCreated)

	for _, role := range []models.Role{models.RoleStudent, models.RoleInstructor} {
		u := env.NewUser(t, p.ID, role)
		tests := []apitest.Request{
			{Method: http.MethodPost, Path: "/v1/checklists", Body: newChecklistBody("mine")},
			{Method: http.MethodPost, Path: "/v1/checklists", Body: newChecklistBody("bp-manual")},
			{Method: http.MethodPut, Path: "/v1/checklists/wrist-pulse/versions/1", Body: newChecklistBody("wrist-pulse"), Header: map[string]string{"If-Match": `"1"`}},
			{Method: http.MethodPost, Path: "/v1/checklists/wrist-pulse/versions/1/publish"},
			{Method: http.MethodPost, Path: "/v1/checklists/bp-manual/versions/1/retire"},
		}
		for _, r := range tests {
			t.Run(string(role)+" "+r.Method+" "+r.Path, func(t *testing.T) {
				if r.Method == http.MethodPut {
					body := newChecklistBody("")
					delete(body, "id")
					r.Body = body
				}
				r.Token = u.Token
				pr := env.Do(t, r).WantProblem(t, http.StatusForbidden, "forbidden")
				if !strings.Contains(pr.Detail, "only program admins may change checklists") {
					t.Errorf("detail = %q", pr.Detail)
				}
			})
		}
		// Nor do they see the draft.
		env.Get(t, "/v1/checklists/wrist-pulse/versions/1", u.Token).WantProblem(t, http.StatusNotFound, "not-found")
		env.Get(t, "/v1/checklists/wrist-pulse/versions", u.Token).WantProblem(t, http.StatusNotFound, "not-found")
	}
}

func TestChecklistDraftPublishRetire(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	admin := env.NewUser(t, p.ID, models.RoleAdmin)
	student := env.NewUser(t, p.ID, models.RoleStudent)
	other := env.NewUser(t, env.Program(t).ID, models.RoleAdmin)

	r := env.Post(t, "/v1/checklists", admin.Token, newChecklistBody("wrist-pulse")).WantStatus(t, http.StatusCreated)
	var d models.Checklist
	r.JSON(t, &d)
	if d.Version != 1 || d.Status != models.ChecklistDraft || d.ProgramID != p.ID {
		t.Fatalf("created %+v; want a draft v1 of the program", d)
	}
	if loc, tag := r.Header.Get("Location"), r.Header.Get("ETag"); loc != "/v1/checklists/wrist-pulse/versions/1" || tag != `"1"` {
		t.Errorf("Location %q, ETag %q", loc, tag)
	}
	env.Post(t, "/v1/checklists", admin.Token, newChecklistBody("wrist-pulse")).WantProblem(t, http.StatusConflict, "conflict")
	env.Get(t, "/v1/checklists/wrist-pulse", student.Token).WantProblem(t, http.StatusNotFound, "not-found")
	env.Get(t, "/v1/checklists/wrist-pulse/versions/1", admin.Token).WantStatus(t, http.StatusOK)
	env.Get(t, "/v1/checklists/wrist-pulse/versions/1", other.Token).WantProblem(t, http.StatusNotFound, "not-found")

	edit := newChecklistBody("")
	delete(edit, "id")
	edit["title"] = "Count a pulse at the wrist for a full minute"
	put := func(ifMatch string, body any) apitest.Response {
		req := apitest.Request{Method: http.MethodPut, Path: "/v1/checklists/wrist-pulse/versions/1", Token: admin.Token, Body: body}
		if ifMatch != "" {
			req.Header = map[string]string{"If-Match": ifMatch}
		}
		return env.Do(t, req)
	}
	put("", edit).WantProblem(t, http.StatusPreconditionRequired, "precondition-required")
	put(`"7"`, edit).WantProblem(t, http.StatusPreconditionFailed, "precondition-failed")
	put(`"r1"`, edit).WantProblem(t, http.StatusPreconditionFailed, "precondition-failed")
	r = put(`"1"`, edit).WantStatus(t, http.StatusOK)
	if tag := r.Header.Get("ETag"); tag != `"2"` {
		t.Errorf("ETag after edit = %q; want \"2\"", tag)
	}
	put(`"1"`, edit).WantProblem(t, http.StatusPreconditionFailed, "precondition-failed")

	bad := newChecklistBody("")
	delete(bad, "id")
	bad["competencies"] = []string{"MAERB-2015 I.P.99"}
	pr := put(`"2"`, bad).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	if len(pr.Errors) != 1 || pr.Errors[0].Field != "competencies[0]" {
		t.Errorf("validation errors = %+v; want competencies[0]", pr.Errors)
	}

	env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/checklists/wrist-pulse/versions/1/publish", Token: admin.Token,
		Header: map[string]string{"If-Match": `"1"`}}).WantProblem(t, http.StatusPreconditionFailed, "precondition-failed")
	var pub models.Checklist
	env.Post(t, "/v1/checklists/wrist-pulse/versions/1/publish", admin.Token, nil).WantStatus(t, http.StatusOK).JSON(t, &pub)
	if pub.Status != models.ChecklistPublished || pub.PublishedAt == nil || pub.Title != edit["title"] {
		t.Errorf("published %+v", pub)
	}

	// Published means immutable: no edit, whatever the If-Match.
	put(`"3"`, edit).WantProblem(t, http.StatusConflict, "conflict")
	put("*", edit).WantProblem(t, http.StatusConflict, "conflict")
	var cur models.Checklist
	env.Get(t, "/v1/checklists/wrist-pulse", student.Token).WantStatus(t, http.StatusOK).JSON(t, &cur)
	if cur.Digest != pub.Digest || cur.Version != 1 {
		t.Errorf("student reads %s v%d; want the published digest %s", cur.Digest, cur.Version, pub.Digest)
	}

	env.Post(t, "/v1/checklists/wrist-pulse/versions/1/retire", admin.Token, nil).WantStatus(t, http.StatusOK)
	env.Get(t, "/v1/checklists/wrist-pulse", student.Token).WantProblem(t, http.StatusNotFound, "not-found")
	var retired models.Checklist
	env.Get(t, "/v1/checklists/wrist-pulse/versions/1", student.Token).WantStatus(t, http.StatusOK).JSON(t, &retired)
	if retired.Status != models.ChecklistRetired || retired.Digest != pub.Digest {
		t.Errorf("retired version = %s %s; want retired with the published content", retired.Status, retired.Digest)
	}

	// The shipped library is immutable too; a program changes it by
	// drafting its own next version.
	shipped := newChecklistBody("")
	delete(shipped, "id")
	env.Do(t, apitest.Request{Method: http.MethodPut, Path: "/v1/checklists/bp-manual/versions/1", Token: admin.Token, Body: shipped,
		Header: map[string]string{"If-Match": `"1"`}}).WantProblem(t, http.StatusConflict, "conflict")
	env.Post(t, "/v1/checklists/bp-manual/versions/1/retire", admin.Token, nil).WantProblem(t, http.StatusConflict, "conflict")
	own := newChecklistBody("bp-manual")
	own["competencies"] = []string{"MAERB-2015 I.P.1.a"}
	var v2 models.Checklist
	env.Post(t, "/v1/checklists", admin.Token, own).WantStatus(t, http.StatusCreated).JSON(t, &v2)
	if v2.Version != 2 {
		t.Errorf("new version of bp-manual = %d; want 2", v2.Version)
	}
	env.Post(t, "/v1/checklists/bp-manual/versions/2/publish", admin.Token, nil).WantStatus(t, http.StatusOK)
	env.Get(t, "/v1/checklists/bp-manual", student.Token).WantStatus(t, http.StatusOK).JSON(t, &cur)
	if cur.Version != 2 || cur.ProgramID != p.ID {
		t.Errorf("current bp-manual for the program = v%d of %q; want its own v2", cur.Version, cur.ProgramID)
	}
	env.Get(t, "/v1/checklists/bp-manual", other.Token).WantStatus(t, http.StatusOK).JSON(t, &cur)
	if cur.Version != 1 {
		t.Errorf("current bp-manual for another program = v%d; want the shipped v1", cur.Version)
	}
}

func TestCreateChecklistValidation(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	admin := env.NewUser(t, p.ID, models.RoleAdmin)
	tests := []struct {
		name  string
		edit  func(b map[string]any)
		field string
	}{
		{"id not a slug", func(b map[string]any) { b["id"] = "Wrist Pulse" }, "body.id"},
		{"no steps", func(b map[string]any) { b["steps"] = []any{} }, "body.steps"},
		{"duplicate step id", func(b map[string]any) {
			b["steps"] = []map[string]any{{"id": "a", "text": "x"}, {"id": "a", "text": "y"}}
		}, "steps[1].id"},
		{"unknown competency", func(b map[string]any) { b["competencies"] = []string{"MAERB-2015 I.P.1"} }, "competencies[0]"},
		{"min score out of range", func(b map[string]any) { b["grading"] = map[string]any{"minScore": 120} }, "body.grading.minScore"},
		{"unknown area", func(b map[string]any) { b["area"] = "cardiology" }, "body.area"},
		{"blank title", func(b map[string]any) { b["title"] = "   " }, "title"},
		{"critical step that may not apply", func(b map[string]any) {
			b["steps"] = []map[string]any{{"id": "a", "text": "x", "critical": true, "mayNotApply": true}}
		}, "steps[0].mayNotApply"},
		{"source without a web address", func(b map[string]any) {
			b["sources"] = []map[string]any{{"publisher": "CDC", "title": "Hand hygiene", "url": "cdc.gov"}}
		}, "sources[0].url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newChecklistBody("wrist-pulse")
			tt.edit(b)
			pr := env.Post(t, "/v1/checklists", admin.Token, b).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
			for _, e := range pr.Errors {
				if e.Field == tt.field {
					return
				}
			}
			t.Errorf("errors = %+v; want one for %s", pr.Errors, tt.field)
		})
	}
}

// TestChecklistDraftKeepsMayNotApplyAndSources: a program's draft says
// which steps may not apply and what it cites, and an edit keeps both.
func TestChecklistDraftKeepsMayNotApplyAndSources(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	admin := env.NewUser(t, p.ID, models.RoleAdmin)

	b := newChecklistBody("eye-check")
	b["steps"] = []map[string]any{
		{"id": "hand-hygiene", "text": "Perform hand hygiene.", "critical": true},
		{"id": "glasses", "text": "Ask the patient to remove glasses.", "mayNotApply": true},
	}
	b["sources"] = []map[string]any{{"publisher": "CDC", "title": "Hand hygiene", "url": "https://www.cdc.gov/clean-hands/"}}
	var d models.Checklist
	env.Post(t, "/v1/checklists", admin.Token, b).WantStatus(t, http.StatusCreated).JSON(t, &d)
	if len(d.Steps) != 2 || d.Steps[0].MayNotApply || !d.Steps[1].MayNotApply || len(d.Sources) != 1 || d.Sources[0].Publisher != "CDC" {
		t.Fatalf("created %+v; want the second step marked and one source", d)
	}

	delete(b, "id")
	b["sources"] = []map[string]any{{"publisher": "WHO", "title": "Hand hygiene", "url": "https://www.who.int/"}}
	env.Do(t, apitest.Request{Method: http.MethodPut, Path: "/v1/checklists/eye-check/versions/1", Token: admin.Token, Body: b,
		Header: map[string]string{"If-Match": `"1"`}}).WantStatus(t, http.StatusOK).JSON(t, &d)
	if len(d.Sources) != 1 || d.Sources[0].Publisher != "WHO" || !d.Steps[1].MayNotApply {
		t.Errorf("edited %+v; want the WHO source and the marked step kept", d)
	}
}
