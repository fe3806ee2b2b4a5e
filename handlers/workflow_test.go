package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
	"skillbook/store/storetest"
)

// class is a program with one cohort, its instructor, an admin and
// students, with an area assigned to the cohort.
type class struct {
	env        *apitest.Env
	program    models.Program
	cohort     models.Cohort
	admin      apitest.User
	instructor apitest.User
	students   []apitest.User
}

func newClass(t *testing.T, students int, area models.Area) *class {
	t.Helper()
	return newClassIn(t, apitest.NewE2E(t), students, area)
}

// newClassIn is newClass on env.
func newClassIn(t *testing.T, env *apitest.Env, students int, area models.Area) *class {
	t.Helper()
	c := &class{env: env, program: env.Program(t)}
	var err error
	c.cohort, err = env.Store.CreateCohort(context.Background(), models.SystemActor,
		models.Cohort{ProgramID: c.program.ID, Name: "Fall 2026", StartDate: "2026-09-01"})
	if err != nil {
		t.Fatal(err)
	}
	inCohort := func(u *models.User) { u.CohortIDs = []string{c.cohort.ID} }
	c.admin = env.NewUser(t, c.program.ID, models.RoleAdmin)
	c.instructor = env.NewUser(t, c.program.ID, models.RoleInstructor, inCohort)
	for range students {
		c.students = append(c.students, env.NewUser(t, c.program.ID, models.RoleStudent, inCohort))
	}
	env.Post(t, "/v1/assignments", c.admin.Token, map[string]any{"cohortId": c.cohort.ID, "area": area}).
		WantStatus(t, http.StatusCreated)
	return c
}

// request asks for an evaluation of checklistID as student.
func (c *class) request(t *testing.T, student apitest.User, checklistID string) models.Attempt {
	t.Helper()
	var a models.Attempt
	c.env.Post(t, "/v1/attempts", student.Token, map[string]any{"checklistId": checklistID, "kind": "evaluation"}).
		WantStatus(t, http.StatusCreated).JSON(t, &a)
	return a
}

// grades passes every step of the attempt's checklist except those in
// failed, which fail with a comment.
func (c *class) grades(t *testing.T, a models.Attempt, failed ...string) []models.StepGrade {
	t.Helper()
	cl, err := c.env.Store.Checklist(context.Background(), c.program.ID, a.ChecklistID, a.ChecklistVersion)
	if err != nil {
		t.Fatal(err)
	}
	var out []models.StepGrade
	for _, s := range cl.Steps {
		g := models.StepGrade{StepID: s.ID, Result: models.StepPass}
		for _, f := range failed {
			if f == s.ID {
				g = models.StepGrade{StepID: s.ID, Result: models.StepFail, Comment: "Missed: " + s.Text}
			}
		}
		out = append(out, g)
	}
	return out
}

