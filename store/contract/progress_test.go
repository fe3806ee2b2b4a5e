package contract_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

// student invites a student called name into cohorts of program and binds
// them to the account "uid-<id>".
func student(tb testing.TB, s storetest.Store, programID, name string, cohorts ...string) models.User {
	tb.Helper()
	u := invite(tb, s, programID, name+"@example.com", models.RoleStudent, cohorts...)
	bound := u
	bound.UID, bound.Bound = "uid-"+u.ID, true
	u, err := s.BindInvitation(context.Background(), models.UserWrite{Before: u, After: bound})
	if err != nil {
		tb.Fatalf("BindInvitation(%s) = %v", name, err)
	}
	return u
}

// history logs practice attempts of student at checklist id and then one
// evaluation per outcome, graded by the store as an instructor would.
func history(tb testing.TB, s storetest.Store, clk clock.Clock, student models.User, id string, practice int, outcomes ...models.Outcome) {
	tb.Helper()
	ctx := context.Background()
	now := clk.Now().UTC().Truncate(time.Millisecond)
	base := models.Attempt{ProgramID: student.ProgramID, StudentID: student.ID, StudentName: student.Name, CohortID: "c1",
		ChecklistID: id, ChecklistVersion: 1, ChecklistTitle: id, Area: models.AreaVitalSigns}
	for range practice {
		a := base
		a.Kind, a.Note = models.AttemptPractice, "my note"
		a.Steps = []models.StepGrade{{StepID: "hand-hygiene", Result: models.StepPass}}
		a.ID, a.Status, a.RequestedAt = newID(), models.StatusPracticed, now
		if _, _, err := s.CreateAttempt(ctx, a); err != nil {
			tb.Fatal(err)
		}
	}
	for _, o := range outcomes {
		a := base
		a.Kind = models.AttemptEvaluation
		a.ID, a.Status, a.RequestedAt = newID(), models.StatusRequested, now
		req, _, err := s.CreateAttempt(ctx, a)
		if err != nil {
			tb.Fatal(err)
		}
		e := models.Evaluation{ID: newID(), EvaluatorID: "i1", Outcome: o, Score: 100, Setting: models.SettingSkillsLab, Comment: "ok",
			Steps: []models.StepGrade{{StepID: "hand-hygiene", Result: models.StepPass}}, EvaluatedAt: now}
		if o == models.OutcomePassed {
			e.Signature = &models.Signature{SignerID: "i1", SignerName: "Ivy Instructor", SignerCredential: "CMA (AAMA)",
				SignedAt: e.EvaluatedAt, Method: models.SignedInSession, Meaning: models.SignatureMeaning}
		}
		status, _ := models.Transition(req.Status, o.Action(), models.RelInstructor)
		if _, err := s.EvaluateAttempt(ctx, student.ProgramID, req.ID, req.Version, status, e); err != nil {
			tb.Fatal(err)
		}
	}
}

// plan records a remediation plan of student at checklist id.
func plan(tb testing.TB, s storetest.Store, clk clock.Clock, programID, studentID, id string) {
	tb.Helper()
	r := models.Remediation{ID: newID(), ProgramID: programID, StudentID: studentID, ChecklistID: id, Plan: "Practise",
		CreatedAt: clk.Now().UTC().Truncate(time.Millisecond)}
	if _, err := s.CreateRemediation(context.Background(), r, models.Event{Type: models.EventRemediationPlanned, ProgramID: programID, Actor: admin,
		Subject: "remediation", SubjectID: r.ID, StudentID: studentID}); err != nil {
		tb.Fatal(err)
	}
}

