package sqlite

import (
	"context"
	"errors"
	"fmt"
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

func skillEvent(programID, id string, typ models.EventType) models.Event {
	return models.Event{Type: typ, ProgramID: programID, Actor: skillAdmin, Subject: "checklist", SubjectID: id}
}

// skillDraft drafts c as program's next version of c.ID, numbered as
// workflow.CreateDraft numbers it.
func skillDraft(ctx context.Context, s *Store, programID string, c models.Checklist) (models.Checklist, error) {
	latest, draft, err := s.ChecklistNumbering(ctx, programID, c.ID)
	if err != nil {
		return models.Checklist{}, err
	}
	if draft != 0 {
		return models.Checklist{}, fmt.Errorf("%w: version %d is still a draft", models.ErrConflict, draft)
	}
	now := s.now()
	c.Version, c.ProgramID, c.Status, c.Revision = latest+1, programID, models.ChecklistDraft, 1
	c.PublishedAt, c.CreatedAt, c.UpdatedAt = nil, now, now
	c.Digest = c.ContentDigest()
	return s.CreateChecklistDraft(ctx, c, skillEvent(programID, c.ID, models.EventChecklistDrafted))
}

func skillMustDraft(tb testing.TB, s *Store, programID string, c models.Checklist) models.Checklist {
	tb.Helper()
	got, err := skillDraft(context.Background(), s, programID, c)
	if err != nil {
		tb.Fatalf("draft %s = %v", c.ID, err)
	}
	return got
}

// skillTransition moves program's own version to status, one revision on,
// as workflow's Publish and Retire write it.
func skillTransition(ctx context.Context, s *Store, programID, id string, version int, status models.ChecklistStatus) (models.Checklist, error) {
	cur, err := s.OwnChecklist(ctx, programID, id, version)
	if err != nil {
		return models.Checklist{}, err
	}
	now := s.now()
	next := cur
	next.Status, next.UpdatedAt, next.Revision = status, now, cur.Revision+1
	typ := models.EventChecklistRetired
	if status == models.ChecklistPublished {
		next.PublishedAt, next.Digest, typ = &now, next.ContentDigest(), models.EventChecklistPublished
	}
	return s.UpdateChecklist(ctx, next, cur.Revision, skillEvent(programID, id, typ))
}

func skillMustPublish(tb testing.TB, s *Store, programID, id string, version int) models.Checklist {
	tb.Helper()
	got, err := skillTransition(context.Background(), s, programID, id, version, models.ChecklistPublished)
	if err != nil {
		tb.Fatalf("publish %s v%d = %v", id, version, err)
	}
	return got
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