func firstCritical(t *testing.T, c *class, a models.Attempt) string {
	t.Helper()
	cl, err := c.env.Store.Checklist(context.Background(), c.program.ID, a.ChecklistID, a.ChecklistVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range cl.Steps {
		if s.Critical {
			return s.ID
		}
	}
	t.Fatalf("%s has no critical step", a.ChecklistID)
	return ""
}

func TestEvaluationFailThenPassAndSign(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaMedication)
	student := c.students[0]
	env := c.env

	first := c.request(t, student, "intramuscular-injection")
	if first.Status != models.StatusRequested || first.ChecklistVersion != 1 {
		t.Fatalf("request = %+v", first)
	}

	var queue models.List[struct {
		Attempt models.Attempt   `json:"attempt"`
		History []map[string]any `json:"history"`
	}]
	env.Get(t, "/v1/queue", c.instructor.Token).WantStatus(t, http.StatusOK).JSON(t, &queue)
	if len(queue.Items) != 1 || queue.Items[0].Attempt.ID != first.ID {
		t.Fatalf("queue = %+v; want the one request", queue)
	}

	// A failed critical step fails the attempt even though every other step passed.
	critical := firstCritical(t, c, first)
	var failed models.Attempt
	env.Post(t, "/v1/attempts/"+first.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, first, critical), "setting": "skills-lab", "comment": "Review patient identification.", "attest": true,
	}).WantStatus(t, http.StatusCreated).JSON(t, &failed)
	if failed.Status != models.StatusFailed || failed.Evaluation.Outcome != models.OutcomeFailed ||
		failed.Evaluation.Score < 90 || len(failed.Evaluation.FailedCritical) != 1 || failed.Evaluation.Signature == nil ||
		failed.Evaluation.Signature.Meaning != models.FailureMeaning || failed.Evaluation.Signature.KeyID != env.Key.KeyID() {
		t.Fatalf("failed evaluation = %+v; want failed and signed with the failure meaning", failed.Evaluation)
	}
	// A failure drives attempt limits and remediation: it is signed and
	// verifies like a pass.
	var failedCheck models.Verification
	env.Get(t, "/v1/attempts/"+first.ID+"/verification", student.Token).WantStatus(t, http.StatusOK).JSON(t, &failedCheck)
	if !failedCheck.Signed || !failedCheck.Intact || !failedCheck.Evaluation.SignatureValid {
		t.Fatalf("verification of the failure = %+v; want signed and intact", failedCheck)
	}

	second := c.request(t, student, "intramuscular-injection")
	env.Get(t, "/v1/queue", c.instructor.Token).WantStatus(t, http.StatusOK).JSON(t, &queue)
	if len(queue.Items) != 1 || len(queue.Items[0].History) != 1 || queue.Items[0].History[0]["status"] != "failed" {
		t.Fatalf("queue after re-request = %+v; want the new request with the failed one in its history", queue)
	}

	// A pass without the attestation flag is not recorded.
	env.Post(t, "/v1/attempts/"+second.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, second), "setting": "clinical-site",
	}).WantProblem(t, http.StatusUnprocessableEntity, "attestation-required")

	var signed models.Attempt
	env.Post(t, "/v1/attempts/"+second.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, second), "setting": "clinical-site", "attest": true,
	}).WantStatus(t, http.StatusCreated).JSON(t, &signed)
	sig := signed.Evaluation.Signature
	if signed.Status != models.StatusPassed || sig == nil || sig.SignerID != c.instructor.ID ||
		sig.SignerCredential != "CMA (AAMA)" || sig.Method != models.SignedInSession || len(sig.Digest) != 64 {
		t.Fatalf("signed evaluation = %+v, signature %+v", signed.Evaluation, sig)
	}

	// Signed means final: evaluating again is a conflict.
	env.Post(t, "/v1/attempts/"+second.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, second, critical), "setting": "clinical-site", "comment": "x",
	}).WantProblem(t, http.StatusConflict, "conflict")

	// A correction is an amendment; the evaluation stays as signed. It
	// names the version it corrects (If-Match, required), so a retry of an
	// amendment already recorded is refused instead of amending twice.
	var amended models.Attempt
	amend := func(ifMatch string) apitest.Response {
		req := apitest.Request{Method: http.MethodPost, Path: "/v1/evaluations/" + signed.Evaluation.ID + "/amendments", Token: c.instructor.Token,
			Body: map[string]any{"reason": "Wrong setting recorded", "correction": "Observed in the skills lab, not at the clinical site.", "attest": true}}
		if ifMatch != "" {
			req.Header = map[string]string{"If-Match": ifMatch}
		}
		return env.Do(t, req)
	}
	amend("").WantProblem(t, http.StatusPreconditionRequired, "precondition-required")
	amend("*").WantProblem(t, http.StatusPreconditionRequired, "precondition-required")
	etag := fmt.Sprintf(`"%d"`, signed.Version)
	amend(etag).WantStatus(t, http.StatusCreated).JSON(t, &amended)
	amend(etag).WantProblem(t, http.StatusPreconditionFailed, "precondition-failed")
	if len(amended.Amendments) != 1 || amended.Evaluation.Signature.Digest != sig.Digest || amended.Evaluation.Setting != models.SettingClinicalSite {
		t.Fatalf("amended = %+v", amended)
	}
	var check struct {
		Intact     bool             `json:"intact"`
		Signed     bool             `json:"signed"`
		Amendments []map[string]any `json:"amendments"`
	}
	env.Get(t, "/v1/attempts/"+second.ID+"/verification", student.Token).WantStatus(t, http.StatusOK).JSON(t, &check)
	if !check.Intact || !check.Signed || len(check.Amendments) != 1 {
		t.Errorf("verification = %+v; want intact, signed, one amendment", check)
	}

	// The student's assignments and progress show the skill competent, with
	// the evaluator's name and credential.
	var mine models.List[models.SkillProgress]
	env.Get(t, "/v1/me/assignments?limit=200", student.Token).WantStatus(t, http.StatusOK).JSON(t, &mine)
	var progress models.StudentProgress
	env.Get(t, "/v1/me/progress", student.Token).WantStatus(t, http.StatusOK).JSON(t, &progress)
	for name, skills := range map[string][]models.SkillProgress{"assignments": mine.Items, "progress": progress.Skills} {
		found := false
		for _, sk := range skills {
			if sk.ChecklistID != "intramuscular-injection" {
				continue
			}
			found = true
			if sk.Status != models.SkillCompetent || sk.EvaluatorCredential != "CMA (AAMA)" || sk.Evaluator != c.instructor.Name || sk.CompetentAt == nil {
				t.Errorf("%s: intramuscular-injection = %+v; want competent, signed by %s, CMA (AAMA)", name, sk, c.instructor.Name)
			}
		}
		if !found {
			t.Errorf("%s: no intramuscular-injection among %d skills", name, len(skills))
		}
	}
	if len(mine.Items) < 8 {
		t.Errorf("the medication-administration area assigned %d checklists; want all of them (8)", len(mine.Items))
	}

	// Competent now: no further request.
	env.Post(t, "/v1/attempts", student.Token, map[string]any{"checklistId": "intramuscular-injection", "kind": "evaluation"}).
		WantProblem(t, http.StatusUnprocessableEntity, "already-competent")

	// The trail has every step, attributed.
	var trail models.List[models.Event]
	env.Get(t, "/v1/audit?studentId="+student.ID+"&limit=200", c.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &trail)
	want := map[models.EventType]bool{"evaluation.requested": false, "evaluation.failed": false, "evaluation.signed": false, "evaluation.amended": false}
	for _, e := range trail.Items {
		if _, ok := want[e.Type]; ok {
			want[e.Type] = true
		}
	}
	for typ, seen := range want {
		if !seen {
			t.Errorf("audit trail has no %s entry", typ)
		}
	}
}

