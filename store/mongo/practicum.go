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

// CreatePracticumEntry stores practicum entry p with its events in one
// insert. As with procedures, a client-chosen id makes an offline retry
// safe: when the program already holds an entry with p's id, that one is
// returned with created false and p's events are dropped; an id another
// program uses is models.ErrConflict.
func (s *Store) CreatePracticumEntry(ctx context.Context, p models.PracticumEntry, events ...models.Event) (_ models.PracticumEntry, created bool, _ error) {
	if p.ProgramID == "" {
		return models.PracticumEntry{}, false, errEmptyProgram
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if p.ID == "" {
		p.ID = NewID()
	}
	p.CreatedAt, p.UpdatedAt = storedTime(p.CreatedAt), storedTime(p.UpdatedAt)
	doc, err := docWithEvents(p, events...)
	if err != nil {
		return models.PracticumEntry{}, false, err
	}
	_, err = s.collection(colPracticum).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		stored, ferr := s.PracticumEntry(ctx, p.ProgramID, p.ID)
		if errors.Is(ferr, models.ErrNotFound) {
			return models.PracticumEntry{}, false, fmt.Errorf("log practicum hours %s: %w: this id is already used by other hours", p.ID, models.ErrConflict)
		}
		return stored, false, ferr
	}
	if err != nil {
		return models.PracticumEntry{}, false, translate(err, "log practicum hours")
	}
	s.relayAfter(ctx, colPracticum, p.ID)
	return p, true, nil
}

// PracticumEntry returns the practicum entry with id in program.
func (s *Store) PracticumEntry(ctx context.Context, programID, id string) (models.PracticumEntry, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var p models.PracticumEntry
	err := s.collection(colPracticum).FindOne(ctx, bson.M{"_id": id, "programId": programID}).Decode(&p)
	return p, translate(err, fmt.Sprintf("find practicum hours %s", id))
}

// PracticumEntries lists a program's practicum entries, newest logged
// first.
func (s *Store) PracticumEntries(ctx context.Context, programID string, f models.PracticumFilter, page models.Page) (models.List[models.PracticumEntry], error) {
	if programID == "" {
		return models.List[models.PracticumEntry]{}, errEmptyProgram
	}
	if f.StudentIDs != nil && len(f.StudentIDs) == 0 {
		return models.List[models.PracticumEntry]{Items: []models.PracticumEntry{}}, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := bson.M{"programId": programID}
	switch len(f.StudentIDs) {
	case 0:
	case 1:
		q["studentId"] = f.StudentIDs[0]
	default:
		q["studentId"] = bson.M{"$in": f.StudentIDs}
	}
	if f.Status != "" {
		q["status"] = f.Status
	}
	return listByID[models.PracticumEntry](ctx, s.collection(colPracticum), q, page, -1, "list practicum hours of "+programID)
}

// ReviewPracticumEntry records decided, the review of a pending entry,
// with its events, in one write guarded by the version it was read at and
// by its pending status: it is decided exactly once, and a second or a
// racing decision is models.ErrConflict.
func (s *Store) ReviewPracticumEntry(ctx context.Context, decided models.PracticumEntry, version int64, events ...models.Event) (models.PracticumEntry, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if decided.ProgramID == "" {
		return models.PracticumEntry{}, errEmptyProgram
	}
	update := withEvents(bson.M{
		"$set": bson.M{"status": decided.Status, "review": decided.Review, "updatedAt": decided.UpdatedAt, "version": decided.Version},
	}, events...)
	var p models.PracticumEntry
	err := s.collection(colPracticum).FindOneAndUpdate(ctx,
		bson.M{"_id": decided.ID, "programId": decided.ProgramID, "status": models.ProcedurePending, "version": version},
		update, options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.PracticumEntry{}, s.whyPracticumNotPending(ctx, decided.ProgramID, decided.ID, version)
	}
	if err != nil {
		return models.PracticumEntry{}, translate(err, fmt.Sprintf("review practicum hours %s", decided.ID))
	}
	s.relayAfter(ctx, colPracticum, decided.ID)
	return p, nil
}

// whyPracticumNotPending explains a review that matched nothing.
func (s *Store) whyPracticumNotPending(ctx context.Context, programID, id string, version int64) error {
	p, err := s.PracticumEntry(ctx, programID, id)
	switch {
	case err != nil:
		return err
	case p.Status != models.ProcedurePending:
		return fmt.Errorf("review practicum hours %s: %w: they were already %s", id, models.ErrConflict, p.Status)
	}
	return fmt.Errorf("review practicum hours %s at version %d: %w: they changed meanwhile (now version %d)", id, version, models.ErrConflict, p.Version)
}

// PracticumTotals sums, in one query, each student's practicum hours by
// site and status: totals[studentID][site].
func (s *Store) PracticumTotals(ctx context.Context, programID string, studentIDs []string) (map[string]map[string]models.HoursCount, error) {
	out := make(map[string]map[string]models.HoursCount, len(studentIDs))
	if len(studentIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	cur, err := s.collection(colPracticum).Aggregate(ctx, bson.A{
		bson.M{"$match": bson.M{"programId": programID, "studentId": bson.M{"$in": studentIDs}}},
		bson.M{"$group": bson.M{
			"_id": bson.M{"s": "$studentId", "site": "$site", "st": "$status"},
			"h":   bson.M{"$sum": "$hours"},
		}},
	}, options.Aggregate().SetBatchSize(bulkBatch))
	if err != nil {
		return nil, translate(err, "sum practicum hours")
	}
	var rows []struct {
		Key struct {
			StudentID string                 `bson:"s"`
			Site      string                 `bson:"site"`
			Status    models.ProcedureStatus `bson:"st"`
		} `bson:"_id"`
		Hours float64 `bson:"h"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translate(err, "sum practicum hours")
	}
	for _, r := range rows {
		bySite := out[r.Key.StudentID]
		if bySite == nil {
			bySite = map[string]models.HoursCount{}
			out[r.Key.StudentID] = bySite
		}
		c := bySite[r.Key.Site]
		c.Add(r.Key.Status, r.Hours)
		bySite[r.Key.Site] = c
	}
	return out, nil
}
