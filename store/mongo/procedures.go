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

// CreateProcedure stores a live procedure a student logged, pending
// review. p must be valid (models.Procedure.ValidateNew). A client-chosen
// id makes an offline retry safe: when that id is already stored for the
// same entry, the stored procedure is returned with created false; the same
// id with other content is a conflict.
func (s *Store) CreateProcedure(ctx context.Context, actor models.Actor, p models.Procedure) (_ models.Procedure, created bool, _ error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if p.ProgramID == "" {
		return models.Procedure{}, false, errEmptyProgram
	}
	if p.ID == "" {
		p.ID = NewID()
	}
	now := s.now()
	p.Status, p.Review, p.Version = models.ProcedurePending, nil, 1
	p.CreatedAt, p.UpdatedAt = now, now
	ev := s.newEvent(models.Event{
		Type: "procedure.logged", ProgramID: p.ProgramID, Actor: actor, Subject: "procedure", SubjectID: p.ID,
		StudentID: p.StudentID,
		Summary:   fmt.Sprintf("logged a %s performed on %s", p.Kind, p.PerformedAt),
		Data:      map[string]string{"kind": p.Kind, "performedAt": p.PerformedAt, "site": p.Site},
	})
	doc, err := docWithEvents(p, ev)
	if err != nil {
		return models.Procedure{}, false, err
	}
	_, err = s.collection(colProcedures).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		stored, ferr := s.Procedure(ctx, p.ProgramID, p.ID)
		if ferr == nil && stored.SameEntry(p) {
			return stored, false, nil
		}
		if ferr != nil && !errors.Is(ferr, models.ErrNotFound) {
			return models.Procedure{}, false, ferr
		}
		return models.Procedure{}, false, fmt.Errorf("create procedure %s: %w: this id is already used by another procedure", p.ID, models.ErrConflict)
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

// ProcedureFilter selects procedures.
type ProcedureFilter struct {
	// StudentIDs keeps these students' procedures; nil keeps every
	// student's, an empty non-nil slice none.
	StudentIDs []string
	// Status keeps one status; empty keeps all.
	Status models.ProcedureStatus
}

// Procedures lists a program's procedures, newest logged first.
func (s *Store) Procedures(ctx context.Context, programID string, f ProcedureFilter, page models.Page) (models.List[models.Procedure], error) {
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

// ConfirmProcedure records that reviewer confirmed procedure p, as read
// at p.Version: it now counts toward the student's targets.
func (s *Store) ConfirmProcedure(ctx context.Context, actor models.Actor, p models.Procedure, reviewer models.User) (models.Procedure, error) {
	return s.reviewProcedure(ctx, actor, p, models.ProcedureConfirmed, reviewer, "")
}

// RejectProcedure records that reviewer rejected procedure p, as read at
// p.Version, and why.
func (s *Store) RejectProcedure(ctx context.Context, actor models.Actor, p models.Procedure, reviewer models.User, reason string) (models.Procedure, error) {
	return s.reviewProcedure(ctx, actor, p, models.ProcedureRejected, reviewer, reason)
}

// reviewProcedure moves a pending procedure to status in one write guarded
// by the version it was read at and by its pending status, so it is
// decided exactly once: a second decision, or one racing another, is a
// conflict.
func (s *Store) reviewProcedure(ctx context.Context, actor models.Actor, read models.Procedure,
	status models.ProcedureStatus, reviewer models.User, reason string) (models.Procedure, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if read.ProgramID == "" {
		return models.Procedure{}, errEmptyProgram
	}
	now := s.now()
	review := models.ProcedureReview{ReviewerID: reviewer.ID, ReviewerName: reviewer.Name,
		ReviewerCredential: reviewer.Credential, ReviewedAt: now, Reason: reason}
	verb, typ := string(status), models.EventProcedureConfirmed
	if status == models.ProcedureRejected {
		typ = models.EventProcedureRejected
	}
	ev := s.newEvent(models.Event{
		Type: typ, ProgramID: read.ProgramID, Actor: actor, Subject: "procedure", SubjectID: read.ID,
		StudentID: read.StudentID,
		Summary:   fmt.Sprintf("%s a %s performed on %s", verb, read.Kind, read.PerformedAt),
		Data:      map[string]string{"status": verb, "kind": read.Kind, "performedAt": read.PerformedAt, "reason": reason},
	})
	update := withEvents(bson.M{
		"$set": bson.M{"status": status, "review": review, "updatedAt": now},
		"$inc": bson.M{"version": 1},
	}, ev)
	var p models.Procedure
	err := s.collection(colProcedures).FindOneAndUpdate(ctx,
		bson.M{"_id": read.ID, "programId": read.ProgramID, "status": models.ProcedurePending, "version": read.Version},
		update,
		// No projection: the embedded engine does not support one on
		// findAndModify; decoding drops the pending events.
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&p)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.Procedure{}, s.whyNotPending(ctx, read.ProgramID, read.ID, read.Version)
	}
	if err != nil {
		return models.Procedure{}, translate(err, fmt.Sprintf("%s procedure %s", verb, read.ID))
	}
	s.relayAfter(ctx, colProcedures, read.ID)
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
// by kind and status: counts[studentID][kind].
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
			"_id": bson.M{"s": "$studentId", "k": "$kind", "st": "$status"},
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
		switch r.Key.Status {
		case models.ProcedureConfirmed:
			c.Confirmed += r.N
		case models.ProcedurePending:
			c.Pending += r.N
		case models.ProcedureRejected:
			c.Rejected += r.N
		}
		byKind[r.Key.Kind] = c
	}
	return out, nil
}