func TestConcurrentSignOffsExactlyOneWins(t *testing.T) {
	t.Parallel()
	if !storetest.EngineAtomic(t) {
		return
	}
	c := newClass(t, 1, models.AreaVitalSigns)
	a := c.request(t, c.students[0], "bp-manual")
	body := map[string]any{"steps": c.grades(t, a), "setting": "skills-lab", "attest": true}

	const n = 20
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			statuses[i] = c.env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", c.instructor.Token, body).Status
		})
	}
	wg.Wait()
	wins := 0
	for _, s := range statuses {
		switch s {
		case http.StatusCreated:
			wins++
		case http.StatusConflict:
		default:
			t.Errorf("a concurrent sign-off answered %d; want 201 or 409", s)
		}
	}
	if wins != 1 {
		t.Fatalf("%d sign-offs succeeded; want exactly 1 (statuses %v)", wins, statuses)
	}
}

func TestIdempotencyKeyCreatesOneAttempt(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaVitalSigns)
	student := c.students[0]
	body := map[string]any{"checklistId": "bp-manual", "kind": "evaluation"}
	key := map[string]string{"Idempotency-Key": "retry-" + student.ID}

	const n = 20
	results := make([]apitest.Response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i] = c.env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/attempts", Token: student.Token, Body: body, Header: key})
		})
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, r := range results {
		switch r.Status {
		case http.StatusCreated:
			var a models.Attempt
			r.JSON(t, &a)
			ids[a.ID] = true
		case http.StatusConflict: // the first run was still in progress
		default:
			t.Errorf("retry answered %d: %s", r.Status, r.Body)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("retries produced %d distinct attempts; want 1", len(ids))
	}
	attempts, err := c.env.Store.SkillAttempts(context.Background(), c.program.ID, []models.StudentSkill{{StudentID: student.ID, ChecklistID: "bp-manual"}})
	if err != nil || len(attempts) != 1 {
		t.Fatalf("stored attempts = %d (%v); want 1", len(attempts), err)
	}

	// A later retry replays the stored response.
	r := c.env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/attempts", Token: student.Token, Body: body, Header: key}).
		WantStatus(t, http.StatusCreated)
	if r.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("a retry after completion was not a replay")
	}
	// The same key with another body is refused.
	c.env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/attempts", Token: student.Token,
		Body: map[string]any{"checklistId": "apical-pulse", "kind": "evaluation"}, Header: key}).
		WantProblem(t, http.StatusUnprocessableEntity, "idempotency-key-reused")
}

