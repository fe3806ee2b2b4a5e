package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// openSlot marks the one evaluation request a student may have open per
// checklist (see models.Attempt.OpenSlot).
const openSlot = "open"

// maxAttemptsPerSkill bounds how many attempts one student's history at one
// checklist may hold when loaded whole.
const maxAttemptsPerSkill = 2000

// CreateAttempt stores a new practice attempt or evaluation request with
// its events; the caller chose its id, status and time stamps. A retry
// under the same id finds the first attempt: it returns the stored attempt
// and whether it is new. A different attempt under the same id, or a
// second waiting request for the same skill (see models.Attempt.OpenSlot),
// is a conflict.
func (s *Store) CreateAttempt(ctx context.Context, a models.Attempt, events ...models.Event) (models.Attempt, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if a.ID == "" {
		return models.Attempt{}, false, errors.New("create attempt: the attempt has no id")
	}
	a.UpdatedAt = s.now()
	a.Version = 1
	a.OpenSlot = a.ID
	if a.Status.Waiting() {
		a.OpenSlot = openSlot
	}
	for i := range events {
		events[i] = s.newEvent(events[i])
	}
	doc, err := docWithEvents(a, events...)
	if err != nil {
		return models.Attempt{}, false, err
	}
	_, err = s.collection(colAttempts).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return s.existingAttempt(ctx, a)
	}
	if err != nil {
		return models.Attempt{}, false, translate(err, "create attempt")
	}
	s.relayAfter(ctx, colAttempts, a.ID)
	return a, true, nil
}

// existingAttempt explains a duplicate key on insert: the same attempt
// again (a retry) or a real conflict.
func (s *Store) existingAttempt(ctx context.Context, a models.Attempt) (models.Attempt, bool, error) {
	var old models.Attempt
	err := s.collection(colAttempts).FindOne(ctx, bson.M{"_id": a.ID}).Decode(&old)
	switch {
	case err == nil:
		if old.ProgramID == a.ProgramID && old.StudentID == a.StudentID && old.ChecklistID == a.ChecklistID && old.Kind == a.Kind {
			return old, false, nil
		}
		return models.Attempt{}, false, fmt.Errorf("create attempt: %w: the id %s is already used by another attempt", models.ErrConflict, a.ID)
	case errors.Is(err, mongo.ErrNoDocuments):
		return models.Attempt{}, false, fmt.Errorf("create attempt: %w: an evaluation of this checklist is already requested and waiting for an instructor", models.ErrConflict)
	}
	return models.Attempt{}, false, translate(err, "create attempt")
}

// Attempt returns one attempt of a program.
func (s *Store) Attempt(ctx context.Context, programID, id string) (models.Attempt, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var a models.Attempt
	err := s.collection(colAttempts).FindOne(ctx, bson.M{"_id": id, "programId": programID}, options.FindOne().
		SetProjection(hideEvents)).Decode(&a)
	return a, translate(err, "find attempt "+id)
}

// AttemptByEvaluation returns the attempt holding evaluation id.
func (s *Store) AttemptByEvaluation(ctx context.Context, programID, evaluationID string) (models.Attempt, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var a models.Attempt
	err := s.collection(colAttempts).FindOne(ctx, bson.M{"evaluation.id": evaluationID, "programId": programID}, options.FindOne().
		SetProjection(hideEvents)).Decode(&a)
	return a, translate(err, "find evaluation "+evaluationID)
}

