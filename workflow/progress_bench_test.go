package workflow_test

import (
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/models"
	"skillbook/seed"
	"skillbook/signing"
	"skillbook/store/storetest"
	"skillbook/workflow"
)

// BenchmarkProgressReads runs the three most frequent progress reads end
// to end on SQLite, over a seeded program of 250 students in one cohort
// with the full library assigned and its history: a student's dashboard,
// their assignments page, and the cohort's matrix (a page of 200).
func BenchmarkProgressReads(b *testing.B) {
	ctx := b.Context()
	clk := clock.System{}
	st := storetest.SQLite(b, clk)
	lib, err := checklists.Library()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.UpsertLibrary(ctx, lib); err != nil {
		b.Fatal(err)
	}
	res, err := seed.Program(ctx, st, "Bench College", lib, seed.Options{Key: signing.Ephemeral(), Students: 250, Cohorts: 1, Seed: 7,
		Now: time.Now().UTC(), Bind: func(id string) string { return "uid-" + id }})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %+v", res.Summary)
	students, err := st.CohortStudents(ctx, res.Program.ID, res.Cohorts[0].ID)
	if err != nil || len(students) == 0 {
		b.Fatalf("CohortStudents = %d, %v", len(students), err)
	}
	var admin models.User
	for _, a := range res.Accounts {
		if a.Role == models.RoleAdmin {
			if admin, err = st.User(ctx, res.Program.ID, a.UserID); err != nil {
				b.Fatal(err)
			}
			break
		}
	}
	if admin.ID == "" {
		b.Fatal("the seeded program has no admin")
	}
	w := workflow.New(st, clk, workflow.EphemeralSigning())
	student := workflow.Caller{User: students[len(students)/2]}

	b.Run("MyProgress", func(b *testing.B) {
		for b.Loop() {
			p, err := w.Skills.MyProgress(ctx, student)
			if err != nil || len(p.Skills) == 0 {
				b.Fatalf("MyProgress = %d skills, %v", len(p.Skills), err)
			}
		}
	})
	b.Run("MyAssignments", func(b *testing.B) {
		for b.Loop() {
			l, err := w.Skills.MyAssignments(ctx, student, models.Page{})
			if err != nil || len(l.Items) == 0 {
				b.Fatalf("MyAssignments = %d items, %v", len(l.Items), err)
			}
		}
	})
	b.Run("CohortProgress", func(b *testing.B) {
		in := workflow.CohortProgressInput{CohortID: res.Cohorts[0].ID, Page: models.Page{Limit: models.MaxPageLimit}}
		for b.Loop() {
			cp, err := w.Skills.CohortProgress(ctx, workflow.Caller{User: admin}, in)
			if err != nil || len(cp.Items) != models.MaxPageLimit {
				b.Fatalf("CohortProgress = %d students, %v", len(cp.Items), err)
			}
		}
	})
}