func TestClientChosenAttemptIDMakesRetriesSafe(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaVitalSigns)
	id := "0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f"
	body := map[string]any{"id": id, "checklistId": "pulse-oximetry", "kind": "practice",
		"steps": []map[string]any{}}
	c.env.Post(t, "/v1/attempts", c.students[0].Token, body).WantStatus(t, http.StatusCreated)
	c.env.Post(t, "/v1/attempts", c.students[0].Token, body).WantStatus(t, http.StatusOK)
	attempts, err := c.env.Store.SkillAttempts(context.Background(), c.program.ID, []models.StudentSkill{{StudentID: c.students[0].ID, ChecklistID: "pulse-oximetry"}})
	if err != nil || len(attempts) != 1 {
		t.Fatalf("stored attempts = %d (%v); want 1", len(attempts), err)
	}
}

func TestRequestRules(t *testing.T) {
	t.Parallel()
	c := newClass(t, 2, models.AreaSterilization)
	student := c.students[0]

	// Hand washing asks for two logged practices first.
	p := c.env.Post(t, "/v1/attempts", student.Token, map[string]any{"checklistId": "hand-washing", "kind": "evaluation"}).
		WantProblem(t, http.StatusUnprocessableEntity, "practice-required")
	if p.Detail == "" || !containsAll(p.Detail, "2 more", "0 of 2") {
		t.Errorf("practice-required detail = %q; want it to say how many are missing", p.Detail)
	}
	for range 2 {
		c.env.Post(t, "/v1/attempts", student.Token, map[string]any{"checklistId": "hand-washing", "kind": "practice"}).
			WantStatus(t, http.StatusCreated)
	}
	c.request(t, student, "hand-washing")
	// One open request per skill.
	c.env.Post(t, "/v1/attempts", student.Token, map[string]any{"checklistId": "hand-washing", "kind": "evaluation"}).
		WantProblem(t, http.StatusConflict, "conflict")

	// Not assigned: refused.
	c.env.Post(t, "/v1/attempts", student.Token, map[string]any{"checklistId": "bp-manual", "kind": "evaluation"}).
		WantProblem(t, http.StatusUnprocessableEntity, "not-assigned")
	// Instructors and admins do not create attempts.
	c.env.Post(t, "/v1/attempts", c.instructor.Token, map[string]any{"checklistId": "hand-washing", "kind": "practice"}).
		WantProblem(t, http.StatusForbidden, "forbidden")
	// Another student cannot read the attempt; the instructor can.
	a := c.request(t, c.students[1], "instrument-wrapping")
	c.env.Get(t, "/v1/attempts/"+a.ID, student.Token).WantProblem(t, http.StatusForbidden, "forbidden")
	c.env.Get(t, "/v1/attempts/"+a.ID, c.instructor.Token).WantStatus(t, http.StatusOK)
}

