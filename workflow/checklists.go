package workflow

import (
	"context"
	"fmt"
	"strings"

	"skillbook/models"
)

// ChecklistReadStore is what reading the library needs: the versions a
// program sees, shipped and its own.
type ChecklistReadStore interface {
	Checklists(ctx context.Context, programID string, f models.ChecklistFilter) (models.List[models.Checklist], error)
	CurrentChecklist(ctx context.Context, programID, id string) (models.Checklist, error)
	ChecklistVersions(ctx context.Context, programID, id string) ([]models.Checklist, error)
	Checklist(ctx context.Context, programID, id string, version int) (models.Checklist, error)
}

// Checklists lists the current published checklists of the caller's
// program (shipped and its own), by id, filtered by f.
func (s *Skills) Checklists(ctx context.Context, caller Caller, f models.ChecklistFilter) (models.List[models.Checklist], error) {
	f.Competency = strings.TrimSpace(f.Competency)
	list, err := s.store.Checklists(ctx, caller.ProgramID, f)
	if err != nil {
		return models.List[models.Checklist]{}, err
	}
	visible := list.Items[:0]
	for _, c := range list.Items {
		if models.CanReadChecklist(caller.User, c) {
			visible = append(visible, c)
		}
	}
	list.Items = visible
	return list, nil
}

// CurrentChecklist returns the latest published version of checklist id.
func (s *Skills) CurrentChecklist(ctx context.Context, caller Caller, id string) (models.Checklist, error) {
	c, err := s.store.CurrentChecklist(ctx, caller.ProgramID, id)
	if err != nil {
		return models.Checklist{}, err
	}
	if !models.CanReadChecklist(caller.User, c) {
		return models.Checklist{}, fmt.Errorf("checklist %s: %w", id, models.ErrNotFound)
	}
	return c, nil
}

// ChecklistVersions lists every version of checklist id the caller may
// see, oldest first: drafts only for their program's admins. A checklist
// with none is not found.
func (s *Skills) ChecklistVersions(ctx context.Context, caller Caller, id string) ([]models.Checklist, error) {
	versions, err := s.store.ChecklistVersions(ctx, caller.ProgramID, id)
	if err != nil {
		return nil, err
	}
	out := make([]models.Checklist, 0, len(versions))
	for _, c := range versions {
		if models.CanReadChecklist(caller.User, c) {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("checklist %s: %w", id, models.ErrNotFound)
	}
	return out, nil
}

// ChecklistVersion returns one version of a checklist, retired ones too; a
// draft the caller may not see is not found.
func (s *Skills) ChecklistVersion(ctx context.Context, caller Caller, id string, version int) (models.Checklist, error) {
	c, err := s.store.Checklist(ctx, caller.ProgramID, id, version)
	if err != nil {
		return models.Checklist{}, err
	}
	if !models.CanReadChecklist(caller.User, c) {
		return models.Checklist{}, fmt.Errorf("checklist %s version %d: %w", id, version, models.ErrNotFound)
	}
	return c, nil
}
