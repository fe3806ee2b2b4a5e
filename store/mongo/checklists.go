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

// A checklist version is one document keyed by its owner, id and version.
// The shipped library has no program (ProgramID ""); a program's own
// versions carry its id. Every program sees the library and its own
// versions; where both hold the same id and version, the program's own
// published one wins and a draft loses to the shipped one.
//
// A published or retired version is never rewritten: the only update of
// content matches status "draft", and publishing matches the revision that
// was validated.

// checklistDoc is the stored form of a checklist version.
type checklistDoc struct {
	Key              string `bson:"_id"`
	models.Checklist `bson:",inline"`
}

// checklistKey is the _id of a version: unique by construction, so two
// writers creating the same version collide on the primary key.
func checklistKey(programID, id string, version int) string {
	owner := programID
	if owner == "" {
		owner = "library"
	}
	return fmt.Sprintf("%s/%s/%d", owner, id, version)
}

// visibleTo matches the versions a program sees: shipped and its own.
func visibleTo(programID string) bson.M {
	if programID == "" {
		return bson.M{"programId": ""}
	}
	return bson.M{"programId": bson.M{"$in": bson.A{"", programID}}}
}

// rank orders two documents of the same id and version, lower first: the
// program's own published or retired version, then the shipped one, then
// the program's draft.
func rank(c models.Checklist) int {
	switch {
	case c.ProgramID == "":
		return 1
	case c.Status == models.ChecklistDraft:
		return 2
	}
	return 0
}

// UpsertLibrary stores the shipped checklists at start-up. A new (id,
// version) is inserted as published; one already stored with the same
// digest is left alone; one stored with another digest was edited without
// a version bump, which is an error (wrapping models.ErrConflict) naming
// every such checklist, and start-up must stop. It returns how many
// versions were added.
func (s *Store) UpsertLibrary(ctx context.Context, lib []models.Checklist) (int, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	col := s.collection(colChecklists)

	stored := map[string]string{}
	cur, err := col.Find(ctx, bson.M{"programId": ""}, options.Find().SetProjection(bson.M{"_id": 1, "digest": 1}))
	if err != nil {
		return 0, translate(err, "read checklist library")
	}
	var have []struct {
		Key    string `bson:"_id"`
		Digest string `bson:"digest"`
	}
	if err := cur.All(ctx, &have); err != nil {
		return 0, translate(err, "read checklist library")
	}
	for _, h := range have {
		stored[h.Key] = h.Digest
	}

	var errs []error
	added := 0
	now := s.now()
	for _, c := range lib {
		c.ProgramID, c.Status, c.Revision = "", models.ChecklistPublished, 1
		c.Digest = c.ContentDigest()
		c.CreatedAt, c.UpdatedAt, c.PublishedAt = now, now, &now
		if err := c.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("shipped checklist %s version %d: %w", c.ID, c.Version, err))
			continue
		}
		key := checklistKey("", c.ID, c.Version)
		digest, ok := stored[key]
		if !ok {
			_, err := col.InsertOne(ctx, checklistDoc{Key: key, Checklist: c})
			if err == nil {
				added++
				stored[key] = c.Digest
				continue
			}
			if !mongo.IsDuplicateKeyError(err) {
				return added, translate(err, fmt.Sprintf("store shipped checklist %s version %d", c.ID, c.Version))
			}
			// Another instance starting at the same time stored it first.
			var d checklistDoc
			if err := col.FindOne(ctx, bson.M{"_id": key}).Decode(&d); err != nil {
				return added, translate(err, fmt.Sprintf("read shipped checklist %s version %d", c.ID, c.Version))
			}
			digest = d.Digest
		}
		if digest != c.Digest {
			errs = append(errs, fmt.Errorf("shipped checklist %s version %d was edited without a version bump "+
				"(stored digest %.12s…, file %.12s…): restore the file or raise its version: %w",
				c.ID, c.Version, digest, c.Digest, models.ErrConflict))
		}
	}
	return added, errors.Join(errs...)
}

// Checklist returns version of checklist id as programID sees it: shipped
// or the program's own, in any status. Callers decide who may see a draft.
func (s *Store) Checklist(ctx context.Context, programID, id string, version int) (models.Checklist, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := visibleTo(programID)
	q["checklistId"], q["version"] = id, version
	found, err := s.findChecklists(ctx, q, nil)
	if err != nil {
		return models.Checklist{}, translate(err, fmt.Sprintf("find checklist %s version %d", id, version))
	}
	if len(found) == 0 {
		return models.Checklist{}, fmt.Errorf("find checklist %s version %d: %w", id, version, models.ErrNotFound)
	}
	best := found[0]
	for _, c := range found[1:] {
		if rank(c) < rank(best) {
			best = c
		}
	}
	return best, nil
}

