package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"skillbook/auth/authtest"
	"skillbook/clock"
	"skillbook/handlers"
	"skillbook/handlers/apitest"
	"skillbook/models"
)

const classPIN = "482913"

// setPIN sets u's signing PIN.
func (c *class) setPIN(t *testing.T, u apitest.User, pin string) {
	t.Helper()
	c.env.Do(t, apitest.Request{Method: http.MethodPut, Path: "/v1/me/signing-pin", Token: u.Token, Body: map[string]any{"pin": pin}}).
		WantStatus(t, http.StatusNoContent)
}

// signWithPIN has student's session grade attempt a with the
// instructor's PIN.
func (c *class) signWithPIN(t *testing.T, student apitest.User, a models.Attempt, pin string, header map[string]string, failed ...string) apitest.Response {
	t.Helper()
	return c.env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/attempts/" + a.ID + "/evaluations", Token: student.Token, Header: header,
		Body: map[string]any{"steps": c.grades(t, a, failed...), "setting": "skills-lab", "attest": true,
			"signer": map[string]any{"instructorId": c.instructor.ID, "pin": pin}}})
}

// feedOf is u's feed items of category.
func (c *class) feedOf(t *testing.T, u apitest.User, category string) []models.FeedItem {
	t.Helper()
	var feed models.List[models.FeedItem]
	c.env.Get(t, "/v1/me/notifications?limit=100", u.Token).WantStatus(t, http.StatusOK).JSON(t, &feed)
	var out []models.FeedItem
	for _, n := range feed.Items {
		if n.Category == category {
			out = append(out, n)
		}
	}
	return out
}

// skillStatus is student's status at checklistID on their dashboard.
func (c *class) skillStatus(t *testing.T, student apitest.User, checklistID string) models.SkillStatus {
	t.Helper()
	var p models.StudentProgress
	c.env.Get(t, "/v1/me/progress", student.Token).WantStatus(t, http.StatusOK).JSON(t, &p)
	for _, s := range p.Skills {
		if s.ChecklistID == checklistID {
			return s.Status
		}
	}
	t.Fatalf("progress has no %s", checklistID)
	return ""
}

// TestPINSignOffReachesTheInstructorAndCanBeVoided, against the real auth
// emulator: a PIN sign-off lands in the instructor's own feed with the
// student, skill, outcome and steps; the instructor voids it from their
// session (a signed amendment of kind void); the pass stops counting and
// the student requests again. Nobody else may void it, nor twice.
func TestPINSignOffReachesTheInstructorAndCanBeVoided(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaVitalSigns)
	student := c.students[0]
	other := c.env.NewUser(t, c.program.ID, models.RoleInstructor, func(u *models.User) { u.CohortIDs = []string{c.cohort.ID} })
	c.setPIN(t, c.instructor, classPIN)
	a := c.request(t, student, "pulse-oximetry")
	var signed models.Attempt
	c.signWithPIN(t, student, a, classPIN, nil).WantStatus(t, http.StatusCreated).JSON(t, &signed)
	if signed.Status != models.StatusPassed || signed.Evaluation.Signature == nil || signed.Evaluation.Signature.Method != models.SignedWithPIN {
		t.Fatalf("PIN sign-off = %+v; want passed, signed by PIN", signed)
	}

	notes := c.feedOf(t, c.instructor, models.CategoryPINSignOffs)
	if len(notes) != 1 {
		t.Fatalf("instructor's pin-sign-offs feed = %+v; want one entry", notes)
	}
	steps := len(signed.Evaluation.Steps)
	for _, part := range []string{student.Name, a.ChecklistTitle, "passed", "of " + strconv.Itoa(steps) + " steps passed"} {
		if !strings.Contains(notes[0].Body, part) {
			t.Errorf("notice %q; want it to say %q", notes[0].Body, part)
		}
	}
	if notes[0].Data["attemptId"] != a.ID {
		t.Errorf("notice data = %v; want the attempt", notes[0].Data)
	}
	if got := c.feedOf(t, student, models.CategoryPINSignOffs); len(got) != 0 {
		t.Errorf("student's feed has %d pin-sign-offs entries; want none", len(got))
	}
	if st := c.skillStatus(t, student, "pulse-oximetry"); st != models.SkillCompetent {
		t.Fatalf("status after the sign-off = %s; want competent", st)
	}

	void := func(u apitest.User, body map[string]any) apitest.Response {
		return c.env.Post(t, "/v1/attempts/"+a.ID+"/void", u.Token, body)
	}
	reason := map[string]any{"reason": "Not made by me", "attest": true}
	void(other, reason).WantProblem(t, http.StatusForbidden, "not-your-pin-sign-off")
	void(student, reason).WantProblem(t, http.StatusForbidden, "forbidden")
	void(c.admin, reason).WantProblem(t, http.StatusForbidden, "forbidden")
	void(c.instructor, map[string]any{"reason": "Not made by me"}).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")

	var voided models.Attempt
	void(c.instructor, reason).WantStatus(t, http.StatusCreated).JSON(t, &voided)
	if voided.Status != models.StatusVoided || len(voided.Amendments) != 1 || voided.Amendments[0].Kind != models.AmendVoid ||
		voided.Amendments[0].Signature.SignerID != c.instructor.ID || voided.Evaluation.Outcome != models.OutcomePassed {
		t.Fatalf("void = %+v; want voided, with a void amendment signed by the instructor, the evaluation kept", voided)
	}
	void(c.instructor, reason).WantProblem(t, http.StatusConflict, "conflict")
	var v models.Verification
	c.env.Get(t, "/v1/attempts/"+a.ID+"/verification", student.Token).WantStatus(t, http.StatusOK).JSON(t, &v)
	if !v.Intact || len(v.Amendments) != 1 {
		t.Errorf("verification = %+v; want intact with the void", v)
	}
	if st := c.skillStatus(t, student, "pulse-oximetry"); st == models.SkillCompetent {
		t.Errorf("status after the void = %s; want no longer competent", st)
	}
	if got := c.feedOf(t, student, models.CategoryEvaluationResults); len(got) < 2 || got[0].Title != "Evaluation voided" {
		t.Errorf("student's results feed = %+v; want the void first", got)
	}
	c.request(t, student, "pulse-oximetry")
}

