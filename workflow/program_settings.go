package workflow

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"skillbook/models"
)

// ProgramSettingsStore changes a program's settings.
type ProgramSettingsStore interface {
	// UpdateProgramSettings makes patch's changes to program programID,
	// with its event, leaving the other settings as they are;
	// ErrNotFound when there is no such program.
	UpdateProgramSettings(ctx context.Context, programID string, patch models.SettingsPatch, ev models.Event) (models.Program, error)
}

// ProgramSettings is what a program's staff see of its settings.
type ProgramSettings struct {
	PINVoidWindowHours     int                               `json:"pinVoidWindowHours" doc:"How long after a sign-off made with their signing PIN an instructor may void it, in hours (1 to 168; 24 unless the program set it)."`
	TimeZone               string                            `json:"timeZone" doc:"The program's IANA time zone: dates in exports and reminders are its dates (UTC unless the program set one)."`
	PracticumHoursRequired int                               `json:"practicumHoursRequired" doc:"The practicum (externship) hours each student needs confirmed (160 unless the program set it)."`
	ChecklistPolicies      map[string]models.ChecklistPolicy `json:"checklistPolicies" doc:"The program's own attempt and practice rules, by checklist id, over each checklist's grading."`
	// Competencies are the frameworks the program reports against and
	// the evidence rules it adds to the shipped ones.
	Competencies         models.CompetencySettings `json:"competencies" doc:"The competency frameworks the program reports against (MAERB-2015 unless it chose) and the evidence rules it adds to the shipped defaults."`
	ShippedFrameworks    []string                  `json:"shippedFrameworks" doc:"The frameworks Skillbook ships, which competencies.frameworks may name."`
	DefaultEvidenceRules []models.EvidenceRule     `json:"defaultEvidenceRules" doc:"The shipped evidence rules, which a program's own rules can only tighten."`
}

// settingsOf is what p's staff see of its settings.
func settingsOf(p models.Program) ProgramSettings {
	tz := p.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	policies := maps.Clone(p.Policies)
	if policies == nil {
		policies = map[string]models.ChecklistPolicy{}
	}
	rules := p.EvidenceRules
	if rules == nil {
		rules = []models.EvidenceRule{}
	}
	return ProgramSettings{PINVoidWindowHours: int(p.PINVoidWindow().Hours()), TimeZone: tz,
		PracticumHoursRequired: p.PracticumRequirement(), ChecklistPolicies: policies,
		Competencies:      models.CompetencySettings{Frameworks: p.CompetencyFrameworks(), EvidenceRules: rules},
		ShippedFrameworks: models.FrameworkNames(), DefaultEvidenceRules: models.DefaultEvidenceRules()}
}

// ProgramSettings returns the caller's program's settings.
func (e *Evaluations) ProgramSettings(ctx context.Context, caller Caller) (ProgramSettings, error) {
	p, err := e.store.Program(ctx, caller.ProgramID)
	if err != nil {
		return ProgramSettings{}, err
	}
	return settingsOf(p), nil
}

// SetPINVoidWindow sets, for the caller's program (admins), how long an
// instructor may void a sign-off made with their signing PIN; the change
// is audited. It applies to every PIN sign-off from then on, earlier
// ones included (the window is read when a void is asked for).
func (e *Evaluations) SetPINVoidWindow(ctx context.Context, caller Caller, hours int) (ProgramSettings, error) {
	return e.UpdateProgramSettings(ctx, caller, models.SettingsPatch{PINVoidHours: &hours})
}

// UpdateProgramSettings changes, for the caller's program (admins), the
// settings patch names and leaves the others; the change is audited.
// Attempt policies apply to requests from then on; the time zone to
// exports and reminders made from then on.
func (e *Evaluations) UpdateProgramSettings(ctx context.Context, caller Caller, patch models.SettingsPatch) (ProgramSettings, error) {
	if caller.Role != models.RoleAdmin {
		return ProgramSettings{}, fmt.Errorf("%w: only program admins change program settings", models.ErrForbidden)
	}
	if patch.IsZero() {
		return ProgramSettings{}, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body", Message: "names no setting to change"}}}
	}
	if err := patch.Validate(); err != nil {
		return ProgramSettings{}, err
	}
	was, err := e.store.Program(ctx, caller.ProgramID)
	if err != nil {
		return ProgramSettings{}, err
	}
	before := settingsOf(was)
	data := map[string]string{}
	if patch.PINVoidHours != nil {
		data["pinVoidWindowHours"], data["was"] = fmt.Sprint(*patch.PINVoidHours), fmt.Sprint(before.PINVoidWindowHours)
	}
	if patch.TimeZone != nil {
		data["timeZone"], data["wasTimeZone"] = *patch.TimeZone, before.TimeZone
	}
	if patch.PracticumHours != nil {
		data["practicumHoursRequired"], data["wasPracticumHoursRequired"] = fmt.Sprint(*patch.PracticumHours), fmt.Sprint(before.PracticumHoursRequired)
	}
	for id, pol := range patch.Policies {
		// Event data keys are stored as document keys: no dot.
		data["checklistPolicy:"+id] = pol.String()
	}
	if c := patch.Competencies; c != nil {
		data["frameworks"], data["wasFrameworks"] = strings.Join(c.Frameworks, ","), strings.Join(before.Competencies.Frameworks, ",")
		data["evidenceRules"], data["wasEvidenceRules"] = fmt.Sprint(len(c.EvidenceRules)), fmt.Sprint(len(before.Competencies.EvidenceRules))
	}
	summary := patch.Summary()
	if patch.PINVoidHours != nil && len(data) == 2 {
		// The wording audit readers already know for this one change.
		summary = fmt.Sprintf("set the PIN void window to %d hours (was %d)", *patch.PINVoidHours, before.PINVoidWindowHours)
	}
	ev := models.Event{Type: models.EventProgramUpdated, ProgramID: caller.ProgramID, Actor: caller.Actor(), Subject: "program", SubjectID: caller.ProgramID,
		Summary: summary, Data: data}
	p, err := e.store.UpdateProgramSettings(ctx, caller.ProgramID, patch, ev)
	if err != nil {
		return ProgramSettings{}, err
	}
	return settingsOf(p), nil
}
