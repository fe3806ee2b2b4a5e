package mongo_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
	"skillbook/workflow"
)

var admin = models.Actor{UserID: "admin-1", Name: "Admin", Role: models.RoleAdmin, RequestID: "req-1"}

func library(tb testing.TB) []models.Checklist {
	tb.Helper()
	lib, err := checklists.Library()
	if err != nil {
		tb.Fatalf("Library() = %v", err)
	}
	return lib
}

// mustUpsert stores the shipped library and returns it.
func mustUpsert(tb testing.TB, s *mongo.Store) []models.Checklist {
	tb.Helper()
	lib := library(tb)
	if _, err := s.UpsertLibrary(context.Background(), lib); err != nil {
		tb.Fatalf("UpsertLibrary = %v", err)
	}
	return lib
}

func mustProgram(tb testing.TB, s *mongo.Store) string {
	tb.Helper()
	p, err := s.CreateProgram(context.Background(), "P")
	if err != nil {
		tb.Fatal(err)
	}
	return p.ID
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

func mustCreate(tb testing.TB, s *mongo.Store, programID string, c models.Checklist) models.Checklist {
	tb.Helper()
	got, err := storetest.CreateChecklistDraft(context.Background(), s, admin, programID, c)
	if err != nil {
		tb.Fatalf("CreateChecklistDraft(%s) = %v", c.ID, err)
	}
	return got
}

func mustPublish(tb testing.TB, s *mongo.Store, programID, id string, version int) models.Checklist {
	tb.Helper()
	got, err := storetest.PublishChecklist(context.Background(), s, admin, programID, id, version)
	if err != nil {
		tb.Fatalf("PublishChecklist(%s, %d) = %v", id, version, err)
	}
	return got
}

// skillsOf is the Skills use cases over s, called by admin in program.
func skillsOf(s *mongo.Store, programID string) (*workflow.Skills, workflow.Caller) {
	u := models.User{ID: admin.UserID, Name: admin.Name, Role: admin.Role, ProgramID: programID, Active: true}
	return workflow.New(s, clock.System{}).Skills, workflow.Caller{User: u, RequestID: admin.RequestID}
}

// updateDraft edits program's draft c.ID version c.Version, read at revision.
func updateDraft(ctx context.Context, s *mongo.Store, programID string, c models.Checklist, revision int64) (models.Checklist, error) {
	skills, caller := skillsOf(s, programID)
	return skills.UpdateDraft(ctx, caller, workflow.UpdateDraftInput{Checklist: c, Revision: revision})
}

// publish publishes program's draft id version, read at revision.
func publish(ctx context.Context, s *mongo.Store, programID, id string, version int, revision int64) (models.Checklist, error) {
	skills, caller := skillsOf(s, programID)
	return skills.Publish(ctx, caller, workflow.PublishInput{ID: id, Version: version, Revision: revision})
}

func TestUpsertLibraryIsIdempotent(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
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
}

func TestUpsertLibraryRefusesEditWithoutVersionBump(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
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
	if old, err := s.Checklist(ctx, "", "bp-manual", 1); err != nil || old.Digest != lib[i].Digest {
		t.Errorf("Checklist(bp-manual, 1) after the bump = %v; want the original", err)
	}
}

func TestUpsertLibraryRefusesInvalidChecklist(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	bad := draft("bad")
	bad.Version = 1
	bad.Steps = nil
	if _, err := s.UpsertLibrary(context.Background(), []models.Checklist{bad}); err == nil {
		t.Fatalf("UpsertLibrary(no steps) = nil; want an error")
	}
}

func indexOf(lib []models.Checklist, id string) int {
	for i, c := range lib {
		if c.ID == id {
			return i
		}
	}
	panic("no checklist " + id)
}

func TestChecklistDraftLifecycle(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	p := mustProgram(t, s)

	d := mustCreate(t, s, p, draft("radial-pulse"))
	if d.Version != 1 || d.Status != models.ChecklistDraft || d.Revision != 1 || d.ProgramID != p || d.Digest != d.ContentDigest() {
		t.Fatalf("CreateChecklistDraft = %+v; want version 1, draft, revision 1, program %s", d, p)
	}

	edit := draft("radial-pulse")
	edit.Version = 1
	edit.Title = "Count a pulse at the wrist for 60 seconds"
	got, err := updateDraft(ctx, s, p, edit, 1)
	if err != nil || got.Revision != 2 || got.Title != edit.Title || got.Digest == d.Digest {
		t.Fatalf("UpdateChecklistDraft(revision 1) = %+v, %v; want revision 2 with the new title and digest", got, err)
	}
	if _, err := updateDraft(ctx, s, p, edit, 1); !errors.Is(err, models.ErrPreconditionFailed) {
		t.Errorf("UpdateChecklistDraft(stale revision) = %v; want ErrPreconditionFailed", err)
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

	pub, err := publish(ctx, s, p, "radial-pulse", 1, 2)
	if err != nil || pub.Status != models.ChecklistPublished || pub.PublishedAt == nil || pub.Revision != 3 {
		t.Fatalf("PublishChecklist = %+v, %v; want published at revision 3", pub, err)
	}
	if again, err := publish(ctx, s, p, "radial-pulse", 1, 2); err != nil || again.Revision != pub.Revision {
		t.Errorf("PublishChecklist(again) = %+v, %v; want the same published version", again, err)
	}

	// A published version never changes, whatever revision is offered.
	changed := edit
	changed.Title = "Changed after publishing"
	for _, rev := range []int64{0, pub.Revision} {
		if _, err := updateDraft(ctx, s, p, changed, rev); !errors.Is(err, models.ErrConflict) {
			t.Errorf("UpdateChecklistDraft(published, revision %d) = %v; want ErrConflict", rev, err)
		}
	}
	if cur, err := s.CurrentChecklist(ctx, p, "radial-pulse"); err != nil || cur.Title != edit.Title || cur.Digest != pub.Digest {
		t.Errorf("CurrentChecklist after refused edit = %q %s, %v; want %q %s", cur.Title, cur.Digest, err, edit.Title, pub.Digest)
	}

	ret, err := storetest.RetireChecklist(ctx, s, admin, p, "radial-pulse", 1)
	if err != nil || ret.Status != models.ChecklistRetired {
		t.Fatalf("RetireChecklist = %+v, %v; want retired", ret, err)
	}
	if again, err := storetest.RetireChecklist(ctx, s, admin, p, "radial-pulse", 1); err != nil || again.Status != models.ChecklistRetired {
		t.Errorf("RetireChecklist(again) = %v; want the retired version", err)
	}
	if _, err := s.CurrentChecklist(ctx, p, "radial-pulse"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("CurrentChecklist(retired) = %v; want ErrNotFound", err)
	}
	if byVersion, err := s.Checklist(ctx, p, "radial-pulse", 1); err != nil || byVersion.Status != models.ChecklistRetired || byVersion.Digest != pub.Digest {
		t.Errorf("Checklist(retired, 1) = %+v, %v; want the retired version, readable", byVersion, err)
	}
	if _, err := updateDraft(ctx, s, p, changed, 0); !errors.Is(err, models.ErrConflict) {
		t.Errorf("UpdateChecklistDraft(retired) = %v; want ErrConflict", err)
	}

	// Every change is in the program's audit trail.
	audit, err := s.Audit(ctx, p, mongo.AuditFilter{Subject: "checklist", SubjectID: "radial-pulse"}, models.Page{})
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
}

func TestChecklistNewVersionOfShipped(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	mustUpsert(t, s)
	p, other := mustProgram(t, s), mustProgram(t, s)

	shipped, err := s.Checklist(ctx, p, "bp-manual", 1)
	if err != nil {
		t.Fatal(err)
	}
	c := shipped
	c.Title = "Measure blood pressure (our program's way)"
	d := mustCreate(t, s, p, c)
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

	// Retiring the program's v2 makes the shipped v1 current again.
	if _, err := storetest.RetireChecklist(ctx, s, admin, p, "bp-manual", 2); err != nil {
		t.Fatal(err)
	}
	if cur, err := s.CurrentChecklist(ctx, p, "bp-manual"); err != nil || cur.Version != 1 {
		t.Errorf("CurrentChecklist after retiring v2 = v%d, %v; want v1", cur.Version, err)
	}
	// The next draft counts past the retired version.
	if d := mustCreate(t, s, p, c); d.Version != 3 {
		t.Errorf("CreateChecklistDraft after v2 = v%d; want v3", d.Version)
	}
}

func TestPublishRefusesVersionTheLibraryShips(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	lib := mustUpsert(t, s)
	p := mustProgram(t, s)

	i := indexOf(lib, "hand-washing")
	mine := lib[i]
	mine.Title = "Wash hands (program edition)"
	if d := mustCreate(t, s, p, mine); d.Version != 2 {
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
}

func TestChecklistVersions(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	mustUpsert(t, s)
	p := mustProgram(t, s)
	shipped, _ := s.Checklist(ctx, p, "temperature-oral", 1)
	mustCreate(t, s, p, shipped)
	mustPublish(t, s, p, "temperature-oral", 2)
	mustCreate(t, s, p, shipped)

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
	if others, err := s.ChecklistVersions(ctx, mustProgram(t, s), "temperature-oral"); err != nil || len(others) != 1 {
		t.Errorf("ChecklistVersions(other program) = %d, %v; want only the shipped one", len(others), err)
	}
	if _, err := s.ChecklistVersions(ctx, p, "no-such-checklist"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("ChecklistVersions(unknown) = %v; want ErrNotFound", err)
	}
	if _, err := s.Checklist(ctx, p, "temperature-oral", 9); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Checklist(unknown version) = %v; want ErrNotFound", err)
	}
}

func TestChecklistsPagination(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	lib := mustUpsert(t, s)
	p := mustProgram(t, s)

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
}

func TestChecklistsFilters(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	lib := mustUpsert(t, s)
	p := mustProgram(t, s)

	count := func(f models.ChecklistFilter) []string {
		t.Helper()
		f.Page.Limit = models.MaxPageLimit
		list, err := s.Checklists(ctx, p, f)
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
	if got := count(models.ChecklistFilter{Area: models.AreaSterilization}); len(got) != want {
		t.Errorf("Checklists(area sterilization) = %v; want %d", got, want)
	}
	if got := count(models.ChecklistFilter{Text: "BLOOD pressure"}); strings.Join(got, ",") != "bp-manual" {
		t.Errorf("Checklists(text blood pressure) = %v; want [bp-manual]", got)
	}
	if got := count(models.ChecklistFilter{Competency: "MAERB-2015 I.P.1.a"}); strings.Join(got, ",") != "bp-manual" {
		t.Errorf("Checklists(competency I.P.1.a) = %v; want [bp-manual]", got)
	}
	for _, id := range count(models.ChecklistFilter{Competency: "MAERB-2015 I.P.1"}) {
		if lib[indexOf(lib, id)].Area != models.AreaVitalSigns {
			t.Errorf("Checklists(competency I.P.1) includes %s", id)
		}
	}

	// Filters see the current version: the program's v2 renames
	// pulse-oximetry, so the old title no longer matches for it.
	c := lib[indexOf(lib, "pulse-oximetry")]
	c.Title = "Measure SpO2"
	mustCreate(t, s, p, c)
	mustPublish(t, s, p, "pulse-oximetry", 2)
	if got := count(models.ChecklistFilter{Text: "oxygen saturation"}); len(got) != 0 {
		t.Errorf("Checklists(old title) = %v; want none", got)
	}
	if got := count(models.ChecklistFilter{Text: "spo2"}); strings.Join(got, ",") != "pulse-oximetry" {
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
		if it.ID == "pulse-oximetry" && (it.Version != 2 || it.ProgramID != p) {
			t.Errorf("Checklists() lists pulse-oximetry v%d of %q; want the program's v2", it.Version, it.ProgramID)
		}
	}

	// A program's own checklist is listed for it alone, and not once retired.
	mustCreate(t, s, p, draft("radial-pulse"))
	if got := count(models.ChecklistFilter{Text: "AT THE wrist"}); len(got) != 0 {
		t.Errorf("Checklists lists a draft: %v", got)
	}
	mustPublish(t, s, p, "radial-pulse", 1)
	if got := count(models.ChecklistFilter{Text: "AT THE wrist"}); strings.Join(got, ",") != "radial-pulse" {
		t.Errorf("Checklists(own published) = %v; want [radial-pulse]", got)
	}
	other := mustProgram(t, s)
	if list, _ := s.Checklists(ctx, other, models.ChecklistFilter{Text: "AT THE wrist"}); len(list.Items) != 0 {
		t.Errorf("another program lists radial-pulse")
	}
	if _, err := storetest.RetireChecklist(ctx, s, admin, p, "radial-pulse", 1); err != nil {
		t.Fatal(err)
	}
	if got := count(models.ChecklistFilter{Text: "AT THE wrist"}); len(got) != 0 {
		t.Errorf("Checklists lists a retired checklist: %v", got)
	}
}

func TestCreateChecklistDraftRace(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	p := mustProgram(t, s)
	const n = 5
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = storetest.CreateChecklistDraft(context.Background(), s, admin, p, draft("same-id"))
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, models.ErrConflict):
			t.Errorf("CreateChecklistDraft = %v; want nil or ErrConflict", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent drafts of one new id succeeded; want 1", ok)
	}
	versions, err := s.ChecklistVersions(context.Background(), p, "same-id")
	if err != nil || len(versions) != 1 {
		t.Errorf("ChecklistVersions = %d, %v; want 1 draft", len(versions), err)
	}
}

// TestUpdateChecklistDraftRace: concurrent edits of one draft read at the
// same revision; exactly one wins and the others get ErrPreconditionFailed.
func TestUpdateChecklistDraftRace(t *testing.T) {
	t.Parallel()
	if !storetest.AtomicUpdates(t) {
		return
	}
	s := storetest.New(t)
	p := mustProgram(t, s)
	mustCreate(t, s, p, draft("contested"))
	const n = 10
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := draft("contested")
			c.Version = 1
			c.Title = "Edit " + string(rune('A'+i))
			_, errs[i] = updateDraft(context.Background(), s, p, c, 1)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, models.ErrPreconditionFailed):
			t.Errorf("UpdateChecklistDraft = %v; want nil or ErrPreconditionFailed", err)
		}
	}
	got, err := s.Checklist(context.Background(), p, "contested", 1)
	if ok != 1 || err != nil || got.Revision != 2 {
		t.Errorf("%d of %d concurrent edits at revision 1 succeeded, now revision %d (%v); want exactly 1 and revision 2", ok, n, got.Revision, err)
	}
}

// TestChecklistWritesAreGuarded: the store's own guards, below the use
// cases: a version number is taken once, a replacement needs the revision
// it was read at, and numbering sees shipped and own versions.
func TestChecklistWritesAreGuarded(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	mustUpsert(t, s)
	p := mustProgram(t, s)

	c := draft("guarded")
	c.ProgramID, c.Version, c.Status, c.Revision = p, 1, models.ChecklistDraft, 1
	if _, err := s.CreateChecklistDraft(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateChecklistDraft(ctx, c); !errors.Is(err, models.ErrConflict) {
		t.Errorf("CreateChecklistDraft(a taken number) = %v; want ErrConflict", err)
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
}
