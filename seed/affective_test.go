package seed_test

import (
	"testing"
	"time"

	"skillbook/models"
	"skillbook/seed"
	"skillbook/signing"
)

// TestGenerateRatesDeclaredAffectiveCompetencies: where a checklist
// declares affective competencies, the seeded evaluations rate them as the
// API would accept (every one on a pass), inside the signed record.
func TestGenerateRatesDeclaredAffectiveCompetencies(t *testing.T) {
	t.Parallel()
	lib := library(t)
	declared := []string{"MAERB-2015 I.A.1", "MAERB-2015 I.A.2"}
	var bp *models.Checklist
	for i := range lib {
		if lib[i].ID == "bp-manual" {
			lib[i].Affective = declared
			bp = &lib[i]
		}
	}
	p := models.Program{ID: "01a20000-0000-7000-8000-000000000001", Grading: models.DefaultGrading, ProcedureTargets: models.DefaultProcedureTargets}
	key := signing.Ephemeral()
	b, _, _, err := seed.Generate(p, lib, seed.Options{Key: key, Students: 30, Cohorts: 1, Seed: 7,
		Now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC), Bind: seed.UID, PINHash: "hash"})
	if err != nil {
		t.Fatal(err)
	}
	rated, passes := 0, 0
	for i := range b.Attempts {
		a := &b.Attempts[i]
		if a.Evaluation == nil || a.Evaluation.Outcome == models.OutcomeReturned {
			continue
		}
		if a.ChecklistID != bp.ID {
			if len(a.Evaluation.Affective) > 0 {
				t.Fatalf("%s (declaring none) was rated %+v", a.ChecklistID, a.Evaluation.Affective)
			}
			continue
		}
		if err := models.RateAffective(bp, a.Evaluation.Outcome, a.Evaluation.Affective); err != nil {
			t.Fatalf("seeded ratings %+v of a %s evaluation: %v", a.Evaluation.Affective, a.Evaluation.Outcome, err)
		}
		if v := models.Verify(a, key.KeySet()); !v.Intact {
			t.Fatalf("seeded rated evaluation does not verify: %+v", v.Evaluation)
		}
		if a.Evaluation.Outcome == models.OutcomePassed {
			passes++
		}
		rated += len(a.Evaluation.Affective)
	}
	if passes == 0 || rated < 2*passes {
		t.Fatalf("%d ratings on %d passes of bp-manual; want every declared code rated on each", rated, passes)
	}
}
