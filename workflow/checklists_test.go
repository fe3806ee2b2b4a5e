package workflow

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"skillbook/models"
)

// withDraft drafts checklist id in the admin's program and returns it.
func (w *skillsWorld) withDraft(tb testing.TB, id string) models.Checklist {
	tb.Helper()
	d, err := w.skills.CreateDraft(context.Background(), w.admin, validChecklist(id))
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func TestChecklistDraftsVisibleToAdminsOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		caller   func(w *skillsWorld) Caller
		versions int
		want     error
	}{
		{"admin", (*skillsWorld).adminOf, 2, nil},
		{"instructor", (*skillsWorld).teacherOf, 1, models.ErrNotFound},
		{"student", func(w *skillsWorld) Caller { return w.student }, 1, models.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSkillsWorld(t)
			ctx := context.Background()
			c := validChecklist("bp-manual")
			c.Title = "Our blood pressure"
			if _, err := w.skills.CreateDraft(ctx, w.admin, c); err != nil {
				t.Fatal(err)
			}
			caller := tt.caller(w)
			_, err := w.skills.ChecklistVersion(ctx, caller, "bp-manual", 2)
			wantErr(t, "ChecklistVersion(draft)", err, tt.want)
			versions, err := w.skills.ChecklistVersions(ctx, caller, "bp-manual")
			if err != nil || len(versions) != tt.versions {
				t.Errorf("ChecklistVersions = %d, %v; want %d", len(versions), err, tt.versions)
			}
			if cur, err := w.skills.CurrentChecklist(ctx, caller, "bp-manual"); err != nil || cur.Version != 1 {
				t.Errorf("CurrentChecklist = v%d, %v; want the shipped v1", cur.Version, err)
			}
			if _, err := w.skills.ChecklistVersion(ctx, caller, "bp-manual", 1); err != nil {
				t.Errorf("ChecklistVersion(published) = %v", err)
			}
		})
	}

	// A checklist with nothing but a draft is not found by anyone else.
	w := newSkillsWorld(t)
	w.withDraft(t, "only-draft")
	if _, err := w.skills.ChecklistVersions(context.Background(), w.teacher, "only-draft"); err == nil {
		t.Error("ChecklistVersions(only a draft) as instructor = nil; want ErrNotFound")
	}
	if _, err := w.skills.ChecklistVersions(context.Background(), w.foreignAdmin, "only-draft"); err == nil {
		t.Error("ChecklistVersions(another program's draft) = nil; want ErrNotFound")
	}
}

func TestChecklistsListsCurrentPublished(t *testing.T) {
	t.Parallel()
	w := newSkillsWorld(t)
	w.withDraft(t, "own-pulse")
	list, err := w.skills.Checklists(context.Background(), w.admin, models.ChecklistFilter{Competency: "  MAERB-2015 I.P.1  "})
	var ids []string
	for _, c := range list.Items {
		ids = append(ids, c.ID)
	}
	if err != nil || !slices.Equal(ids, []string{"bp-manual", "hand-washing"}) {
		t.Errorf("Checklists = %v, %v; want the two shipped ones, no draft, the competency trimmed", ids, err)
	}
}

