package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// BenchmarkSingleUser times one request at a time through the whole API
// (routing, token check, use case, store, JSON) on the default engine
// (SQLite unless SKILLBOOK_TEST_ENGINE says otherwise), with nothing else
// running: the single-user targets, sign-off p50 ≤ 3 ms and
// dashboard p50 ≤ 2 ms. ns/op is the mean; the floor to compare the
// sign-off with is BenchmarkOpsRawSignOffTx in store/sqlite, run in the
// same command (BENCHMARKS.md).
func BenchmarkSingleUser(b *testing.B) {
	env := apitest.New(b)
	program := env.Program(b)
	cohort, err := env.Store.CreateCohort(context.Background(), models.SystemActor,
		models.Cohort{ProgramID: program.ID, Name: "Bench", StartDate: "2026-09-01"})
	if err != nil {
		b.Fatal(err)
	}
	inCohort := func(u *models.User) { u.CohortIDs = []string{cohort.ID} }
	admin := env.NewUser(b, program.ID, models.RoleAdmin)
	instructor := env.NewUser(b, program.ID, models.RoleInstructor, inCohort)
	for _, area := range models.Areas {
		env.Post(b, "/v1/assignments", admin.Token, map[string]any{"cohortId": cohort.ID, "area": area}).WantStatus(b, http.StatusCreated)
	}
	var assigned models.List[models.Assignment]
	env.Get(b, "/v1/assignments?limit=200", admin.Token).WantStatus(b, http.StatusOK).JSON(b, &assigned)
	checklists := map[string]models.Checklist{}
	for _, a := range assigned.Items {
		c, err := env.Store.Checklist(context.Background(), program.ID, a.ChecklistID, a.ChecklistVersion)
		if err != nil {
			b.Fatal(err)
		}
		checklists[a.ChecklistID] = c
	}
	if len(checklists) < 10 {
		b.Fatalf("%d checklists assigned; want the library", len(checklists))
	}
	passAll := func(c models.Checklist) []models.StepGrade {
		out := make([]models.StepGrade, len(c.Steps))
		for i, s := range c.Steps {
			out[i] = models.StepGrade{StepID: s.ID, Result: models.StepPass}
		}
		return out
	}

	// request logs the practice c's rule asks for, then requests an
	// evaluation of c as st.
	request := func(st apitest.User, c models.Checklist) models.Attempt {
		for range c.Grading.Apply(program.Grading).RequiredPractice {
			env.Post(b, "/v1/attempts", st.Token, map[string]any{"checklistId": c.ID, "kind": "practice", "steps": passAll(c)}).
				WantStatus(b, http.StatusCreated)
		}
		var a models.Attempt
		env.Post(b, "/v1/attempts", st.Token, map[string]any{"checklistId": c.ID, "kind": "evaluation"}).
			WantStatus(b, http.StatusCreated).JSON(b, &a)
		return a
	}

	// requests yields one waiting evaluation request after another: each
	// student asks for every checklist once, then a new student joins.
	var pending []models.Attempt
	next := func() models.Attempt {
		if len(pending) == 0 {
			st := env.NewUser(b, program.ID, models.RoleStudent, inCohort)
			for _, c := range checklists {
				pending = append(pending, request(st, c))
			}
		}
		a := pending[0]
		pending = pending[1:]
		return a
	}

	b.Run("sign-off", func(b *testing.B) {
		var took []time.Duration
		for b.Loop() {
			b.StopTimer()
			a := next()
			body := map[string]any{"steps": passAll(checklists[a.ChecklistID]), "setting": "skills-lab", "attest": true}
			b.StartTimer()
			start := time.Now()
			r := env.Post(b, "/v1/attempts/"+a.ID+"/evaluations", instructor.Token, body)
			took = append(took, time.Since(start))
			if r.Status != http.StatusCreated {
				b.Fatalf("sign-off = %d %s", r.Status, r.Body)
			}
		}
		reportPercentiles(b, took)
	})

	// The dashboard of a student with a history: every checklist
	// requested, half of them signed off.
	st := env.NewUser(b, program.ID, models.RoleStudent, inCohort)
	i := 0
	for _, c := range checklists {
		env.Post(b, "/v1/attempts", st.Token, map[string]any{"checklistId": c.ID, "kind": "practice", "steps": passAll(c)}).
			WantStatus(b, http.StatusCreated)
		a := request(st, c)
		if i++; i%2 == 0 {
			env.Post(b, "/v1/attempts/"+a.ID+"/evaluations", instructor.Token,
				map[string]any{"steps": passAll(c), "setting": "skills-lab", "attest": true}).WantStatus(b, http.StatusCreated)
		}
	}
	b.Run("dashboard", func(b *testing.B) {
		var took []time.Duration
		for b.Loop() {
			start := time.Now()
			r := env.Get(b, "/v1/me/progress", st.Token)
			took = append(took, time.Since(start))
			if r.Status != http.StatusOK {
				b.Fatalf("dashboard = %d %s", r.Status, r.Body)
			}
		}
		reportPercentiles(b, took)
	})
}

// reportPercentiles adds the median and 99th percentile of took, in
// milliseconds, to the benchmark's line: the targets are medians.
func reportPercentiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(at(0.5), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
