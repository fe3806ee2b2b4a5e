package contract_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

func TestChecklistVersions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		mustUpsert(t, s)
		p := newProgram(t, s)
		shipped, _ := s.Checklist(ctx, p, "temperature-oral", 1)
		mustDraft(t, s, p, shipped)
		mustPublish(t, s, p, "temperature-oral", 2)
		mustDraft(t, s, p, shipped)

		versions, err := s.ChecklistVersions(ctx, p, "temperature-oral")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, v := range versions {
			got = append(got, string(v.Status))
		}
		if want := "published published draft"; strings.Join(got, " ") != want || versions[0].Version != 1 || versions[2].Version != 3 {
			t.Errorf("ChecklistVersions = %v; want %s for versions 1..3", got, want)
		}
		if others, err := s.ChecklistVersions(ctx, newProgram(t, s), "temperature-oral"); err != nil || len(others) != 1 {
			t.Errorf("ChecklistVersions(other program) = %d, %v; want only the shipped one", len(others), err)
		}
		if _, err := s.ChecklistVersions(ctx, p, "no-such-checklist"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("ChecklistVersions(unknown) = %v; want ErrNotFound", err)
		}
		if _, err := s.Checklist(ctx, p, "temperature-oral", 9); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Checklist(unknown version) = %v; want ErrNotFound", err)
		}
	})
}

func TestChecklistsPagination(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		lib := mustUpsert(t, s)
		p := newProgram(t, s)

		var ids []string
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > len(lib) {
				t.Fatalf("pagination does not end")
			}
			list, err := s.Checklists(ctx, p, models.ChecklistFilter{Page: models.Page{Limit: 5, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Items) > 5 {
				t.Fatalf("page of %d items; want at most 5", len(list.Items))
			}
			for _, c := range list.Items {
				ids = append(ids, c.ID)
			}
			if list.NextCursor == "" {
				break
			}
			cursor = list.NextCursor
		}
		if len(ids) != len(lib) {
			t.Fatalf("paged through %d checklists; want %d", len(ids), len(lib))
		}
		for i := range ids {
			if ids[i] != lib[i].ID {
				t.Fatalf("item %d = %s; want %s (sorted by id, no repeats)", i, ids[i], lib[i].ID)
			}
		}

		// An exact last page has no next cursor.
		list, err := s.Checklists(ctx, p, models.ChecklistFilter{Page: models.Page{Limit: len(lib)}})
		if err != nil || len(list.Items) != len(lib) || list.NextCursor != "" {
			t.Errorf("Checklists(limit = size) = %d items, cursor %q, %v; want all and no cursor", len(list.Items), list.NextCursor, err)
		}

		var ve *models.ValidationError
		for _, bad := range []string{"garbage!", "eyJsIjoiYXVkaXQiLCJrIjp7ImlkIjoiYSJ9fQ"} {
			if _, err := s.Checklists(ctx, p, models.ChecklistFilter{Page: models.Page{Cursor: bad}}); !errors.As(err, &ve) {
				t.Errorf("Checklists(cursor %q) = %v; want a ValidationError", bad, err)
			}
		}
	})
}

func TestChecklistsFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		lib := mustUpsert(t, s)
		p := newProgram(t, s)

		count := func(programID string, f models.ChecklistFilter) []string {
			t.Helper()
			f.Page.Limit = models.MaxPageLimit
			list, err := s.Checklists(ctx, programID, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range list.Items {
				ids = append(ids, c.ID)
			}
			return ids
		}
		want := 0
		for _, c := range lib {
			if c.Area == models.AreaSterilization {
				want++
			}
		}
		if got := count(p, models.ChecklistFilter{Area: models.AreaSterilization}); len(got) != want {
			t.Errorf("Checklists(area sterilization) = %v; want %d", got, want)
		}
		if got := count(p, models.ChecklistFilter{Text: "BLOOD pressure"}); strings.Join(got, ",") != "bp-automated,bp-manual" {
			t.Errorf("Checklists(text blood pressure) = %v; want [bp-automated bp-manual]", got)
		}
		if got := count(p, models.ChecklistFilter{Competency: "MAERB-2015 I.P.1.a"}); strings.Join(got, ",") != "bp-automated,bp-manual,orthostatic-vital-signs" {
			t.Errorf("Checklists(competency I.P.1.a) = %v; want [bp-automated bp-manual orthostatic-vital-signs]", got)
		}
		for _, id := range count(p, models.ChecklistFilter{Competency: "MAERB-2015 I.P.1"}) {
			if lib[indexOf(lib, id)].Area != models.AreaVitalSigns {
				t.Errorf("Checklists(competency I.P.1) includes %s", id)
			}
		}

		// Filters see the current version: the program's v3 (after the
		// shipped v2) renames pulse-oximetry, so the old title no longer
		// matches for it.
		c := lib[indexOf(lib, "pulse-oximetry")]
		c.Title = "Measure SpO2"
		mustDraft(t, s, p, c)
		mustPublish(t, s, p, "pulse-oximetry", 3)
		if got := count(p, models.ChecklistFilter{Text: "oxygen saturation"}); len(got) != 0 {
			t.Errorf("Checklists(old title) = %v; want none", got)
		}
		if got := count(p, models.ChecklistFilter{Text: "spo2"}); strings.Join(got, ",") != "pulse-oximetry" {
			t.Errorf("Checklists(new title) = %v; want [pulse-oximetry]", got)
		}
		all, err := s.Checklists(ctx, p, models.ChecklistFilter{Page: models.Page{Limit: models.MaxPageLimit}})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Items) != len(lib) {
			t.Errorf("Checklists() = %d; want %d (one current version per id)", len(all.Items), len(lib))
		}
		for _, it := range all.Items {
			if it.ID == "pulse-oximetry" && (it.Version != 3 || it.ProgramID != p) {
				t.Errorf("Checklists() lists pulse-oximetry v%d of %q; want the program's v3", it.Version, it.ProgramID)
			}
		}

		// A program's own checklist is listed for it alone, and not once
		// retired.
		mustDraft(t, s, p, draft("radial-pulse"))
		if got := count(p, models.ChecklistFilter{Text: "AT THE wrist"}); len(got) != 0 {
			t.Errorf("Checklists lists a draft: %v", got)
		}
		mustPublish(t, s, p, "radial-pulse", 1)
		if got := count(p, models.ChecklistFilter{Text: "AT THE wrist"}); strings.Join(got, ",") != "radial-pulse" {
			t.Errorf("Checklists(own published) = %v; want [radial-pulse]", got)
		}
		if got := count(newProgram(t, s), models.ChecklistFilter{Text: "AT THE wrist"}); len(got) != 0 {
			t.Errorf("another program lists radial-pulse: %v", got)
		}
		if _, err := storetest.RetireChecklist(ctx, s, admin, p, "radial-pulse", 1); err != nil {
			t.Fatal(err)
		}
		if got := count(p, models.ChecklistFilter{Text: "AT THE wrist"}); len(got) != 0 {
			t.Errorf("Checklists lists a retired checklist: %v", got)
		}
	})
}

// TestCreateChecklistDraftRace: of concurrent first drafts of one id, one
// is stored (the number is a unique key, so this holds on FerretDB too).
func TestCreateChecklistDraftRace(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		p := newProgram(t, s)
		errs := race(5, func(int) error {
			_, err := storetest.CreateChecklistDraft(context.Background(), s, admin, p, draft("same-id"))
			return err
		})
		oneWinner(t, "first draft of one id", errs, models.ErrConflict)
		versions, err := s.ChecklistVersions(context.Background(), p, "same-id")
		if err != nil || len(versions) != 1 {
			t.Errorf("ChecklistVersions = %d, %v; want 1 draft", len(versions), err)
		}
	})
}