func TestCreateDraftNumbersVersions(t *testing.T) {
	t.Parallel()
	w := newSkillsWorld(t)
	ctx := context.Background()
	w.clk.Advance(time.Hour)
	d := w.withDraft(t, "own-pulse")
	now := skillsNow.Add(time.Hour)
	if d.Version != 1 || d.ProgramID != "p1" || d.Status != models.ChecklistDraft || d.Revision != 1 ||
		d.Digest != d.ContentDigest() || !d.CreatedAt.Equal(now) || !d.UpdatedAt.Equal(now) || d.PublishedAt != nil {
		t.Errorf("CreateDraft(new id) = %+v; want v1 draft, revision 1, at the clock's time", d)
	}
	if _, err := w.skills.CreateDraft(ctx, w.admin, validChecklist("own-pulse")); err == nil {
		t.Error("CreateDraft while a draft exists = nil; want ErrConflict")
	} else {
		wantErr(t, "CreateDraft(second draft)", err, models.ErrConflict)
	}
	shipped := validChecklist("bp-manual")
	if v2, err := w.skills.CreateDraft(ctx, w.admin, shipped); err != nil || v2.Version != 2 {
		t.Errorf("CreateDraft(shipped id) = v%d, %v; want v2", v2.Version, err)
	}
	if other, err := w.skills.CreateDraft(ctx, w.foreignAdmin, validChecklist("own-pulse")); err != nil || other.Version != 1 || other.ProgramID != "p2" {
		t.Errorf("CreateDraft(another program, same id) = %+v, %v; want its own v1", other, err)
	}
	invalid := validChecklist("no-steps")
	invalid.Steps = nil
	_, err := w.skills.CreateDraft(ctx, w.admin, invalid)
	wantErr(t, "CreateDraft(no steps)", err, &models.ValidationError{})

	if got := w.st.eventTypes(); len(got) != 3 || got[0] != models.EventChecklistDrafted {
		t.Errorf("events = %v; want three checklist.drafted", got)
	}
	if e := w.st.events[0]; e.Actor != w.admin.Actor() || e.SubjectID != "own-pulse" || e.Data["version"] != "1" || !e.At.Equal(now) {
		t.Errorf("drafted event = %+v", e)
	}
}

func TestCreateDraftRetriesATakenNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		taken       int // how many times another admin takes the number first
		wantVersion int
		want        error
	}{
		{"free", 0, 1, nil},
		// Another admin drafted v1 meanwhile: counting again finds their
		// draft, and one draft per id is the rule.
		{"taken once by a draft", 1, 0, models.ErrConflict},
		{"always taken", 10, 0, models.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSkillsWorld(t)
			n := 0
			w.st.beforeCreateDraft = func(c models.Checklist) error {
				if n++; n > tt.taken {
					return nil
				}
				if tt.taken == 1 {
					w.st.checklists[fakeChecklistKey(c.ProgramID, c.ID, c.Version)] = c // their draft
				}
				return fmt.Errorf("taken: %w", models.ErrConflict)
			}
			d, err := w.skills.CreateDraft(context.Background(), w.admin, validChecklist("contested"))
			wantErr(t, "CreateDraft", err, tt.want)
			if d.Version != tt.wantVersion {
				t.Errorf("CreateDraft = v%d; want v%d", d.Version, tt.wantVersion)
			}
			if tt.taken == 10 && n != draftAttempts {
				t.Errorf("CreateDraft tried %d times; want %d", n, draftAttempts)
			}
		})
	}
}

func TestUpdateDraftRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		id       string
		version  int
		revision int64
		edit     func(c *models.Checklist)
		want     error
	}{
		{"current revision", "own-pulse", 1, 1, nil, nil},
		{"any revision", "own-pulse", 1, 0, nil, nil},
		{"stale revision", "own-pulse", 1, 7, nil, models.ErrPreconditionFailed},
		{"invalid content", "own-pulse", 1, 1, func(c *models.Checklist) { c.Equipment = nil }, &models.ValidationError{}},
		{"published", "published-pulse", 1, 0, nil, models.ErrConflict},
		{"published, its revision", "published-pulse", 1, 2, nil, models.ErrConflict},
		{"shipped", "bp-manual", 1, 1, nil, models.ErrConflict},
		{"unknown", "nothing", 1, 1, nil, models.ErrNotFound},
		{"another program's", "foreign-pulse", 1, 1, nil, models.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSkillsWorld(t)
			ctx := context.Background()
			w.withDraft(t, "own-pulse")
			p := w.withDraft(t, "published-pulse")
			if _, err := w.skills.Publish(ctx, w.admin, PublishInput{ID: p.ID, Version: 1}); err != nil {
				t.Fatal(err)
			}
			if _, err := w.skills.CreateDraft(ctx, w.foreignAdmin, validChecklist("foreign-pulse")); err != nil {
				t.Fatal(err)
			}
			before := w.st.eventTypes()
			w.clk.Advance(time.Minute)
			c := validChecklist(tt.id)
			c.Version = tt.version
			c.Title = "Edited"
			if tt.edit != nil {
				tt.edit(&c)
			}
			got, err := w.skills.UpdateDraft(ctx, w.admin, UpdateDraftInput{Checklist: c, Revision: tt.revision})
			wantErr(t, "UpdateDraft", err, tt.want)
			after := w.st.eventTypes()
			if err != nil {
				if len(after) != len(before) {
					t.Errorf("a refused edit recorded %v", after[len(before):])
				}
				return
			}
			if got.Revision != 2 || got.Title != "Edited" || got.Status != models.ChecklistDraft || got.Digest != got.ContentDigest() ||
				!got.UpdatedAt.Equal(skillsNow.Add(time.Minute)) || !got.CreatedAt.Equal(skillsNow) {
				t.Errorf("UpdateDraft = %+v; want revision 2, edited, digest and time updated", got)
			}
			if len(after) != len(before)+1 || after[len(after)-1] != models.EventChecklistEdited {
				t.Errorf("events = %v; want one checklist.edited more", after)
			}
		})
	}
}