func TestProgressRecordsLoadsWhatAppliesToStudents(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		mustUpsert(t, s)
		p, other := newProgram(t, s), newProgram(t, s)
		amy := student(t, s, p, "amy", "c1")
		ben := student(t, s, p, "ben", "c1", "c2")
		cal := student(t, s, p, "cal", "c3")

		assign(t, s, clk, p, "c1", "", "bp-manual", "2026-05-01")
		assign(t, s, clk, p, "c2", "", "pulse-oximetry", "")
		assign(t, s, clk, p, "", amy.ID, "temperature-oral", "")
		assign(t, s, clk, p, "c3", "", "apical-pulse", "")
		assign(t, s, clk, p, "", cal.ID, "height-weight", "")
		assign(t, s, clk, other, "c1", "", "hand-washing", "")
		history(t, s, clk, amy, "bp-manual", 2, models.OutcomeFailed, models.OutcomePassed)
		history(t, s, clk, ben, "pulse-oximetry", 1)
		history(t, s, clk, cal, "apical-pulse", 1)
		plan(t, s, clk, p, amy.ID, "bp-manual")
		plan(t, s, clk, p, cal.ID, "apical-pulse")
		mustProcedure(t, s, models.Procedure{ProgramID: p, StudentID: amy.ID, Kind: "venipuncture", PerformedAt: "2026-03-01"})

		r, err := s.ProgressRecords(ctx, p, []models.User{amy, ben})
		if err != nil {
			t.Fatal(err)
		}
		var assigned []string
		for _, a := range r.Assignments {
			assigned = append(assigned, a.ChecklistID)
		}
		slices.Sort(assigned)
		if want := []string{"bp-manual", "pulse-oximetry", "temperature-oral"}; !slices.Equal(assigned, want) {
			t.Errorf("Assignments = %v; want %v", assigned, want)
		}
		// The standings hold amy's and ben's attempts as progress reads
		// them, and nobody else's.
		if len(r.Standings) != 2 || r.Standings[cal.ID] != nil {
			t.Errorf("Standings of %d students; want amy's and ben's only", len(r.Standings))
		}
		amyBP := r.Standings[amy.ID]["bp-manual"]
		if amyBP.Practice != 2 || len(amyBP.Graded) != 2 || amyBP.OpenRequestID != "" {
			t.Errorf("amy at bp-manual = %+v; want 2 practices and 2 graded evaluations", amyBP)
		}
		for _, g := range amyBP.Graded {
			if g.AttemptID == "" || g.EvaluatedAt.IsZero() {
				t.Errorf("graded %+v: want its attempt and date", g)
			}
			if g.Status == models.StatusPassed && (g.Signer != "Ivy Instructor" || g.SignedAt == nil) {
				t.Errorf("passed %+v: want its signature", g)
			}
		}
		if st := r.Standings[ben.ID]["pulse-oximetry"]; st.Practice != 1 || len(st.Graded) != 0 {
			t.Errorf("ben at pulse-oximetry = %+v; want 1 practice", st)
		}
		if len(r.Remediations) != 1 || r.Remediations[0].StudentID != amy.ID {
			t.Errorf("Remediations = %+v; want amy's one", r.Remediations)
		}
		if len(r.Checklists) != 3 {
			t.Errorf("Checklists = %d; want the 3 assigned versions", len(r.Checklists))
		}
		if c := r.Checklists[models.ChecklistRef{ID: "bp-manual", Version: 1}]; c.Title == "" || len(c.Competencies) == 0 {
			t.Errorf("Checklists[bp-manual 1] = %+v; want the library version", c)
		}
		if got := r.Procedures[amy.ID]["venipuncture"]; got.Pending != 1 {
			t.Errorf("Procedures[amy] = %+v; want 1 pending venipuncture", r.Procedures[amy.ID])
		}

		r.Program = models.Program{ID: p, Grading: models.DefaultGrading, ProcedureTargets: models.DefaultProcedureTargets}
		got := models.StudentProgressOf(amy, &r, "2026-03-01")
		if got.Overall.Assigned != 2 || got.Overall.Competent != 1 || len(got.Competencies) == 0 {
			t.Errorf("amy's progress = %+v; want 1 of 2 competent with codes", got.Overall)
		}

		empty, err := s.ProgressRecords(ctx, p, nil)
		if err != nil || len(empty.Assignments) != 0 || empty.Standings == nil || len(empty.Standings) != 0 || len(empty.Checklists) != 0 {
			t.Errorf("ProgressRecords(nobody) = %+v, %v; want empty", empty, err)
		}
	})
}