// SkillAttempts returns every attempt of each of skills (a student at a
// checklist), in one query: a student's history for the rules and for the
// queue.
func (s *Store) SkillAttempts(ctx context.Context, programID string, skills []models.StudentSkill) ([]models.Attempt, error) {
	if len(skills) == 0 {
		return []models.Attempt{}, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	pairs := make(bson.A, len(skills))
	for i, k := range skills {
		pairs[i] = bson.M{"studentId": k.StudentID, "checklistId": k.ChecklistID}
	}
	q := bson.M{"programId": programID, "$or": pairs}
	return findAll[models.Attempt](ctx, s.collection(colAttempts), q, maxAttemptsPerSkill*len(skills), "list attempts")
}

// queueKey is a queue cursor's position: the request time (Unix ms) and
// id of the last request returned.
type queueKey struct {
	At int64  `json:"t"`
	ID string `json:"i"`
}

// Queue lists open evaluation requests of some cohorts, oldest first (by
// request time, then id, as on SQLite: a request's id need not follow its
// time, as in a seeded history).
func (s *Store) Queue(ctx context.Context, programID string, f models.QueueFilter, page models.Page) (models.List[models.Attempt], error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if f.CohortIDs != nil && len(f.CohortIDs) == 0 {
		return models.List[models.Attempt]{Items: []models.Attempt{}}, nil
	}
	q := bson.M{"programId": programID, "status": models.StatusRequested}
	if f.CohortIDs != nil {
		q["cohortId"] = bson.M{"$in": f.CohortIDs}
	}
	if f.Area != "" {
		q["area"] = f.Area
	}
	if page.Cursor != "" {
		var k queueKey
		if err := decodeCursor("queue", page.Cursor, &k); err != nil || k.ID == "" {
			return models.List[models.Attempt]{}, invalidCursor()
		}
		at := time.UnixMilli(k.At).UTC()
		q = withAnd(q, bson.M{"$or": bson.A{
			bson.M{"requestedAt": bson.M{"$gt": at}},
			bson.M{"requestedAt": at, "_id": bson.M{"$gt": k.ID}},
		}})
	}
	size := page.Size()
	cur, err := s.collection(colAttempts).Find(ctx, q, options.Find().
		SetSort(bson.D{{Key: "requestedAt", Value: 1}, {Key: "_id", Value: 1}}).
		SetLimit(int64(size)+1).
		SetProjection(hideEvents))
	if err != nil {
		return models.List[models.Attempt]{}, translate(err, "list queue")
	}
	items := []models.Attempt{}
	if err := cur.All(ctx, &items); err != nil {
		return models.List[models.Attempt]{}, translate(err, "list queue")
	}
	out := models.List[models.Attempt]{Items: items}
	if len(items) > size {
		out.Items = items[:size]
		last := items[size-1]
		out.NextCursor = encodeCursor("queue", queueKey{At: last.RequestedAt.UnixMilli(), ID: last.ID})
	}
	return out, nil
}

// EvaluateAttempt records an instructor's evaluation e of a waiting
// request, moving it to status, with its events. The write is one atomic
// update conditional on the attempt being still requested at version, so
// of two instructors evaluating at once exactly one succeeds; the other
// gets ErrConflict.
func (s *Store) EvaluateAttempt(ctx context.Context, programID, attemptID string, version int64, status models.AttemptStatus, e models.Evaluation, events ...models.Event) (models.Attempt, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	for i := range events {
		events[i] = s.newEvent(events[i])
	}
	update := withEvents(bson.M{
		"$set": bson.M{"evaluation": e, "status": status, "openSlot": attemptID, "updatedAt": s.now()},
		"$inc": bson.M{"version": 1},
	}, events...)
	var a models.Attempt
	err := s.collection(colAttempts).FindOneAndUpdate(ctx,
		bson.M{"_id": attemptID, "programId": programID, "version": version, "status": models.StatusRequested},
		update, returnAfter()).Decode(&a)
	if errors.Is(err, mongo.ErrNoDocuments) {
		if _, ferr := s.Attempt(ctx, programID, attemptID); ferr != nil {
			return models.Attempt{}, ferr
		}
		return models.Attempt{}, fmt.Errorf("evaluate attempt %s: %w: this attempt is not waiting for an evaluation (it was already evaluated or is a practice)", attemptID, models.ErrConflict)
	}
	if err != nil {
		return models.Attempt{}, translate(err, "evaluate attempt "+attemptID)
	}
	s.relayAfter(ctx, colAttempts, attemptID)
	return a, nil
}

// AddAmendment appends a signed amendment to an evaluated attempt with its
// event, guarded by the attempt's version so amendments are ordered and
// none is lost.
func (s *Store) AddAmendment(ctx context.Context, programID, attemptID string, version int64, am models.Amendment, ev models.Event) (models.Attempt, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ev = s.newEvent(ev)
	update := withEvents(bson.M{
		"$push": bson.M{"amendments": am},
		"$set":  bson.M{"updatedAt": s.now()},
		"$inc":  bson.M{"version": 1},
	}, ev)
	var a models.Attempt
	err := s.collection(colAttempts).FindOneAndUpdate(ctx,
		bson.M{"_id": attemptID, "programId": programID, "version": version, "evaluation": bson.M{"$exists": true}},
		update, returnAfter()).Decode(&a)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.Attempt{}, fmt.Errorf("amend attempt %s: %w: the evaluation changed meanwhile; retry", attemptID, models.ErrConflict)
	}
	if err != nil {
		return models.Attempt{}, translate(err, "amend attempt "+attemptID)
	}
	s.relayAfter(ctx, colAttempts, attemptID)
	return a, nil
}
