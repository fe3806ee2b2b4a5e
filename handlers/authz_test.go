package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"skillbook/handlers/apitest"
	"skillbook/models"
	"skillbook/store/storetest"

	"github.com/google/uuid"
)

// The authorization matrix: every /v1 operation, called by each kind of
// caller against three sets of records, answers the status the access
// rules give.
//
// Callers: a student (the owner of the "own" records), the instructor who
// teaches the student's cohort, an instructor of another cohort of the same
// program, the program's admin, the admin of another program, a classmate
// in the student's cohort, an instructor of the program who teaches no
// cohort, a deactivated admin of the program, and the teacher signing with
// their PIN on the student's session (the student's token; evaluations
// carry the teacher as signer).
//
// Each operation declares the roles that may call it (routes.go): a caller
// of another role is refused 403 before any record is read, so such rows
// are 403 whatever the records.
//
// Records: "own" are the student's (their cohort, attempts, procedures…),
// "other" those of a student in another cohort of the same program (the one
// the second instructor teaches), "foreign" those of a student of the other
// program. For checklists, "own" is a shipped one every program reads,
// "other" one of the program's own, "foreign" one of the other program's.
// Operations that change state get a fresh record in every cell, so each
// cell's answer depends on the rules alone.

const (
	asStudent = iota
	asTeacher
	asOutsider
	asAdmin
	asForeignAdmin
	asClassmate
	asIdleInstructor
	asDeactivated
	asPINSigner
	callerCount
)

var callerNames = [callerCount]string{"student", "teacher", "outsider", "admin", "foreign-admin",
	"classmate", "idle-instructor", "deactivated", "pin-signer"}

// signingPIN is the teacher's signing PIN.
const signingPIN = "582914"

const (
	ownRecords = iota
	otherRecords
	foreignRecords
	recordCount
)

var recordNames = [recordCount]string{"own", "same-program-other", "other-program"}

// expect is the status of every cell: callers × records.
type expect [callerCount][recordCount]int

// grid reads an expect from one line per caller, in the order of the
// callers above, of one status per record set.
func grid(rows ...string) expect {
	var e expect
	if len(rows) != callerCount {
		panic(fmt.Sprintf("grid: %d rows; want one per caller (%d)", len(rows), callerCount))
	}
	for i, row := range rows {
		fields := strings.Fields(row)
		if len(fields) != recordCount {
			panic(fmt.Sprintf("grid: row %q; want one status per record set (%d)", row, recordCount))
		}
		for j, f := range fields {
			n, err := strconv.Atoi(f)
			if err != nil {
				panic(err)
			}
			e[i][j] = n
		}
	}
	return e
}

// byCaller is an expect whose status depends on the caller only, one
// status per caller in the order above.
func byCaller(statuses ...int) expect {
	if len(statuses) != callerCount {
		panic(fmt.Sprintf("byCaller: %d statuses; want one per caller (%d)", len(statuses), callerCount))
	}
	var e expect
	for i, st := range statuses {
		for j := range recordCount {
			e[i][j] = st
		}
	}
	return e
}

// authzRecords is one set of records: a program, a cohort, its student and
// instructor, and the student's work.
type authzRecords struct {
	program   models.Program
	cohort    models.Cohort
	student   models.User
	teacher   models.User
	assigned  string // a checklist assigned to this cohort only
	checklist string // a checklist id to read (see above)
	attempt   models.Attempt
	graded    models.Attempt // a failed, graded evaluation
	procedure models.Procedure
	practicum models.PracticumEntry
	// notification is the student's, about the graded evaluation.
	notification string
}

type authzWorld struct {
	env     *apitest.Env
	callers [callerCount]apitest.User
	recs    [recordCount]*authzRecords
	seq     int
}

// unique returns a new short token for names and ids.
func (w *authzWorld) unique() string {
	w.seq++
	return fmt.Sprintf("%d%s", w.seq, strings.ReplaceAll(uuid.Must(uuid.NewV7()).String(), "-", "")[20:])
}

// must returns v once the test has checked err: must(f())(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return v
	}
}