func TestGradingRuleTable(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaVitalSigns)
	a := c.request(t, c.students[0], "bp-manual")
	cl, err := c.env.Store.Checklist(context.Background(), c.program.ID, a.ChecklistID, a.ChecklistVersion)
	if err != nil {
		t.Fatal(err)
	}
	var nonCritical []string
	for _, s := range cl.Steps {
		if !s.Critical {
			nonCritical = append(nonCritical, s.ID)
		}
	}
	g := cl.Grading.Apply(c.program.Grading)
	tests := []struct {
		name   string
		grades func() []models.StepGrade
		slug   string
	}{
		{"missing step", func() []models.StepGrade { return c.grades(t, a)[1:] }, "validation-failed"},
		{"unknown step", func() []models.StepGrade {
			return append(c.grades(t, a), models.StepGrade{StepID: "nope", Result: models.StepPass})
		}, "validation-failed"},
		{"failed without comment", func() []models.StepGrade {
			gs := c.grades(t, a)
			gs[0] = models.StepGrade{StepID: gs[0].StepID, Result: models.StepFail}
			return gs
		}, "validation-failed"},
		{"graded twice", func() []models.StepGrade { gs := c.grades(t, a); return append(gs, gs[0]) }, "validation-failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", c.instructor.Token, map[string]any{
				"steps": tt.grades(), "setting": "skills-lab", "attest": true,
			}).WantProblem(t, http.StatusUnprocessableEntity, tt.slug)
		})
	}
	// Failing enough non-critical steps to fall under the minimum score fails too.
	applicable := len(cl.Steps)
	need := applicable - applicable*g.MinScore/100 + 1
	if need > len(nonCritical) {
		t.Fatalf("bp-manual has too few non-critical steps for this test")
	}
	var out models.Attempt
	c.env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, a, nonCritical[:need]...), "setting": "skills-lab", "attest": true,
	}).WantStatus(t, http.StatusCreated).JSON(t, &out)
	if out.Evaluation.Outcome != models.OutcomeFailed || out.Evaluation.Score >= g.MinScore || len(out.Evaluation.FailedCritical) != 0 {
		t.Errorf("below-minimum evaluation = score %d outcome %s; want failed under %d", out.Evaluation.Score, out.Evaluation.Outcome, g.MinScore)
	}
}