func TestPublishAndRetireTransitions(t *testing.T) {
	t.Parallel()
	type step int
	const (
		publish step = iota
		retire
	)
	tests := []struct {
		name       string
		from       models.ChecklistStatus // of the program's own-pulse v1
		do         step
		revision   int64
		want       error
		wantStatus models.ChecklistStatus
		wantEvent  models.EventType // "" for none
	}{
		{"publish a draft", models.ChecklistDraft, publish, 0, nil, models.ChecklistPublished, models.EventChecklistPublished},
		{"publish a draft at its revision", models.ChecklistDraft, publish, 1, nil, models.ChecklistPublished, models.EventChecklistPublished},
		{"publish a draft at a stale revision", models.ChecklistDraft, publish, 5, models.ErrPreconditionFailed, "", ""},
		{"publish a published version again", models.ChecklistPublished, publish, 1, nil, models.ChecklistPublished, ""},
		{"publish a retired version", models.ChecklistRetired, publish, 0, models.ErrConflict, "", ""},
		{"retire a published version", models.ChecklistPublished, retire, 0, nil, models.ChecklistRetired, models.EventChecklistRetired},
		{"retire a retired version again", models.ChecklistRetired, retire, 0, nil, models.ChecklistRetired, ""},
		{"retire a draft", models.ChecklistDraft, retire, 0, models.ErrConflict, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSkillsWorld(t)
			ctx := context.Background()
			w.withDraft(t, "own-pulse")
			if tt.from != models.ChecklistDraft {
				if _, err := w.skills.Publish(ctx, w.admin, PublishInput{ID: "own-pulse", Version: 1}); err != nil {
					t.Fatal(err)
				}
			}
			if tt.from == models.ChecklistRetired {
				if _, err := w.skills.Retire(ctx, w.admin, "own-pulse", 1); err != nil {
					t.Fatal(err)
				}
			}
			before := w.st.eventTypes()
			w.clk.Advance(time.Hour)
			var got models.Checklist
			var err error
			if tt.do == publish {
				got, err = w.skills.Publish(ctx, w.admin, PublishInput{ID: "own-pulse", Version: 1, Revision: tt.revision})
			} else {
				got, err = w.skills.Retire(ctx, w.admin, "own-pulse", 1)
			}
			wantErr(t, tt.name, err, tt.want)
			after := w.st.eventTypes()
			switch {
			case tt.wantEvent == "" && len(after) != len(before):
				t.Errorf("events = %v; want none more", after[len(before):])
			case tt.wantEvent != "" && (len(after) != len(before)+1 || after[len(after)-1] != tt.wantEvent):
				t.Errorf("events = %v; want one %s more", after, tt.wantEvent)
			}
			if err != nil {
				return
			}
			if got.Status != tt.wantStatus {
				t.Errorf("status = %s; want %s", got.Status, tt.wantStatus)
			}
			if tt.wantEvent == models.EventChecklistPublished && (got.PublishedAt == nil || !got.PublishedAt.Equal(skillsNow.Add(time.Hour)) || got.Revision != 2) {
				t.Errorf("published = %+v; want published at the clock's time, revision 2", got)
			}
		})
	}
}

