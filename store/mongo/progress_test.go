package mongo_test

import (
	"context"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

// admin is the actor of the fixtures' changes.
var admin = models.Actor{UserID: "admin-1", Name: "Admin", Role: models.RoleAdmin, RequestID: "req-1"}

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

// TestProgressRecordsRoundTrips checks that loading progress costs the same
// number of database round trips for 1 assignment and for 30 with a long
// history of attempts (the contract suite, store/contract, checks what it
// loads).
func TestProgressRecordsRoundTrips(t *testing.T) {
	t.Parallel()
	s, counter := storetest.NewCounting(t)
	ctx := context.Background()
	lib, err := checklists.Library()
	if err != nil {
		t.Fatal(err)
	}
	all, err := checklists.Versions() // assign and history use version 1
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertLibrary(ctx, all); err != nil {
		t.Fatal(err)
	}
	program, err := s.CreateProgram(ctx, "P")
	if err != nil {
		t.Fatal(err)
	}
	p := program.ID
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
	// Assignments, attempts, remediations, procedure counts, practicum
	// hours, checklist versions: one read each.
	if nSmall != nBig || nBig != 6 {
		t.Errorf("ProgressRecords round trips = %d (1 assignment), %d (30 assignments, 120 attempts): %v; want 6 for both",
			nSmall, nBig, counter.Commands())
	}
}
