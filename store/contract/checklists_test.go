package contract_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
	"skillbook/workflow"
)

func library(tb testing.TB) []models.Checklist {
	tb.Helper()
	lib, err := checklists.Library()
	if err != nil {
		tb.Fatalf("Library() = %v", err)
	}
	return lib
}

// mustUpsert stores the shipped library, with the superseded versions
// older records name, and returns its current versions.
func mustUpsert(tb testing.TB, s storetest.Store) []models.Checklist {
	tb.Helper()
	lib := library(tb)
	all, err := checklists.Versions()
	if err != nil {
		tb.Fatalf("Versions() = %v", err)
	}
	if _, err := s.UpsertLibrary(context.Background(), all); err != nil {
		tb.Fatalf("UpsertLibrary = %v", err)
	}
	return lib
}

// draft is a valid program checklist with id.
func draft(id string) models.Checklist {
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

// mustDraft drafts c as program's next version, through the use case.
func mustDraft(tb testing.TB, s storetest.Store, programID string, c models.Checklist) models.Checklist {
	tb.Helper()
	got, err := storetest.CreateChecklistDraft(context.Background(), s, admin, programID, c)
	if err != nil {
		tb.Fatalf("CreateChecklistDraft(%s) = %v", c.ID, err)
	}
	return got
}

// mustPublish publishes program's draft id version, through the use case.
func mustPublish(tb testing.TB, s storetest.Store, programID, id string, version int) models.Checklist {
	tb.Helper()
	got, err := storetest.PublishChecklist(context.Background(), s, admin, programID, id, version)
	if err != nil {
		tb.Fatalf("PublishChecklist(%s, %d) = %v", id, version, err)
	}
	return got
}

// skillsOf is the Skills use cases over s, called by admin in program.
func skillsOf(s storetest.Store, programID string) (*workflow.Skills, workflow.Caller) {
	u := models.User{ID: admin.UserID, Name: admin.Name, Role: admin.Role, ProgramID: programID, Active: true}
	return workflow.New(s, clock.System{}, workflow.EphemeralSigning()).Skills, workflow.Caller{User: u, RequestID: admin.RequestID}
}

// updateDraft edits program's draft c.ID version c.Version, read at
// revision, through the use case.
func updateDraft(ctx context.Context, s storetest.Store, programID string, c models.Checklist, revision int64) (models.Checklist, error) {
	skills, caller := skillsOf(s, programID)
	return skills.UpdateDraft(ctx, caller, workflow.UpdateDraftInput{Checklist: c, Revision: revision})
}

// publish publishes program's draft id version, read at revision, through
// the use case.
func publish(ctx context.Context, s storetest.Store, programID, id string, version int, revision int64) (models.Checklist, error) {
	skills, caller := skillsOf(s, programID)
	return skills.Publish(ctx, caller, workflow.PublishInput{ID: id, Version: version, Revision: revision})
}

func indexOf(lib []models.Checklist, id string) int {
	for i, c := range lib {
		if c.ID == id {
			return i
		}
	}
	panic("no checklist " + id)
}

func TestUpsertLibraryIsIdempotent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		lib := library(t)
		added, err := s.UpsertLibrary(ctx, lib)
		if err != nil || added != len(lib) {
			t.Fatalf("first UpsertLibrary = %d, %v; want %d, nil", added, err, len(lib))
		}
		first, err := s.Checklist(ctx, "", "bp-manual", 1)
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
		added, err = s.UpsertLibrary(ctx, library(t))
		if err != nil || added != 0 {
			t.Fatalf("second UpsertLibrary = %d, %v; want 0, nil", added, err)
		}
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
	})
}

func TestUpsertLibraryRefusesEditWithoutVersionBump(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		lib := mustUpsert(t, s)

		edited := library(t)
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
		got, err := s.Checklist(ctx, "", "bp-manual", 1)
		if err != nil || got.Steps[0].Text != lib[indexOf(lib, "bp-manual")].Steps[0].Text {
			t.Errorf("stored bp-manual changed: %q, %v", got.Steps[0].Text, err)
		}

		// Bumping the version is the way to change it.
		bumped := library(t)
		i := indexOf(bumped, "bp-manual")
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
	})
}

func TestUpsertLibraryRefusesInvalidChecklist(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		bad := draft("bad")
		bad.Version = 1
		bad.Steps = nil
		if _, err := s.UpsertLibrary(context.Background(), []models.Checklist{bad}); err == nil {
			t.Fatalf("UpsertLibrary(no steps) = nil; want an error")
		}
		if _, err := s.Checklist(context.Background(), "", "bad", 1); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Checklist(bad) = %v; want ErrNotFound", err)
		}
	})
}

func TestChecklistDraftLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)

		d := mustDraft(t, s, p, draft("radial-pulse"))
		if d.Version != 1 || d.Status != models.ChecklistDraft || d.Revision != 1 || d.ProgramID != p || d.Digest != d.ContentDigest() {
			t.Fatalf("CreateChecklistDraft = %+v; want version 1, draft, revision 1, program %s", d, p)
		}
		// One draft per id: numbering reports it, so a second is refused.
		if latest, draft, err := s.ChecklistNumbering(ctx, p, "radial-pulse"); err != nil || latest != 1 || draft != 1 {
			t.Errorf("ChecklistNumbering = %d, %d, %v; want 1, draft 1", latest, draft, err)
		}
		if _, err := storetest.CreateChecklistDraft(ctx, s, admin, p, draft("radial-pulse")); !errors.Is(err, models.ErrConflict) {
			t.Errorf("second draft = %v; want ErrConflict", err)
		}

		edit := draft("radial-pulse")
		edit.Version = 1
		edit.Title = "Count a pulse at the wrist for 60 seconds"
		got, err := updateDraft(ctx, s, p, edit, 1)
		if err != nil || got.Revision != 2 || got.Title != edit.Title || got.Digest == d.Digest || !got.CreatedAt.Equal(d.CreatedAt) {
			t.Fatalf("UpdateChecklistDraft(revision 1) = %+v, %v; want revision 2 with the new title and digest", got, err)
		}
		if _, err := updateDraft(ctx, s, p, edit, 1); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("UpdateChecklistDraft(stale revision) = %v; want ErrPreconditionFailed", err)
		}
		stale := got
		stale.Revision = 2
		if _, err := s.UpdateChecklist(ctx, stale, 1); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("UpdateChecklist(stale revision) = %v; want ErrPreconditionFailed", err)
		}
		invalid := edit
		invalid.Steps = nil
		var ve *models.ValidationError
		if _, err := updateDraft(ctx, s, p, invalid, 2); !errors.As(err, &ve) {
			t.Errorf("UpdateChecklistDraft(no steps) = %v; want a ValidationError", err)
		}
		if _, err := publish(ctx, s, p, "radial-pulse", 1, 1); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("PublishChecklist(stale revision) = %v; want ErrPreconditionFailed", err)
		}
		if _, err := storetest.RetireChecklist(ctx, s, admin, p, "radial-pulse", 1); !errors.Is(err, models.ErrConflict) {
			t.Errorf("RetireChecklist(draft) = %v; want ErrConflict", err)
		}
		if _, err := s.CurrentChecklist(ctx, p, "radial-pulse"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("CurrentChecklist(only a draft) = %v; want ErrNotFound", err)
		}
		if list, err := s.Checklists(ctx, p, models.ChecklistFilter{}); err != nil || len(list.Items) != 0 {
			t.Errorf("Checklists lists a draft: %+v, %v", list.Items, err)
		}

		pub, err := publish(ctx, s, p, "radial-pulse", 1, 2)
		if err != nil || pub.Status != models.ChecklistPublished || pub.PublishedAt == nil || pub.Revision != 3 {
			t.Fatalf("PublishChecklist = %+v, %v; want published at revision 3", pub, err)
		}
		if again, err := publish(ctx, s, p, "radial-pulse", 1, 2); err != nil || again.Revision != pub.Revision {
			t.Errorf("PublishChecklist(again) = %+v, %v; want the same published version", again, err)
		}
		if list, err := s.Checklists(ctx, p, models.ChecklistFilter{}); err != nil || len(list.Items) != 1 || list.Items[0].Revision != 3 {
			t.Errorf("Checklists after publishing = %+v, %v; want the published version", list.Items, err)
		}

		// A published version never changes, whatever revision is offered.
		changed := edit
		changed.Title = "Changed after publishing"
		for _, rev := range []int64{0, pub.Revision} {
			if _, err := updateDraft(ctx, s, p, changed, rev); !errors.Is(err, models.ErrConflict) {
				t.Errorf("UpdateChecklistDraft(published, revision %d) = %v; want ErrConflict", rev, err)
			}
		}
		if cur, err := s.CurrentChecklist(ctx, p, "radial-pulse"); err != nil || cur.Title != edit.Title || cur.Digest != pub.Digest || cur.Revision != 3 {
			t.Errorf("CurrentChecklist after refused edit = %q %s r%d, %v; want %q %s r3", cur.Title, cur.Digest, cur.Revision, err, edit.Title, pub.Digest)
		}

		ret, err := storetest.RetireChecklist(ctx, s, admin, p, "radial-pulse", 1)
		if err != nil || ret.Status != models.ChecklistRetired || ret.Revision != 4 {
			t.Fatalf("RetireChecklist = %+v, %v; want retired at revision 4", ret, err)
		}
		if again, err := storetest.RetireChecklist(ctx, s, admin, p, "radial-pulse", 1); err != nil || again.Status != models.ChecklistRetired {
			t.Errorf("RetireChecklist(again) = %v; want the retired version", err)
		}
		if _, err := s.CurrentChecklist(ctx, p, "radial-pulse"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("CurrentChecklist(retired) = %v; want ErrNotFound", err)
		}
		if list, err := s.Checklists(ctx, p, models.ChecklistFilter{}); err != nil || len(list.Items) != 0 {
			t.Errorf("Checklists lists a retired version: %+v, %v", list.Items, err)
		}
		// The retired version is what every read finds (SQLite caches
		// versions by status).
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
		if _, err := updateDraft(ctx, s, p, changed, 0); !errors.Is(err, models.ErrConflict) {
			t.Errorf("UpdateChecklistDraft(retired) = %v; want ErrConflict", err)
		}

		// Every change is in the program's audit trail.
		audit, err := s.Audit(ctx, p, models.AuditFilter{Subject: "checklist", SubjectID: "radial-pulse"}, models.Page{})
		if err != nil {
			t.Fatal(err)
		}
		types := map[models.EventType]int{}
		for _, e := range audit.Items {
			types[e.Type]++
			if e.Actor != admin {
				t.Errorf("audit entry %s actor = %+v; want %+v", e.Type, e.Actor, admin)
			}
		}
		for _, want := range []models.EventType{models.EventChecklistDrafted, models.EventChecklistEdited, models.EventChecklistPublished, models.EventChecklistRetired} {
			if types[want] != 1 {
				t.Errorf("audit has %d %s entries; want 1 (all: %v)", types[want], want, types)
			}
		}
	})
}