func newAuthzWorld(t *testing.T) *authzWorld {
	t.Helper()
	env := apitest.New(t)
	ctx := context.Background()
	w := &authzWorld{env: env}
	p1, p2 := env.Program(t), env.Program(t)
	sys := models.SystemActor
	cohort := func(p models.Program, name string) models.Cohort {
		return must(env.Store.CreateCohort(ctx, sys, models.Cohort{ProgramID: p.ID, Name: name, StartDate: "2026-09-01"}))(t)
	}
	c1, c2, c3 := cohort(p1, "Fall 2026"), cohort(p1, "Spring 2027"), cohort(p2, "Fall 2026")
	in := func(c models.Cohort) func(*models.User) { return func(u *models.User) { u.CohortIDs = []string{c.ID} } }
	w.callers[asStudent] = env.NewUser(t, p1.ID, models.RoleStudent, in(c1))
	w.callers[asTeacher] = env.NewUser(t, p1.ID, models.RoleInstructor, in(c1))
	w.callers[asOutsider] = env.NewUser(t, p1.ID, models.RoleInstructor, in(c2))
	w.callers[asAdmin] = env.NewUser(t, p1.ID, models.RoleAdmin)
	w.callers[asForeignAdmin] = env.NewUser(t, p2.ID, models.RoleAdmin)
	w.callers[asClassmate] = env.NewUser(t, p1.ID, models.RoleStudent, in(c1))
	w.callers[asIdleInstructor] = env.NewUser(t, p1.ID, models.RoleInstructor)
	// The deactivated admin signed in once (their invitation is bound)
	// before the program deactivated them.
	gone := env.NewUser(t, p1.ID, models.RoleAdmin)
	env.Get(t, "/v1/me", gone.Token).WantStatus(t, http.StatusOK)
	gone.User = must(env.Store.SetUserActive(ctx, sys, p1.ID, gone.ID, false, 0))(t)
	w.callers[asDeactivated] = gone
	// The PIN signer is the student's session; the teacher has a PIN.
	w.callers[asPINSigner] = w.callers[asStudent]
	env.Do(t, apitest.Request{Method: http.MethodPut, Path: "/v1/me/signing-pin", Token: w.callers[asTeacher].Token,
		Body: map[string]any{"pin": signingPIN}}).WantStatus(t, http.StatusNoContent)

	person := func(p models.Program, role models.Role, c models.Cohort) models.User {
		return must(env.Store.CreateUser(ctx, sys, models.User{ProgramID: p.ID, Email: "u" + w.unique() + "@test.skillbook.test",
			Name: "Record " + string(role), Role: role, Credential: "RMA (AMT)", CohortIDs: []string{c.ID}}))(t)
	}
	ownChecklist := func(p models.Program) string {
		id := "own-pulse-" + w.unique()
		c := draft(t, env, p.ID, id)
		must(storetest.PublishChecklist(ctx, env.Store, sys, p.ID, c.ID, c.Version))(t)
		return id
	}
	w.recs[ownRecords] = &authzRecords{program: p1, cohort: c1, student: w.callers[asStudent].User, teacher: w.callers[asTeacher].User,
		assigned: "bp-manual", checklist: "bp-manual"}
	w.recs[otherRecords] = &authzRecords{program: p1, cohort: c2, student: person(p1, models.RoleStudent, c2), teacher: w.callers[asOutsider].User,
		assigned: "pulse-oximetry", checklist: ownChecklist(p1)}
	w.recs[foreignRecords] = &authzRecords{program: p2, cohort: c3, student: person(p2, models.RoleStudent, c3), teacher: person(p2, models.RoleInstructor, c3),
		assigned: "apical-pulse", checklist: ownChecklist(p2)}

	for _, r := range w.recs {
		if _, _, err := storetest.CreateAssignment(ctx, env.Store, sys, models.Assignment{ProgramID: r.program.ID, ChecklistID: r.assigned, ChecklistVersion: 1,
			Area: models.AreaVitalSigns, CohortID: r.cohort.ID}, nil); err != nil {
			t.Fatal(err)
		}
		r.attempt = w.newAttempt(t, r, r.assigned, models.AttemptPractice)
		req := w.newAttempt(t, r, "hand-washing", models.AttemptEvaluation)
		r.graded = must(env.Store.EvaluateAttempt(ctx, r.program.ID, req.ID, req.Version, models.StatusFailed, models.Evaluation{ID: uuid.Must(uuid.NewV7()).String(), EvaluatorID: r.teacher.ID,
			Setting: models.SettingSkillsLab, Steps: []models.StepGrade{{StepID: "x", Result: models.StepFail, Comment: "missed"}},
			Outcome: models.OutcomeFailed, Grading: models.DefaultGrading, EvaluatedAt: time.Now().UTC()},
			models.Event{Type: "evaluation.failed", ProgramID: r.program.ID, Actor: sys, Subject: "attempt", SubjectID: req.ID,
				StudentID: r.student.ID, Summary: "failed hand-washing", Notify: []models.Notification{{UserID: r.student.ID,
					Category: "evaluation-results", Title: "Evaluation not passed", Body: "Hand washing: practise again"}}}))(t)
		feed := must(env.Store.Notifications(ctx, r.program.ID, r.student.ID, models.FeedFilter{}, models.Page{}))(t)
		if len(feed.Items) != 1 {
			t.Fatalf("the record student's feed has %d items; want the evaluation's", len(feed.Items))
		}
		r.notification = feed.Items[0].ID
		r.procedure = w.newProcedure(t, r)
		r.practicum = w.newPracticum(t, r)
	}
	return w
}

