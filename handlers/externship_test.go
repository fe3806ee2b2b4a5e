package handlers_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"skillbook/handlers/apitest"
	"skillbook/models"
	"skillbook/workflow"
)

func logHours(t *testing.T, env *apitest.Env, student apitest.User, body map[string]any) models.PracticumEntry {
	t.Helper()
	var p models.PracticumEntry
	env.Post(t, "/v1/practicum-hours", student.Token, body).WantStatus(t, http.StatusCreated).JSON(t, &p)
	return p
}

func TestLogPracticumHours(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	id := uuid.Must(uuid.NewV7()).String()
	body := map[string]any{"id": id, "date": "2026-03-02", "hours": 7.5, "site": "Lakeside Family Practice",
		"preceptor": "Pat Preceptor", "preceptorCredential": "RN", "note": "Rooming and vitals"}
	r := env.Post(t, "/v1/practicum-hours", s.student.Token, body).WantStatus(t, http.StatusCreated)
	var p models.PracticumEntry
	r.JSON(t, &p)
	if p.ID != id || p.StudentID != s.student.ID || p.Status != models.ProcedurePending || p.Hours != 7.5 || p.Preceptor != "Pat Preceptor" {
		t.Errorf("POST /v1/practicum-hours = %+v; want the student's pending 7.5 hours %s", p, id)
	}
	if r.Header.Get("ETag") != `"1"` || r.Header.Get("Location") != "/v1/practicum-hours/"+id {
		t.Errorf("ETag %q, Location %q", r.Header.Get("ETag"), r.Header.Get("Location"))
	}
	// An offline retry stores nothing new; other content under the id,
	// or another student's use of it, conflicts.
	var again models.PracticumEntry
	env.Post(t, "/v1/practicum-hours", s.student.Token, body).WantStatus(t, http.StatusOK).JSON(t, &again)
	if again.ID != id || !again.CreatedAt.Equal(p.CreatedAt) {
		t.Errorf("retry = %+v; want the stored entry", again)
	}
	changed := map[string]any{"id": id, "date": "2026-03-02", "hours": 8, "site": "Lakeside Family Practice", "preceptor": "Pat Preceptor"}
	env.Post(t, "/v1/practicum-hours", s.student.Token, changed).WantProblem(t, http.StatusConflict, "conflict")
	env.Post(t, "/v1/practicum-hours", s.classmate.Token, body).WantProblem(t, http.StatusConflict, "conflict")

	// An Idempotency-Key works as on every POST: the retry gets the first
	// answer.
	keyed := map[string]any{"date": "2026-03-03", "hours": 8, "site": "Lakeside Family Practice", "preceptor": "Pat Preceptor"}
	key := map[string]string{"Idempotency-Key": "hours-" + s.student.ID}
	var first, second models.PracticumEntry
	env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/practicum-hours", Token: s.student.Token, Body: keyed, Header: key}).
		WantStatus(t, http.StatusCreated).JSON(t, &first)
	env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/practicum-hours", Token: s.student.Token, Body: keyed, Header: key}).
		WantStatus(t, http.StatusCreated).JSON(t, &second)
	if first.ID == "" || first.ID != second.ID {
		t.Errorf("keyed retry = %s; want the first entry %s", second.ID, first.ID)
	}

	future := time.Now().UTC().Add(72 * time.Hour).Format(models.DateLayout)
	valid := func(change func(map[string]any)) map[string]any {
		b := map[string]any{"date": "2026-03-01", "hours": 8, "site": "Valley Clinic", "preceptor": "Pat Preceptor"}
		change(b)
		return b
	}
	for _, tt := range []struct {
		name   string
		caller apitest.User
		body   map[string]any
		status int
		slug   string
	}{
		{"instructor", s.teacher, valid(func(map[string]any) {}), http.StatusForbidden, "forbidden"},
		{"admin", s.admin, valid(func(map[string]any) {}), http.StatusForbidden, "forbidden"},
		{"no hours", s.student, valid(func(b map[string]any) { b["hours"] = 0 }), http.StatusUnprocessableEntity, "validation-failed"},
		{"more than a day", s.student, valid(func(b map[string]any) { b["hours"] = 25 }), http.StatusUnprocessableEntity, "validation-failed"},
		{"not quarter hours", s.student, valid(func(b map[string]any) { b["hours"] = 7.1 }), http.StatusUnprocessableEntity, "validation-failed"},
		{"not a number", s.student, valid(func(b map[string]any) { b["hours"] = "eight" }), http.StatusUnprocessableEntity, "validation-failed"},
		{"future", s.student, valid(func(b map[string]any) { b["date"] = future }), http.StatusUnprocessableEntity, "validation-failed"},
		{"no site", s.student, valid(func(b map[string]any) { delete(b, "site") }), http.StatusUnprocessableEntity, "validation-failed"},
		{"blank preceptor", s.student, valid(func(b map[string]any) { b["preceptor"] = "   " }), http.StatusUnprocessableEntity, "validation-failed"},
		{"control character", s.student, valid(func(b map[string]any) { b["site"] = "Valley\u0007Clinic" }), http.StatusUnprocessableEntity, "validation-failed"},
		{"unknown field", s.student, valid(func(b map[string]any) { b["status"] = "confirmed" }), http.StatusUnprocessableEntity, "validation-failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env.Post(t, "/v1/practicum-hours", tt.caller.Token, tt.body).WantProblem(t, tt.status, tt.slug)
		})
	}
}

