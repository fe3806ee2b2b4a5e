package exportjob_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/models"
	"skillbook/store/storetest"

	"github.com/google/uuid"
)

// seeded is a program seeded with prepared documents in bulk: students ×
// checklists × evaluations, each evaluation a realistic document (every
// step graded, signed with a digest when passed).
type seeded struct {
	program     models.Program
	cohort      models.Cohort
	students    int
	evaluations int
	took        time.Duration
}

// seedProgram stores one cohort of students, each assigned checklists
// (of the shipped library), with evals evaluations each: the first
// failed, the others passed and signed. Records go in through the
// store's bulk seed, about 1,000 at a time.
func seedProgram(tb testing.TB, st storetest.Store, students, checklistCount, evals int) seeded {
	tb.Helper()
	ctx := context.Background()
	started := time.Now()
	lib, err := checklists.Library()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.UpsertLibrary(ctx, lib); err != nil {
		tb.Fatal(err)
	}
	slices.SortFunc(lib, func(a, b models.Checklist) int { return cmpString(a.ID, b.ID) })
	if checklistCount > len(lib) {
		tb.Fatalf("the library has %d checklists", len(lib))
	}
	lib = lib[:checklistCount]
	program, err := st.CreateProgram(ctx, "Benchmark College")
	if err != nil {
		tb.Fatal(err)
	}
	cohort, err := st.CreateCohort(ctx, models.SystemActor, models.Cohort{ProgramID: program.ID, Name: "Fall 2026", StartDate: "2026-09-01"})
	if err != nil {
		tb.Fatal(err)
	}
	instructor, err := st.CreateUser(ctx, models.SystemActor, models.User{ProgramID: program.ID, Email: "ivy@bench.test", Name: "Ivy Instructor",
		Role: models.RoleInstructor, Credential: "CMA (AAMA)", CohortIDs: []string{cohort.ID}})
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range lib {
		if _, _, err := storetest.CreateAssignment(ctx, st, models.SystemActor, models.Assignment{ProgramID: program.ID, ChecklistID: c.ID,
			ChecklistVersion: c.Version, Area: c.Area, CohortID: cohort.ID}, nil); err != nil {
			tb.Fatal(err)
		}
	}
	var batch models.SeedBatch
	flush := func(force bool) {
		if batch.Size() == 0 || (!force && batch.Size() < 1000) {
			return
		}
		if _, err := st.InsertSeed(ctx, batch); err != nil {
			tb.Fatal(err)
		}
		batch = models.SeedBatch{}
	}
	base := time.Date(2026, 9, 15, 9, 0, 0, 0, time.UTC)
	n := 0
	for i := range students {
		u := models.User{ID: uuid.Must(uuid.NewV7()).String(), ProgramID: program.ID, Email: fmt.Sprintf("student%06d@bench.test", i),
			Name: fmt.Sprintf("Student %06d", i), Role: models.RoleStudent, CohortIDs: []string{cohort.ID}, Active: true, Version: 1,
			CreatedAt: base, UpdatedAt: base}
		batch.Users = append(batch.Users, u)
		for ci, c := range lib {
			for k := range evals {
				n++
				at := base.Add(time.Duration(ci*24+k) * time.Hour)
				a := models.Attempt{ID: uuid.Must(uuid.NewV7()).String(), ProgramID: program.ID, StudentID: u.ID, StudentName: u.Name, CohortID: cohort.ID,
					ChecklistID: c.ID, ChecklistVersion: c.Version, ChecklistTitle: c.Title, Area: c.Area, Kind: models.AttemptEvaluation,
					RequestedAt: at.Add(-time.Hour), Version: 2, UpdatedAt: at}
				a.OpenSlot = a.ID
				e := models.Evaluation{ID: uuid.Must(uuid.NewV7()).String(), EvaluatorID: instructor.ID, Setting: models.SettingSkillsLab,
					Grading: models.DefaultGrading, EvaluatedAt: at, Score: 100, Outcome: models.OutcomePassed}
				for si, s := range c.Steps {
					g := models.StepGrade{StepID: s.ID, Result: models.StepPass}
					if k == 0 && si == 0 {
						g = models.StepGrade{StepID: s.ID, Result: models.StepFail, Comment: "Missed: " + s.Text}
					}
					e.Steps = append(e.Steps, g)
				}
				a.Evaluation = &e
				if k == 0 {
					a.Status, e.Outcome, e.Score, e.Comment = models.StatusFailed, models.OutcomeFailed, 90, "Practise again."
				} else {
					a.Status = models.StatusPassed
					sig := models.Signature{SignerID: instructor.ID, SignerName: instructor.Name, SignerCredential: instructor.Credential,
						SignedAt: at, Method: models.SignedInSession, Meaning: models.SignatureMeaning}
					sig.Digest = models.EvaluationRecord(&a, sig).Digest()
					e.Signature = &sig
				}
				batch.Attempts = append(batch.Attempts, a)
				flush(false)
			}
		}
	}
	flush(true)
	return seeded{program: program, cohort: cohort, students: students, evaluations: n, took: time.Since(started)}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
