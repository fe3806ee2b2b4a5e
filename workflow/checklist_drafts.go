package workflow

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"skillbook/models"
)

// ChecklistDraftStore is what changing a program's library needs: the
// numbering of versions, "store this new version with its events unless
// its number is taken", and "replace this version with its events if it
// is still at revision r".
type ChecklistDraftStore interface {
	ChecklistNumbering(ctx context.Context, programID, id string) (latest, draft int, err error)
	CreateChecklistDraft(ctx context.Context, c models.Checklist, events ...models.Event) (models.Checklist, error)
	OwnChecklist(ctx context.Context, programID, id string, version int) (models.Checklist, error)
	Checklist(ctx context.Context, programID, id string, version int) (models.Checklist, error)
	UpdateChecklist(ctx context.Context, c models.Checklist, revision int64, events ...models.Event) (models.Checklist, error)
}

// draftAttempts bounds how often CreateDraft numbers again after another
// admin took the version number it chose.
const draftAttempts = 3

// CreateDraft drafts c as the program's next version of checklist c.ID: 1
// for a new id, else one above the latest version the program sees
// (shipped or its own). A program keeps at most one draft per id. Only
// c's id and content are read.
func (s *Skills) CreateDraft(ctx context.Context, caller Caller, c models.Checklist) (models.Checklist, error) {
	what := "create draft of checklist " + c.ID
	for range draftAttempts {
		latest, draft, err := s.store.ChecklistNumbering(ctx, caller.ProgramID, c.ID)
		if err != nil {
			return models.Checklist{}, err
		}
		if draft != 0 {
			return models.Checklist{}, fmt.Errorf("%s: %w: version %d of %s is still a draft; edit or publish it first",
				what, models.ErrConflict, draft, c.ID)
		}
		now := s.clock.Now()
		c.Version = latest + 1
		c.ProgramID, c.Status, c.Revision = caller.ProgramID, models.ChecklistDraft, 1
		c.PublishedAt = nil
		c.CreatedAt, c.UpdatedAt = now, now
		if err := c.Validate(); err != nil {
			return models.Checklist{}, err
		}
		c.Digest = c.ContentDigest()
		stored, err := s.store.CreateChecklistDraft(ctx, c, s.checklistEvent(caller, c, models.EventChecklistDrafted, "drafted"))
		if errors.Is(err, models.ErrConflict) {
			continue // another admin took this number: count again
		}
		return stored, err
	}
	return models.Checklist{}, fmt.Errorf("%s: %w: other versions were created at the same time; retry", what, models.ErrConflict)
}

// UpdateDraftInput is the new content of draft Checklist.ID version
// Checklist.Version, and the revision it was read at (If-Match; 0 is any).
type UpdateDraftInput struct {
	Checklist models.Checklist
	Revision  int64
}

// UpdateDraft replaces the content of one of the program's drafts. A
// published, retired or shipped version never changes (a conflict: create a
// new version); a draft that moved past in.Revision is a failed
// precondition.
func (s *Skills) UpdateDraft(ctx context.Context, caller Caller, in UpdateDraftInput) (models.Checklist, error) {
	c := in.Checklist
	what := fmt.Sprintf("update checklist %s version %d", c.ID, c.Version)
	if err := c.Validate(); err != nil {
		return models.Checklist{}, err
	}
	cur, err := s.ownVersion(ctx, caller, c.ID, c.Version, what)
	if err != nil {
		return models.Checklist{}, err
	}
	switch {
	case cur.Status != models.ChecklistDraft:
		return models.Checklist{}, fmt.Errorf("%s: %w: version %d of %s is %s and cannot change; create a new version", what, models.ErrConflict, c.Version, c.ID, cur.Status)
	case in.Revision != 0 && in.Revision != cur.Revision:
		return models.Checklist{}, fmt.Errorf("%s at revision %d: %w (now %d)", what, in.Revision, models.ErrPreconditionFailed, cur.Revision)
	}
	next := cur
	next.Area, next.Title, next.Purpose = c.Area, c.Title, c.Purpose
	next.Competencies, next.Equipment, next.Steps, next.Grading = c.Competencies, c.Equipment, c.Steps, c.Grading
	next.Sources = c.Sources
	next.Digest = next.ContentDigest()
	next.Revision, next.UpdatedAt = cur.Revision+1, s.clock.Now()
	return s.store.UpdateChecklist(ctx, next, cur.Revision, s.checklistEvent(caller, next, models.EventChecklistEdited, "edited"))
}

// PublishInput names a program's version to publish and, when not 0, the
// revision it was read at (If-Match).
type PublishInput struct {
	ID       string
	Version  int
	Revision int64
}

