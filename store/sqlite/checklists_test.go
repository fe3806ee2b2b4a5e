package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/models"
)

// The checklist cases of store/mongo/checklists_test.go, at the store's
// level: the use cases' transitions (draft, publish, retire) are made here
// the way workflow makes them (skillDraft, skillPublish, skillRetire), so
// what is checked is what the engine stores and refuses.

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

func TestSkillUpsertLibraryIsIdempotent(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	lib := skillLibrary(t)
	added, err := s.UpsertLibrary(ctx, lib)
	if err != nil || added != len(lib) {
		t.Fatalf("first UpsertLibrary = %d, %v; want %d, nil", added, err, len(lib))
	}
	first, err := s.Checklist(ctx, "", "bp-manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Second)
	added, err = s.UpsertLibrary(ctx, skillLibrary(t))
	if err != nil || added != 0 {
		t.Fatalf("second UpsertLibrary = %d, %v; want 0, nil", added, err)
	}
	s.checklists = checklistCache{} // read what is stored, not what was cached
	again, err := s.Checklist(ctx, "", "bp-manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !again.CreatedAt.Equal(first.CreatedAt) || again.Revision != first.Revision || again.Digest != first.Digest {
		t.Errorf("second UpsertLibrary rewrote bp-manual: %v/%d/%s, was %v/%d/%s",
			again.CreatedAt, again.Revision, again.Digest, first.CreatedAt, first.Revision, first.Digest)
	}
	if again.Status != models.ChecklistPublished || again.ProgramID != "" || again.PublishedAt == nil || len(again.Steps) == 0 {
		t.Errorf("Checklist(bp-manual, 1) = %+v; want a published shipped checklist", again)
	}
	list, err := s.Checklists(ctx, "", models.ChecklistFilter{Page: models.Page{Limit: models.MaxPageLimit}})
	if err != nil || len(list.Items) != len(lib) {
		t.Fatalf("Checklists() = %d items, %v; want %d", len(list.Items), err, len(lib))
	}
}

func TestSkillUpsertLibraryRefusesEditWithoutVersionBump(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	lib := skillMustUpsert(t, s)

	edited := skillLibrary(t)
	for i := range edited {
		if edited[i].ID == "bp-manual" || edited[i].ID == "hand-washing" {
			edited[i].Steps[0].Text += " Quickly."
		}
	}
	_, err := s.UpsertLibrary(ctx, edited)
	if !errors.Is(err, models.ErrConflict) {
		t.Fatalf("UpsertLibrary(edited) = %v; want ErrConflict", err)
	}
	for _, want := range []string{"bp-manual version 1 was edited without a version bump", "hand-washing version 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("UpsertLibrary(edited) = %v; want it to name %q", err, want)
		}
	}
	s.checklists = checklistCache{}
	got, err := s.Checklist(ctx, "", "bp-manual", 1)
	if err != nil || got.Steps[0].Text != lib[skillIndexOf(lib, "bp-manual")].Steps[0].Text {
		t.Errorf("stored bp-manual changed: %q, %v", got.Steps[0].Text, err)
	}

	// Bumping the version is the way to change it.
	bumped := skillLibrary(t)
	i := skillIndexOf(bumped, "bp-manual")
	bumped[i].Version = 2
	bumped[i].Steps[0].Text += " Quickly."
	added, err := s.UpsertLibrary(ctx, bumped)
	if err != nil || added != 1 {
		t.Fatalf("UpsertLibrary(bumped) = %d, %v; want 1, nil", added, err)
	}
	cur, err := s.CurrentChecklist(ctx, "", "bp-manual")
	if err != nil || cur.Version != 2 {
		t.Errorf("CurrentChecklist(bp-manual) = v%d, %v; want v2", cur.Version, err)
	}
	want := lib[i]
	want.Digest = want.ContentDigest()
	if old, err := s.Checklist(ctx, "", "bp-manual", 1); err != nil || old.Digest != want.Digest {
		t.Errorf("Checklist(bp-manual, 1) after the bump = %s, %v; want the original", old.Digest, err)
	}
}

func TestSkillUpsertLibraryRefusesInvalidChecklist(t *testing.T) {
	s, _ := openTest(t)
	bad := skillChecklist("bad")
	bad.Version = 1
	bad.Steps = nil
	if _, err := s.UpsertLibrary(t.Context(), []models.Checklist{bad}); err == nil {
		t.Fatalf("UpsertLibrary(no steps) = nil; want an error")
	}
	if _, err := s.Checklist(t.Context(), "", "bad", 1); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Checklist(bad) = %v; want ErrNotFound", err)
	}
}

