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

// CreateProcedure stores procedure p with its events. A client-chosen id
// makes an offline retry safe: when the program already holds a procedure
// with p's id, that stored procedure is returned with created false (the
// caller decides whether it is the same entry), and p's events are
// dropped; an id another program uses is models.ErrConflict. A p without
// an id gets a new one.
func (s *Store) CreateProcedure(ctx context.Context, p models.Procedure, events ...models.Event) (_ models.Procedure, created bool, _ error) {
	if p.ProgramID == "" {
		return models.Procedure{}, false, errEmptyProgram
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if p.ID == "" {
		p.ID = NewID()
	}
	p.CreatedAt, p.UpdatedAt = storedTime(p.CreatedAt), storedTime(p.UpdatedAt)
	doc, err := docWithEvents(p, events...)
	if err != nil {
		return models.Procedure{}, false, err
	}
	_, err = s.collection(colProcedures).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		stored, ferr := s.Procedure(ctx, p.ProgramID, p.ID)
		if errors.Is(ferr, models.ErrNotFound) {
			return models.Procedure{}, false, fmt.Errorf("create procedure %s: %w: this id is already used by another procedure", p.ID, models.ErrConflict)
		}
		return stored, false, ferr
	}
	if err != nil {
		return models.Procedure{}, false, translate(err, "create procedure")
	}
	s.relayAfter(ctx, colProcedures, p.ID)
	return p, true, nil
}

// Procedure returns the procedure with id in program.
func (s *Store) Procedure(ctx context.Context, programID, id string) (models.Procedure, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var p models.Procedure
	err := s.collection(colProcedures).FindOne(ctx, bson.M{"_id": id, "programId": programID}).Decode(&p)
	return p, translate(err, fmt.Sprintf("find procedure %s", id))
}

// Procedures lists a program's procedures, newest logged first.
func (s *Store) Procedures(ctx context.Context, programID string, f models.ProcedureFilter, page models.Page) (models.List[models.Procedure], error) {
	if programID == "" {
		return models.List[models.Procedure]{}, errEmptyProgram
	}
	if f.StudentIDs != nil && len(f.StudentIDs) == 0 {
		return models.List[models.Procedure]{Items: []models.Procedure{}}, nil
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
	return listByID[models.Procedure](ctx, s.collection(colProcedures), q, page, -1, "list procedures of "+programID)
}

// ReviewProcedure records decided, the review of a pending procedure,
// with its events, in one write guarded by the version it was read at
// (version) and by its pending status, so it is decided exactly once: a
// second decision, or one racing another, is models.ErrConflict.
func (s *Store) ReviewProcedure(ctx context.Context, decided models.Procedure, version int64, events ...models.Event) (models.Procedure, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if decided.ProgramID == "" {
		return models.Procedure{}, errEmptyProgram
	}
	update := withEvents(bson.M{
		"$set": bson.M{"status": decided.Status, "review": decided.Review, "updatedAt": decided.UpdatedAt, "version": decided.Version},
	}, events...)
	var p models.Procedure
	err := s.collection(colProcedures).FindOneAndUpdate(ctx,
		bson.M{"_id": decided.ID, "programId": decided.ProgramID, "status": models.ProcedurePending, "version": version},
		update,
		// No projection: FerretDB (the tests' stand-in) does not support one on
		// findAndModify; decoding drops the pending events.
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.Procedure{}, s.whyNotPending(ctx, decided.ProgramID, decided.ID, version)
	}
	if err != nil {
		return models.Procedure{}, translate(err, fmt.Sprintf("review procedure %s", decided.ID))
	}
	s.relayAfter(ctx, colProcedures, decided.ID)
	return p, nil
}

// whyNotPending explains a review that matched nothing.
func (s *Store) whyNotPending(ctx context.Context, programID, id string, version int64) error {
	p, err := s.Procedure(ctx, programID, id)
	switch {
	case err != nil:
		return err
	case p.Status != models.ProcedurePending:
		return fmt.Errorf("review procedure %s: %w: it was already %s", id, models.ErrConflict, p.Status)
	}
	return fmt.Errorf("review procedure %s at version %d: %w: it changed meanwhile (now version %d)", id, version, models.ErrConflict, p.Version)
}

// ProcedureCounts counts, in one query, the procedures of each student
// by kind, status and success: counts[studentID][kind].
func (s *Store) ProcedureCounts(ctx context.Context, programID string, studentIDs []string) (map[string]map[string]models.ProcedureCount, error) {
	out := make(map[string]map[string]models.ProcedureCount, len(studentIDs))
	if len(studentIDs) == 0 {
		return out, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	cur, err := s.collection(colProcedures).Aggregate(ctx, bson.A{
		bson.M{"$match": bson.M{"programId": programID, "studentId": bson.M{"$in": studentIDs}}},
		bson.M{"$group": bson.M{
			// A procedure logged before success was recorded has none:
			// its key's ok is null, and it counts as successful.
			"_id": bson.M{"s": "$studentId", "k": "$kind", "st": "$status", "ok": "$successful"},
			"n":   bson.M{"$sum": 1},
		}},
	}, options.Aggregate().SetBatchSize(bulkBatch))
	if err != nil {
		return nil, translate(err, "count procedures")
	}
	var rows []struct {
		Key struct {
			StudentID string                 `bson:"s"`
			Kind      string                 `bson:"k"`
			Status    models.ProcedureStatus `bson:"st"`
			OK        *bool                  `bson:"ok"`
		} `bson:"_id"`
		N int `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, translate(err, "count procedures")
	}
	for _, r := range rows {
		byKind := out[r.Key.StudentID]
		if byKind == nil {
			byKind = map[string]models.ProcedureCount{}
			out[r.Key.StudentID] = byKind
		}
		c := byKind[r.Key.Kind]
		c.Add(r.Key.Status, r.Key.OK == nil || *r.Key.OK, r.N)
		byKind[r.Key.Kind] = c
	}
	return out, nil
}