// TestUpdateChecklistDraftRace: concurrent edits of one draft read at the
// same revision; exactly one wins and the others get ErrPreconditionFailed.
func TestUpdateChecklistDraftRace(t *testing.T) {
	forEachAtomicEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		p := newProgram(t, s)
		d := mustDraft(t, s, p, draft("contested"))
		errs := race(10, func(i int) error {
			c := d
			c.Title, c.Revision = "Edit "+string(rune('A'+i)), 2
			_, err := s.UpdateChecklist(context.Background(), c, 1)
			return err
		})
		oneWinner(t, "edit at revision 1", errs, models.ErrPreconditionFailed)
		if got, err := s.Checklist(context.Background(), p, "contested", 1); err != nil || got.Revision != 2 {
			t.Errorf("after the race = revision %d, %v; want revision 2", got.Revision, err)
		}
	})
}

// TestChecklistWritesAreGuarded: the store's own guards, below the use
// cases: a version number is taken once, a replacement needs the revision
// it was read at, and numbering sees shipped and own versions.
func TestChecklistWritesAreGuarded(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		mustUpsert(t, s)
		p := newProgram(t, s)

		c := draft("guarded")
		c.ProgramID, c.Version, c.Status, c.Revision = p, 1, models.ChecklistDraft, 1
		if _, err := s.CreateChecklistDraft(ctx, c); err != nil {
			t.Fatal(err)
		}
		drafted := models.Event{Type: models.EventChecklistDrafted, ProgramID: p, Actor: admin, Subject: "checklist", SubjectID: c.ID}
		if _, err := s.CreateChecklistDraft(ctx, c, drafted); !errors.Is(err, models.ErrConflict) {
			t.Errorf("CreateChecklistDraft(a taken number) = %v; want ErrConflict", err)
		}
		if got := auditTypes(t, s, p, "guarded"); len(got) != 0 {
			t.Errorf("events of a refused draft = %v; want none", got)
		}
		noProgram := c
		noProgram.ProgramID = ""
		if _, err := s.CreateChecklistDraft(ctx, noProgram); err == nil {
			t.Errorf("CreateChecklistDraft(no program) = nil; want an error")
		}
		if latest, d, err := s.ChecklistNumbering(ctx, p, "guarded"); err != nil || latest != 1 || d != 1 {
			t.Errorf("ChecklistNumbering(guarded) = %d, %d, %v; want 1, draft 1", latest, d, err)
		}
		if latest, d, err := s.ChecklistNumbering(ctx, p, "bp-manual"); err != nil || latest != 1 || d != 0 {
			t.Errorf("ChecklistNumbering(bp-manual) = %d, %d, %v; want the shipped 1, no draft", latest, d, err)
		}
		if latest, d, err := s.ChecklistNumbering(ctx, p, "nothing"); err != nil || latest != 0 || d != 0 {
			t.Errorf("ChecklistNumbering(nothing) = %d, %d, %v; want 0, 0", latest, d, err)
		}

		next := c
		next.Title, next.Revision = "Guarded, edited", 2
		if _, err := s.UpdateChecklist(ctx, next, 7); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("UpdateChecklist(stale revision) = %v; want ErrPreconditionFailed", err)
		}
		got, err := s.UpdateChecklist(ctx, next, 1)
		if err != nil || got.Title != next.Title || got.Revision != 2 {
			t.Errorf("UpdateChecklist(revision 1) = %+v, %v; want the edit at revision 2", got, err)
		}
		if _, err := s.UpdateChecklist(ctx, next, 1); !errors.Is(err, models.ErrPreconditionFailed) {
			t.Errorf("UpdateChecklist(revision 1 again) = %v; want ErrPreconditionFailed", err)
		}
		missing := next
		missing.ID = "missing"
		if _, err := s.UpdateChecklist(ctx, missing, 1); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("UpdateChecklist(missing) = %v; want ErrNotFound", err)
		}
		if _, err := s.OwnChecklist(ctx, p, "bp-manual", 1); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("OwnChecklist(shipped) = %v; want ErrNotFound", err)
		}
	})
}