// CurrentChecklist returns the latest published version of checklist id
// that programID sees; retired versions and drafts are skipped, and a
// program's own version beats a shipped one of the same number.
func (s *Store) CurrentChecklist(ctx context.Context, programID, id string) (models.Checklist, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := visibleTo(programID)
	q["checklistId"], q["status"] = id, models.ChecklistPublished
	found, err := s.findChecklists(ctx, q, options.Find().SetSort(bson.D{{Key: "version", Value: -1}}).SetLimit(2))
	if err != nil {
		return models.Checklist{}, translate(err, fmt.Sprintf("find current checklist %s", id))
	}
	if len(found) == 0 {
		return models.Checklist{}, fmt.Errorf("find current checklist %s: %w", id, models.ErrNotFound)
	}
	best := found[0]
	if len(found) == 2 && found[1].Version == best.Version && rank(found[1]) < rank(best) {
		best = found[1]
	}
	return best, nil
}

// ChecklistVersions returns every version of checklist id that programID
// sees, drafts and retired ones included, oldest first; one per version
// number, chosen as Checklist chooses.
func (s *Store) ChecklistVersions(ctx context.Context, programID, id string) ([]models.Checklist, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := visibleTo(programID)
	q["checklistId"] = id
	found, err := s.findChecklists(ctx, q, options.Find().SetSort(bson.D{{Key: "version", Value: 1}}))
	if err != nil {
		return nil, translate(err, fmt.Sprintf("list versions of checklist %s", id))
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("list versions of checklist %s: %w", id, models.ErrNotFound)
	}
	out := found[:1]
	for _, c := range found[1:] {
		last := &out[len(out)-1]
		switch {
		case c.Version != last.Version:
			out = append(out, c)
		case rank(c) < rank(*last):
			*last = c
		}
	}
	return out, nil
}

// checklistCursor is the keyset position of Checklists: the last id.
type checklistCursor struct {
	ID string `json:"id"`
}

// Checklists returns one page of the current published checklists that
// programID sees, ordered by id. The current version is chosen before the
// filter applies (an older version's title does not match), so the query
// reads the published versions after the cursor in id order and stops once
// the page is full; the cost grows with the number of versions skipped,
// which suits a library of hundreds of checklists.
func (s *Store) Checklists(ctx context.Context, programID string, f models.ChecklistFilter) (models.List[models.Checklist], error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := visibleTo(programID)
	q["status"] = models.ChecklistPublished
	if f.Page.Cursor != "" {
		var after checklistCursor
		if err := decodeCursor("checklists", f.Page.Cursor, &after); err != nil {
			return models.List[models.Checklist]{}, err
		}
		q["checklistId"] = bson.M{"$gt": after.ID}
	}
	size := f.Page.Size()
	cur, err := s.collection(colChecklists).Find(ctx, q, options.Find().
		SetSort(bson.D{{Key: "checklistId", Value: 1}, {Key: "version", Value: -1}}).
		SetBatchSize(100))
	if err != nil {
		return models.List[models.Checklist]{}, translate(err, "list checklists")
	}
	defer cur.Close(context.WithoutCancel(ctx))

	items := make([]models.Checklist, 0, min(size+1, 64))
	var best models.Checklist
	take := func() bool {
		if best.ID != "" && f.Matches(best) {
			items = append(items, best)
		}
		return len(items) > size
	}
	full := false
	for cur.Next(ctx) {
		var c models.Checklist
		if err := cur.Decode(&c); err != nil {
			return models.List[models.Checklist]{}, fmt.Errorf("list checklists: decode: %w", err)
		}
		if c.ID == best.ID {
			// Versions come newest first; only a tie can replace best.
			if c.Version == best.Version && rank(c) < rank(best) {
				best = c
			}
			continue
		}
		if full = take(); full {
			break
		}
		best = c
	}
	if err := cur.Err(); err != nil {
		return models.List[models.Checklist]{}, translate(err, "list checklists")
	}
	if !full {
		take()
	}
	out := models.List[models.Checklist]{Items: items}
	if len(items) > size {
		out.Items = items[:size]
		out.NextCursor = encodeCursor("checklists", checklistCursor{ID: items[size-1].ID})
	}
	return out, nil
}

// findChecklists runs a query and decodes every document.
func (s *Store) findChecklists(ctx context.Context, q bson.M, opts *options.FindOptionsBuilder) ([]models.Checklist, error) {
	if opts == nil {
		opts = options.Find()
	}
	cur, err := s.collection(colChecklists).Find(ctx, q, opts)
	if err != nil {
		return nil, err
	}
	var out []models.Checklist
	if err := cur.All(ctx, &out); err != nil {
		return nil, err
	}
	return out, nil
}
