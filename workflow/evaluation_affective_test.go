package workflow

import (
	"context"
	"errors"
	"testing"

	"skillbook/models"
)

// TestEvaluateRatesAffectiveCompetencies: the ratings travel with the
// grade, are checked against what the checklist declares, and are signed.
func TestEvaluateRatesAffectiveCompetencies(t *testing.T) {
	const a1, a2 = "MAERB-2015 I.A.1", "MAERB-2015 I.A.2"
	met := func(code string) models.AffectiveRating {
		return models.AffectiveRating{Code: code, Result: models.AffectiveMet}
	}
	tests := []struct {
		name    string
		in      func(w *evalWorld) EvaluateInput
		problem string // the field of a ValidationError; "" means accepted
	}{
		{"a pass rates every declared code", func(w *evalWorld) EvaluateInput {
			return EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades(), Attest: true,
				Affective: []models.AffectiveRating{met(a1), {Code: a2, Result: models.AffectiveNotMet, Comment: "Did not explain the procedure."}}}
		}, ""},
		{"a pass without every rating is refused", func(w *evalWorld) EvaluateInput {
			return EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades(), Attest: true, Affective: []models.AffectiveRating{met(a1)}}
		}, "affective"},
		{"a code the checklist does not declare is refused", func(w *evalWorld) EvaluateInput {
			return EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades(), Attest: true,
				Affective: []models.AffectiveRating{met(a1), met(a2), met("MAERB-2015 I.A.3")}}
		}, "affective[2].code"},
		{"a failure may leave codes unrated", func(w *evalWorld) EvaluateInput {
			return EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades("hand-hygiene"), Affective: []models.AffectiveRating{met(a2)}}
		}, ""},
		{"a returned request carries no ratings", func(w *evalWorld) EvaluateInput {
			return EvaluateInput{Decision: DecisionReturn, Comment: "Practise more", Affective: []models.AffectiveRating{met(a1)}}
		}, "affective"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newEvalWorld(t)
			w.checklist.Affective = []string{a1, a2}
			w.store.checklists[w.checklist.ID] = w.checklist
			a := w.request(t, w.student)
			in := tt.in(w)
			in.AttemptID = a.ID
			got, err := w.app.Evaluate(context.Background(), w.instructor, in)
			if tt.problem != "" {
				var v *models.ValidationError
				if !errors.As(err, &v) || v.Problems[0].Field != tt.problem {
					t.Fatalf("Evaluate = %v; want a %s problem", err, tt.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Evaluation.Affective) != len(in.Affective) {
				t.Fatalf("stored ratings = %+v; want %+v", got.Evaluation.Affective, in.Affective)
			}
			if v := models.Verify(&got, w.app.signing.Keys); !v.Intact {
				t.Fatalf("Verify = %+v; want intact", v)
			}
			got.Evaluation.Affective[0].Result = models.AffectiveNotMet
			if v := models.Verify(&got, w.app.signing.Keys); v.Intact {
				t.Fatal("a changed affective rating kept the signature intact")
			}
		})
	}
}