// TestPracticumHoursCountOnceConfirmed: an instructor of the student or
// an admin records the preceptor's decision, once; confirmed hours show in
// progress against the program's requirement.
func TestPracticumHoursCountOnceConfirmed(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	a := logHours(t, env, s.student, map[string]any{"date": "2026-03-02", "hours": 8, "site": "Lakeside Family Practice", "preceptor": "Pat Preceptor"})
	b := logHours(t, env, s.student, map[string]any{"date": "2026-03-03", "hours": 6.5, "site": "Valley Lab", "preceptor": "Dr. Lee"})
	c := logHours(t, env, s.student, map[string]any{"date": "2026-03-04", "hours": 4, "site": "Valley Lab", "preceptor": "Dr. Lee"})
	path := "/v1/practicum-hours/" + a.ID
	for _, tt := range []struct {
		name   string
		caller apitest.User
		status int
		slug   string
	}{
		{"the student", s.student, http.StatusForbidden, "forbidden"},
		{"an instructor of another cohort", s.outsider, http.StatusForbidden, "forbidden"},
		{"another program's admin", s.foreignAdmin, http.StatusNotFound, "not-found"},
	} {
		env.Post(t, path+"/confirm", tt.caller.Token, nil).WantProblem(t, tt.status, tt.slug)
	}
	env.Do(t, apitest.Request{Method: http.MethodPost, Path: path + "/confirm", Token: s.teacher.Token,
		Header: map[string]string{"If-Match": `"7"`}}).WantProblem(t, http.StatusPreconditionFailed, "precondition-failed")
	var got models.PracticumEntry
	r := env.Do(t, apitest.Request{Method: http.MethodPost, Path: path + "/confirm", Token: s.teacher.Token,
		Header: map[string]string{"If-Match": `"1"`}, Body: map[string]any{"comment": "Timesheet signed by the preceptor"}}).WantStatus(t, http.StatusOK)
	r.JSON(t, &got)
	if got.Status != models.ProcedureConfirmed || got.Version != 2 || r.Header.Get("ETag") != `"2"` || got.Review == nil ||
		got.Review.ReviewerName != "Ivy Instructor" || got.Review.Comment != "Timesheet signed by the preceptor" {
		t.Errorf("confirm = %+v; want confirmed by Ivy Instructor with the comment", got)
	}
	env.Post(t, path+"/confirm", s.admin.Token, nil).WantProblem(t, http.StatusConflict, "conflict")
	// An admin records decisions too; a rejection says why.
	env.Post(t, "/v1/practicum-hours/"+b.ID+"/confirm", s.admin.Token, map[string]any{}).WantStatus(t, http.StatusOK)
	env.Post(t, "/v1/practicum-hours/"+c.ID+"/reject", s.admin.Token, map[string]any{"comment": " "}).
		WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	env.Post(t, "/v1/practicum-hours/"+c.ID+"/reject", s.admin.Token, nil).
		WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	env.Post(t, "/v1/practicum-hours/"+c.ID+"/reject", s.admin.Token, map[string]any{"comment": "The preceptor has no record of this day"}).
		WantStatus(t, http.StatusOK).JSON(t, &got)
	if got.Status != models.ProcedureRejected {
		t.Errorf("reject = %+v; want rejected", got)
	}

	var list models.List[models.PracticumEntry]
	env.Get(t, "/v1/practicum-hours?studentId="+s.student.ID+"&status=confirmed", s.teacher.Token).WantStatus(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) != 2 {
		t.Errorf("confirmed hours = %d entries; want 2", len(list.Items))
	}
	env.Get(t, "/v1/practicum-hours/"+a.ID, s.classmate.Token).WantProblem(t, http.StatusForbidden, "forbidden")

	var p models.StudentProgress
	env.Get(t, "/v1/me/progress", s.student.Token).WantStatus(t, http.StatusOK).JSON(t, &p)
	want := models.PracticumProgress{Required: 160, HoursCount: models.HoursCount{Confirmed: 14.5, Rejected: 4}, Sites: []models.SiteHours{
		{Site: "Lakeside Family Practice", HoursCount: models.HoursCount{Confirmed: 8}},
		{Site: "Valley Lab", HoursCount: models.HoursCount{Confirmed: 6.5, Rejected: 4}}}}
	if g := p.Practicum; g.Required != want.Required || g.HoursCount != want.HoursCount || g.Met || len(g.Sites) != 2 ||
		g.Sites[0] != want.Sites[0] || g.Sites[1] != want.Sites[1] {
		t.Errorf("progress practicum = %+v; want %+v", g, want)
	}
	// The program's own requirement is what progress measures against.
	env.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/v1/program/settings", Token: s.admin.Token,
		Body: map[string]any{"practicumHoursRequired": 12}}).WantStatus(t, http.StatusOK)
	env.Get(t, "/v1/students/"+s.student.ID+"/progress", s.teacher.Token).WantStatus(t, http.StatusOK).JSON(t, &p)
	if p.Practicum.Required != 12 || !p.Practicum.Met {
		t.Errorf("progress practicum = %+v; want 14.5 of 12, met", p.Practicum)
	}
}

