package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/models"
)

// Checklist fixtures at the store's level: the use cases' transitions
// (draft, publish, retire) made the way workflow makes them, for the
// SQLite-only tests (the contract suite, store/contract, runs the
// checklist cases on both engines).

var skillAdmin = models.Actor{UserID: "admin-1", Name: "Admin", Role: models.RoleAdmin, RequestID: "req-1"}

func skillLibrary(tb testing.TB) []models.Checklist {
	tb.Helper()
	lib, err := checklists.Library()
	if err != nil {
		tb.Fatalf("Library() = %v", err)
	}
	return lib
}

func skillMustUpsert(tb testing.TB, s *Store) []models.Checklist {
	tb.Helper()
	lib := skillLibrary(tb)
	if _, err := s.UpsertLibrary(context.Background(), lib); err != nil {
		tb.Fatalf("UpsertLibrary = %v", err)
	}
	return lib
}

// skillChecklist is a valid program checklist with id.
func skillChecklist(id string) models.Checklist {
	return models.Checklist{
		ID: id, Area: models.AreaVitalSigns, Title: "Count a pulse at the wrist",
		Purpose:      "The student counts a radial pulse.",
		Competencies: []string{"MAERB-2015 I.P.1.c"},
		Equipment:    []string{"Watch"},
		Steps: []models.Step{
			{ID: "hand-hygiene", Text: "Perform hand hygiene.", Critical: true},
			{ID: "count", Text: "Count for 30 seconds."},
		},
	}
}

func skillIndexOf(lib []models.Checklist, id string) int {
	for i, c := range lib {
		if c.ID == id {
			return i
		}
	}
	panic("no checklist " + id)
}

// TestSkillUpsertLibraryLeavesTheStoredRowsAlone reads past the checklist
// cache: a second upsert, or a refused edit, rewrites no stored row (the
// contract suite checks what the store answers).
func TestSkillUpsertLibraryLeavesTheStoredRowsAlone(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	lib := skillMustUpsert(t, s)
	first, err := s.Checklist(ctx, "", "bp-manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	if added, err := s.UpsertLibrary(ctx, skillLibrary(t)); err != nil || added != 0 {
		t.Fatalf("second UpsertLibrary = %d, %v; want 0, nil", added, err)
	}
	edited := skillLibrary(t)
	edited[skillIndexOf(edited, "bp-manual")].Steps[0].Text += " Quickly."
	if _, err := s.UpsertLibrary(ctx, edited); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("UpsertLibrary(edited) = %v; want ErrConflict", err)
	}
	s.checklists = checklistCache{} // read what is stored, not what was cached
	again, err := s.Checklist(ctx, "", "bp-manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !again.CreatedAt.Equal(first.CreatedAt) || again.Revision != first.Revision || again.Digest != first.Digest ||
		again.Steps[0].Text != lib[skillIndexOf(lib, "bp-manual")].Steps[0].Text {
		t.Errorf("stored bp-manual = %v/%d/%s %q; want it as first stored, %v/%d/%s",
			again.CreatedAt, again.Revision, again.Digest, again.Steps[0].Text, first.CreatedAt, first.Revision, first.Digest)
	}
}

// TestSkillChecklistRevisionColumnFollowsTheDoc: the revision the guard
// reads is in step with the doc.
func TestSkillChecklistRevisionColumnFollowsTheDoc(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	const p = "p1"
	c := skillChecklist("guarded")
	c.ProgramID, c.Version, c.Status, c.Revision = p, 1, models.ChecklistDraft, 1
	if _, err := s.CreateChecklistDraft(ctx, c); err != nil {
		t.Fatal(err)
	}
	next := c
	next.Title, next.Revision = "Guarded, edited", 2
	if _, err := s.UpdateChecklist(ctx, next, 1); err != nil {
		t.Fatal(err)
	}
	var revision int64
	if err := s.reader.QueryRow(`SELECT revision FROM checklists WHERE program_id = ? AND checklist_id = 'guarded'`, p).Scan(&revision); err != nil || revision != 2 {
		t.Errorf("revision column = %d, %v; want 2 (column and doc in step)", revision, err)
	}
}