func (w *authzWorld) newPracticum(t *testing.T, r *authzRecords) models.PracticumEntry {
	t.Helper()
	p, _, err := storetest.CreatePracticumEntry(context.Background(), w.env.Store, models.ActorOf(r.student, ""), models.PracticumEntry{
		ProgramID: r.program.ID, StudentID: r.student.ID, StudentName: r.student.Name, Date: "2026-03-01", Hours: 8,
		Site: "Valley Clinic", Preceptor: "Pat Preceptor"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// draft stores a new draft checklist id in program.
func draft(t *testing.T, env *apitest.Env, programID, id string) models.Checklist {
	t.Helper()
	return must(storetest.CreateChecklistDraft(context.Background(), env.Store, models.SystemActor, programID, models.Checklist{
		ID: id, Area: models.AreaVitalSigns, Title: "Count a pulse", Purpose: "The student counts a pulse.",
		Competencies: []string{"MAERB-2015 I.P.1.c"}, Equipment: []string{"Watch"},
		Steps: []models.Step{{ID: "count", Text: "Count for 30 seconds."}},
	}))(t)
}

func (w *authzWorld) newAttempt(t *testing.T, r *authzRecords, checklistID string, kind models.AttemptKind) models.Attempt {
	t.Helper()
	c := must(w.env.Store.Checklist(context.Background(), r.program.ID, checklistID, 1))(t)
	a := models.Attempt{ProgramID: r.program.ID, StudentID: r.student.ID, StudentName: r.student.Name, CohortID: r.cohort.ID,
		ChecklistID: c.ID, ChecklistVersion: c.Version, ChecklistTitle: c.Title, Area: c.Area, Kind: kind,
		ID: uuid.Must(uuid.NewV7()).String(), Status: models.StatusPracticed, RequestedAt: time.Now().UTC().Truncate(time.Millisecond)}
	if kind == models.AttemptEvaluation {
		a.Status = models.StatusRequested
	}
	a, _, err := w.env.Store.CreateAttempt(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// newPINSignOff is a pass of a record student's new request, signed just
// now with the PIN of the records' teacher.
func (w *authzWorld) newPINSignOff(t *testing.T, r *authzRecords) models.Attempt {
	t.Helper()
	req := w.newAttempt(t, r, "hand-washing", models.AttemptEvaluation)
	now := time.Now().UTC().Truncate(time.Millisecond)
	req.Evaluation = &models.Evaluation{ID: uuid.Must(uuid.NewV7()).String(), EvaluatorID: r.teacher.ID, Setting: models.SettingSkillsLab,
		Steps: []models.StepGrade{{StepID: "x", Result: models.StepPass}}, Score: 100, Outcome: models.OutcomePassed, Grading: models.DefaultGrading, EvaluatedAt: now}
	if err := models.Sign(context.Background(), &req, r.teacher, models.SignedWithPIN, now, w.env.Key); err != nil {
		t.Fatal(err)
	}
	return must(w.env.Store.EvaluateAttempt(context.Background(), r.program.ID, req.ID, req.Version, models.StatusPassed, *req.Evaluation))(t)
}

func (w *authzWorld) newProcedure(t *testing.T, r *authzRecords) models.Procedure {
	t.Helper()
	p, _, err := storetest.CreateProcedure(context.Background(), w.env.Store, models.ActorOf(r.student, ""), models.Procedure{
		ProgramID: r.program.ID, StudentID: r.student.ID, StudentName: r.student.Name, Kind: "venipuncture", PerformedAt: "2026-03-01"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// requestChecklists are library checklists for fresh evaluation requests,
// one per caller, so no two cells share an open request.
var requestChecklists = [callerCount]string{"temperature-oral", "temperature-temporal", "temperature-tympanic", "height-weight", "infant-measurements",
	"staple-removal", "suture-removal", "wound-irrigation", "vial-withdrawal"}

// assignable are library checklists the assignment cells assign, one per
// cell of the first five callers, so each assignment is new; the other
// callers are refused whatever they assign, and reuse them.
var assignable = []string{
	"alcohol-hand-rub", "ampule-withdrawal", "autoclave-operation", "bandage-application", "capillary-puncture",
	"instrument-sanitization", "instrument-wrapping", "intradermal-injection", "intramuscular-injection",
	"medication-documentation", "oral-medication-rights", "order-of-draw-labeling", "ppe-donning-doffing",
	"pulse-respirations-radial", "reconstitute-powder",
}

func (w *authzWorld) newCohort(t *testing.T, r *authzRecords, archived bool) models.Cohort {
	t.Helper()
	ctx := context.Background()
	c := must(w.env.Store.CreateCohort(ctx, models.SystemActor, models.Cohort{ProgramID: r.program.ID, Name: "Cohort " + w.unique(), StartDate: "2026-09-01"}))(t)
	if archived {
		c = must(w.env.Store.SetCohortArchived(ctx, models.SystemActor, r.program.ID, c.ID, true, 0))(t)
	}
	return c
}

func (w *authzWorld) newStudent(t *testing.T, r *authzRecords, active bool) models.User {
	t.Helper()
	ctx := context.Background()
	u := must(w.env.Store.CreateUser(ctx, models.SystemActor, models.User{ProgramID: r.program.ID, Email: "v" + w.unique() + "@test.skillbook.test",
		Name: "Victim", Role: models.RoleStudent, CohortIDs: []string{r.cohort.ID}}))(t)
	if !active {
		u = must(w.env.Store.SetUserActive(ctx, models.SystemActor, r.program.ID, u.ID, false, 0))(t)
	}
	return u
}

type authzRoute struct {
	method, path string
	// req builds the request of one cell (the runner adds the token).
	req  func(t *testing.T, w *authzWorld, caller, rec int) apitest.Request
	want expect
}

func get(path func(w *authzWorld, r *authzRecords) string) func(*testing.T, *authzWorld, int, int) apitest.Request {
	return func(_ *testing.T, w *authzWorld, _, rec int) apitest.Request {
		return apitest.Request{Method: http.MethodGet, Path: path(w, w.recs[rec])}
	}
}

func post(path func(t *testing.T, w *authzWorld, caller int, r *authzRecords) string, body func(w *authzWorld, caller int, r *authzRecords) any) func(*testing.T, *authzWorld, int, int) apitest.Request {
	return func(t *testing.T, w *authzWorld, caller, rec int) apitest.Request {
		req := apitest.Request{Method: http.MethodPost, Path: path(t, w, caller, w.recs[rec])}
		if body != nil {
			req.Body = body(w, caller, w.recs[rec])
		} else {
			req.Body = map[string]any{}
		}
		return req
	}
}

func fixed(p string) func(*testing.T, *authzWorld, int, *authzRecords) string {
	return func(*testing.T, *authzWorld, int, *authzRecords) string { return p }
}

// Common rows. Callers, in order: student, teacher, outsider, admin,
// foreign admin, classmate, idle instructor, deactivated, PIN signer.
var (
	// Reading a student's records: the student, their instructors and
	// their admin; 403 within the program, 404 across programs.
	seeStudent = grid(
		"200 403 404",
		"200 403 404",
		"403 200 404",
		"200 200 404",
		"404 404 200",
		"403 403 404",
		"403 403 404",
		"403 403 403",
		"200 403 404")
	// Reading a cohort one may not see is 404 even within the program
	// (the cohort handlers hide existence); members see their own.
	hiddenCohort = grid(
		"200 404 404",
		"200 404 404",
		"404 200 404",
		"200 200 404",
		"404 404 200",
		"200 404 404",
		"404 404 404",
		"403 403 403",
		"200 404 404")
	// Reading a user one may not see is 404 even within the program; a
	// classmate is not among them.
	hiddenUser = grid(
		"200 404 404",
		"200 404 404",
		"404 200 404",
		"200 200 404",
		"404 404 200",
		"404 404 404",
		"404 404 404",
		"403 403 403",
		"200 404 404")
	// Reading checklists: own = shipped, other = the program's, foreign =
	// the other program's.
	readChecklist = grid(
		"200 200 404",
		"200 200 404",
		"200 200 404",
		"200 200 404",
		"200 404 200",
		"200 200 404",
		"200 200 404",
		"403 403 403",
		"200 200 404")
	// Changing checklists: admins only (see each row for the records).
	changeChecklist = grid(
		"403 403 403",
		"403 403 403",
		"403 403 403",
		"200 409 404",
		"404 404 200",
		"403 403 403",
		"403 403 403",
		"403 403 403",
		"403 403 403")
	// Deciding on a student's work: only the instructors who teach them;
	// other roles are refused before the record is read.
	decide = func(ok int) expect {
		return grid(
			"403 403 403",
			fmt.Sprintf("%d 403 404", ok),
			fmt.Sprintf("403 %d 404", ok),
			"403 403 403",
			"403 403 403",
			"403 403 403",
			"403 403 404",
			"403 403 403",
			"403 403 403")
	}
	// Changing program records: admins only, each in their program.
	adminOnly = func(ok int) expect {
		return grid(
			"403 403 403",
			"403 403 403",
			"403 403 403",
			fmt.Sprintf("%d %d 404", ok, ok),
			fmt.Sprintf("404 404 %d", ok),
			"403 403 403",
			"403 403 403",
			"403 403 403",
			"403 403 403")
	}
	// Recording a preceptor's decision on practicum hours: the
	// instructors who teach the student, or the program's admins.
	decidePracticum = grid(
		"403 403 403",
		"200 403 404",
		"403 200 404",
		"200 200 404",
		"404 404 200",
		"403 403 403",
		"403 403 404",
		"403 403 403",
		"403 403 403")
	// Admins and the cohort's instructors: students are refused before
	// the cohort is read.
	cohortStaff = grid(
		"403 403 403",
		"200 403 404",
		"403 200 404",
		"200 200 404",
		"404 404 200",
		"403 403 403",
		"403 403 404",
		"403 403 403",
		"403 403 403")
	// Listing by cohort (assignments, the queue): a cohort one does not
	// teach is refused, an admin's filter is their own program's.
	listByCohort = grid(
		"403 403 403",
		"200 403 403",
		"403 200 403",
		"200 200 200",
		"200 200 200",
		"403 403 403",
		"403 403 403",
		"403 403 403",
		"403 403 403")
	// The record student's own notifications and devices: another user's
	// are not found, whoever asks.
	ownerOnly = func(ok int) expect {
		return grid(
			fmt.Sprintf("%d 404 404", ok),
			"404 404 404",
			"404 404 404",
			"404 404 404",
			"404 404 404",
			"404 404 404",
			"404 404 404",
			"403 403 403",
			fmt.Sprintf("%d 404 404", ok))
	}
)

func authzRoutes() []authzRoute {
	checklistBody := func(w *authzWorld, _ int, _ *authzRecords) any { return newChecklistBody("authz-" + w.unique()) }
	return []authzRoute{
		{http.MethodGet, "/v1/me", get(func(*authzWorld, *authzRecords) string { return "/v1/me" }), byCaller(200, 200, 200, 200, 200, 200, 200, 403, 200)},

		// Checklists: own = shipped, other = the program's, foreign = the other program's.
		{http.MethodGet, "/v1/checklists", get(func(*authzWorld, *authzRecords) string { return "/v1/checklists" }), byCaller(200, 200, 200, 200, 200, 200, 200, 403, 200)},
		{http.MethodGet, "/v1/checklists/{id}", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/checklists/" + r.checklist }),
			readChecklist},
		{http.MethodGet, "/v1/checklists/{id}/versions", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/checklists/" + r.checklist + "/versions" }),
			readChecklist},
		{http.MethodGet, "/v1/checklists/{id}/versions/{version}", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/checklists/" + r.checklist + "/versions/1" }),
			readChecklist},
		{http.MethodPost, "/v1/checklists", post(fixed("/v1/checklists"), checklistBody), byCaller(403, 403, 403, 201, 201, 403, 403, 403, 403)},
		// Drafts: own = a draft of the program, other = a published one of
		// the program (immutable), foreign = a draft of the other program.
		{http.MethodPut, "/v1/checklists/{id}/versions/{version}", func(t *testing.T, w *authzWorld, caller, rec int) apitest.Request {
			id := w.recs[otherRecords].checklist
			switch rec {
			case ownRecords:
				id = draft(t, w.env, w.recs[ownRecords].program.ID, "authz-"+w.unique()).ID
			case foreignRecords:
				id = draft(t, w.env, w.recs[foreignRecords].program.ID, "authz-"+w.unique()).ID
			}
			body := newChecklistBody(id)
			delete(body, "id")
			return apitest.Request{Method: http.MethodPut, Path: "/v1/checklists/" + id + "/versions/1", Body: body, Header: map[string]string{"If-Match": `"1"`}}
		}, changeChecklist},
		// Publishing: own = a draft of the program, other = a retired
		// version of the program (publishing a published one again is a
		// harmless retry), foreign = a draft of the other program.
		{http.MethodPost, "/v1/checklists/{id}/versions/{version}/publish", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			c := draft(t, w.env, r.program.ID, "authz-"+w.unique())
			if r == w.recs[otherRecords] {
				must(storetest.PublishChecklist(context.Background(), w.env.Store, models.SystemActor, r.program.ID, c.ID, 1))(t)
				must(storetest.RetireChecklist(context.Background(), w.env.Store, models.SystemActor, r.program.ID, c.ID, 1))(t)
			}
			return "/v1/checklists/" + c.ID + "/versions/1/publish"
		}, nil), changeChecklist},
		// Retiring: own = a published version of the program, other = a
		// draft of the program, foreign = a published one of the other.
		{http.MethodPost, "/v1/checklists/{id}/versions/{version}/retire", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			c := draft(t, w.env, r.program.ID, "authz-"+w.unique())
			if r != w.recs[otherRecords] {
				must(storetest.PublishChecklist(context.Background(), w.env.Store, models.SystemActor, r.program.ID, c.ID, 1))(t)
			}
			return "/v1/checklists/" + c.ID + "/versions/1/retire"
		}, nil), changeChecklist},

		// Assignments.
		{http.MethodPost, "/v1/assignments", post(fixed("/v1/assignments"), func(w *authzWorld, caller int, r *authzRecords) any {
			rec := 0
			for i, x := range w.recs {
				if x == r {
					rec = i
				}
			}
			return map[string]any{"cohortId": r.cohort.ID, "checklistId": assignable[(caller*recordCount+rec)%len(assignable)], "dueDate": "2027-01-15"}
		}), grid(
			"403 403 403",
			"201 403 404",
			"403 201 404",
			"201 201 404",
			"404 404 201",
			"403 403 403",
			"403 403 404",
			"403 403 403",
			"403 403 403")},
		{http.MethodGet, "/v1/me/assignments", get(func(*authzWorld, *authzRecords) string { return "/v1/me/assignments" }), byCaller(200, 403, 403, 403, 403, 200, 403, 403, 200)},
		{http.MethodGet, "/v1/me/skills", get(func(*authzWorld, *authzRecords) string { return "/v1/me/skills" }), byCaller(200, 403, 403, 403, 403, 200, 403, 403, 200)},
		{http.MethodGet, "/v1/assignments", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/assignments?cohortId=" + r.cohort.ID }), listByCohort},

		// Attempts and evaluations.
		{http.MethodPost, "/v1/attempts", post(fixed("/v1/attempts"), func(_ *authzWorld, _ int, r *authzRecords) any {
			return map[string]any{"checklistId": r.assigned, "kind": "practice"}
		}), grid("201 422 422", "403 403 403", "403 403 403", "403 403 403", "403 403 403",
			"201 422 422", "403 403 403", "403 403 403", "201 422 422")},
		{http.MethodGet, "/v1/attempts/{id}", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/attempts/" + r.attempt.ID }), seeStudent},
		{http.MethodGet, "/v1/me/attempts", get(func(*authzWorld, *authzRecords) string { return "/v1/me/attempts" }), byCaller(200, 403, 403, 403, 403, 200, 403, 403, 200)},
		{http.MethodGet, "/v1/students/{id}/attempts", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/students/" + r.student.ID + "/attempts" }), seeStudent},
		{http.MethodGet, "/v1/evaluations/{id}", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/evaluations/" + r.graded.Evaluation.ID }), seeStudent},
		{http.MethodGet, "/v1/attempts/{id}/verification", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/attempts/" + r.graded.ID + "/verification" }), seeStudent},
		{http.MethodGet, "/v1/queue", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/queue?cohortId=" + r.cohort.ID }), listByCohort},
		{http.MethodPost, "/v1/attempts/{id}/evaluations", post(func(t *testing.T, w *authzWorld, caller int, r *authzRecords) string {
			return "/v1/attempts/" + w.newAttempt(t, r, requestChecklists[caller], models.AttemptEvaluation).ID + "/evaluations"
		}, func(w *authzWorld, caller int, _ *authzRecords) any {
			body := map[string]any{"decision": "return", "comment": "Practise the order of draw again."}
			if caller == asPINSigner {
				body["signer"] = map[string]any{"instructorId": w.callers[asTeacher].ID, "pin": signingPIN}
			}
			return body
		}), grid(
			"403 403 404",
			"201 403 404",
			"403 201 404",
			"403 403 403",
			"403 403 403",
			"403 403 404",
			"403 403 404",
			"403 403 403",
			"201 403 404")},
		{http.MethodPost, "/v1/evaluations/{id}/amendments", func(t *testing.T, w *authzWorld, _, rec int) apitest.Request {
			// If-Match is required: name the version as it is now (each
			// amendment moves it on).
			r := w.recs[rec]
			a, err := w.env.Store.Attempt(context.Background(), r.program.ID, r.graded.ID)
			if err != nil {
				t.Fatalf("read graded attempt: %v", err)
			}
			return apitest.Request{Method: http.MethodPost, Path: "/v1/evaluations/" + r.graded.Evaluation.ID + "/amendments",
				Body:   map[string]any{"reason": "Wrong setting recorded", "correction": "Observed at the clinical site", "attest": true},
				Header: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, a.Version)}}
		}, decide(201)},
		// Voiding: a fresh sign-off made with the PIN of the records'
		// teacher in every cell; only that teacher may void it.
		{http.MethodPost, "/v1/attempts/{id}/void", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			return "/v1/attempts/" + w.newPINSignOff(t, r).ID + "/void"
		}, func(*authzWorld, int, *authzRecords) any {
			return map[string]any{"reason": "Not made by me", "attest": true}
		}), grid(
			"403 403 403",
			"201 403 404",
			"403 201 404",
			"403 403 403",
			"403 403 403",
			"403 403 403",
			"403 403 404",
			"403 403 403",
			"403 403 403")},
		{http.MethodGet, "/v1/program/settings", get(func(*authzWorld, *authzRecords) string { return "/v1/program/settings" }), byCaller(403, 200, 200, 200, 200, 403, 200, 403, 403)},
		{http.MethodPatch, "/v1/program/settings", func(*testing.T, *authzWorld, int, int) apitest.Request {
			return apitest.Request{Method: http.MethodPatch, Path: "/v1/program/settings", Body: map[string]any{"pinVoidWindowHours": 48}}
		}, byCaller(403, 403, 403, 200, 200, 403, 403, 403, 403)},
		{http.MethodPut, "/v1/me/signing-pin", func(*testing.T, *authzWorld, int, int) apitest.Request {
			return apitest.Request{Method: http.MethodPut, Path: "/v1/me/signing-pin", Body: map[string]any{"pin": "582914"}}
		}, byCaller(403, 204, 204, 403, 403, 403, 204, 403, 403)},
		{http.MethodPost, "/v1/students/{id}/remediations", post(func(_ *testing.T, _ *authzWorld, _ int, r *authzRecords) string {
			return "/v1/students/" + r.student.ID + "/remediations"
		}, func(_ *authzWorld, _ int, r *authzRecords) any {
			return map[string]any{"checklistId": r.assigned, "plan": "Two supervised practice sessions, then re-evaluate."}
		}), grid( // admins, and the instructors who teach the student
			"403 403 403",
			"201 403 404",
			"403 201 404",
			"201 201 404",
			"404 404 201",
			"403 403 403",
			"403 403 404",
			"403 403 403",
			"403 403 403")},
		{http.MethodGet, "/v1/students/{id}/remediations", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/students/" + r.student.ID + "/remediations" }), seeStudent},

		// Cohorts.
		{http.MethodPost, "/v1/cohorts", post(fixed("/v1/cohorts"), func(w *authzWorld, _ int, _ *authzRecords) any {
			return map[string]any{"name": "Cohort " + w.unique(), "startDate": "2027-01-10"}
		}), byCaller(403, 403, 403, 201, 201, 403, 403, 403, 403)},
		{http.MethodGet, "/v1/cohorts", get(func(*authzWorld, *authzRecords) string { return "/v1/cohorts" }), byCaller(200, 200, 200, 200, 200, 200, 200, 403, 200)},
		{http.MethodGet, "/v1/cohorts/{id}", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/cohorts/" + r.cohort.ID }), hiddenCohort},
		{http.MethodPatch, "/v1/cohorts/{id}", func(t *testing.T, w *authzWorld, _, rec int) apitest.Request {
			c := w.newCohort(t, w.recs[rec], false)
			return apitest.Request{Method: http.MethodPatch, Path: "/v1/cohorts/" + c.ID, Body: map[string]any{"name": "Renamed " + w.unique()},
				Header: map[string]string{"If-Match": `"1"`}}
		}, adminOnly(200)},
		{http.MethodPost, "/v1/cohorts/{id}/archive", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			return "/v1/cohorts/" + w.newCohort(t, r, false).ID + "/archive"
		}, nil), adminOnly(200)},
		{http.MethodPost, "/v1/cohorts/{id}/unarchive", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			return "/v1/cohorts/" + w.newCohort(t, r, true).ID + "/unarchive"
		}, nil), adminOnly(200)},
		{http.MethodGet, "/v1/cohorts/{id}/progress", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/cohorts/" + r.cohort.ID + "/progress" }), cohortStaff},

		// Users and the roster.
		{http.MethodPost, "/v1/users", post(fixed("/v1/users"), func(w *authzWorld, _ int, r *authzRecords) any {
			return map[string]any{"email": "n" + w.unique() + "@test.skillbook.test", "name": "New Student", "role": "student", "cohortIds": []string{r.cohort.ID}}
		}), grid("403 403 403", "403 403 403", "403 403 403", "201 201 422", "422 422 201",
			"403 403 403", "403 403 403", "403 403 403", "403 403 403")},
		{http.MethodGet, "/v1/users", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/users?cohortId=" + r.cohort.ID }), byCaller(403, 200, 200, 200, 200, 403, 200, 403, 403)},
		{http.MethodGet, "/v1/me/instructors", get(func(*authzWorld, *authzRecords) string { return "/v1/me/instructors" }), byCaller(200, 403, 403, 403, 403, 200, 403, 403, 200)},
		{http.MethodGet, "/v1/users/{id}", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/users/" + r.student.ID }), hiddenUser},
		{http.MethodPatch, "/v1/users/{id}", func(t *testing.T, w *authzWorld, _, rec int) apitest.Request {
			u := w.newStudent(t, w.recs[rec], true)
			return apitest.Request{Method: http.MethodPatch, Path: "/v1/users/" + u.ID, Body: map[string]any{"name": "Renamed Student"},
				Header: map[string]string{"If-Match": `"1"`}}
		}, adminOnly(200)},
		{http.MethodPost, "/v1/users/{id}/deactivate", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			return "/v1/users/" + w.newStudent(t, r, true).ID + "/deactivate"
		}, nil), adminOnly(200)},
		{http.MethodPost, "/v1/users/{id}/reactivate", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			return "/v1/users/" + w.newStudent(t, r, false).ID + "/reactivate"
		}, nil), adminOnly(200)},
		{http.MethodPost, "/v1/roster", func(_ *testing.T, w *authzWorld, _, rec int) apitest.Request {
			csv := fmt.Sprintf("email,name,role,cohort\nr%s@test.skillbook.test,Roster Student,student,%s\n", w.unique(), w.recs[rec].cohort.Name)
			return apitest.Request{Method: http.MethodPost, Path: "/v1/roster?dryRun=true", Body: csv, ContentType: "text/csv"}
		}, byCaller(403, 403, 403, 200, 200, 403, 403, 403, 403)},

		// Procedures, progress and audit.
		{http.MethodPost, "/v1/procedures", post(fixed("/v1/procedures"), func(*authzWorld, int, *authzRecords) any {
			return map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"}
		}), byCaller(201, 403, 403, 403, 403, 201, 403, 403, 201)},
		{http.MethodGet, "/v1/procedures", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/procedures?studentId=" + r.student.ID }), seeStudent},
		{http.MethodGet, "/v1/procedures/{id}", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/procedures/" + r.procedure.ID }), seeStudent},
		{http.MethodPost, "/v1/procedures/{id}/confirm", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			return "/v1/procedures/" + w.newProcedure(t, r).ID + "/confirm"
		}, nil), decide(200)},
		{http.MethodPost, "/v1/procedures/{id}/reject", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			return "/v1/procedures/" + w.newProcedure(t, r).ID + "/reject"
		}, func(*authzWorld, int, *authzRecords) any { return map[string]any{"reason": "Not on a live person"} }), decide(200)},
		{http.MethodPost, "/v1/practicum-hours", post(fixed("/v1/practicum-hours"), func(*authzWorld, int, *authzRecords) any {
			return map[string]any{"date": "2026-03-01", "hours": 7.5, "site": "Valley Clinic", "preceptor": "Pat Preceptor"}
		}), byCaller(201, 403, 403, 403, 403, 201, 403, 403, 201)},
		{http.MethodGet, "/v1/practicum-hours", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/practicum-hours?studentId=" + r.student.ID }), seeStudent},
		{http.MethodGet, "/v1/practicum-hours/{id}", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/practicum-hours/" + r.practicum.ID }), seeStudent},
		{http.MethodPost, "/v1/practicum-hours/{id}/confirm", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			return "/v1/practicum-hours/" + w.newPracticum(t, r).ID + "/confirm"
		}, nil), decidePracticum},
		{http.MethodPost, "/v1/practicum-hours/{id}/reject", post(func(t *testing.T, w *authzWorld, _ int, r *authzRecords) string {
			return "/v1/practicum-hours/" + w.newPracticum(t, r).ID + "/reject"
		}, func(*authzWorld, int, *authzRecords) any {
			return map[string]any{"comment": "Not on the preceptor's sheet"}
		}), decidePracticum},
		{http.MethodGet, "/v1/me/progress", get(func(*authzWorld, *authzRecords) string { return "/v1/me/progress" }), byCaller(200, 403, 403, 403, 403, 200, 403, 403, 200)},
		{http.MethodGet, "/v1/students/{id}/progress", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/students/" + r.student.ID + "/progress" }), seeStudent},

		// The caller's own notifications and devices: another user's are
		// not found, whoever asks.
		{http.MethodPost, "/v1/me/devices", post(fixed("/v1/me/devices"), func(w *authzWorld, _ int, _ *authzRecords) any {
			return map[string]any{"token": "fcm-" + w.unique(), "platform": "android"}
		}), byCaller(201, 201, 201, 201, 201, 201, 201, 403, 201)},
		{http.MethodDelete, "/v1/me/devices/{token}", func(t *testing.T, w *authzWorld, _, rec int) apitest.Request {
			r := w.recs[rec]
			d, _, err := w.env.Store.RegisterDevice(context.Background(), models.Device{Token: "fcm-" + w.unique(), ProgramID: r.program.ID,
				UserID: r.student.ID, Platform: models.PlatformIOS})
			if err != nil {
				t.Fatal(err)
			}
			return apitest.Request{Method: http.MethodDelete, Path: "/v1/me/devices/" + d.Token}
		}, ownerOnly(204)},
		{http.MethodGet, "/v1/me/notifications", get(func(*authzWorld, *authzRecords) string { return "/v1/me/notifications" }), byCaller(200, 200, 200, 200, 200, 200, 200, 403, 200)},
		{http.MethodPost, "/v1/me/notifications/{id}/read", post(func(_ *testing.T, _ *authzWorld, _ int, r *authzRecords) string {
			return "/v1/me/notifications/" + r.notification + "/read"
		}, nil), ownerOnly(200)},
		{http.MethodPost, "/v1/me/notifications/read-all", post(fixed("/v1/me/notifications/read-all"), nil), byCaller(200, 200, 200, 200, 200, 200, 200, 403, 200)},
		{http.MethodGet, "/v1/me/notification-preferences", get(func(*authzWorld, *authzRecords) string { return "/v1/me/notification-preferences" }), byCaller(200, 200, 200, 200, 200, 200, 200, 403, 200)},
		{http.MethodPut, "/v1/me/notification-preferences", func(*testing.T, *authzWorld, int, int) apitest.Request {
			return apitest.Request{Method: http.MethodPut, Path: "/v1/me/notification-preferences", Body: map[string]any{"mutedCategories": []string{"reminders"}}}
		}, byCaller(200, 200, 200, 200, 200, 200, 200, 403, 200)},
		{http.MethodGet, "/v1/audit", get(func(_ *authzWorld, r *authzRecords) string { return "/v1/audit?studentId=" + r.student.ID }), byCaller(403, 403, 403, 200, 200, 403, 403, 403, 403)},
		{http.MethodGet, "/v1/audit/verification", get(func(*authzWorld, *authzRecords) string { return "/v1/audit/verification" }), byCaller(403, 403, 403, 200, 200, 403, 403, 403, 403)},
	}
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	w := newAuthzWorld(t)
	routes := append(authzRoutes(), exportRows()...)

	// Every /v1 operation of the OpenAPI document is in the table, and
	// the table names no operation the API lacks.
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	w.env.Get(t, "/openapi.json", "").WantStatus(t, http.StatusOK).JSON(t, &doc)
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		if !strings.HasPrefix(path, "/v1/") {
			continue
		}
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	tabled := map[string]bool{}
	for _, r := range routes {
		key := r.method + " " + r.path
		if tabled[key] {
			t.Errorf("%s is in the table twice", key)
		}
		tabled[key] = true
		if !documented[key] {
			t.Errorf("%s is in the table but not in the API", key)
		}
	}
	var missing []string
	for key := range documented {
		if !tabled[key] {
			missing = append(missing, key)
		}
	}
	sort.Strings(missing)
	for _, key := range missing {
		t.Errorf("%s has no row in the authorization matrix", key)
	}

	size := fmt.Sprintf("%d_operations_x_%d_callers_x_%d_record_sets", len(routes), callerCount, recordCount)
	t.Run(size, func(t *testing.T) { runMatrix(t, w, routes) })
}

// runMatrix calls every cell of routes and checks its status.
func runMatrix(t *testing.T, w *authzWorld, routes []authzRoute) {
	cells := 0
	for _, r := range routes {
		for caller := range callerCount {
			for rec := range recordCount {
				req := r.req(t, w, caller, rec)
				req.Token = w.callers[caller].Token
				got := w.env.Do(t, req)
				cells++
				if want := r.want[caller][rec]; got.Status != want {
					body := string(got.Body)
					if len(body) > 300 {
						body = body[:300] + "…"
					}
					t.Errorf("%s %s as %s on %s records = %d; want %d (%s)", r.method, r.path, callerNames[caller], recordNames[rec], got.Status, want, body)
				}
				if got.Status >= 400 && !strings.HasPrefix(got.Header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("%s %s as %s on %s records: %d with Content-Type %q; want a problem", r.method, r.path, callerNames[caller], recordNames[rec], got.Status, got.Header.Get("Content-Type"))
				}
			}
		}
	}
	t.Logf("authorization matrix: %d operations × %d callers = %d rows, × %d record sets = %d cells",
		len(routes), callerCount, len(routes)*callerCount, recordCount, cells)
}
