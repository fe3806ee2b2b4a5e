package contract_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/signing"
	"skillbook/store/storetest"
)

// class is a program seeded through the store as the API would: a cohort
// with an instructor (signing PIN set) and three students — Ann passed
// blood pressure (then amended) and failed pulse oximetry, Bob has no
// records, Cal is in another cohort — plus a remediation, a procedure and
// a program-owned checklist draft.
type class struct {
	program      models.Program
	cohort       models.Cohort
	other        models.Cohort
	instructor   models.User
	ann, bob     models.User
	cal          models.User
	pass, failed models.Attempt
}

func seedClass(tb testing.TB, s storetest.Store, clk clock.Clock) class {
	tb.Helper()
	ctx := context.Background()
	now := func() time.Time { return clk.Now().UTC().Truncate(time.Millisecond) }
	mustUpsert(tb, s)
	var c class
	var err error
	if c.program, err = s.CreateProgram(ctx, "Valley College MA"); err != nil {
		tb.Fatal(err)
	}
	p := c.program.ID
	c.cohort, c.other = newCohort(tb, s, p, "Fall 2026"), newCohort(tb, s, p, "Spring 2027")
	user := func(name string, role models.Role, cohorts ...string) models.User {
		u, err := s.CreateUser(ctx, admin, models.User{ProgramID: p, Email: strings.ToLower(strings.Fields(name)[0]) + "@example.com",
			Name: name, Role: role, Credential: map[models.Role]string{models.RoleInstructor: "CMA (AAMA)"}[role], CohortIDs: cohorts})
		if err != nil {
			tb.Fatal(err)
		}
		return u
	}
	c.instructor = user("Ivy Instructor", models.RoleInstructor, c.cohort.ID)
	if err := s.SetSigningPIN(ctx, p, c.instructor.ID, "$argon2id$v=19$fake-hash", models.Event{Type: models.EventSigningPINSet,
		ProgramID: p, Actor: admin, Subject: "user", SubjectID: c.instructor.ID, Summary: "set a new signing PIN"}); err != nil {
		tb.Fatal(err)
	}
	// Ids decide the export's order: Ann, then Bob.
	c.ann = user("Ann Archer", models.RoleStudent, c.cohort.ID)
	c.bob = user("Bob Baker", models.RoleStudent, c.cohort.ID)
	c.cal = user("Cal Carter", models.RoleStudent, c.other.ID)
	for _, id := range []string{"bp-manual", "pulse-oximetry"} {
		if _, _, err := storetest.CreateAssignment(ctx, s, admin, models.Assignment{ProgramID: p, ChecklistID: id, ChecklistVersion: 1,
			Area: models.AreaVitalSigns, CohortID: c.cohort.ID}, nil); err != nil {
			tb.Fatal(err)
		}
	}
	if _, _, err := storetest.CreateAssignment(ctx, s, admin, models.Assignment{ProgramID: p, ChecklistID: "venipuncture-evacuated-tube", ChecklistVersion: 1,
		Area: models.AreaPhlebotomy, StudentID: c.ann.ID}, nil); err != nil {
		tb.Fatal(err)
	}
	c.pass = evaluate(tb, s, clk, c, c.ann, "bp-manual", models.OutcomePassed)
	c.failed = evaluate(tb, s, clk, c, c.ann, "pulse-oximetry", models.OutcomeFailed)
	evaluate(tb, s, clk, c, c.cal, "bp-manual", models.OutcomePassed)

	am := models.Amendment{ID: newID(), EvaluationID: c.pass.Evaluation.ID, Reason: "Wrong arm recorded", Correction: "Left arm, seated"}
	if err := models.SignAmendment(ctx, &c.pass, &am, c.instructor, now(), testKey); err != nil {
		tb.Fatal(err)
	}
	if c.pass, err = s.AddAmendment(ctx, p, c.pass.ID, c.pass.Version, am, models.Event{Type: "evaluation.amended", ProgramID: p,
		Actor: models.ActorOf(c.instructor, "r"), Subject: "attempt", SubjectID: c.pass.ID, StudentID: c.ann.ID, Summary: "amended"}); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.CreateRemediation(ctx, models.Remediation{ID: newID(), ProgramID: p, StudentID: c.ann.ID, ChecklistID: "pulse-oximetry", Plan: "Practise twice",
		CreatedBy: admin.UserID, CreatedAt: now()}, models.Event{Type: models.EventRemediationPlanned, ProgramID: p, Actor: admin,
		Subject: "remediation", StudentID: c.ann.ID, Summary: "recorded a remediation plan"}); err != nil {
		tb.Fatal(err)
	}
	if _, _, err := storetest.CreateProcedure(ctx, s, models.ActorOf(c.ann, "r"), models.Procedure{ProgramID: p, StudentID: c.ann.ID, StudentName: c.ann.Name,
		Kind: "venipuncture", PerformedAt: "2026-10-01", Site: "Clinic"}); err != nil {
		tb.Fatal(err)
	}
	if _, _, err := storetest.CreatePracticumEntry(ctx, s, models.ActorOf(c.ann, "r"), models.PracticumEntry{ProgramID: p, StudentID: c.ann.ID,
		StudentName: c.ann.Name, Date: "2026-10-02", Hours: 7.75, Site: "Lakeside Family Practice", Preceptor: "Pat Preceptor", PreceptorCredential: "RN"}); err != nil {
		tb.Fatal(err)
	}
	own, err := s.Checklist(ctx, p, "bp-manual", 1)
	if err != nil {
		tb.Fatal(err)
	}
	own.ID, own.Title = "bp-manual-valley", "Blood pressure (Valley)"
	if _, err := storetest.CreateChecklistDraft(ctx, s, admin, p, own); err != nil {
		tb.Fatal(err)
	}
	return c
}

