package workflow

import (
	"context"
	"fmt"
	"slices"

	"skillbook/models"
)

// CompetencySettingsStore is what a program's competency settings need:
// the program, and writing its frameworks and evidence rules.
type CompetencySettingsStore interface {
	Program(ctx context.Context, id string) (models.Program, error)
	SetProgramCompetencies(ctx context.Context, id string, settings models.CompetencySettings) (models.Program, error)
}

// Competencies are the use cases of a program's competency settings: the
// frameworks it reports against and the evidence rules it adds to the
// shipped ones.
type Competencies struct {
	store CompetencySettingsStore
}

// NewCompetencies returns the competency settings use cases over store.
func NewCompetencies(store CompetencySettingsStore) *Competencies {
	return &Competencies{store: store}
}

// CompetencySettingsView is a program's competency settings with what they
// apply on top of: the frameworks Skillbook ships and the default rules.
type CompetencySettingsView struct {
	models.CompetencySettings
	ShippedFrameworks    []string              `json:"shippedFrameworks"`
	DefaultEvidenceRules []models.EvidenceRule `json:"defaultEvidenceRules"`
}

// CompetencySettings returns the caller's program's settings (frameworks
// as they apply: DefaultFrameworks until the program chooses).
func (c *Competencies) CompetencySettings(ctx context.Context, caller Caller) (CompetencySettingsView, error) {
	p, err := c.store.Program(ctx, caller.ProgramID)
	if err != nil {
		return CompetencySettingsView{}, err
	}
	return settingsView(p), nil
}

// SetCompetencySettings replaces the program's frameworks and its own
// evidence rules; only a program admin may. Rules only add to the shipped
// defaults, so a program can tighten evidence but never relax it.
func (c *Competencies) SetCompetencySettings(ctx context.Context, caller Caller, in models.CompetencySettings) (CompetencySettingsView, error) {
	if caller.Role != models.RoleAdmin {
		return CompetencySettingsView{}, fmt.Errorf("%w: only a program admin chooses frameworks and evidence rules", models.ErrForbidden)
	}
	in.Frameworks = slices.Clone(in.Frameworks)
	if in.EvidenceRules == nil {
		in.EvidenceRules = []models.EvidenceRule{}
	}
	if err := in.Validate(); err != nil {
		return CompetencySettingsView{}, err
	}
	p, err := c.store.SetProgramCompetencies(ctx, caller.ProgramID, in)
	if err != nil {
		return CompetencySettingsView{}, err
	}
	return settingsView(p), nil
}

func settingsView(p models.Program) CompetencySettingsView {
	rules := p.EvidenceRules
	if rules == nil {
		rules = []models.EvidenceRule{}
	}
	return CompetencySettingsView{
		CompetencySettings:   models.CompetencySettings{Frameworks: p.CompetencyFrameworks(), EvidenceRules: rules},
		ShippedFrameworks:    models.FrameworkNames(),
		DefaultEvidenceRules: models.DefaultEvidenceRules(),
	}
}
