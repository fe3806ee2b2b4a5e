package workflow

import (
	"context"
	"slices"
	"testing"

	"skillbook/models"
)

// competencyStore is an in-memory program store.
type competencyStore struct{ programs map[string]models.Program }

func (s *competencyStore) Program(_ context.Context, id string) (models.Program, error) {
	p, ok := s.programs[id]
	if !ok {
		return models.Program{}, models.ErrNotFound
	}
	return p, nil
}

func (s *competencyStore) SetProgramCompetencies(_ context.Context, id string, settings models.CompetencySettings) (models.Program, error) {
	p, ok := s.programs[id]
	if !ok {
		return models.Program{}, models.ErrNotFound
	}
	p.Frameworks, p.EvidenceRules = settings.Frameworks, settings.EvidenceRules
	s.programs[id] = p
	return p, nil
}

func TestCompetencySettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &competencyStore{programs: map[string]models.Program{"p1": {ID: "p1", Name: "MA"}}}
	c := NewCompetencies(store)
	admin := Caller{User: models.User{ID: "a1", ProgramID: "p1", Role: models.RoleAdmin}}
	teacher := Caller{User: models.User{ID: "i1", ProgramID: "p1", Role: models.RoleInstructor}}

	got, err := c.CompetencySettings(ctx, teacher)
	if err != nil || !slices.Equal(got.Frameworks, models.DefaultFrameworks) || len(got.EvidenceRules) != 0 ||
		len(got.DefaultEvidenceRules) == 0 || !slices.Equal(got.ShippedFrameworks, models.FrameworkNames()) {
		t.Errorf("CompetencySettings of a new program = %+v, %v; want MAERB-2015 by default and the shipped rules", got, err)
	}

	tighter := models.CompetencySettings{Frameworks: []string{"MAERB-2015"}, EvidenceRules: []models.EvidenceRule{
		{Code: "MAERB-2015 I.P.2.b", Partial: []string{"venipuncture-winged-set"}, Why: "evacuated tube only"}}}
	tests := []struct {
		name   string
		caller Caller
		in     models.CompetencySettings
		want   error
	}{
		{"an instructor may not", teacher, tighter, models.ErrForbidden},
		{"an unknown framework", admin, models.CompetencySettings{Frameworks: []string{"MAERB-2022"}}, &models.ValidationError{}},
		{"a rule that adds nothing", admin, models.CompetencySettings{Frameworks: []string{"MAERB-2015"},
			EvidenceRules: []models.EvidenceRule{{Code: "MAERB-2015 I.P.7"}}}, &models.ValidationError{}},
		{"the admin tightens venipuncture", admin, tighter, nil},
	}
	for _, tt := range tests {
		got, err := c.SetCompetencySettings(ctx, tt.caller, tt.in)
		wantErr(t, "SetCompetencySettings: "+tt.name, err, tt.want)
		if err == nil && (len(got.EvidenceRules) != 1 || got.EvidenceRules[0].Partial[0] != "venipuncture-winged-set") {
			t.Errorf("%s: settings = %+v; want the rule", tt.name, got)
		}
	}
	if p := store.programs["p1"]; len(p.EvidenceRules) != 1 {
		t.Errorf("stored program = %+v; want the admin's rule alone (refused settings not stored)", p)
	}
	rule := models.EvidenceRuleOf(store.programs["p1"], "MAERB-2015 I.P.2.b")
	if !slices.Equal(rule.Partial, []string{"order-of-draw-labeling", "venipuncture-winged-set"}) {
		t.Errorf("EvidenceRuleOf(I.P.2.b) partial = %v; want the default's and the program's", rule.Partial)
	}
}
