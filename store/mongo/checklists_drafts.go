package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// ChecklistNumbering returns what numbering a program's next version of
// checklist id needs: the latest version number the program sees (shipped
// or its own, any status; 0 for a new id) and the number of the program's
// own draft of it (0 when it has none).
func (s *Store) ChecklistNumbering(ctx context.Context, programID, id string) (latest, draft int, err error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := visibleTo(programID)
	q["checklistId"] = id
	versions, err := s.findChecklists(ctx, q, options.Find().
		SetProjection(bson.M{"checklistId": 1, "version": 1, "programId": 1, "status": 1}))
	if err != nil {
		return 0, 0, translate(err, "number the next version of checklist "+id)
	}
	for _, v := range versions {
		latest = max(latest, v.Version)
		if programID != "" && v.ProgramID == programID && v.Status == models.ChecklistDraft {
			draft = v.Version
		}
	}
	return latest, draft, nil
}

// CreateChecklistDraft stores c, a program's new version, with its
// events. The version number is c's: when the program already holds that
// number (another admin took it first) the answer is models.ErrConflict.
func (s *Store) CreateChecklistDraft(ctx context.Context, c models.Checklist, events ...models.Event) (models.Checklist, error) {
	what := fmt.Sprintf("create checklist %s version %d", c.ID, c.Version)
	if c.ProgramID == "" {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	key := checklistKey(c.ProgramID, c.ID, c.Version)
	c.CreatedAt, c.UpdatedAt = storedTime(c.CreatedAt), storedTime(c.UpdatedAt)
	doc, err := docWithEvents(checklistDoc{Key: key, Checklist: c}, events...)
	if err != nil {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, err)
	}
	_, err = s.collection(colChecklists).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return models.Checklist{}, fmt.Errorf("%s: %w: the version was created meanwhile", what, models.ErrConflict)
	}
	if err != nil {
		return models.Checklist{}, translate(err, what)
	}
	s.relayAfter(ctx, colChecklists, key)
	return c, nil
}

// UpdateChecklist replaces the program's checklist version c (its
// ProgramID, ID and Version) with c and records events, if the stored
// version is still at revision: one guarded write. A version that moved on
// is models.ErrPreconditionFailed, a missing one models.ErrNotFound.
func (s *Store) UpdateChecklist(ctx context.Context, c models.Checklist, revision int64, events ...models.Event) (models.Checklist, error) {
	what := fmt.Sprintf("update checklist %s version %d", c.ID, c.Version)
	if c.ProgramID == "" {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	key := checklistKey(c.ProgramID, c.ID, c.Version)
	update := withEvents(bson.M{"$set": bson.M{
		"area": c.Area, "title": c.Title, "purpose": c.Purpose,
		"competencies": c.Competencies, "equipment": c.Equipment, "steps": c.Steps, "grading": c.Grading, "sources": c.Sources,
		"status": c.Status, "revision": c.Revision, "digest": c.Digest,
		"publishedAt": c.PublishedAt, "updatedAt": c.UpdatedAt,
	}}, events...)
	var d checklistDoc
	// No projection: FerretDB's findAndModify (the tests' stand-in) lacks
	// it, and the pending events it would hide are ignored when decoding.
	err := s.collection(colChecklists).FindOneAndUpdate(ctx,
		bson.M{"_id": key, "programId": c.ProgramID, "revision": revision}, update,
		options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		if _, ferr := s.OwnChecklist(ctx, c.ProgramID, c.ID, c.Version); ferr != nil {
			return models.Checklist{}, fmt.Errorf("%s: %w", what, ferr)
		}
		return models.Checklist{}, fmt.Errorf("%s at revision %d: %w: it changed meanwhile", what, revision, models.ErrPreconditionFailed)
	}
	if err != nil {
		return models.Checklist{}, translate(err, what)
	}
	s.relayAfter(ctx, colChecklists, key)
	return d.Checklist, nil
}

// OwnChecklist reads a program's own version of checklist id, in any
// status, never a shipped one.
func (s *Store) OwnChecklist(ctx context.Context, programID, id string, version int) (models.Checklist, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var d checklistDoc
	err := s.collection(colChecklists).FindOne(ctx, bson.M{"_id": checklistKey(programID, id, version), "programId": programID}).Decode(&d)
	return d.Checklist, translate(err, fmt.Sprintf("find checklist %s version %d", id, version))
}
