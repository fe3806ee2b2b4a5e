package contract_test

import (
	"context"
	"errors"
	"testing"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

func TestChecklistNewVersionOfShipped(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		mustUpsert(t, s)
		p, other := newProgram(t, s), newProgram(t, s)

		shipped, err := s.Checklist(ctx, p, "bp-manual", 1)
		if err != nil {
			t.Fatal(err)
		}
		c := shipped
		c.Title = "Measure blood pressure (our program's way)"
		d := mustDraft(t, s, p, c)
		if d.Version != 2 || d.ProgramID != p {
			t.Fatalf("CreateChecklistDraft(bp-manual) = v%d of %q; want v2 of %s", d.Version, d.ProgramID, p)
		}
		if _, err := storetest.CreateChecklistDraft(ctx, s, admin, p, c); !errors.Is(err, models.ErrConflict) {
			t.Errorf("second CreateChecklistDraft while a draft exists = %v; want ErrConflict", err)
		}
		if cur, err := s.CurrentChecklist(ctx, p, "bp-manual"); err != nil || cur.Version != 1 {
			t.Errorf("CurrentChecklist before publishing = v%d, %v; want the shipped v1", cur.Version, err)
		}

		mustPublish(t, s, p, "bp-manual", 2)
		if cur, err := s.CurrentChecklist(ctx, p, "bp-manual"); err != nil || cur.Version != 2 || cur.ProgramID != p {
			t.Errorf("CurrentChecklist(program) = v%d of %q, %v; want its own v2", cur.Version, cur.ProgramID, err)
		}
		if cur, err := s.CurrentChecklist(ctx, other, "bp-manual"); err != nil || cur.Version != 1 || cur.ProgramID != "" {
			t.Errorf("CurrentChecklist(other program) = v%d of %q, %v; want the shipped v1", cur.Version, cur.ProgramID, err)
		}
		if _, err := s.Checklist(ctx, other, "bp-manual", 2); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Checklist(other program, v2) = %v; want ErrNotFound", err)
		}

		// Shipped versions are immutable for every program.
		if _, err := updateDraft(ctx, s, p, shipped, 0); !errors.Is(err, models.ErrConflict) {
			t.Errorf("UpdateChecklistDraft(shipped) = %v; want ErrConflict", err)
		}
		if _, err := publish(ctx, s, p, "bp-manual", 1, 0); !errors.Is(err, models.ErrConflict) {
			t.Errorf("PublishChecklist(shipped) = %v; want ErrConflict", err)
		}
		if _, err := storetest.RetireChecklist(ctx, s, admin, p, "bp-manual", 1); !errors.Is(err, models.ErrConflict) {
			t.Errorf("RetireChecklist(shipped) = %v; want ErrConflict", err)
		}
		if _, err := storetest.RetireChecklist(ctx, s, admin, p, "no-such-checklist", 1); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("RetireChecklist(unknown) = %v; want ErrNotFound", err)
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
		if _, err := storetest.RetireChecklist(ctx, s, admin, p, "bp-manual", 2); err != nil {
			t.Fatal(err)
		}
		if cur, err := s.CurrentChecklist(ctx, p, "bp-manual"); err != nil || cur.Version != 1 {
			t.Errorf("CurrentChecklist after retiring v2 = v%d, %v; want v1", cur.Version, err)
		}
		// The next draft counts past the retired version.
		if d := mustDraft(t, s, p, c); d.Version != 3 {
			t.Errorf("CreateChecklistDraft after v2 = v%d; want v3", d.Version)
		}
	})
}

// TestPublishRefusesVersionTheLibraryShips: a later release ships the
// number a program's draft holds; the shipped one is what the program
// reads, and the draft cannot be published.
func TestPublishRefusesVersionTheLibraryShips(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		lib := mustUpsert(t, s)
		p := newProgram(t, s)

		i := indexOf(lib, "hand-washing")
		mine := lib[i]
		mine.Title = "Wash hands (program edition)"
		if d := mustDraft(t, s, p, mine); d.Version != 2 {
			t.Fatalf("draft version = %d; want 2", d.Version)
		}
		// A later release ships its own version 2 of the same checklist.
		next := library(t)
		next[i].Version = 2
		next[i].Purpose += " Updated."
		if _, err := s.UpsertLibrary(ctx, next); err != nil {
			t.Fatal(err)
		}
		if _, err := publish(ctx, s, p, "hand-washing", 2, 0); !errors.Is(err, models.ErrConflict) {
			t.Errorf("PublishChecklist(version the library ships) = %v; want ErrConflict", err)
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
	})
}