func TestPINSigningOnStudentDevice(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaVitalSigns)
	student := c.students[0]
	a := c.request(t, student, "pulse-oximetry")
	grade := func(pin string) apitest.Response {
		return c.env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", student.Token, map[string]any{
			"steps": c.grades(t, a), "setting": "skills-lab", "attest": true,
			"signer": map[string]any{"instructorId": c.instructor.ID, "pin": pin},
		})
	}
	grade("482913").WantProblem(t, http.StatusUnprocessableEntity, "signing-pin-not-set")
	c.env.Do(t, apitest.Request{Method: http.MethodPut, Path: "/v1/me/signing-pin", Token: c.instructor.Token, Body: map[string]any{"pin": "123456"}}).
		WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	c.env.Do(t, apitest.Request{Method: http.MethodPut, Path: "/v1/me/signing-pin", Token: student.Token, Body: map[string]any{"pin": "482913"}}).
		WantProblem(t, http.StatusForbidden, "forbidden")
	c.env.Do(t, apitest.Request{Method: http.MethodPut, Path: "/v1/me/signing-pin", Token: c.instructor.Token, Body: map[string]any{"pin": "482913"}}).
		WantStatus(t, http.StatusNoContent)

	// Without a signer the student cannot grade their own attempt.
	c.env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", student.Token, map[string]any{
		"steps": c.grades(t, a), "setting": "skills-lab", "attest": true,
	}).WantProblem(t, http.StatusForbidden, "forbidden")

	grade("000001").WantProblem(t, http.StatusForbidden, "signing-pin-rejected")
	var signed models.Attempt
	grade("482913").WantStatus(t, http.StatusCreated).JSON(t, &signed)
	if sig := signed.Evaluation.Signature; sig == nil || sig.Method != models.SignedWithPIN || sig.SignerID != c.instructor.ID {
		t.Fatalf("signature = %+v; want the instructor's, by PIN", signed.Evaluation.Signature)
	}

	// Five wrong tries lock the PIN, even for the right PIN afterwards.
	b := c.request(t, student, "temperature-oral")
	gradeB := func(pin string) apitest.Response {
		return c.env.Post(t, "/v1/attempts/"+b.ID+"/evaluations", student.Token, map[string]any{
			"steps": c.grades(t, b), "setting": "skills-lab", "attest": true,
			"signer": map[string]any{"instructorId": c.instructor.ID, "pin": pin},
		})
	}
	for i := range 5 {
		gradeB(fmt.Sprintf("97531%d", i)).WantProblem(t, http.StatusForbidden, "signing-pin-rejected")
	}
	gradeB("482913").WantProblem(t, http.StatusForbidden, "signing-pin-locked")
	// Setting a new PIN unlocks.
	c.env.Do(t, apitest.Request{Method: http.MethodPut, Path: "/v1/me/signing-pin", Token: c.instructor.Token, Body: map[string]any{"pin": "559120"}}).
		WantStatus(t, http.StatusNoContent)
	gradeB("559120").WantStatus(t, http.StatusCreated)

	var trail models.List[models.Event]
	c.env.Get(t, "/v1/audit?subjectId="+c.instructor.ID+"&limit=200", c.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &trail)
	tries := 0
	for _, e := range trail.Items {
		switch e.Type {
		case "user.signing-pin-accepted", "user.signing-pin-rejected", "user.signing-pin-locked":
			tries++
		}
	}
	if tries != 9 {
		t.Errorf("audited PIN tries = %d; want 9 (1 wrong, 1 right, 5 wrong, 1 locked, 1 right)", tries)
	}
}

func TestRemediationAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaWoundCare)
	student := c.students[0]
	for range 3 {
		a := c.request(t, student, "staple-removal")
		c.env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", c.instructor.Token, map[string]any{
			"steps": c.grades(t, a, firstCritical(t, c, a)), "setting": "skills-lab",
		}).WantStatus(t, http.StatusCreated)
	}
	c.env.Post(t, "/v1/attempts", student.Token, map[string]any{"checklistId": "staple-removal", "kind": "evaluation"}).
		WantProblem(t, http.StatusUnprocessableEntity, "remediation-required")
	// Only admins and the student's own instructors plan remediation (the
	// authorization matrix has every case); here the admin does.
	idle := c.env.NewUser(t, c.program.ID, models.RoleInstructor)
	c.env.Post(t, "/v1/students/"+student.ID+"/remediations", idle.Token, map[string]any{"checklistId": "staple-removal", "plan": "x"}).
		WantProblem(t, http.StatusForbidden, "forbidden")
	c.env.Post(t, "/v1/students/"+student.ID+"/remediations", c.admin.Token, map[string]any{
		"checklistId": "staple-removal", "plan": "Two supervised lab sessions with the clinical coordinator.", "dueDate": "2026-12-15",
	}).WantStatus(t, http.StatusCreated)
	c.request(t, student, "staple-removal")

	var trail models.List[models.Event]
	c.env.Get(t, "/v1/audit?type=remediation.flagged", c.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &trail)
	if len(trail.Items) != 1 || trail.Items[0].StudentID != student.ID {
		t.Errorf("remediation.flagged entries = %+v; want one for the student", trail.Items)
	}
}

func containsAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !contains(s, p) {
			return false
		}
	}
	return true
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
