package handlers

import (
	"context"

	"skillbook/models"
	"skillbook/workflow"
)

type programSettingsOutput struct {
	Body workflow.ProgramSettings
}

// programSettings returns the caller's program's settings.
func (s *server) programSettings(ctx context.Context, _ *struct{}) (*programSettingsOutput, error) {
	out, err := s.app.Evaluations.ProgramSettings(ctx, callerOf(ctx))
	if err != nil {
		return nil, err
	}
	return &programSettingsOutput{Body: out}, nil
}

type programSettingsInput struct {
	Body struct {
		PINVoidWindowHours     *int                              `json:"pinVoidWindowHours,omitempty" doc:"How long after a sign-off made with their signing PIN an instructor may void it, in hours (1 to 168)."`
		TimeZone               *string                           `json:"timeZone,omitempty" maxLength:"64" doc:"The program's IANA time zone (America/Chicago, UTC): dates in exports and reminders are its dates."`
		PracticumHoursRequired *int                              `json:"practicumHoursRequired,omitempty" doc:"The practicum (externship) hours each student needs confirmed (1 to 2000)."`
		ChecklistPolicies      map[string]models.ChecklistPolicy `json:"checklistPolicies,omitempty" maxProperties:"200" doc:"Attempt and practice rules by checklist id; a policy given replaces that checklist's, an empty one ({}) removes it. Checklists not named keep theirs."`
		Competencies           *models.CompetencySettings        `json:"competencies,omitempty" doc:"The competency frameworks to report against and the program's own evidence rules, replaced together; rules can only tighten the shipped defaults."`
	}
}

// setProgramSettings changes the settings the body names of the caller's
// program (admins); the others are left as they are.
func (s *server) setProgramSettings(ctx context.Context, in *programSettingsInput) (*programSettingsOutput, error) {
	b := in.Body
	out, err := s.app.Evaluations.UpdateProgramSettings(ctx, callerOf(ctx), models.SettingsPatch{
		PINVoidHours: b.PINVoidWindowHours, TimeZone: b.TimeZone, PracticumHours: b.PracticumHoursRequired, Policies: b.ChecklistPolicies,
		Competencies: b.Competencies,
	})
	if err != nil {
		return nil, err
	}
	return &programSettingsOutput{Body: out}, nil
}
