package workflow

import (
	"context"
	"fmt"

	"skillbook/models"
)

// ProgramSettingsStore changes a program's settings.
type ProgramSettingsStore interface {
	// SetPINVoidWindow sets how long, in hours, a PIN sign-off may be
	// voided in program programID, with its event; ErrNotFound when there
	// is no such program.
	SetPINVoidWindow(ctx context.Context, programID string, hours int, ev models.Event) (models.Program, error)
}

// ProgramSettings is what a program's staff see of its settings.
type ProgramSettings struct {
	PINVoidWindowHours int `json:"pinVoidWindowHours" doc:"How long after a sign-off made with their signing PIN an instructor may void it, in hours (1 to 168; 24 unless the program set it)."`
}

// settingsOf is what p's staff see of its settings.
func settingsOf(p models.Program) ProgramSettings {
	return ProgramSettings{PINVoidWindowHours: int(p.PINVoidWindow().Hours())}
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
	if caller.Role != models.RoleAdmin {
		return ProgramSettings{}, fmt.Errorf("%w: only program admins change program settings", models.ErrForbidden)
	}
	if err := models.ValidPINVoidHours("body.pinVoidWindowHours", hours); err != nil {
		return ProgramSettings{}, err
	}
	was, err := e.store.Program(ctx, caller.ProgramID)
	if err != nil {
		return ProgramSettings{}, err
	}
	ev := models.Event{Type: models.EventProgramUpdated, ProgramID: caller.ProgramID, Actor: caller.Actor(), Subject: "program", SubjectID: caller.ProgramID,
		Summary: fmt.Sprintf("set the PIN void window to %d hours (was %d)", hours, settingsOf(was).PINVoidWindowHours),
		Data:    map[string]string{"pinVoidWindowHours": fmt.Sprint(hours), "was": fmt.Sprint(settingsOf(was).PINVoidWindowHours)}}
	p, err := e.store.SetPINVoidWindow(ctx, caller.ProgramID, hours, ev)
	if err != nil {
		return ProgramSettings{}, err
	}
	return settingsOf(p), nil
}
