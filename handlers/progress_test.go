package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/handlers"
	"skillbook/handlers/apitest"
	"skillbook/models"
	"skillbook/store/storetest"
	"skillbook/workflow"

	"github.com/google/uuid"
)

// school is a program with two cohorts and a second program, with every
// kind of caller the access rules tell apart.
type school struct {
	env                *apitest.Env
	program, foreign   models.Program
	cohort, otherClass models.Cohort // the teacher teaches cohort; the outsider otherClass
	foreignCohort      models.Cohort
	// student and classmate are in cohort, stranger in otherClass,
	// alien in the foreign program.
	student, classmate, stranger, alien apitest.User
	// teacher teaches cohort, outsider teaches otherClass; admin runs the
	// program; foreignAdmin and foreignTeacher are of the other program.
	teacher, outsider, admin, foreignAdmin, foreignTeacher apitest.User
}

// newSchool builds a school on env, or on a new API when env is nil.
func newSchool(t *testing.T, env *apitest.Env) *school {
	t.Helper()
	if env == nil {
		env = apitest.New(t)
	}
	s := &school{env: env, program: env.Program(t), foreign: env.Program(t)}
	s.cohort = schoolCohort(t, env, s.program.ID, "Fall 2026")
	s.otherClass = schoolCohort(t, env, s.program.ID, "Spring 2027")
	s.foreignCohort = schoolCohort(t, env, s.foreign.ID, "Fall 2026")
	in := func(c models.Cohort) func(*models.User) {
		return func(u *models.User) { u.CohortIDs = []string{c.ID} }
	}
	s.student = env.NewUser(t, s.program.ID, models.RoleStudent, in(s.cohort), func(u *models.User) { u.Name = "Sam Student" })
	s.classmate = env.NewUser(t, s.program.ID, models.RoleStudent, in(s.cohort))
	s.stranger = env.NewUser(t, s.program.ID, models.RoleStudent, in(s.otherClass))
	s.alien = env.NewUser(t, s.foreign.ID, models.RoleStudent, in(s.foreignCohort))
	s.teacher = env.NewUser(t, s.program.ID, models.RoleInstructor, in(s.cohort), func(u *models.User) { u.Name = "Ivy Instructor" })
	s.outsider = env.NewUser(t, s.program.ID, models.RoleInstructor, in(s.otherClass))
	s.admin = env.NewUser(t, s.program.ID, models.RoleAdmin)
	s.foreignAdmin = env.NewUser(t, s.foreign.ID, models.RoleAdmin)
	s.foreignTeacher = env.NewUser(t, s.foreign.ID, models.RoleInstructor, in(s.foreignCohort))
	return s
}

