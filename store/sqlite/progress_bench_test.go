package sqlite

import (
	"fmt"
	"testing"

	"skillbook/models"
)

// BenchmarkSkillCohortProgress reads a page of 250 students' progress
// records in a cohort where each student has 30 assigned checklists and 4
// attempts at each (30,000 attempts), the cohort-progress target's shape.
func BenchmarkSkillCohortProgress(b *testing.B) {
	s, _ := openTest(b)
	lib := skillMustUpsert(b, s)
	skillProgram(b, s, "p1")
	for _, c := range lib[:30] {
		if _, _, err := skillCreateAssignment(b.Context(), s, models.Assignment{ProgramID: "p1", ChecklistID: c.ID, ChecklistVersion: c.Version,
			Area: c.Area, CohortID: "c1"}); err != nil {
			b.Fatal(err)
		}
	}
	tx, err := s.writer.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for i := range 250 {
		id := fmt.Sprintf("s%03d", i)
		u := models.User{ID: id, ProgramID: "p1", Email: id + "@example.com", Name: id, Role: models.RoleStudent, CohortIDs: []string{"c1"}, Active: true}
		doc, _ := encode(u)
		if _, err := tx.Exec(`INSERT INTO users (id, program_id, email, role, active, version, created_at, doc) VALUES (?, 'p1', ?, 'student', 1, 1, 0, ?)`, id, u.Email, doc); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO cohort_members (cohort_id, user_id, program_id, role) VALUES ('c1', ?, 'p1', 'student')`, id); err != nil {
			b.Fatal(err)
		}
		for _, c := range lib[:30] {
			for k := range 4 {
				a := models.Attempt{ID: newID(), ProgramID: "p1", StudentID: id, StudentName: id, CohortID: "c1", ChecklistID: c.ID, ChecklistVersion: c.Version,
					ChecklistTitle: c.Title, Area: c.Area, Kind: models.AttemptPractice, Status: models.StatusPracticed, Version: 1, RequestedAt: s.now()}
				for _, st := range c.Steps {
					a.Steps = append(a.Steps, models.StepGrade{StepID: st.ID, Result: models.StepPass})
				}
				if k == 3 {
					a.Kind, a.Status, a.Steps = models.AttemptEvaluation, models.StatusPassed, nil
					a.Evaluation = &models.Evaluation{ID: newID(), EvaluatorID: "i1", Outcome: models.OutcomePassed, Score: 100, EvaluatedAt: s.now(),
						Signature: &models.Signature{SignerID: "i1", SignerName: "Ivy", SignedAt: s.now(), Method: models.SignedInSession, Meaning: models.SignatureMeaning}}
					for _, st := range c.Steps {
						a.Evaluation.Steps = append(a.Evaluation.Steps, models.StepGrade{StepID: st.ID, Result: models.StepPass})
					}
				}
				doc, _ := encode(a)
				// The progress column as every store write sets it.
				progress, _ := attemptProgress(&a)
				if _, err := tx.Exec(`INSERT INTO attempts (id, program_id, student_id, cohort_id, checklist_id, area, kind, status, open_slot, requested_at, version, doc, progress)
					VALUES (?, 'p1', ?, 'c1', ?, ?, ?, ?, ?, ?, 1, ?, ?)`, a.ID, id, c.ID, string(a.Area), string(a.Kind), string(a.Status), a.ID, ms(a.RequestedAt), doc, progress); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	b.Run("cohort page of 200", func(b *testing.B) {
		for b.Loop() {
			cp, err := s.CohortProgress(b.Context(), "p1", "c1", models.Page{Limit: models.MaxPageLimit})
			if err != nil || len(cp.Students.Items) != models.MaxPageLimit || len(cp.Records.Standings) != models.MaxPageLimit {
				b.Fatalf("CohortProgress = %d students, standings of %d, %v", len(cp.Students.Items), len(cp.Records.Standings), err)
			}
		}
	})
	b.Run("one student", func(b *testing.B) {
		student := models.User{ID: "s007", ProgramID: "p1", CohortIDs: []string{"c1"}}
		for b.Loop() {
			r, err := s.ProgressRecords(b.Context(), "p1", []models.User{student})
			if err != nil || len(r.Standings[student.ID]) != 30 || len(r.Checklists) != 30 {
				b.Fatalf("ProgressRecords = standings at %d checklists, %d checklists, %v", len(r.Standings[student.ID]), len(r.Checklists), err)
			}
		}
	})
}

// skillProgram inserts a program row with plain SQL (the progress tests'
// own runs on both engines in store/contract).
func skillProgram(tb testing.TB, s *Store, id string) {
	tb.Helper()
	doc, _ := encode(models.Program{ID: id, Name: id})
	if _, err := s.writer.Exec(`INSERT INTO programs (id, name, created_at, doc) VALUES (?, ?, ?, ?)`, id, id, ms(s.now()), doc); err != nil {
		tb.Fatal(err)
	}
}