func TestSkillChecklistDraftLifecycle(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	const p = "p1"

	d := skillMustDraft(t, s, p, skillChecklist("radial-pulse"))
	if d.Version != 1 || d.Status != models.ChecklistDraft || d.Revision != 1 || d.ProgramID != p || d.Digest != d.ContentDigest() {
		t.Fatalf("CreateChecklistDraft = %+v; want version 1, draft, revision 1, program %s", d, p)
	}
	// One draft per id: numbering reports it, so a second is refused.
	if latest, draft, err := s.ChecklistNumbering(ctx, p, "radial-pulse"); err != nil || latest != 1 || draft != 1 {
		t.Errorf("ChecklistNumbering = %d, %d, %v; want 1, draft 1", latest, draft, err)
	}
	if _, err := skillDraft(ctx, s, p, skillChecklist("radial-pulse")); !errors.Is(err, models.ErrConflict) {
		t.Errorf("second draft = %v; want ErrConflict", err)
	}

	edit := d
	edit.Title = "Count a pulse at the wrist for 60 seconds"
	edit.Revision, edit.Digest = 2, edit.ContentDigest()
	got, err := s.UpdateChecklist(ctx, edit, 1, skillEvent(p, d.ID, models.EventChecklistEdited))
	if err != nil || got.Revision != 2 || got.Title != edit.Title || got.Digest == d.Digest || !got.CreatedAt.Equal(d.CreatedAt) {
		t.Fatalf("UpdateChecklist(revision 1) = %+v, %v; want revision 2 with the new title and digest", got, err)
	}
	if _, err := s.UpdateChecklist(ctx, edit, 1); !errors.Is(err, models.ErrPreconditionFailed) {
		t.Errorf("UpdateChecklist(stale revision) = %v; want ErrPreconditionFailed", err)
	}
	if _, err := s.CurrentChecklist(ctx, p, "radial-pulse"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("CurrentChecklist(only a draft) = %v; want ErrNotFound", err)
	}
	if list, err := s.Checklists(ctx, p, models.ChecklistFilter{}); err != nil || len(list.Items) != 0 {
		t.Errorf("Checklists lists a draft: %+v, %v", list.Items, err)
	}

	pub := skillMustPublish(t, s, p, "radial-pulse", 1)
	if pub.Status != models.ChecklistPublished || pub.PublishedAt == nil || pub.Revision != 3 {
		t.Fatalf("publish = %+v; want published at revision 3", pub)
	}
	if cur, err := s.CurrentChecklist(ctx, p, "radial-pulse"); err != nil || cur.Title != edit.Title || cur.Digest != pub.Digest || cur.Revision != 3 {
		t.Errorf("CurrentChecklist = %q %s r%d, %v; want the published %q", cur.Title, cur.Digest, cur.Revision, err, edit.Title)
	}
	if list, err := s.Checklists(ctx, p, models.ChecklistFilter{}); err != nil || len(list.Items) != 1 || list.Items[0].Revision != 3 {
		t.Errorf("Checklists after publishing = %+v, %v; want the published version", list.Items, err)
	}

	ret, err := skillTransition(ctx, s, p, "radial-pulse", 1, models.ChecklistRetired)
	if err != nil || ret.Status != models.ChecklistRetired || ret.Revision != 4 {
		t.Fatalf("retire = %+v, %v; want retired at revision 4", ret, err)
	}
	if _, err := s.CurrentChecklist(ctx, p, "radial-pulse"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("CurrentChecklist(retired) = %v; want ErrNotFound", err)
	}
	if list, err := s.Checklists(ctx, p, models.ChecklistFilter{}); err != nil || len(list.Items) != 0 {
		t.Errorf("Checklists lists a retired version: %+v, %v", list.Items, err)
	}
	// The cache keeps versions by status: the retired one is what is read.
	for _, read := range []func() (models.Checklist, error){
		func() (models.Checklist, error) { return s.Checklist(ctx, p, "radial-pulse", 1) },
		func() (models.Checklist, error) { return s.OwnChecklist(ctx, p, "radial-pulse", 1) },
	} {
		if got, err := read(); err != nil || got.Status != models.ChecklistRetired || got.Digest != pub.Digest || got.Revision != 4 {
			t.Errorf("read retired version = %s r%d, %v; want retired r4, readable", got.Status, got.Revision, err)
		}
	}
	byRef, err := s.ChecklistsByRef(ctx, p, []models.ChecklistRef{{ID: "radial-pulse", Version: 1}})
	if got := byRef[models.ChecklistRef{ID: "radial-pulse", Version: 1}]; err != nil || got.Status != models.ChecklistRetired {
		t.Errorf("ChecklistsByRef(retired) = %s, %v; want the retired version", got.Status, err)
	}

	// Every change is in the program's audit trail, in its transaction.
	rows, err := s.reader.Query(`SELECT type, count(*) FROM events WHERE program_id = ? AND subject_id = 'radial-pulse' GROUP BY type`, p)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types := map[string]int{}
	for rows.Next() {
		var typ string
		var n int
		if err := rows.Scan(&typ, &n); err != nil {
			t.Fatal(err)
		}
		types[typ] = n
	}
	for _, want := range []models.EventType{models.EventChecklistDrafted, models.EventChecklistEdited, models.EventChecklistPublished, models.EventChecklistRetired} {
		if types[string(want)] != 1 {
			t.Errorf("events has %d %s entries; want 1 (all: %v)", types[string(want)], want, types)
		}
	}
}

