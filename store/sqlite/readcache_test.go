package sqlite

import (
	"testing"

	"skillbook/checklists"
	"skillbook/models"
)

// TestReadCachesFollowWrites reads a cohort's assignments and a program's
// view of a checklist version, writes each, and reads again: the second
// read sees the write, and a read served from the cache equals one from
// the database.
func TestReadCachesFollowWrites(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	lib, err := checklists.Library()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertLibrary(ctx, lib); err != nil {
		t.Fatal(err)
	}
	amy := models.User{ID: "amy", ProgramID: "p1", Role: models.RoleStudent, CohortIDs: []string{"c1"}}
	assigned := func() []string {
		t.Helper()
		got, err := s.AssignmentsOf(ctx, "p1", []models.User{amy})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range got {
			ids = append(ids, a.ChecklistID)
		}
		return ids
	}
	skillAssign(t, s, "p1", "c1", "", lib[0].ID, "")
	if got := assigned(); len(got) != 1 || got[0] != lib[0].ID {
		t.Fatalf("assignments of c1 = %v; want %s", got, lib[0].ID)
	}
	if got := assigned(); len(got) != 1 { // from the cache
		t.Fatalf("assignments of c1 read again = %v; want the same one", got)
	}
	skillAssign(t, s, "p1", "c1", "", lib[1].ID, "")
	skillAssign(t, s, "p1", "", amy.ID, lib[2].ID, "")
	if got := assigned(); len(got) != 3 {
		t.Fatalf("assignments after two more = %v; want 3", got)
	}

	// A program's own version: unknown until its draft is written, then
	// the draft, then the published version over the draft.
	ref := models.ChecklistRef{ID: "own-skill", Version: 1}
	view := func() (models.Checklist, bool) {
		t.Helper()
		got, err := s.ChecklistsByRef(ctx, "p1", []models.ChecklistRef{ref})
		if err != nil {
			t.Fatal(err)
		}
		c, ok := got[ref]
		return c, ok
	}
	if _, ok := view(); ok {
		t.Fatal("a version nobody wrote is seen")
	}
	if _, ok := view(); ok {
		t.Fatal("a version nobody wrote is seen, from the cache")
	}
	draft := lib[0]
	draft.ID, draft.ProgramID, draft.Version, draft.Status, draft.Title = ref.ID, "p1", 1, models.ChecklistDraft, "Our own skill"
	draft, err = s.CreateChecklistDraft(ctx, draft)
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := view(); !ok || c.Status != models.ChecklistDraft {
		t.Fatalf("after the draft, the view = %+v, %v; want the draft", c.Status, ok)
	}
	published := draft
	published.Status = models.ChecklistPublished
	if _, err := s.UpdateChecklist(ctx, published, draft.Revision); err != nil {
		t.Fatal(err)
	}
	if c, ok := view(); !ok || c.Status != models.ChecklistPublished {
		t.Fatalf("after publishing, the view = %+v, %v; want the published version", c.Status, ok)
	}
}
