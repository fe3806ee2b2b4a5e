package handlers_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// TestEndToEndResponsesMatchTheDocument runs the whole flow against the
// real auth emulator, across the API's resources: every response is
// checked against /openapi.json as it arrives (apitest.NewE2E), errors
// included.
func TestEndToEndResponsesMatchTheDocument(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaVitalSigns)
	env, student, teacher, admin := c.env, c.students[0], c.instructor, c.admin
	get := func(path, token string, status int) apitest.Response {
		t.Helper()
		return env.Get(t, path, token).WantStatus(t, status)
	}
	for _, p := range []string{"/healthz", "/readyz", "/.well-known/skillbook-keys.json"} {
		get(p, "", http.StatusOK)
	}
	for _, u := range []apitest.User{student, teacher, admin} {
		get("/v1/me", u.Token, http.StatusOK)
	}
	get("/v1/checklists?area=vital-signs", student.Token, http.StatusOK)
	get("/v1/checklists/bp-manual", student.Token, http.StatusOK)
	get("/v1/checklists/bp-manual/versions", student.Token, http.StatusOK)
	get("/v1/me/skills", student.Token, http.StatusOK)
	get("/v1/me/instructors", student.Token, http.StatusOK)
	get("/v1/me/assignments", student.Token, http.StatusOK)
	get("/v1/assignments?cohortId="+c.cohort.ID, teacher.Token, http.StatusOK)
	// Assigning again finds what is there: 200.
	env.Post(t, "/v1/assignments", admin.Token, map[string]any{"cohortId": c.cohort.ID, "checklistId": "bp-manual"}).WantStatus(t, http.StatusOK)

	// Practice (and its retry), a failed evaluation, a passed one, an amendment.
	id := uuid.Must(uuid.NewV7()).String()
	practice := map[string]any{"id": id, "checklistId": "bp-manual", "kind": "practice", "note": "Open lab"}
	env.Post(t, "/v1/attempts", student.Token, practice).WantStatus(t, http.StatusCreated)
	env.Post(t, "/v1/attempts", student.Token, practice).WantStatus(t, http.StatusOK)
	first := c.request(t, student, "bp-manual")
	get("/v1/queue", teacher.Token, http.StatusOK)
	env.Post(t, "/v1/attempts/"+first.ID+"/evaluations", teacher.Token, map[string]any{
		"steps": c.grades(t, first, firstCritical(t, c, first)), "setting": "skills-lab"}).WantStatus(t, http.StatusCreated)
	second := c.request(t, student, "bp-manual")
	var passed models.Attempt
	env.Post(t, "/v1/attempts/"+second.ID+"/evaluations", teacher.Token, map[string]any{
		"steps": c.grades(t, second), "setting": "clinical-site", "attest": true}).WantStatus(t, http.StatusCreated).JSON(t, &passed)
	byEval := get("/v1/evaluations/"+passed.Evaluation.ID, teacher.Token, http.StatusOK)
	env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/evaluations/" + passed.Evaluation.ID + "/amendments", Token: teacher.Token,
		Body:   map[string]any{"reason": "Wrong setting recorded", "correction": "Observed in the skills lab.", "attest": true},
		Header: map[string]string{"If-Match": byEval.Header.Get("ETag")}}).WantStatus(t, http.StatusCreated)
	get("/v1/attempts/"+passed.ID, student.Token, http.StatusOK)
	get("/v1/attempts/"+passed.ID+"/verification", student.Token, http.StatusOK)
	get("/v1/me/attempts?limit=2", student.Token, http.StatusOK)
	get(fmt.Sprintf("/v1/students/%s/attempts?status=passed&from=2000-01-01", student.ID), teacher.Token, http.StatusOK)

	// Remediation by the student's instructor, progress, procedures.
	env.Post(t, "/v1/students/"+student.ID+"/remediations", teacher.Token, map[string]any{"checklistId": "bp-manual", "plan": "One more supervised session."}).
		WantStatus(t, http.StatusCreated)
	get("/v1/students/"+student.ID+"/remediations", student.Token, http.StatusOK)
	get("/v1/me/progress", student.Token, http.StatusOK)
	get("/v1/students/"+student.ID+"/progress", teacher.Token, http.StatusOK)
	get("/v1/cohorts/"+c.cohort.ID+"/progress", teacher.Token, http.StatusOK)
	var proc models.Procedure
	env.Post(t, "/v1/procedures", student.Token, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"}).
		WantStatus(t, http.StatusCreated).JSON(t, &proc)
	env.Post(t, "/v1/procedures/"+proc.ID+"/confirm", teacher.Token, nil).WantStatus(t, http.StatusOK)
	get("/v1/procedures", teacher.Token, http.StatusOK)

	// People, cohorts, notifications, the audit trail, exports.
	get("/v1/users?role=student", admin.Token, http.StatusOK)
	get("/v1/users/"+student.ID, teacher.Token, http.StatusOK)
	get("/v1/cohorts", teacher.Token, http.StatusOK)
	get("/v1/cohorts/"+c.cohort.ID, admin.Token, http.StatusOK)
	get("/v1/me/notifications", student.Token, http.StatusOK)
	get("/v1/me/notification-preferences", student.Token, http.StatusOK)
	env.Post(t, "/v1/me/devices", student.Token, map[string]any{"token": "fcm-" + id, "platform": "android"}).WantStatus(t, http.StatusCreated)
	env.Post(t, "/v1/me/devices", student.Token, map[string]any{"token": "fcm-" + id, "platform": "android"}).WantStatus(t, http.StatusOK)
	get("/v1/audit", admin.Token, http.StatusOK)
	get("/v1/program/settings", admin.Token, http.StatusOK)
	get("/v1/students/"+student.ID+"/transcript.pdf", student.Token, http.StatusOK)
	get("/v1/cohorts/"+c.cohort.ID+"/matrix.csv", teacher.Token, http.StatusOK)

	// Problems are documented too.
	env.Get(t, "/v1/attempts/"+uuid.Must(uuid.NewV7()).String(), student.Token).WantProblem(t, http.StatusNotFound, "not-found")
	env.Get(t, "/v1/me/attempts?cursor=zzzz", student.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	env.Get(t, "/v1/audit", student.Token).WantProblem(t, http.StatusForbidden, "forbidden")
	env.Get(t, "/v1/me", "").WantProblem(t, http.StatusUnauthorized, "unauthenticated")
	env.Post(t, "/v1/attempts", student.Token, "{").WantProblem(t, http.StatusBadRequest, "malformed-request")
}