func TestSkillChecklistNewVersionOfShipped(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	skillMustUpsert(t, s)
	const p, other = "p1", "p2"

	shipped, err := s.Checklist(ctx, p, "bp-manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	c := shipped
	c.Title = "Measure blood pressure (our program's way)"
	d := skillMustDraft(t, s, p, c)
	if d.Version != 2 || d.ProgramID != p {
		t.Fatalf("draft(bp-manual) = v%d of %q; want v2 of %s", d.Version, d.ProgramID, p)
	}
	if cur, err := s.CurrentChecklist(ctx, p, "bp-manual"); err != nil || cur.Version != 1 {
		t.Errorf("CurrentChecklist before publishing = v%d, %v; want the shipped v1", cur.Version, err)
	}
	skillMustPublish(t, s, p, "bp-manual", 2)
	if cur, err := s.CurrentChecklist(ctx, p, "bp-manual"); err != nil || cur.Version != 2 || cur.ProgramID != p {
		t.Errorf("CurrentChecklist(program) = v%d of %q, %v; want its own v2", cur.Version, cur.ProgramID, err)
	}
	if cur, err := s.CurrentChecklist(ctx, other, "bp-manual"); err != nil || cur.Version != 1 || cur.ProgramID != "" {
		t.Errorf("CurrentChecklist(other program) = v%d of %q, %v; want the shipped v1", cur.Version, cur.ProgramID, err)
	}
	if _, err := s.Checklist(ctx, other, "bp-manual", 2); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Checklist(other program, v2) = %v; want ErrNotFound", err)
	}
	// A shipped version is no program's own: nothing can update it.
	if _, err := s.OwnChecklist(ctx, p, "bp-manual", 1); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("OwnChecklist(shipped) = %v; want ErrNotFound", err)
	}
	upd := shipped
	upd.ProgramID = p
	if _, err := s.UpdateChecklist(ctx, upd, shipped.Revision); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("UpdateChecklist(shipped as the program's) = %v; want ErrNotFound", err)
	}
	if _, err := s.UpdateChecklist(ctx, shipped, shipped.Revision); err == nil {
		t.Errorf("UpdateChecklist(shipped) = nil; want an error")
	}

	// Retiring the program's v2 makes the shipped v1 current again.
	if _, err := skillTransition(ctx, s, p, "bp-manual", 2, models.ChecklistRetired); err != nil {
		t.Fatal(err)
	}
	if cur, err := s.CurrentChecklist(ctx, p, "bp-manual"); err != nil || cur.Version != 1 {
		t.Errorf("CurrentChecklist after retiring v2 = v%d, %v; want v1", cur.Version, err)
	}
	// The next draft counts past the retired version.
	if d := skillMustDraft(t, s, p, c); d.Version != 3 {
		t.Errorf("draft after v2 = v%d; want v3", d.Version)
	}
}

// TestSkillChecklistShippedBeatsADraftOfTheSameNumber: a later release
// ships the number a program's draft holds; the shipped one is what the
// program reads (workflow then refuses to publish the draft).
func TestSkillChecklistShippedBeatsADraftOfTheSameNumber(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	lib := skillMustUpsert(t, s)
	const p = "p1"
	i := skillIndexOf(lib, "hand-washing")
	mine := lib[i]
	mine.Title = "Wash hands (program edition)"
	if d := skillMustDraft(t, s, p, mine); d.Version != 2 {
		t.Fatalf("draft version = %d; want 2", d.Version)
	}
	next := skillLibrary(t)
	next[i].Version = 2
	next[i].Purpose += " Updated."
	if _, err := s.UpsertLibrary(ctx, next); err != nil {
		t.Fatal(err)
	}
	got, err := s.Checklist(ctx, p, "hand-washing", 2)
	if err != nil || got.ProgramID != "" {
		t.Errorf("Checklist(hand-washing, 2) = program %q, %v; want the shipped one over the program's draft", got.ProgramID, err)
	}
	versions, err := s.ChecklistVersions(ctx, p, "hand-washing")
	if err != nil || len(versions) != 2 || versions[1].ProgramID != "" {
		t.Errorf("ChecklistVersions = %d versions, %v; want 2, the second shipped", len(versions), err)
	}
	if own, err := s.OwnChecklist(ctx, p, "hand-washing", 2); err != nil || own.Status != models.ChecklistDraft {
		t.Errorf("OwnChecklist(hand-washing, 2) = %+v, %v; want the program's draft", own, err)
	}
}