// Publish publishes one of the program's drafts: validated again, it
// becomes immutable and current. Publishing a published version changes
// nothing (a retry); a number the shipped library also uses is refused, so
// (id, version) keeps one meaning in the program.
func (s *Skills) Publish(ctx context.Context, caller Caller, in PublishInput) (models.Checklist, error) {
	what := fmt.Sprintf("publish checklist %s version %d", in.ID, in.Version)
	cur, err := s.ownVersion(ctx, caller, in.ID, in.Version, what)
	if err != nil {
		return models.Checklist{}, err
	}
	switch {
	case cur.Status == models.ChecklistPublished:
		return cur, nil // a retried publish
	case in.Revision != 0 && cur.Revision != in.Revision:
		return models.Checklist{}, fmt.Errorf("%s at revision %d: %w (now %d)", what, in.Revision, models.ErrPreconditionFailed, cur.Revision)
	case cur.Status != models.ChecklistDraft:
		return models.Checklist{}, fmt.Errorf("%s: %w: version %d of %s is %s; create a new version", what, models.ErrConflict, in.Version, in.ID, cur.Status)
	}
	if err := cur.Validate(); err != nil {
		return models.Checklist{}, err
	}
	switch _, err := s.store.Checklist(ctx, "", in.ID, in.Version); {
	case err == nil:
		return models.Checklist{}, fmt.Errorf("%s: %w: the shipped library also has version %d of %s; create a new version of it instead",
			what, models.ErrConflict, in.Version, in.ID)
	case !errors.Is(err, models.ErrNotFound):
		return models.Checklist{}, err
	}
	now := s.clock.Now()
	next := cur
	next.Status, next.PublishedAt, next.UpdatedAt = models.ChecklistPublished, &now, now
	next.Digest, next.Revision = next.ContentDigest(), cur.Revision+1
	c, err := s.store.UpdateChecklist(ctx, next, cur.Revision, s.checklistEvent(caller, next, models.EventChecklistPublished, "published"))
	return s.unlessDoneMeanwhile(ctx, caller, next, c, err)
}

// Retire retires one of the program's published versions: it stays
// readable by version for the records that used it, but is no longer
// current, listed or assignable. Retiring a retired version changes
// nothing; drafts and shipped versions cannot be retired.
func (s *Skills) Retire(ctx context.Context, caller Caller, id string, version int) (models.Checklist, error) {
	what := fmt.Sprintf("retire checklist %s version %d", id, version)
	cur, err := s.ownVersion(ctx, caller, id, version, what)
	if err != nil {
		return models.Checklist{}, err
	}
	switch cur.Status {
	case models.ChecklistRetired:
		return cur, nil
	case models.ChecklistDraft:
		return models.Checklist{}, fmt.Errorf("%s: %w: version %d of %s is a draft; only a published version can be retired", what, models.ErrConflict, version, id)
	}
	next := cur
	next.Status, next.UpdatedAt, next.Revision = models.ChecklistRetired, s.clock.Now(), cur.Revision+1
	c, err := s.store.UpdateChecklist(ctx, next, cur.Revision, s.checklistEvent(caller, next, models.EventChecklistRetired, "retired"))
	return s.unlessDoneMeanwhile(ctx, caller, next, c, err)
}

// unlessDoneMeanwhile answers a publish or retire that wanted next and got
// (c, err): when its write found the version moved on because another
// admin made the same change meanwhile, the answer is theirs, as a retry
// would get; otherwise (c, err).
func (s *Skills) unlessDoneMeanwhile(ctx context.Context, caller Caller, next, c models.Checklist, err error) (models.Checklist, error) {
	if !errors.Is(err, models.ErrPreconditionFailed) {
		return c, err
	}
	if now, ferr := s.store.OwnChecklist(ctx, caller.ProgramID, next.ID, next.Version); ferr == nil && now.Status == next.Status {
		return now, nil
	}
	return models.Checklist{}, err
}

// ownVersion reads the program's own version for a change: a shipped one
// never changes (a conflict), one that does not exist is not found.
func (s *Skills) ownVersion(ctx context.Context, caller Caller, id string, version int, what string) (models.Checklist, error) {
	c, err := s.store.OwnChecklist(ctx, caller.ProgramID, id, version)
	if !errors.Is(err, models.ErrNotFound) {
		return c, err
	}
	switch _, serr := s.store.Checklist(ctx, "", id, version); {
	case serr == nil:
		return models.Checklist{}, fmt.Errorf("%s: %w: version %d of %s is part of the shipped library and cannot change; create a new version", what, models.ErrConflict, version, id)
	case !errors.Is(serr, models.ErrNotFound):
		return models.Checklist{}, serr
	}
	return models.Checklist{}, fmt.Errorf("%s: %w", what, models.ErrNotFound)
}

// checklistEvent is the audit event of a change to a program's checklist.
func (s *Skills) checklistEvent(caller Caller, c models.Checklist, typ models.EventType, verb string) models.Event {
	data := map[string]string{"checklistId": c.ID, "version": strconv.Itoa(c.Version)}
	if c.Title != "" {
		data["title"] = c.Title
	}
	return s.event(caller, models.Event{
		Type: typ, Subject: "checklist", SubjectID: c.ID,
		Summary: fmt.Sprintf("%s checklist %s version %d", verb, c.ID, c.Version),
		Data:    data,
	})
}
