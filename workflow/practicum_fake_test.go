package workflow

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"skillbook/models"
)

// The practicum part of fakeSkills, under the guards the engines keep.

func (f *fakeSkills) PracticumEntry(_ context.Context, programID, id string) (models.PracticumEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.practicum[id]
	if !ok || p.ProgramID != programID {
		return models.PracticumEntry{}, fakeNotFound("practicum hours " + id)
	}
	return p, nil
}

func (f *fakeSkills) PracticumEntries(_ context.Context, programID string, flt models.PracticumFilter, _ models.Page) (models.List[models.PracticumEntry], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := models.List[models.PracticumEntry]{Items: []models.PracticumEntry{}}
	for _, p := range f.practicum {
		if p.ProgramID != programID || (flt.StudentIDs != nil && !slices.Contains(flt.StudentIDs, p.StudentID)) ||
			(flt.Status != "" && p.Status != flt.Status) {
			continue
		}
		out.Items = append(out.Items, p)
	}
	slices.SortFunc(out.Items, func(a, b models.PracticumEntry) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}

func (f *fakeSkills) CreatePracticumEntry(_ context.Context, p models.PracticumEntry, events ...models.Event) (models.PracticumEntry, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if stored, ok := f.practicum[p.ID]; ok {
		if stored.ProgramID != p.ProgramID {
			return models.PracticumEntry{}, false, fmt.Errorf("log practicum hours %s: %w", p.ID, models.ErrConflict)
		}
		return stored, false, nil
	}
	f.practicum[p.ID] = p
	f.events = append(f.events, events...)
	return p, true, nil
}

func (f *fakeSkills) ReviewPracticumEntry(_ context.Context, decided models.PracticumEntry, version int64, events ...models.Event) (models.PracticumEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, ok := f.practicum[decided.ID]
	switch {
	case !ok || cur.ProgramID != decided.ProgramID:
		return models.PracticumEntry{}, fakeNotFound("practicum hours " + decided.ID)
	case cur.Status != models.ProcedurePending || cur.Version != version:
		return models.PracticumEntry{}, fmt.Errorf("review practicum hours %s: %w", decided.ID, models.ErrConflict)
	}
	f.practicum[decided.ID] = decided
	f.events = append(f.events, events...)
	return decided, nil
}