func schoolCohort(t *testing.T, env *apitest.Env, programID, name string) models.Cohort {
	t.Helper()
	c, err := env.Store.CreateCohort(context.Background(), models.SystemActor,
		models.Cohort{ProgramID: programID, Name: name, StartDate: "2026-09-01"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// assignTo assigns version 1 of checklist id to a cohort (or, with
// cohortID "", to student) through the mongo.
func assignTo(t *testing.T, env *apitest.Env, programID, cohortID, studentID, id, due string) {
	t.Helper()
	c, err := env.Store.Checklist(context.Background(), programID, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = storetest.CreateAssignment(context.Background(), env.Store, models.SystemActor, models.Assignment{ProgramID: programID,
		ChecklistID: id, ChecklistVersion: 1, Area: c.Area, CohortID: cohortID, StudentID: studentID, DueDate: due}, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// record stores a student's practice and graded attempts at checklist id
// through the store, as the workflow would: practice attempts, then one
// evaluation per outcome, a pass signed by signer.
func record(t *testing.T, env *apitest.Env, student apitest.User, signer apitest.User, id string, practice int, outcomes ...models.Outcome) []models.Attempt {
	t.Helper()
	ctx := context.Background()
	c, err := env.Store.Checklist(ctx, student.ProgramID, id, 1)
	if err != nil {
		t.Fatal(err)
	}
	base := models.Attempt{ProgramID: student.ProgramID, StudentID: student.ID, StudentName: student.Name, CohortID: student.CohortIDs[0],
		ChecklistID: id, ChecklistVersion: 1, ChecklistTitle: c.Title, Area: c.Area}
	steps := make([]models.StepGrade, len(c.Steps))
	for i, s := range c.Steps {
		steps[i] = models.StepGrade{StepID: s.ID, Result: models.StepPass}
	}
	var out []models.Attempt
	for range practice {
		a := base
		a.Kind, a.Steps = models.AttemptPractice, steps
		a.ID, a.Status, a.RequestedAt = uuid.Must(uuid.NewV7()).String(), models.StatusPracticed, time.Now().UTC().Truncate(time.Millisecond)
		stored, _, err := env.Store.CreateAttempt(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, stored)
	}
	for _, o := range outcomes {
		a := base
		a.Kind = models.AttemptEvaluation
		a.ID, a.Status, a.RequestedAt = uuid.Must(uuid.NewV7()).String(), models.StatusRequested, time.Now().UTC().Truncate(time.Millisecond)
		req, _, err := env.Store.CreateAttempt(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if o == "" {
			out = append(out, req) // left open
			continue
		}
		e := models.Evaluation{ID: uuid.Must(uuid.NewV7()).String(), EvaluatorID: signer.ID, Steps: steps, Setting: models.SettingSkillsLab,
			Score: 100, Outcome: o, Grading: models.DefaultGrading, EvaluatedAt: time.Now().UTC().Truncate(time.Millisecond)}
		if o == models.OutcomePassed {
			e.Signature = &models.Signature{SignerID: signer.ID, SignerName: signer.Name, SignerCredential: signer.Credential,
				SignedAt: e.EvaluatedAt, Method: models.SignedInSession, Meaning: models.SignatureMeaning}
		}
		status, _ := models.Transition(req.Status, o.Action(), models.RelInstructor)
		graded, err := env.Store.EvaluateAttempt(ctx, student.ProgramID, req.ID, req.Version, status, e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, graded)
	}
	return out
}

// confirmedProcedures logs n procedures of kind as student and has teacher
// confirm them.
func confirmedProcedures(t *testing.T, env *apitest.Env, student, teacher apitest.User, kind string, n int) {
	t.Helper()
	for range n {
		var p models.Procedure
		env.Post(t, "/v1/procedures", student.Token, map[string]any{"kind": kind, "performedAt": "2026-03-01"}).
			WantStatus(t, http.StatusCreated).JSON(t, &p)
		env.Post(t, "/v1/procedures/"+p.ID+"/confirm", teacher.Token, nil).WantStatus(t, http.StatusOK)
	}
}

func skillOf(p models.StudentProgress, id string) models.SkillProgress {
	for _, s := range p.Skills {
		if s.ChecklistID == id {
			return s
		}
	}
	return models.SkillProgress{}
}

func TestMyProgressDashboard(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	assignTo(t, env, s.program.ID, s.cohort.ID, "", "bp-manual", "2099-01-01")
	assignTo(t, env, s.program.ID, "", s.student.ID, "bp-manual", "2098-06-01") // again, earlier
	assignTo(t, env, s.program.ID, s.cohort.ID, "", "pulse-oximetry", "2001-01-01")
	assignTo(t, env, s.program.ID, s.cohort.ID, "", "venipuncture-evacuated-tube", "")
	assignTo(t, env, s.program.ID, s.cohort.ID, "", "capillary-puncture", "")
	assignTo(t, env, s.program.ID, s.otherClass.ID, "", "hand-washing", "") // not the student's

	record(t, env, s.student, s.teacher, "bp-manual", 2, models.OutcomeFailed, models.OutcomePassed)
	open := record(t, env, s.student, s.teacher, "venipuncture-evacuated-tube", 1, "")
	record(t, env, s.student, s.teacher, "capillary-puncture", 0, models.OutcomeFailed, models.OutcomeFailed, models.OutcomeFailed)
	record(t, env, s.classmate, s.teacher, "pulse-oximetry", 0, models.OutcomePassed) // someone else's pass
	confirmedProcedures(t, env, s.student, s.teacher, "venipuncture", 2)
	env.Post(t, "/v1/procedures", s.student.Token, map[string]any{"kind": "capillary-puncture", "performedAt": "2026-03-02"}).
		WantStatus(t, http.StatusCreated)

	var p models.StudentProgress
	env.Get(t, "/v1/me/progress", s.student.Token).WantStatus(t, http.StatusOK).JSON(t, &p)

	if p.StudentID != s.student.ID || p.StudentName != "Sam Student" || len(p.Skills) != 4 {
		t.Fatalf("GET /v1/me/progress = %+v; want Sam's 4 assigned skills", p)
	}
	bp := skillOf(p, "bp-manual")
	if bp.Status != models.SkillCompetent || bp.DueDate != "2098-06-01" || bp.Practice != 2 || bp.Failed != 1 || bp.Passed != 1 ||
		bp.RequiredEvaluations != 1 || bp.Evaluator != "Ivy Instructor" || bp.EvaluatorCredential != "CMA (AAMA)" || bp.CompetentAt == nil {
		t.Errorf("bp-manual = %+v; want competent, due 2098-06-01, signed by Ivy Instructor, CMA (AAMA)", bp)
	}
	if s := skillOf(p, "pulse-oximetry"); s.Status != models.SkillOverdue || s.Passed != 0 {
		t.Errorf("pulse-oximetry = %+v; want overdue (the classmate's pass is not Sam's)", s)
	}
	if s := skillOf(p, "venipuncture-evacuated-tube"); s.Status != models.SkillAwaitingEvaluation || s.OpenRequestID != open[1].ID {
		t.Errorf("venipuncture = %+v; want awaiting evaluation of request %s", s, open[1].ID)
	}
	if s := skillOf(p, "capillary-puncture"); s.Status != models.SkillFlagged || s.Failed != 3 || s.MaxAttempts != 3 {
		t.Errorf("capillary-puncture = %+v; want remediation-flagged after 3 of 3 failures", s)
	}
	if p.Overall != (models.Completion{Assigned: 4, Competent: 1, Percent: 25}) {
		t.Errorf("Overall = %+v; want 1 of 4 (25%%)", p.Overall)
	}
	wantAreas := map[models.Area]models.Completion{
		models.AreaVitalSigns: {Assigned: 2, Competent: 1, Percent: 50},
		models.AreaPhlebotomy: {Assigned: 2, Competent: 0, Percent: 0},
	}
	if len(p.Areas) != len(wantAreas) {
		t.Errorf("Areas = %+v; want %v", p.Areas, wantAreas)
	}
	for _, a := range p.Areas {
		if a.Completion != wantAreas[a.Area] {
			t.Errorf("area %s = %+v; want %+v", a.Area, a.Completion, wantAreas[a.Area])
		}
	}
	if len(p.Competencies) != 1 || p.Competencies[0] != "MAERB-2015 I.P.1.a" {
		t.Errorf("Competencies = %v; want the blood pressure code only", p.Competencies)
	}
	want := map[string]models.ProcedureProgress{
		"venipuncture":       {Kind: "venipuncture", Target: 30, ProcedureCount: models.ProcedureCount{Confirmed: 2, Successful: 2}},
		"capillary-puncture": {Kind: "capillary-puncture", Target: 10, ProcedureCount: models.ProcedureCount{Pending: 1}},
	}
	if len(p.Procedures) != 2 || p.Procedures[0] != want[p.Procedures[0].Kind] || p.Procedures[1] != want[p.Procedures[1].Kind] {
		t.Errorf("Procedures = %+v; want %+v", p.Procedures, want)
	}

	// Only students have a dashboard of their own.
	env.Get(t, "/v1/me/progress", s.teacher.Token).WantProblem(t, http.StatusForbidden, "forbidden")
	// The teacher and the admin see the same through the student's id.
	for _, caller := range []apitest.User{s.teacher, s.admin, s.student} {
		var q models.StudentProgress
		env.Get(t, "/v1/students/"+s.student.ID+"/progress", caller.Token).WantStatus(t, http.StatusOK).JSON(t, &q)
		if q.Overall != p.Overall || len(q.Skills) != len(p.Skills) {
			t.Errorf("GET /v1/students/{id}/progress as %s = %+v; want the dashboard", caller.Role, q.Overall)
		}
	}
}

func TestStudentProgressAccess(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	tests := []struct {
		name   string
		caller apitest.User
		id     string
		status int
	}{
		{"own", s.student, s.student.ID, http.StatusOK},
		{"teacher", s.teacher, s.student.ID, http.StatusOK},
		{"admin", s.admin, s.student.ID, http.StatusOK},
		{"classmate", s.classmate, s.student.ID, http.StatusForbidden},
		{"instructor of another cohort", s.outsider, s.student.ID, http.StatusForbidden},
		{"admin of another program", s.foreignAdmin, s.student.ID, http.StatusNotFound},
		{"instructor of another program", s.foreignTeacher, s.student.ID, http.StatusNotFound},
		{"not a student", s.admin, s.teacher.ID, http.StatusNotFound},
		{"nobody", s.admin, uuid.Must(uuid.NewV7()).String(), http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.env.Get(t, "/v1/students/"+tt.id+"/progress", tt.caller.Token)
			if tt.status == http.StatusOK {
				r.WantStatus(t, http.StatusOK)
				return
			}
			r.WantProblem(t, tt.status, map[int]string{http.StatusForbidden: "forbidden", http.StatusNotFound: "not-found"}[tt.status])
		})
	}
}

func TestCohortProgressMatrix(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	third := env.NewUser(t, s.program.ID, models.RoleStudent, func(u *models.User) { u.CohortIDs = []string{s.cohort.ID, s.otherClass.ID} })
	assignTo(t, env, s.program.ID, s.cohort.ID, "", "bp-manual", "")
	assignTo(t, env, s.program.ID, s.otherClass.ID, "", "hand-washing", "")
	assignTo(t, env, s.program.ID, "", s.classmate.ID, "pulse-oximetry", "")
	record(t, env, s.student, s.teacher, "bp-manual", 0, models.OutcomePassed)
	record(t, env, third, s.teacher, "hand-washing", 1)

	var rows []models.StudentProgress
	columns := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		var page models.CohortProgress
		env.Get(t, "/v1/cohorts/"+s.cohort.ID+"/progress?limit=2&cursor="+cursor, s.teacher.Token).WantStatus(t, http.StatusOK).JSON(t, &page)
		if page.CohortID != s.cohort.ID || page.CohortName != "Fall 2026" || len(page.Items) > 2 {
			t.Fatalf("page = %+v; want at most 2 students of Fall 2026", page)
		}
		rows = append(rows, page.Items...)
		for _, c := range page.Checklists {
			columns[c.ChecklistID] = true
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
		if pages > 3 {
			t.Fatal("too many pages")
		}
	}
	if len(rows) != 3 {
		t.Fatalf("rows = %d; want the cohort's 3 students", len(rows))
	}
	byID := map[string]models.StudentProgress{}
	for _, r := range rows {
		byID[r.StudentID] = r
	}
	if r := byID[s.student.ID]; r.Overall != (models.Completion{Assigned: 1, Competent: 1, Percent: 100}) || skillOf(r, "bp-manual").Evaluator != "Ivy Instructor" {
		t.Errorf("student row = %+v; want bp-manual competent", r)
	}
	if r := byID[s.classmate.ID]; r.Overall.Assigned != 2 || skillOf(r, "pulse-oximetry").Status != models.SkillNotStarted {
		t.Errorf("classmate row = %+v; want bp-manual and the direct pulse-oximetry", r)
	}
	if r := byID[third.ID]; r.Overall.Assigned != 2 || skillOf(r, "hand-washing").Status != models.SkillPractising {
		t.Errorf("third row = %+v; want bp-manual and hand-washing of the other cohort", r)
	}
	for _, id := range []string{"bp-manual", "pulse-oximetry", "hand-washing"} {
		if !columns[id] {
			t.Errorf("columns %v lack %s", columns, id)
		}
	}

	for _, tt := range []struct {
		name   string
		caller apitest.User
		status int
		slug   string
	}{
		{"admin", s.admin, http.StatusOK, ""},
		{"student of the cohort", s.student, http.StatusForbidden, "forbidden"},
		{"instructor of another cohort", s.outsider, http.StatusForbidden, "forbidden"},
		{"admin of another program", s.foreignAdmin, http.StatusNotFound, "not-found"},
	} {
		r := env.Get(t, "/v1/cohorts/"+s.cohort.ID+"/progress", tt.caller.Token)
		if tt.slug == "" {
			r.WantStatus(t, tt.status)
		} else {
			r.WantProblem(t, tt.status, tt.slug)
		}
	}
	env.Get(t, "/v1/cohorts/"+s.cohort.ID+"/progress?cursor=bogus!", s.admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
}

// TestDashboardRoundTripsAreConstant counts the database commands one
// GET /v1/me/progress sends: the same for a student with one assignment and
// for one with 30 assignments, 120 attempts and confirmed procedures.
func TestDashboardRoundTripsAreConstant(t *testing.T) {
	t.Parallel()
	base := apitest.New(t)
	st, counter := storetest.NewCounting(t)
	lib, err := checklists.Library()
	if err != nil {
		t.Fatal(err)
	}
	all, err := checklists.Versions() // assignTo assigns version 1
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertLibrary(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	env := &apitest.Env{Store: st, Verifier: base.Verifier, App: handlers.New(handlers.Deps{
		Store: st, Workflow: workflow.New(st, clock.System{}, workflow.EphemeralSigning()), Tokens: base.Verifier, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), RequestTimeout: 30 * time.Second})}
	s := newSchool(t, env)
	light, heavy := s.stranger, s.student // different cohorts
	assignTo(t, env, s.program.ID, "", light.ID, lib[0].ID, "")
	record(t, env, light, s.teacher, lib[0].ID, 1)
	for i, c := range lib[:30] {
		assignTo(t, env, s.program.ID, s.cohort.ID, "", c.ID, "")
		if i%3 == 0 {
			assignTo(t, env, s.program.ID, "", heavy.ID, c.ID, "2030-01-01")
		}
		record(t, env, heavy, s.teacher, c.ID, 2, models.OutcomeFailed, models.OutcomePassed)
	}
	confirmedProcedures(t, env, heavy, s.teacher, "venipuncture", 3)

	trips := func(u apitest.User) (int, models.StudentProgress) {
		env.Get(t, "/v1/me", u.Token).WantStatus(t, http.StatusOK) // binds the invitation first
		counter.Reset()
		var p models.StudentProgress
		env.Get(t, "/v1/me/progress", u.Token).WantStatus(t, http.StatusOK).JSON(t, &p)
		return counter.Count(), p
	}
	nLight, lp := trips(light)
	lightCommands := counter.Commands()
	nHeavy, hp := trips(heavy)
	if lp.Overall.Assigned != 1 || hp.Overall.Assigned != 30 || hp.Overall.Competent != 30 || hp.Procedures[1].Confirmed != 3 {
		t.Fatalf("dashboards: light %+v, heavy %+v, %+v; want 1 and 30 of 30 assigned with 3 venipunctures", lp.Overall, hp.Overall, hp.Procedures)
	}
	if nLight != nHeavy {
		t.Errorf("GET /v1/me/progress: %d round trips for 1 assignment %v, %d for 30 assignments and 120 attempts %v; want the same",
			nLight, lightCommands, nHeavy, counter.Commands())
	}
	t.Logf("GET /v1/me/progress: %d database round trips (%v) for 1 or 30 assignments", nHeavy, counter.Commands())
	const want = 8 // the caller by uid, the program, then six bulk reads (practicum hours the sixth)
	if nHeavy != want {
		t.Errorf("GET /v1/me/progress = %d round trips %v; want %d", nHeavy, counter.Commands(), want)
	}
}
