package contract_test

import (
	"context"
	"testing"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

// TestAffectiveRatingsAreStoredAndExported: an evaluation's affective
// ratings are stored with it, read back whole, still verify, and reach
// the exports (which leave out step grades but not the ratings).
func TestAffectiveRatingsAreStoredAndExported(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		c := seedClass(t, s, clk)
		ratings := []models.AffectiveRating{{Code: "MAERB-2015 I.A.1", Result: models.AffectiveMet},
			{Code: "MAERB-2015 I.A.2", Result: models.AffectiveNotMet, Comment: "Did not explain the procedure."}}
		req, _, err := s.CreateAttempt(ctx, models.Attempt{ID: newID(), ProgramID: c.program.ID, StudentID: c.bob.ID, StudentName: c.bob.Name,
			CohortID: c.cohort.ID, ChecklistID: "bp-manual", ChecklistVersion: 1, ChecklistTitle: "BP", Area: models.AreaVitalSigns,
			Kind: models.AttemptEvaluation, Status: models.StatusRequested, RequestedAt: epoch},
			models.Event{Type: models.EventEvaluationRequested, ProgramID: c.program.ID, Actor: admin, Subject: "attempt", StudentID: c.bob.ID})
		if err != nil {
			t.Fatal(err)
		}
		e := models.Evaluation{ID: newID(), EvaluatorID: c.instructor.ID, Steps: []models.StepGrade{{StepID: "x", Result: models.StepPass}},
			Setting: models.SettingSkillsLab, Score: 100, Outcome: models.OutcomePassed, Affective: ratings, Grading: models.DefaultGrading, EvaluatedAt: epoch}
		a := req
		a.Evaluation = &e
		if err := models.Sign(ctx, &a, c.instructor, models.SignedInSession, epoch, testKey); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EvaluateAttempt(ctx, c.program.ID, req.ID, req.Version, models.StatusPassed, e); err != nil {
			t.Fatal(err)
		}
		read, err := s.Attempt(ctx, c.program.ID, req.ID)
		if err != nil || len(read.Evaluation.Affective) != 2 || read.Evaluation.Affective[1] != ratings[1] {
			t.Fatalf("Attempt = %+v, %v; want both ratings back", read.Evaluation, err)
		}
		if v := models.Verify(&read, testKey.KeySet()); !v.Intact {
			t.Fatalf("Verify(stored) = %+v; want intact", v.Evaluation)
		}
		var exported []models.AffectiveRating
		if err := s.EachStudentRecord(ctx, c.program, models.ExportSelection{StudentID: c.bob.ID}, "2099-01-01", func(r *models.StudentRecord) error {
			for _, ev := range r.Evaluations {
				exported = append(exported, ev.Evaluation.Affective...)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(exported) != 2 || exported[0] != ratings[0] {
			t.Fatalf("exported ratings = %+v; want %+v", exported, ratings)
		}
	})
}