// TestVoidWindow: the program's window (admins set it) bounds the void;
// after it the instructor is told to amend instead.
func TestVoidWindow(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	c := newClassIn(t, apitest.NewWithClock(t, clk), 2, models.AreaVitalSigns)
	c.setPIN(t, c.instructor, classPIN)

	var s struct {
		PINVoidWindowHours int `json:"pinVoidWindowHours"`
	}
	c.env.Get(t, "/v1/program/settings", c.instructor.Token).WantStatus(t, http.StatusOK).JSON(t, &s)
	if s.PINVoidWindowHours != 24 {
		t.Fatalf("settings = %+v; want the default 24 hours", s)
	}
	patch := func(u apitest.User, hours any) apitest.Response {
		return c.env.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/v1/program/settings", Token: u.Token, Body: map[string]any{"pinVoidWindowHours": hours}})
	}
	patch(c.instructor, 48).WantProblem(t, http.StatusForbidden, "forbidden")
	if p := patch(c.admin, 169).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed"); len(p.Errors) != 1 || p.Errors[0].Field != "body.pinVoidWindowHours" {
		t.Errorf("too long a window = %+v; want the field named", p)
	}
	patch(c.admin, "a day").WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	patch(c.admin, 2).WantStatus(t, http.StatusOK).JSON(t, &s)
	if s.PINVoidWindowHours != 2 {
		t.Fatalf("settings after the change = %+v; want 2 hours", s)
	}

	late := c.request(t, c.students[0], "pulse-oximetry")
	c.signWithPIN(t, c.students[0], late, classPIN, nil).WantStatus(t, http.StatusCreated)
	inTime := c.request(t, c.students[1], "pulse-oximetry")
	clk.Advance(time.Hour)
	c.signWithPIN(t, c.students[1], inTime, classPIN, nil).WantStatus(t, http.StatusCreated)
	clk.Advance(90 * time.Minute)
	reason := map[string]any{"reason": "Not me", "attest": true}
	p := c.env.Post(t, "/v1/attempts/"+late.ID+"/void", c.instructor.Token, reason).WantProblem(t, http.StatusUnprocessableEntity, "void-window-passed")
	if !strings.Contains(p.Detail, "2 hours") {
		t.Errorf("detail %q; want it to name the window", p.Detail)
	}
	c.env.Post(t, "/v1/attempts/"+inTime.ID+"/void", c.instructor.Token, reason).WantStatus(t, http.StatusCreated)
}

// TestPINSignOffChecksTheAccount, against the real auth emulator: a
// disabled instructor's PIN is refused, as is one set before their
// sessions were revoked, until they sign in again and set a new one.
func TestPINSignOffChecksTheAccount(t *testing.T) {
	t.Parallel()
	c := newClass(t, 2, models.AreaVitalSigns)
	c.setPIN(t, c.instructor, classPIN)

	a := c.request(t, c.students[0], "pulse-oximetry")
	c.env.Revoke(t, c.instructor)
	c.signWithPIN(t, c.students[0], a, classPIN, nil).WantProblem(t, http.StatusForbidden, "signing-pin-revoked")
	c.instructor.Token = authtest.SignIn(t, c.instructor.Email)
	c.setPIN(t, c.instructor, classPIN)
	c.signWithPIN(t, c.students[0], a, classPIN, nil).WantStatus(t, http.StatusCreated)

	b := c.request(t, c.students[1], "pulse-oximetry")
	c.env.Disable(t, c.instructor)
	c.signWithPIN(t, c.students[1], b, classPIN, nil).WantProblem(t, http.StatusForbidden, "instructor-account-disabled")
}

// TestSkillbookDeviceHeader: the header names the device for the
// per-device limit; a malformed one is a validation problem naming it.
func TestSkillbookDeviceHeader(t *testing.T) {
	t.Parallel()
	c := newClassIn(t, apitest.New(t), 1, models.AreaVitalSigns)
	c.setPIN(t, c.instructor, classPIN)
	a := c.request(t, c.students[0], "pulse-oximetry")
	p := c.signWithPIN(t, c.students[0], a, classPIN, map[string]string{"Skillbook-Device": "not a device"}).
		WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	if len(p.Errors) != 1 || p.Errors[0].Field != "header.Skillbook-Device" {
		t.Errorf("problem = %+v; want the header named", p)
	}
	c.signWithPIN(t, c.students[0], a, classPIN, map[string]string{"Skillbook-Device": "app-3f2a9c"}).WantStatus(t, http.StatusCreated)
}

// TestSkillbookDeviceHeaderPassesCORS: a browser app may send the header.
func TestSkillbookDeviceHeaderPassesCORS(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, func(d *handlers.Deps) { d.CORSOrigins = []string{"https://app.skillbook.test"} })
	r := env.Do(t, apitest.Request{Method: http.MethodOptions, Path: "/v1/attempts/x/evaluations", Header: map[string]string{
		"Origin": "https://app.skillbook.test", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "skillbook-device"}})
	if got := r.Header.Get("Access-Control-Allow-Headers"); !strings.Contains(strings.ToLower(got), "skillbook-device") {
		t.Errorf("preflight Access-Control-Allow-Headers = %q; want Skillbook-Device allowed", got)
	}
}