func TestPublishRefusesShippedAndForeignVersions(t *testing.T) {
	t.Parallel()
	w := newSkillsWorld(t)
	ctx := context.Background()
	c := validChecklist("hand-washing")
	d, err := w.skills.CreateDraft(ctx, w.admin, c)
	if err != nil || d.Version != 2 {
		t.Fatalf("CreateDraft(hand-washing) = v%d, %v; want v2", d.Version, err)
	}
	// A later release ships its own v2 of the same checklist.
	later := shippedChecklist("hand-washing", models.AreaSterilization)
	later.Version = 2
	w.st.checklists[fakeChecklistKey("", "hand-washing", 2)] = later
	_, err = w.skills.Publish(ctx, w.admin, PublishInput{ID: "hand-washing", Version: 2})
	wantErr(t, "Publish(a number the library ships)", err, models.ErrConflict)
	_, err = w.skills.Publish(ctx, w.admin, PublishInput{ID: "bp-manual", Version: 1})
	wantErr(t, "Publish(shipped)", err, models.ErrConflict)
	_, err = w.skills.Retire(ctx, w.admin, "bp-manual", 1)
	wantErr(t, "Retire(shipped)", err, models.ErrConflict)
	_, err = w.skills.Retire(ctx, w.admin, "nothing", 1)
	wantErr(t, "Retire(unknown)", err, models.ErrNotFound)
	w.withDraft(t, "own-pulse")
	_, err = w.skills.Publish(ctx, w.foreignAdmin, PublishInput{ID: "own-pulse", Version: 1})
	wantErr(t, "Publish(another program's draft)", err, models.ErrNotFound)
}

// TestPublishAndRetireRaceAnotherAdmin: a change landing between the read
// and the write of a publish or retire. The same change made by another
// admin is their answer (as a retry would get, nothing recorded twice);
// an edit makes the publish a failed precondition.
func TestPublishAndRetireRaceAnotherAdmin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		published bool                      // own-pulse is published before the call
		meanwhile func(c *models.Checklist) // another admin's change
		retire    bool
		want      error
		status    models.ChecklistStatus
	}{
		{"publish, published meanwhile", false, func(c *models.Checklist) { c.Status = models.ChecklistPublished }, false, nil, models.ChecklistPublished},
		{"publish, edited meanwhile", false, func(c *models.Checklist) { c.Title = "Theirs" }, false, models.ErrPreconditionFailed, ""},
		{"retire, retired meanwhile", true, func(c *models.Checklist) { c.Status = models.ChecklistRetired }, true, nil, models.ChecklistRetired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSkillsWorld(t)
			ctx := context.Background()
			w.withDraft(t, "own-pulse")
			if tt.published {
				if _, err := w.skills.Publish(ctx, w.admin, PublishInput{ID: "own-pulse", Version: 1}); err != nil {
					t.Fatal(err)
				}
			}
			key := fakeChecklistKey("p1", "own-pulse", 1)
			w.st.beforeUpdateChecklist = func() {
				c := w.st.checklists[key]
				tt.meanwhile(&c)
				c.Revision++
				w.st.checklists[key] = c
			}
			events := len(w.st.events)
			var got models.Checklist
			var err error
			if tt.retire {
				got, err = w.skills.Retire(ctx, w.admin, "own-pulse", 1)
			} else {
				got, err = w.skills.Publish(ctx, w.admin, PublishInput{ID: "own-pulse", Version: 1})
			}
			wantErr(t, tt.name, err, tt.want)
			if err == nil && got.Status != tt.status {
				t.Errorf("status = %s; want %s", got.Status, tt.status)
			}
			if len(w.st.events) != events {
				t.Errorf("recorded %d events; want none (the change was theirs, or refused)", len(w.st.events)-events)
			}
		})
	}
}
