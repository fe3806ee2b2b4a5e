package mongo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

// progressStudent invites a student into cohorts of program.
func progressStudent(tb testing.TB, s *mongo.Store, programID string, cohorts ...string) models.User {
	tb.Helper()
	id := mongo.NewID()
	u, err := s.CreateUser(context.Background(), admin, models.User{ProgramID: programID, Email: "s" + id[24:] + "@example.com",
		Name: "Student " + id[24:], Role: models.RoleStudent, CohortIDs: cohorts})
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// assign assigns checklist id version 1 to a cohort or (when cohortID is
// "") to student.
func assign(tb testing.TB, s *mongo.Store, programID, cohortID, studentID, id, due string) models.Assignment {
	tb.Helper()
	a, _, err := storetest.CreateAssignment(context.Background(), s, admin, models.Assignment{ProgramID: programID, ChecklistID: id,
		ChecklistVersion: 1, Area: models.AreaVitalSigns, CohortID: cohortID, StudentID: studentID, DueDate: due}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// history logs practice attempts of student at checklist id and then one
// evaluation per outcome, graded by the store as an instructor would.
func history(tb testing.TB, s *mongo.Store, student models.User, id string, practice int, outcomes ...models.Outcome) {
	tb.Helper()
	ctx := context.Background()
	base := models.Attempt{ProgramID: student.ProgramID, StudentID: student.ID, StudentName: student.Name, CohortID: "c1",
		ChecklistID: id, ChecklistVersion: 1, ChecklistTitle: id, Area: models.AreaVitalSigns}
	for range practice {
		a := base
		a.Kind = models.AttemptPractice
		a.Steps = []models.StepGrade{{StepID: "hand-hygiene", Result: models.StepPass}}
		a.ID, a.Status, a.RequestedAt = mongo.NewID(), models.StatusPracticed, time.Now().UTC().Truncate(time.Millisecond)
		if _, _, err := s.CreateAttempt(ctx, a); err != nil {
			tb.Fatal(err)
		}
	}
	for _, o := range outcomes {
		a := base
		a.Kind = models.AttemptEvaluation
		a.ID, a.Status, a.RequestedAt = mongo.NewID(), models.StatusRequested, time.Now().UTC().Truncate(time.Millisecond)
		req, _, err := s.CreateAttempt(ctx, a)
		if err != nil {
			tb.Fatal(err)
		}
		e := models.Evaluation{ID: mongo.NewID(), EvaluatorID: "i1", Outcome: o, Score: 100, Setting: models.SettingSkillsLab,
			Steps: []models.StepGrade{{StepID: "hand-hygiene", Result: models.StepPass}}, EvaluatedAt: time.Now().UTC()}
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

func TestProgressRecordsLoadsWhatAppliesToStudents(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	mustUpsert(t, s)
	p, other := mustProgram(t, s), mustProgram(t, s)
	amy := progressStudent(t, s, p, "c1")
	ben := progressStudent(t, s, p, "c1", "c2")
	cal := progressStudent(t, s, p, "c3")

	assign(t, s, p, "c1", "", "bp-manual", "2026-05-01")
	assign(t, s, p, "c2", "", "pulse-oximetry", "")
	assign(t, s, p, "", amy.ID, "temperature-oral", "")
	assign(t, s, p, "c3", "", "apical-pulse", "")
	assign(t, s, p, "", cal.ID, "height-weight", "")
	assign(t, s, other, "c1", "", "hand-washing", "")
	history(t, s, amy, "bp-manual", 2, models.OutcomeFailed, models.OutcomePassed)
	history(t, s, ben, "pulse-oximetry", 1)
	history(t, s, cal, "apical-pulse", 1)
	if _, err := s.CreateRemediation(ctx, models.Remediation{ID: mongo.NewID(), ProgramID: p, StudentID: amy.ID, ChecklistID: "bp-manual", Plan: "Practise twice",
		CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}, models.Event{Type: models.EventRemediationPlanned, ProgramID: p, Actor: admin, Subject: "remediation"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRemediation(ctx, models.Remediation{ID: mongo.NewID(), ProgramID: p, StudentID: cal.ID, ChecklistID: "apical-pulse", Plan: "Practise",
		CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}, models.Event{Type: models.EventRemediationPlanned, ProgramID: p, Actor: admin, Subject: "remediation"}); err != nil {
		t.Fatal(err)
	}

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
	if len(r.Standings) != 2 || r.Standings[cal.ID] != nil {
		t.Errorf("Standings of %d students; want amy's and ben's only", len(r.Standings))
	}
	amyBP := r.Standings[amy.ID]["bp-manual"]
	if amyBP.Practice != 2 || len(amyBP.Graded) != 2 || amyBP.OpenRequestID != "" {
		t.Errorf("amy at bp-manual = %+v; want 2 practices and 2 graded evaluations", amyBP)
	}
	for _, g := range amyBP.Graded {
		if g.Status == models.StatusPassed && (g.Signer != "Ivy Instructor" || g.SignedAt == nil || g.EvaluatedAt.IsZero()) {
			t.Errorf("passed %+v: want its signature and date", g)
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

	r.Program = models.Program{ID: p, Grading: models.DefaultGrading, ProcedureTargets: models.DefaultProcedureTargets}
	got := models.StudentProgressOf(amy, &r, "2026-03-01")
	if got.Overall.Assigned != 2 || got.Overall.Competent != 1 || len(got.Competencies) == 0 {
		t.Errorf("amy's progress = %+v; want 1 of 2 competent with codes", got.Overall)
	}
}

func TestChecklistsByRefPrefersProgramsOwnVersion(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	mustUpsert(t, s)
	p := mustProgram(t, s)
	own := mustCreate(t, s, p, draft("pulse-count"))
	mustPublish(t, s, p, own.ID, own.Version)
	unpublished := mustCreate(t, s, p, draft("pulse-draft"))

	got, err := s.ChecklistsByRef(ctx, p, []models.ChecklistRef{
		{ID: "bp-manual", Version: 1}, {ID: own.ID, Version: own.Version}, {ID: "bp-manual", Version: 99},
		{ID: unpublished.ID, Version: unpublished.Version},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[models.ChecklistRef{ID: own.ID, Version: own.Version}].ProgramID != p ||
		got[models.ChecklistRef{ID: "bp-manual", Version: 1}].ProgramID != "" {
		t.Errorf("ChecklistsByRef = %v; want bp-manual from the library and the program's own", got)
	}
	// Another program sees neither of this program's versions.
	if got, err := s.ChecklistsByRef(ctx, mustProgram(t, s), []models.ChecklistRef{{ID: own.ID, Version: own.Version}}); err != nil || len(got) != 0 {
		t.Errorf("ChecklistsByRef(other program) = %v, %v; want nothing", got, err)
	}
}

func TestStudentIDsInCohorts(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := mustProgram(t, s)
	a := progressStudent(t, s, p, "c1")
	b := progressStudent(t, s, p, "c2", "c1")
	progressStudent(t, s, p, "c3")
	if _, err := s.CreateUser(ctx, admin, models.User{ProgramID: p, Email: "teacher@example.com", Name: "T", Role: models.RoleInstructor, CohortIDs: []string{"c1"}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.StudentIDsInCohorts(ctx, p, []string{"c1", "c2"})
	slices.Sort(got)
	want := []string{a.ID, b.ID}
	slices.Sort(want)
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("StudentIDsInCohorts = %v, %v; want %v", got, err, want)
	}
	if got, err := s.StudentIDsInCohorts(ctx, "other", []string{"c1"}); err != nil || len(got) != 0 {
		t.Errorf("StudentIDsInCohorts(other program) = %v, %v; want none", got, err)
	}
}

// TestProgressRecordsRoundTrips checks that loading progress costs the same
// number of database round trips for 1 assignment and for 30 with a long
// history of attempts.
func TestProgressRecordsRoundTrips(t *testing.T) {
	t.Parallel()
	s, counter := storetest.NewCounting(t)
	ctx := context.Background()
	lib := mustUpsert(t, s)
	p := mustProgram(t, s)
	small := progressStudent(t, s, p, "c-small")
	big := progressStudent(t, s, p, "c-big")
	assign(t, s, p, "c-small", "", lib[0].ID, "")
	history(t, s, small, lib[0].ID, 1, models.OutcomePassed)
	for i, c := range lib[:30] {
		assign(t, s, p, "c-big", "", c.ID, "")
		if i%2 == 0 {
			assign(t, s, p, "", big.ID, c.ID, "2026-01-01")
		}
		history(t, s, big, c.ID, 2, models.OutcomeFailed, models.OutcomePassed)
	}

	trips := func(u models.User) (int, models.ProgressRecords) {
		counter.Reset()
		r, err := s.ProgressRecords(ctx, p, []models.User{u})
		if err != nil {
			t.Fatal(err)
		}
		return counter.Count(), r
	}
	nSmall, _ := trips(small)
	nBig, r := trips(big)
	if len(r.Standings[big.ID]) != 30 || len(r.Checklists) != 30 {
		t.Fatalf("big student's records: standings at %d checklists, %d checklists; want 30 and 30", len(r.Standings[big.ID]), len(r.Checklists))
	}
	if nSmall != nBig || nBig != 5 {
		t.Errorf("ProgressRecords round trips = %d (1 assignment), %d (30 assignments, 120 attempts): %v; want 5 for both",
			nSmall, nBig, counter.Commands())
	}
}
