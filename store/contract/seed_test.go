package contract_test

import (
	"context"
	"testing"

	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/models"
	"skillbook/seed"
	"skillbook/signing"
	"skillbook/store/storetest"
)

func TestSeedWritesAProgramThatReadsBackWhole(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		lib, err := checklists.Library()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpsertLibrary(ctx, lib); err != nil {
			t.Fatal(err)
		}
		res, err := seed.Program(ctx, s, "Seeded College", lib, seed.Options{Key: signing.Ephemeral(), Students: 12, Cohorts: 2, Seed: 7, Now: epoch,
			Bind: func(id string) string { return "uid-" + id }})
		if err != nil {
			t.Fatal(err)
		}
		sum := res.Summary
		if want := sum.Admins + sum.Instructors + sum.Students + sum.Cohorts + sum.Assignments + sum.Attempts() +
			sum.Remediations + sum.Procedures + sum.Practicum + sum.Devices + sum.Audit; res.Written != want {
			t.Fatalf("Written = %d; want %d, every record of the summary %+v", res.Written, want, sum)
		}
		var students []models.User
		for _, c := range res.Cohorts {
			page, err := s.CohortStudents(ctx, res.Program.ID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			students = append(students, page...)
		}
		if len(students) != 12 {
			t.Fatalf("students in the seeded cohorts = %d; want 12", len(students))
		}
		u, err := s.UserByUID(ctx, "uid-"+students[0].ID)
		if err != nil || u.ID != students[0].ID {
			t.Fatalf("UserByUID(bound seed user) = %+v, %v; want %s", u, err, students[0].ID)
		}
		var skills []models.StudentSkill
		for _, c := range lib {
			skills = append(skills, models.StudentSkill{StudentID: students[0].ID, ChecklistID: c.ID})
		}
		attempts, err := s.SkillAttempts(ctx, res.Program.ID, skills)
		if err != nil {
			t.Fatal(err)
		}
		signed := 0
		for _, a := range attempts {
			if e := a.Evaluation; e != nil && e.Signature != nil {
				signed++
				if got := models.EvaluationRecord(&a, *e.Signature).Digest(); got != e.Signature.Digest {
					t.Errorf("attempt %s digest after seeding = %s; want %s", a.ID, got, e.Signature.Digest)
				}
			}
		}
		if len(attempts) == 0 || signed == 0 {
			t.Fatalf("student %s has %d attempts, %d signed; want a history with signed evaluations", students[0].ID, len(attempts), signed)
		}
	})
}
