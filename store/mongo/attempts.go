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

// openSlot marks the one evaluation request a student may have open per
// checklist (see models.Attempt.OpenSlot).
const openSlot = "open"

// maxAttemptsPerSkill bounds how many attempts one student's history at one
// checklist may hold when loaded whole.
const maxAttemptsPerSkill = 2000

// CreateAttempt stores a new practice attempt or evaluation request. The
// client may choose the id (a UUID), so a retry of the same request finds
// the first one: it returns the stored attempt and whether it is new. A
// different attempt under the same id, or a second open request for the
// same skill, is a conflict.
func (s *Store) CreateAttempt(ctx context.Context, actor models.Actor, a models.Attempt, notify []models.Notification) (models.Attempt, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if a.ID == "" {
		a.ID = NewID()
	}
	now := s.now()
	a.RequestedAt, a.UpdatedAt = now, now
	a.Version = 1
	a.OpenSlot = a.ID
	evType, summary := models.EventAttemptPracticed, fmt.Sprintf("logged practice of %s", a.ChecklistID)
	if a.Kind == models.AttemptEvaluation {
		a.Status = models.StatusRequested
		a.OpenSlot = openSlot
		evType, summary = models.EventEvaluationRequested, fmt.Sprintf("requested an evaluation of %s", a.ChecklistID)
	} else {
		a.Status = models.StatusPracticed
	}
	ev := s.newEvent(models.Event{
		Type: evType, ProgramID: a.ProgramID, Actor: actor, Subject: "attempt", SubjectID: a.ID, StudentID: a.StudentID,
		Summary: summary,
		Data:    map[string]string{"checklistId": a.ChecklistID, "checklistVersion": fmt.Sprint(a.ChecklistVersion), "kind": string(a.Kind)},
		Notify:  notify,
	})
	doc, err := docWithEvents(a, ev)
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

// SkillAttempts returns every attempt of students at checklists, in one
// query: a student's history for the rules and for the queue.
func (s *Store) SkillAttempts(ctx context.Context, programID string, studentIDs, checklistIDs []string) ([]models.Attempt, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := bson.M{"programId": programID, "studentId": bson.M{"$in": studentIDs}, "checklistId": bson.M{"$in": checklistIDs}}
	return findAll[models.Attempt](ctx, s.collection(colAttempts), q, maxAttemptsPerSkill*max(1, len(studentIDs)), "list attempts")
}

// QueueFilter narrows the instructor queue.
type QueueFilter struct {
	// CohortIDs limits the queue to these cohorts; nil means every cohort
	// of the program (an admin's view), empty means none.
	CohortIDs []string
	Area      models.Area
}

// Queue lists open evaluation requests of some cohorts, oldest first.
func (s *Store) Queue(ctx context.Context, programID string, f QueueFilter, page models.Page) (models.List[models.Attempt], error) {
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
	return listByID[models.Attempt](ctx, s.collection(colAttempts), q, page, 1, "list queue")
}

// EvaluateAttempt records an instructor's evaluation of a requested
// attempt. Only a waiting request can be evaluated, and the write is one
// atomic update conditional on that, so of two instructors evaluating at
// once exactly one succeeds; the other gets ErrConflict.
func (s *Store) EvaluateAttempt(ctx context.Context, programID, attemptID string, e models.Evaluation, events ...models.Event) (models.Attempt, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	status := models.StatusPassed
	switch e.Outcome {
	case models.OutcomeFailed:
		status = models.StatusFailed
	case models.OutcomeReturned:
		status = models.StatusReturned
	}
	for i := range events {
		events[i] = s.newEvent(events[i])
	}
	update := withEvents(bson.M{
		"$set": bson.M{"evaluation": e, "status": status, "openSlot": attemptID, "updatedAt": s.now()},
		"$inc": bson.M{"version": 1},
	}, events...)
	var a models.Attempt
	err := s.collection(colAttempts).FindOneAndUpdate(ctx,
		bson.M{"_id": attemptID, "programId": programID, "kind": models.AttemptEvaluation, "status": models.StatusRequested},
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

// AddAmendment appends a signed amendment to an evaluated attempt, guarded
// by the attempt's version so amendments are ordered and none is lost.
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