// evaluate requests and grades an evaluation of student at checklist id,
// signed with a valid digest when it passes.
func evaluate(tb testing.TB, s storetest.Store, clk clock.Clock, c class, student models.User, id string, o models.Outcome) models.Attempt {
	tb.Helper()
	ctx := context.Background()
	cl, err := s.Checklist(ctx, c.program.ID, id, 1)
	if err != nil {
		tb.Fatal(err)
	}
	now := clk.Now().UTC().Truncate(time.Millisecond)
	req, _, err := s.CreateAttempt(ctx, models.Attempt{ID: newID(), ProgramID: c.program.ID, StudentID: student.ID,
		StudentName: student.Name, CohortID: student.CohortIDs[0], ChecklistID: id, ChecklistVersion: 1, ChecklistTitle: cl.Title,
		Area: cl.Area, Kind: models.AttemptEvaluation, Status: models.StatusRequested, RequestedAt: now},
		models.Event{Type: models.EventEvaluationRequested, ProgramID: c.program.ID, Actor: models.ActorOf(student, "r"), Subject: "attempt", StudentID: student.ID})
	if err != nil {
		tb.Fatal(err)
	}
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
	if o == models.OutcomeFailed {
		e.Score, e.Comment = 90, "Review hand hygiene"
	}
	a := req
	a.Evaluation = &e
	if err := models.Sign(ctx, &a, c.instructor, models.SignedInSession, now, testKey); err != nil {
		tb.Fatal(err)
	}
	status, _ := models.Transition(req.Status, o.Action(), models.RelInstructor)
	out, err := s.EvaluateAttempt(ctx, c.program.ID, req.ID, req.Version, status, e)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestEachStudentRecordReadsInBatches(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		c := seedClass(t, s, clk)
		for _, batch := range []int{1, 2, 0} {
			var got []*models.StudentRecord
			sel := models.ExportSelection{CohortID: c.cohort.ID, Batch: batch}
			if err := s.EachStudentRecord(ctx, c.program, sel, "2099-01-01", func(r *models.StudentRecord) error {
				got = append(got, r)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Student.ID != c.ann.ID || got[1].Student.ID != c.bob.ID {
				t.Fatalf("batch %d: records = %d; want Ann then Bob (id order), not Cal of another cohort", batch, len(got))
			}
			ann, bob := got[0], got[1]
			if n := len(ann.Evaluations); n != 2 {
				t.Fatalf("Ann's evaluations = %d; want 2", n)
			}
			pass := ann.Evaluations[0]
			if pass.ID != c.pass.ID || len(pass.Amendments) != 1 || pass.Amendments[0].Reason != "Wrong arm recorded" || len(pass.Evaluation.Steps) != 0 {
				t.Errorf("Ann's pass = %+v; want its amendment and no step grades", pass)
			}
			if pass.Evaluation.Signature.Digest != models.EvaluationRecord(&c.pass, *c.pass.Evaluation.Signature).Digest() {
				t.Errorf("the stored digest does not verify")
			}
			if ann.Progress.Overall.Assigned != 3 || ann.Progress.Overall.Competent != 1 || !slices.Contains(ann.Progress.Competencies, "MAERB-2015 I.P.1.a") {
				t.Errorf("Ann's progress = %+v", ann.Progress.Overall)
			}
			if len(bob.Evaluations) != 0 || bob.Progress.Overall.Assigned != 2 || bob.Progress.Overall.Competent != 0 {
				t.Errorf("Bob = %+v", bob.Progress.Overall)
			}
			if !slices.Equal(ann.CohortNames, []string{"Fall 2026"}) {
				t.Errorf("cohort names = %v", ann.CohortNames)
			}
		}

		cols, err := s.ExportColumns(ctx, c.program.ID, c.cohort.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, col := range cols {
			ids = append(ids, col.ChecklistID)
		}
		if want := []string{"bp-manual", "pulse-oximetry", "venipuncture-evacuated-tube"}; !slices.Equal(ids, want) {
			t.Errorf("columns = %v; want %v (Ann's own assignment included)", ids, want)
		}
		if cols, err := s.ExportColumns(ctx, c.program.ID, c.cohort.ID, models.AreaPhlebotomy); err != nil || len(cols) != 1 || cols[0].ChecklistID != "venipuncture-evacuated-tube" {
			t.Errorf("phlebotomy columns = %+v, %v; want Ann's venipuncture only", cols, err)
		}

		// Filters: the phlebotomy area only; a period before anything
		// happened.
		sel := models.ExportSelection{CohortID: c.cohort.ID, Batch: 1}
		count := 0
		sel.Filter = models.ExportFilter{Area: models.AreaPhlebotomy}
		if err := s.EachStudentRecord(ctx, c.program, sel, "2099-01-01", func(r *models.StudentRecord) error {
			count += r.Progress.Overall.Assigned
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if count != 1 {
			t.Errorf("phlebotomy skills assigned = %d; want Ann's venipuncture only", count)
		}
		sel.Filter = models.ExportFilter{To: "2000-01-01"}
		if err := s.EachStudentRecord(ctx, c.program, sel, "2000-01-01", func(r *models.StudentRecord) error {
			if len(r.Evaluations) != 0 || r.Progress.Overall.Competent != 0 {
				t.Errorf("%s before 2000: %d evaluations, %d competent; want none", r.Student.Name, len(r.Evaluations), r.Progress.Overall.Competent)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountExportStudents(ctx, c.program.ID, models.ExportSelection{CohortID: c.cohort.ID}); n != 2 || err != nil {
			t.Errorf("CountExportStudents = %d, %v; want 2", n, err)
		}

		// One student: a transcript. An instructor or another program's
		// student is not one.
		for _, tc := range []struct {
			programID, studentID string
			want                 int
		}{{c.program.ID, c.cal.ID, 1}, {c.program.ID, c.instructor.ID, 0}, {"another-program", c.cal.ID, 0}} {
			n, err := s.CountExportStudents(ctx, tc.programID, models.ExportSelection{StudentID: tc.studentID})
			if err != nil || n != tc.want {
				t.Errorf("CountExportStudents(%s, %s) = %d, %v; want %d", tc.programID, tc.studentID, n, err, tc.want)
			}
			var seen []string
			program := c.program
			program.ID = tc.programID
			if err := s.EachStudentRecord(ctx, program, models.ExportSelection{StudentID: tc.studentID}, "2099-01-01", func(r *models.StudentRecord) error {
				seen = append(seen, r.Student.ID)
				if len(r.Evaluations) != 1 || r.Evaluations[0].ChecklistID != "bp-manual" {
					t.Errorf("Cal's evaluations = %+v; want his pass", r.Evaluations)
				}
				return nil
			}); err != nil || len(seen) != tc.want {
				t.Errorf("EachStudentRecord(%s, %s) = %v, %v; want %d records", tc.programID, tc.studentID, seen, err, tc.want)
			}
		}

		// fn's error stops the export.
		stop := errors.New("stop")
		calls := 0
		if err := s.EachStudentRecord(ctx, c.program, models.ExportSelection{CohortID: c.cohort.ID, Batch: 1}, "2099-01-01", func(*models.StudentRecord) error {
			calls++
			return stop
		}); !errors.Is(err, stop) || calls != 1 {
			t.Errorf("EachStudentRecord after fn failed = %v after %d calls; want stop after 1", err, calls)
		}

		staff, err := s.ExportStaff(ctx, c.program.ID)
		if err != nil || len(staff) != 1 || staff[c.instructor.ID].Name != "Ivy Instructor" || staff[c.instructor.ID].PINHash != "" {
			t.Errorf("ExportStaff = %+v, %v; want Ivy, without her PIN", staff, err)
		}
	})
}

// testKey signs the fixtures' evaluations and amendments.
var testKey = signing.Ephemeral()