func TestChecklistsByRefPrefersProgramsOwnVersion(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		mustUpsert(t, s)
		p := newProgram(t, s)
		own := mustDraft(t, s, p, draft("pulse-count"))
		mustPublish(t, s, p, own.ID, own.Version)
		unpublished := mustDraft(t, s, p, draft("pulse-draft"))

		refs := []models.ChecklistRef{
			{ID: "bp-manual", Version: 1}, {ID: own.ID, Version: own.Version}, {ID: "bp-manual", Version: 99},
			{ID: unpublished.ID, Version: unpublished.Version},
		}
		for range 2 { // cold, then from SQLite's cache
			got, err := s.ChecklistsByRef(ctx, p, refs)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 || got[models.ChecklistRef{ID: own.ID, Version: own.Version}].ProgramID != p ||
				got[models.ChecklistRef{ID: "bp-manual", Version: 1}].ProgramID != "" ||
				got[models.ChecklistRef{ID: own.ID, Version: own.Version}].Status != models.ChecklistPublished {
				t.Errorf("ChecklistsByRef = %v; want bp-manual from the library and the program's own", got)
			}
		}
		// Another program sees neither of this program's versions.
		if got, err := s.ChecklistsByRef(ctx, newProgram(t, s), []models.ChecklistRef{{ID: own.ID, Version: own.Version}}); err != nil || len(got) != 0 {
			t.Errorf("ChecklistsByRef(other program) = %v, %v; want nothing", got, err)
		}
		// More refs than one SQLite query takes.
		var many []models.ChecklistRef
		for i := range 505 {
			many = append(many, models.ChecklistRef{ID: "bp-manual", Version: i + 1})
		}
		if got, err := s.ChecklistsByRef(ctx, p, many); err != nil || len(got) != 1 {
			t.Errorf("ChecklistsByRef(%d refs) = %d, %v; want 1", len(many), len(got), err)
		}
	})
}

func TestStudentIDsInCohortsAndCohortProgress(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		mustUpsert(t, s)
		p, other := newProgram(t, s), newProgram(t, s)
		var c1 []string
		for _, name := range []string{"s5", "s1", "s4", "s2", "s3"} {
			c1 = append(c1, student(t, s, p, name, "c1").ID)
		}
		c1 = append(c1, student(t, s, p, "s6", "c1", "c2").ID)
		student(t, s, p, "s7", "c3")
		invite(t, s, p, "i1@example.com", models.RoleInstructor, "c1")
		student(t, s, other, "x1", "c1")
		slices.Sort(c1)

		ids, err := s.StudentIDsInCohorts(ctx, p, []string{"c1", "c2"})
		slices.Sort(ids)
		if err != nil || !slices.Equal(ids, c1) {
			t.Errorf("StudentIDsInCohorts(c1, c2) = %v, %v; want %v (each once, students of the program only)", ids, err, c1)
		}
		if ids, err := s.StudentIDsInCohorts(ctx, p, nil); err != nil || ids == nil || len(ids) != 0 {
			t.Errorf("StudentIDsInCohorts(none) = %v, %v; want empty", ids, err)
		}
		if ids, err := s.StudentIDsInCohorts(ctx, "another-program", []string{"c1"}); err != nil || len(ids) != 0 {
			t.Errorf("StudentIDsInCohorts(another program) = %v, %v; want none", ids, err)
		}

		assign(t, s, clk, p, "c1", "", "bp-manual", "")
		var got []string
		page := models.Page{Limit: 4}
		for {
			cp, err := s.CohortProgress(ctx, p, "c1", page)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range cp.Students.Items {
				got = append(got, u.ID)
				if u.UID != "uid-"+u.ID || u.Name == "" {
					t.Errorf("student %+v: want them whole, uid included", u)
				}
			}
			if len(cp.Records.Assignments) != 1 || len(cp.Records.Checklists) != 1 {
				t.Errorf("CohortProgress records = %d assignments, %d checklists; want 1, 1", len(cp.Records.Assignments), len(cp.Records.Checklists))
			}
			if cp.Students.NextCursor == "" {
				break
			}
			page.Cursor = cp.Students.NextCursor
		}
		if !slices.Equal(got, c1) {
			t.Errorf("CohortProgress students = %v; want %v (by id, students only)", got, c1)
		}
		var ve *models.ValidationError
		if _, err := s.CohortProgress(ctx, p, "c1", models.Page{Cursor: "***"}); !errors.As(err, &ve) {
			t.Errorf("CohortProgress(bad cursor) = %v; want a ValidationError", err)
		}
		if _, err := s.CohortProgress(ctx, "", "c1", models.Page{}); err == nil {
			t.Errorf("CohortProgress(no program) = nil; want an error")
		}
		if cp, err := s.CohortProgress(ctx, other, "c3", models.Page{}); err != nil || len(cp.Students.Items) != 0 || cp.Students.NextCursor != "" {
			t.Errorf("CohortProgress(empty cohort) = %+v, %v; want no students", cp.Students, err)
		}
	})
}