// TestProcedureSuccessCountsTowardTargets: a procedure records whether it
// succeeded (true unless said); targets count successful confirmed ones.
func TestProcedureSuccessCountsTowardTargets(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	ok := logProcedure(t, env, s.student, map[string]any{"kind": "capillary-puncture", "performedAt": "2026-03-01"})
	missed := logProcedure(t, env, s.student, map[string]any{"kind": "capillary-puncture", "performedAt": "2026-03-01", "successful": false})
	if ok.Successful == nil || !*ok.Successful || missed.Successful == nil || *missed.Successful {
		t.Fatalf("logged = %v, %v; want successful by default, and the missed stick not", ok.Successful, missed.Successful)
	}
	for _, p := range []models.Procedure{ok, missed} {
		env.Post(t, "/v1/procedures/"+p.ID+"/confirm", s.teacher.Token, nil).WantStatus(t, http.StatusOK)
	}
	var got models.Procedure
	env.Get(t, "/v1/procedures/"+missed.ID, s.teacher.Token).WantStatus(t, http.StatusOK).JSON(t, &got)
	if got.Successful == nil || *got.Successful || got.Status != models.ProcedureConfirmed {
		t.Errorf("GET = %+v; want confirmed, not successful", got)
	}
	var p models.StudentProgress
	env.Get(t, "/v1/me/progress", s.student.Token).WantStatus(t, http.StatusOK).JSON(t, &p)
	for _, pp := range p.Procedures {
		if pp.Kind == "capillary-puncture" && (pp.Confirmed != 2 || pp.Successful != 1 || pp.Met) {
			t.Errorf("capillary progress = %+v; want 1 successful of 2 confirmed", pp)
		}
	}
	env.Post(t, "/v1/procedures", s.student.Token, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01", "successful": "no"}).
		WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
}

func TestProgramSettingsPatch(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	patch := func(u apitest.User, body map[string]any) apitest.Response {
		return env.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/v1/program/settings", Token: u.Token, Body: body})
	}
	var got workflow.ProgramSettings
	env.Get(t, "/v1/program/settings", s.teacher.Token).WantStatus(t, http.StatusOK).JSON(t, &got)
	if got.TimeZone != "UTC" || got.PracticumHoursRequired != 160 || got.PINVoidWindowHours != 24 || len(got.ChecklistPolicies) != 0 {
		t.Errorf("default settings = %+v; want UTC, 160 hours, 24 h, no policies", got)
	}
	patch(s.admin, map[string]any{"timeZone": "America/Chicago", "checklistPolicies": map[string]any{
		"bp-manual": map[string]any{"maxAttempts": 2, "distinctDays": true}, "hand-washing": map[string]any{"requiredPractice": 4}}}).
		WantStatus(t, http.StatusOK).JSON(t, &got)
	bp := got.ChecklistPolicies["bp-manual"]
	if got.TimeZone != "America/Chicago" || got.PINVoidWindowHours != 24 || bp.MaxAttempts == nil || *bp.MaxAttempts != 2 || !bp.DistinctDays ||
		got.ChecklistPolicies["hand-washing"].RequiredPractice == nil {
		t.Errorf("patched settings = %+v; want Chicago and both policies, the PIN window kept", got)
	}
	// A policy given replaces that checklist's; an empty one removes it;
	// the others stay.
	got = workflow.ProgramSettings{}
	patch(s.admin, map[string]any{"pinVoidWindowHours": 48, "checklistPolicies": map[string]any{"hand-washing": map[string]any{}}}).
		WantStatus(t, http.StatusOK).JSON(t, &got)
	if got.PINVoidWindowHours != 48 || got.TimeZone != "America/Chicago" || len(got.ChecklistPolicies) != 1 {
		t.Errorf("settings = %+v; want 48 h, Chicago, only bp-manual's policy", got)
	}
	// Frameworks and the program's own evidence rules, replaced together;
	// a rule only tightens the shipped one.
	if !slices.Equal(got.Competencies.Frameworks, models.DefaultFrameworks) || len(got.Competencies.EvidenceRules) != 0 ||
		len(got.DefaultEvidenceRules) == 0 || !slices.Equal(got.ShippedFrameworks, models.FrameworkNames()) {
		t.Errorf("competency settings = %+v; want MAERB-2015 by default, no rules of its own, the shipped ones listed", got)
	}
	tighter := map[string]any{"frameworks": []string{"MAERB-2015"}, "evidenceRules": []map[string]any{
		{"code": "MAERB-2015 I.P.2.b", "partial": []string{"venipuncture-winged-set"}, "why": "evacuated tube only"}}}
	patch(s.admin, map[string]any{"competencies": tighter}).WantStatus(t, http.StatusOK).JSON(t, &got)
	if r := got.Competencies.EvidenceRules; len(r) != 1 || r[0].Partial[0] != "venipuncture-winged-set" || got.PINVoidWindowHours != 48 {
		t.Errorf("settings after the competencies patch = %+v; want the rule, the rest kept", got)
	}
	for _, tt := range []struct {
		name   string
		caller apitest.User
		body   map[string]any
		status int
		slug   string
	}{
		{"an instructor", s.teacher, map[string]any{"timeZone": "UTC"}, http.StatusForbidden, "forbidden"},
		{"an unknown framework", s.admin, map[string]any{"competencies": map[string]any{"frameworks": []string{"MAERB-2022"}}}, http.StatusUnprocessableEntity, "validation-failed"},
		{"a rule that adds nothing", s.admin, map[string]any{"competencies": map[string]any{"frameworks": []string{"MAERB-2015"},
			"evidenceRules": []map[string]any{{"code": "MAERB-2015 I.P.7"}}}}, http.StatusUnprocessableEntity, "validation-failed"},
		{"nothing to change", s.admin, map[string]any{}, http.StatusUnprocessableEntity, "validation-failed"},
		{"unknown time zone", s.admin, map[string]any{"timeZone": "Mars/Olympus"}, http.StatusUnprocessableEntity, "validation-failed"},
		{"server-local time", s.admin, map[string]any{"timeZone": "Local"}, http.StatusUnprocessableEntity, "validation-failed"},
		{"no practicum hours", s.admin, map[string]any{"practicumHoursRequired": 0}, http.StatusUnprocessableEntity, "validation-failed"},
		{"no attempts", s.admin, map[string]any{"checklistPolicies": map[string]any{"bp-manual": map[string]any{"maxAttempts": 0}}}, http.StatusUnprocessableEntity, "validation-failed"},
		{"not a checklist id", s.admin, map[string]any{"checklistPolicies": map[string]any{"bp.manual": map[string]any{"distinctDays": true}}}, http.StatusUnprocessableEntity, "validation-failed"},
		{"an unknown policy field", s.admin, map[string]any{"checklistPolicies": map[string]any{"bp-manual": map[string]any{"maxTries": 2}}}, http.StatusUnprocessableEntity, "validation-failed"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			patch(tt.caller, tt.body).WantProblem(t, tt.status, tt.slug)
		})
	}
	var trail models.List[models.Event]
	env.Get(t, "/v1/audit?type=program.updated", s.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &trail)
	if len(trail.Items) != 3 || !strings.Contains(trail.Items[2].Summary, "America/Chicago") || !strings.Contains(trail.Items[0].Summary, "competency frameworks") {
		t.Errorf("audit = %+v; want the three changes, the first naming the time zone, the last the frameworks", trail.Items)
	}
}

