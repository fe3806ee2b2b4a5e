package mongo

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// createAttempts bounds how often CreateChecklistDraft retries after
// another writer took the version number it chose.
const createAttempts = 3

// CreateChecklistDraft stores a program's draft of checklist c.ID as its
// next version: 1 for a new id, else one above the latest version the
// program sees (shipped or its own). A program keeps at most one draft per
// id. The content must be valid; the version, status and bookkeeping
// fields of c are set here.
func (s *Store) CreateChecklistDraft(ctx context.Context, actor models.Actor, programID string, c models.Checklist) (models.Checklist, error) {
	if programID == "" {
		return models.Checklist{}, fmt.Errorf("create checklist draft: %w", errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	col := s.collection(colChecklists)
	what := "create draft of checklist " + c.ID

	for attempt := 0; attempt < createAttempts; attempt++ {
		q := visibleTo(programID)
		q["checklistId"] = c.ID
		versions, err := s.findChecklists(ctx, q, options.Find().
			SetSort(bson.D{{Key: "version", Value: -1}}).
			SetProjection(bson.M{"checklistId": 1, "version": 1, "programId": 1, "status": 1}))
		if err != nil {
			return models.Checklist{}, translate(err, what)
		}
		latest := 0
		for _, v := range versions {
			latest = max(latest, v.Version)
			if v.ProgramID == programID && v.Status == models.ChecklistDraft {
				return models.Checklist{}, fmt.Errorf("%s: %w: version %d of %s is still a draft; edit or publish it first",
					what, models.ErrConflict, v.Version, c.ID)
			}
		}

		now := s.now()
		c.Version = latest + 1
		c.ProgramID, c.Status, c.Revision = programID, models.ChecklistDraft, 1
		c.PublishedAt = nil
		c.CreatedAt, c.UpdatedAt = now, now
		if err := c.Validate(); err != nil {
			return models.Checklist{}, err
		}
		c.Digest = c.ContentDigest()

		key := checklistKey(programID, c.ID, c.Version)
		doc, err := docWithEvents(checklistDoc{Key: key, Checklist: c}, s.checklistEvent(actor, c, models.EventChecklistDrafted, "drafted"))
		if err != nil {
			return models.Checklist{}, fmt.Errorf("%s: %w", what, err)
		}
		_, err = col.InsertOne(ctx, doc)
		if mongo.IsDuplicateKeyError(err) {
			continue // another admin took this number: count again
		}
		if err != nil {
			return models.Checklist{}, translate(err, what)
		}
		s.relayAfter(ctx, colChecklists, key)
		return c, nil
	}
	return models.Checklist{}, fmt.Errorf("%s: %w: other versions were created at the same time; retry", what, models.ErrConflict)
}

// UpdateChecklistDraft replaces the content of the program's draft
// c.ID version c.Version. revision must be the draft's current revision
// (models.ErrPreconditionFailed otherwise); 0 skips that check. A published
// or retired version, or a shipped one, never changes: models.ErrConflict.
func (s *Store) UpdateChecklistDraft(ctx context.Context, actor models.Actor, programID string, c models.Checklist, revision int64) (models.Checklist, error) {
	what := fmt.Sprintf("update checklist %s version %d", c.ID, c.Version)
	if programID == "" {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := c.Validate(); err != nil {
		return models.Checklist{}, err
	}
	key := checklistKey(programID, c.ID, c.Version)
	q := bson.M{"_id": key, "programId": programID, "status": models.ChecklistDraft}
	if revision > 0 {
		q["revision"] = revision
	}
	c.ProgramID, c.Status = programID, models.ChecklistDraft
	ev := s.checklistEvent(actor, c, models.EventChecklistEdited, "edited")
	update := withEvents(bson.M{
		"$set": bson.M{
			"area": c.Area, "title": c.Title, "purpose": c.Purpose,
			"competencies": c.Competencies, "equipment": c.Equipment, "steps": c.Steps, "grading": c.Grading,
			"digest": c.ContentDigest(), "updatedAt": s.now(),
		},
		"$inc": bson.M{"revision": 1},
	}, ev)
	return s.changeChecklist(ctx, programID, c.ID, c.Version, revision, q, update, what)
}

// PublishChecklist publishes the program's draft checklist id version:
// it is validated again, becomes immutable and gets PublishedAt. revision,
// when not 0, must match (models.ErrPreconditionFailed). Publishing a
// published version changes nothing; a number the shipped library also
// uses is refused, so (id, version) keeps one meaning in the program.
func (s *Store) PublishChecklist(ctx context.Context, actor models.Actor, programID, id string, version int, revision int64) (models.Checklist, error) {
	what := fmt.Sprintf("publish checklist %s version %d", id, version)
	if programID == "" {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	col := s.collection(colChecklists)
	key := checklistKey(programID, id, version)

	var d checklistDoc
	err := col.FindOne(ctx, bson.M{"_id": key, "programId": programID}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.Checklist{}, s.explainMiss(ctx, programID, id, version, revision, what)
	}
	if err != nil {
		return models.Checklist{}, translate(err, what)
	}
	c := d.Checklist
	switch {
	case c.Status == models.ChecklistPublished:
		return c, nil // a retried publish
	case revision > 0 && c.Revision != revision:
		return models.Checklist{}, fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
	case c.Status != models.ChecklistDraft:
		return models.Checklist{}, fmt.Errorf("%s: %w: version %d of %s is %s; create a new version", what, models.ErrConflict, version, id, c.Status)
	}
	if err := c.Validate(); err != nil {
		return models.Checklist{}, err
	}
	err = col.FindOne(ctx, bson.M{"_id": checklistKey("", id, version)}, options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
	switch {
	case err == nil:
		return models.Checklist{}, fmt.Errorf("%s: %w: the shipped library also has version %d of %s; create a new version of it instead",
			what, models.ErrConflict, version, id)
	case !errors.Is(err, mongo.ErrNoDocuments):
		return models.Checklist{}, translate(err, what)
	}

	now := s.now()
	c.Status = models.ChecklistPublished
	q := bson.M{"_id": key, "programId": programID, "status": models.ChecklistDraft, "revision": c.Revision}
	update := withEvents(bson.M{
		"$set": bson.M{"status": models.ChecklistPublished, "publishedAt": now, "updatedAt": now, "digest": c.ContentDigest()},
		"$inc": bson.M{"revision": 1},
	}, s.checklistEvent(actor, c, models.EventChecklistPublished, "published"))
	return s.changeChecklist(ctx, programID, id, version, c.Revision, q, update, what)
}

// RetireChecklist retires the program's published checklist id version:
// it stays readable by version for the records that used it, but is no
// longer current or listed. Retiring a retired version changes nothing.
// Drafts and shipped versions cannot be retired (models.ErrConflict).
func (s *Store) RetireChecklist(ctx context.Context, actor models.Actor, programID, id string, version int) (models.Checklist, error) {
	what := fmt.Sprintf("retire checklist %s version %d", id, version)
	if programID == "" {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	key := checklistKey(programID, id, version)
	q := bson.M{"_id": key, "programId": programID, "status": models.ChecklistPublished}
	ev := s.checklistEvent(actor, models.Checklist{ID: id, Version: version, ProgramID: programID}, models.EventChecklistRetired, "retired")
	update := withEvents(bson.M{
		"$set": bson.M{"status": models.ChecklistRetired, "updatedAt": s.now()},
		"$inc": bson.M{"revision": 1},
	}, ev)
	c, err := s.changeChecklist(ctx, programID, id, version, 0, q, update, what)
	if errors.Is(err, models.ErrConflict) || errors.Is(err, models.ErrPreconditionFailed) {
		if cur, ferr := s.ownChecklist(ctx, programID, id, version); ferr == nil {
			switch cur.Status {
			case models.ChecklistRetired:
				return cur, nil
			case models.ChecklistDraft:
				return models.Checklist{}, fmt.Errorf("%s: %w: version %d of %s is a draft; only a published version can be retired", what, models.ErrConflict, version, id)
			}
		}
	}
	return c, err
}

// changeChecklist applies one guarded update to a program's version and
// returns the result; when the guard matches nothing it says why.
func (s *Store) changeChecklist(ctx context.Context, programID, id string, version int, revision int64, q, update bson.M, what string) (models.Checklist, error) {
	key := checklistKey(programID, id, version)
	var d checklistDoc
	// No projection: the embedded engine's findAndModify lacks it, and the
	// pending events it would hide are ignored when decoding anyway.
	err := s.collection(colChecklists).FindOneAndUpdate(ctx, q, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.Checklist{}, s.explainMiss(ctx, programID, id, version, revision, what)
	}
	if err != nil {
		return models.Checklist{}, translate(err, what)
	}
	s.relayAfter(ctx, colChecklists, key)
	return d.Checklist, nil
}

// explainMiss says why a guarded change of a program's version matched
// nothing: it does not exist, it is not a draft, or its revision moved.
func (s *Store) explainMiss(ctx context.Context, programID, id string, version int, revision int64, what string) error {
	c, err := s.ownChecklist(ctx, programID, id, version)
	switch {
	case errors.Is(err, models.ErrNotFound):
		ferr := s.collection(colChecklists).FindOne(ctx, bson.M{"_id": checklistKey("", id, version)},
			options.FindOne().SetProjection(bson.M{"_id": 1})).Err()
		if ferr == nil {
			return fmt.Errorf("%s: %w: version %d of %s is part of the shipped library and cannot change; create a new version", what, models.ErrConflict, version, id)
		}
		if !errors.Is(ferr, mongo.ErrNoDocuments) {
			return translate(ferr, what)
		}
		return fmt.Errorf("%s: %w", what, models.ErrNotFound)
	case err != nil:
		return fmt.Errorf("%s: %w", what, err)
	case c.Status != models.ChecklistDraft:
		return fmt.Errorf("%s: %w: version %d of %s is %s and cannot change; create a new version", what, models.ErrConflict, version, id, c.Status)
	default:
		// A draft whose revision is not the one given (or moved on
		// between the caller's read and this write).
		return fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
	}
}

// ownChecklist reads the program's own version, not a shipped one.
func (s *Store) ownChecklist(ctx context.Context, programID, id string, version int) (models.Checklist, error) {
	var d checklistDoc
	err := s.collection(colChecklists).FindOne(ctx, bson.M{"_id": checklistKey(programID, id, version), "programId": programID}).Decode(&d)
	return d.Checklist, translate(err, fmt.Sprintf("find checklist %s version %d", id, version))
}

// checklistEvent is the audit event of a change to a program's checklist.
func (s *Store) checklistEvent(actor models.Actor, c models.Checklist, typ models.EventType, verb string) models.Event {
	data := map[string]string{"checklistId": c.ID, "version": strconv.Itoa(c.Version)}
	if c.Title != "" {
		data["title"] = c.Title
	}
	return s.newEvent(models.Event{
		Type: typ, ProgramID: c.ProgramID, Actor: actor,
		Subject: "checklist", SubjectID: c.ID,
		Summary: fmt.Sprintf("%s checklist %s version %d", verb, c.ID, c.Version),
		Data:    data,
	})
}
