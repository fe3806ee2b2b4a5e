package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/models"
	"skillbook/signing"
)

// The export tests' records are rows written with plain SQL (the other
// areas' write methods are not this area's), as the schema of 0002 says.

// exportAdmin is the actor of the fixtures' changes.
var exportAdmin = models.Actor{UserID: "admin-1", Name: "Ada Admin", Role: models.RoleAdmin}

// exportClass is a program as the API would leave it: a cohort with an
// instructor (signing PIN set) and three students — Ann passed blood
// pressure (then amended) and failed pulse oximetry, Bob has no records,
// Cal is in another cohort — plus a remediation, a procedure, a
// program-owned checklist draft and the audit entries of it all.
type exportClass struct {
	program      models.Program
	cohort       models.Cohort
	other        models.Cohort
	instructor   models.User
	ann, bob     models.User
	cal          models.User
	pass, failed models.Attempt
}

func exportExec(tb testing.TB, s *Store, query string, args ...any) {
	tb.Helper()
	if err := s.write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(query, args...)
		return err
	}); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
}

func exportJSON(tb testing.TB, v any) string {
	tb.Helper()
	doc, err := encode(v)
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// exportLibrary stores the shipped checklists, with the superseded
// versions older records name, as every start-up does.
func exportLibrary(tb testing.TB, s *Store) {
	tb.Helper()
	lib, err := checklists.Versions()
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range lib {
		c.Status, c.CreatedAt, c.UpdatedAt, c.Revision = models.ChecklistPublished, testEpoch, testEpoch, 1
		exportExec(tb, s, `INSERT INTO checklists (program_id, checklist_id, version, status, area, revision, doc) VALUES ('', ?, ?, ?, ?, 1, ?)`,
			c.ID, c.Version, string(c.Status), string(c.Area), exportJSON(tb, c))
	}
}

func exportChecklistOf(tb testing.TB, s *Store, programID, id string) models.Checklist {
	tb.Helper()
	c, err := exportChecklist(context.Background(), s.reader, programID, models.ChecklistRef{ID: id, Version: 1})
	if err != nil || c == nil {
		tb.Fatalf("checklist %s: %v, %v", id, c, err)
	}
	return *c
}

func exportEvents(tb testing.TB, s *Store, events ...models.Event) {
	tb.Helper()
	if err := s.write(context.Background(), func(tx *sql.Tx) error { return s.recordEvents(context.Background(), tx, events...) }); err != nil {
		tb.Fatal(err)
	}
}

func exportSeed(tb testing.TB, s *Store) exportClass {
	tb.Helper()
	exportLibrary(tb, s)
	now := testEpoch
	var c exportClass
	c.program = models.Program{ID: newID(), Name: "Valley College MA", Grading: models.DefaultGrading,
		ProcedureTargets: map[string]int{"venipuncture": 30}, CreatedAt: now}
	p := c.program.ID
	exportExec(tb, s, `INSERT INTO programs (id, name, created_at, doc) VALUES (?, ?, ?, ?)`, p, c.program.Name, ms(now), exportJSON(tb, c.program))
	for _, co := range []*models.Cohort{&c.cohort, &c.other} {
		name := "Fall 2026"
		if co == &c.other {
			name = "Spring 2027"
		}
		*co = models.Cohort{ID: newID(), ProgramID: p, Name: name, StartDate: "2026-09-01", Version: 1, CreatedAt: now, UpdatedAt: now}
		exportExec(tb, s, `INSERT INTO cohorts (id, program_id, name_key, archived, version, created_at, doc) VALUES (?, ?, ?, 0, 1, ?, ?)`,
			co.ID, p, models.CohortNameKey(name), ms(now), exportJSON(tb, *co))
		exportEvents(tb, s, models.Event{Type: models.EventCohortCreated, ProgramID: p, Actor: exportAdmin, Subject: "cohort", SubjectID: co.ID, Summary: "created"})
	}
	n := 0
	user := func(name string, role models.Role, cohorts ...string) models.User {
		n++
		u := models.User{ID: fmt.Sprintf("%s-u%02d", p[:8], n), ProgramID: p, Email: fmt.Sprintf("User%d-%s@Example.com", n, p[24:]), Name: name, Role: role,
			Credential: map[models.Role]string{models.RoleInstructor: "CMA (AAMA)"}[role], CohortIDs: cohorts,
			Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
		if role == models.RoleInstructor {
			u.PINSet, u.PINHash = true, "$argon2id$v=19$fake-hash"
		}
		if err := s.write(context.Background(), func(tx *sql.Tx) error { return insertUserRow(context.Background(), tx, u) }); err != nil {
			tb.Fatal(err)
		}
		exportEvents(tb, s, models.UserInvitedEvent(models.EventUserInvited, exportAdmin, u, now))
		return u
	}
	c.instructor = user("Ivy Instructor", models.RoleInstructor, c.cohort.ID)
	// Ids decide the export's order: Ann, then Bob.
	c.ann = user("Ann Archer", models.RoleStudent, c.cohort.ID)
	c.bob = user("Bob Baker", models.RoleStudent, c.cohort.ID)
	c.cal = user("Cal Carter", models.RoleStudent, c.other.ID)
	assign := func(id string, area models.Area, cohortID, studentID string) {
		a := models.Assignment{ID: newID(), ProgramID: p, ChecklistID: id, ChecklistVersion: 1, Area: area, CohortID: cohortID, StudentID: studentID,
			AssignedBy: exportAdmin.UserID, Version: 1, CreatedAt: now}
		exportExec(tb, s, `INSERT INTO assignments (id, program_id, checklist_id, checklist_version, area, cohort_id, student_id, created_at, version, doc)
			VALUES (?, ?, ?, 1, ?, ?, ?, ?, 1, ?)`, a.ID, p, id, string(area), cohortID, studentID, ms(now), exportJSON(tb, a))
		exportEvents(tb, s, models.Event{Type: "assignment.created", ProgramID: p, Actor: exportAdmin, Subject: "assignment", SubjectID: a.ID, StudentID: studentID})
	}
	assign("bp-manual", models.AreaVitalSigns, c.cohort.ID, "")
	assign("pulse-oximetry", models.AreaVitalSigns, c.cohort.ID, "")
	assign("venipuncture-evacuated-tube", models.AreaPhlebotomy, "", c.ann.ID)
	c.pass = exportEvaluate(tb, s, c, c.ann, "bp-manual", models.OutcomePassed)
	c.failed = exportEvaluate(tb, s, c, c.ann, "pulse-oximetry", models.OutcomeFailed)
	exportEvaluate(tb, s, c, c.cal, "bp-manual", models.OutcomePassed)

	am := models.Amendment{ID: newID(), EvaluationID: c.pass.Evaluation.ID, Reason: "Wrong arm recorded", Correction: "Left arm, seated"}
	if err := models.SignAmendment(context.Background(), &c.pass, &am, c.instructor, now, testKey); err != nil {
		tb.Fatal(err)
	}
	c.pass.Amendments = append(c.pass.Amendments, am)
	c.pass.Version++
	exportExec(tb, s, `UPDATE attempts SET version = ?, doc = ?, progress = ? WHERE id = ?`, c.pass.Version, exportJSON(tb, c.pass),
		exportProgress(tb, &c.pass), c.pass.ID)
	exportEvents(tb, s, models.Event{Type: "evaluation.amended", ProgramID: p, Actor: models.ActorOf(c.instructor, "r"), Subject: "attempt",
		SubjectID: c.pass.ID, StudentID: c.ann.ID, Summary: "amended"})

	m := models.Remediation{ID: newID(), ProgramID: p, StudentID: c.ann.ID, ChecklistID: "pulse-oximetry", Plan: "Practise twice", CreatedBy: exportAdmin.UserID, CreatedAt: now}
	exportExec(tb, s, `INSERT INTO remediations (id, program_id, student_id, checklist_id, created_at, doc) VALUES (?, ?, ?, ?, ?, ?)`,
		m.ID, p, m.StudentID, m.ChecklistID, ms(now), exportJSON(tb, m))
	exportEvents(tb, s, models.Event{Type: models.EventRemediationPlanned, ProgramID: p, Actor: exportAdmin, Subject: "remediation", SubjectID: m.ID, StudentID: c.ann.ID})

	pr := models.Procedure{ID: newID(), ProgramID: p, StudentID: c.ann.ID, StudentName: c.ann.Name, Kind: "venipuncture", PerformedAt: "2026-10-01",
		Site: "Clinic", Status: models.ProcedurePending, Version: 1, CreatedAt: now, UpdatedAt: now}
	exportExec(tb, s, `INSERT INTO procedures (id, program_id, student_id, kind, status, performed_at, created_at, version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`,
		pr.ID, p, pr.StudentID, pr.Kind, string(pr.Status), pr.PerformedAt, ms(now), exportJSON(tb, pr))
	exportEvents(tb, s, models.Event{Type: "procedure.logged", ProgramID: p, Actor: models.ActorOf(c.ann, "r"), Subject: "procedure", SubjectID: pr.ID, StudentID: c.ann.ID})

	own := exportChecklistOf(tb, s, p, "bp-manual")
	own.ID, own.Title, own.ProgramID, own.Status, own.Revision = "bp-manual-valley", "Blood pressure (Valley)", p, models.ChecklistDraft, 1
	exportExec(tb, s, `INSERT INTO checklists (program_id, checklist_id, version, status, area, revision, doc) VALUES (?, ?, 1, ?, ?, 1, ?)`,
		p, own.ID, string(own.Status), string(own.Area), exportJSON(tb, own))
	exportEvents(tb, s, models.Event{Type: "checklist.drafted", ProgramID: p, Actor: exportAdmin, Subject: "checklist", SubjectID: own.ID})
	return c
}

// exportEvaluate stores a graded evaluation of student at checklist id,
// signed with a valid digest when it passes.
func exportEvaluate(tb testing.TB, s *Store, c exportClass, student models.User, id string, o models.Outcome) models.Attempt {
	tb.Helper()
	cl := exportChecklistOf(tb, s, c.program.ID, id)
	now := testEpoch.Add(time.Minute)
	a := models.Attempt{ID: newID(), ProgramID: c.program.ID, StudentID: student.ID, StudentName: student.Name, CohortID: student.CohortIDs[0],
		ChecklistID: id, ChecklistVersion: 1, ChecklistTitle: cl.Title, Area: cl.Area, Kind: models.AttemptEvaluation, RequestedAt: testEpoch,
		Version: 2, UpdatedAt: now}
	var steps []models.StepGrade
	for i, st := range cl.Steps {
		g := models.StepGrade{StepID: st.ID, Result: models.StepPass}
		if o == models.OutcomeFailed && i == 0 {
			g = models.StepGrade{StepID: st.ID, Result: models.StepFail, Comment: "=1+1 forgot hand hygiene"}
		}
		steps = append(steps, g)
	}
	e := models.Evaluation{ID: newID(), EvaluatorID: c.instructor.ID, Steps: steps, Setting: models.SettingSkillsLab,
		Score: 100, Outcome: o, Grading: models.DefaultGrading, EvaluatedAt: now}
	a.Evaluation = &e
	status, _ := models.Transition(models.StatusRequested, o.Action(), models.RelInstructor)
	a.Status, a.OpenSlot = status, a.ID
	if o == models.OutcomeFailed {
		e.Score, e.Comment = 90, "Review hand hygiene"
	}
	if err := models.Sign(context.Background(), &a, c.instructor, models.SignedInSession, now, testKey); err != nil {
		tb.Fatal(err)
	}
	exportExec(tb, s, `INSERT INTO attempts (id, program_id, student_id, cohort_id, checklist_id, area, kind, status, open_slot, evaluation_id,
		requested_at, evaluated_at, version, doc, progress) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.ProgramID, a.StudentID, a.CohortID, a.ChecklistID, string(a.Area), string(a.Kind), string(a.Status), a.OpenSlot, e.ID,
		ms(a.RequestedAt), ms(now), a.Version, exportJSON(tb, a), exportProgress(tb, &a))
	exportEvents(tb, s, models.Event{Type: models.EventEvaluationSigned, ProgramID: c.program.ID, Actor: models.ActorOf(c.instructor, "r"),
		Subject: "attempt", SubjectID: a.ID, StudentID: student.ID, Summary: "graded"})
	return a
}

// exportProgress is a's progress column, as the store's writers set it.
func exportProgress(tb testing.TB, a *models.Attempt) string {
	tb.Helper()
	p, err := attemptProgress(a)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// testKey signs the fixtures' evaluations and amendments.
var testKey = signing.Ephemeral()