// TestAttemptPolicyAndExternshipEvaluation: the program's policy for a
// checklist sets the practice minimum, the attempt maximum and attempts on
// different days; an evaluation at an externship site signs its site and
// preceptor.
func TestAttemptPolicyAndExternshipEvaluation(t *testing.T) {
	t.Parallel()
	c := newClassIn(t, apitest.New(t), 1, models.AreaWoundCare)
	student := c.students[0]
	c.env.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/v1/program/settings", Token: c.admin.Token, Body: map[string]any{
		"checklistPolicies": map[string]any{"staple-removal": map[string]any{"requiredPractice": 1, "maxAttempts": 2, "distinctDays": true}}}}).
		WantStatus(t, http.StatusOK)
	ask := map[string]any{"checklistId": "staple-removal", "kind": "evaluation"}
	c.env.Post(t, "/v1/attempts", student.Token, ask).WantProblem(t, http.StatusUnprocessableEntity, "practice-required")
	c.env.Post(t, "/v1/attempts", student.Token, map[string]any{"checklistId": "staple-removal", "kind": "practice"}).WantStatus(t, http.StatusCreated)
	a := c.request(t, student, "staple-removal")

	var graded models.Attempt
	c.env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, a, firstCritical(t, c, a)), "setting": "clinical-site",
		"site": "Lakeside Family Practice", "preceptor": "Pat Preceptor", "preceptorCredential": "RN",
	}).WantStatus(t, http.StatusCreated).JSON(t, &graded)
	if e := graded.Evaluation; e == nil || e.Site != "Lakeside Family Practice" || e.Preceptor != "Pat Preceptor" || e.PreceptorCredential != "RN" {
		t.Fatalf("evaluation = %+v; want the site and preceptor recorded", graded.Evaluation)
	}
	var v models.Verification
	c.env.Get(t, "/v1/attempts/"+a.ID+"/verification", c.instructor.Token).WantStatus(t, http.StatusOK).JSON(t, &v)
	if !v.Intact {
		t.Errorf("verification = %+v; want the record with its site intact", v)
	}
	// Failed today: the next attempt waits for another day.
	p := c.env.Post(t, "/v1/attempts", student.Token, ask).WantProblem(t, http.StatusUnprocessableEntity, "attempt-same-day")
	if !strings.Contains(p.Detail, "next day") {
		t.Errorf("attempt-same-day detail = %q; want it to say when", p.Detail)
	}
	// Without the day rule, the policy's maximum still holds after a
	// second failure.
	c.env.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/v1/program/settings", Token: c.admin.Token, Body: map[string]any{
		"checklistPolicies": map[string]any{"staple-removal": map[string]any{"maxAttempts": 2}}}}).WantStatus(t, http.StatusOK)
	b := c.request(t, student, "staple-removal")
	c.env.Post(t, "/v1/attempts/"+b.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, b, firstCritical(t, c, b)), "setting": "skills-lab",
	}).WantStatus(t, http.StatusCreated)
	c.env.Post(t, "/v1/attempts", student.Token, ask).WantProblem(t, http.StatusUnprocessableEntity, "remediation-required")

	// Externship text is cleaned like any other.
	d := c.request(t, c.students[0], "suture-removal")
	c.env.Post(t, "/v1/attempts/"+d.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, d), "setting": "clinical-site", "attest": true, "preceptor": "Pat\u202ePreceptor",
	}).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
}
