package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"skillbook/models"
)

// CreateAssignment stores assignment a with its events unless an
// assignment with its id exists; it returns the stored assignment and
// whether it is new. An a without an id gets its key (models.Assignment.Key),
// so the same assignment made twice is stored once, and the events of the
// second are dropped with it.
func (s *Store) CreateAssignment(ctx context.Context, a models.Assignment, events ...models.Event) (models.Assignment, bool, error) {
	if a.ProgramID == "" {
		return models.Assignment{}, false, fmt.Errorf("create assignment: %w", errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if a.ID == "" {
		a.ID = a.Key()
	}
	a.CreatedAt = storedTime(a.CreatedAt)
	doc, err := docWithEvents(a, events...)
	if err != nil {
		return models.Assignment{}, false, err
	}
	_, err = s.collection(colAssignments).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		existing, err := s.Assignment(ctx, a.ProgramID, a.ID)
		return existing, false, err
	}
	if err != nil {
		return models.Assignment{}, false, translate(err, "create assignment")
	}
	s.relayAfter(ctx, colAssignments, a.ID)
	return a, true, nil
}

// Assignment returns one assignment of a program.
func (s *Store) Assignment(ctx context.Context, programID, id string) (models.Assignment, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var a models.Assignment
	err := s.collection(colAssignments).FindOne(ctx, bson.M{"_id": id, "programId": programID}).Decode(&a)
	return a, translate(err, "find assignment "+id)
}

// Assignments lists a program's assignments, oldest first.
func (s *Store) Assignments(ctx context.Context, programID string, f models.AssignmentFilter, page models.Page) (models.List[models.Assignment], error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	q := bson.M{"programId": programID}
	if f.CohortID != "" {
		q["cohortId"] = f.CohortID
	}
	if f.StudentID != "" {
		q["studentId"] = f.StudentID
	}
	return listByID[models.Assignment](ctx, s.collection(colAssignments), q, page, 1, "list assignments")
}

// AssignmentFor returns the assignment of checklistID that applies to
// student, or ErrNotFound.
func (s *Store) AssignmentFor(ctx context.Context, student models.User, checklistID string) (models.Assignment, error) {
	all, err := s.AssignmentsOf(ctx, student.ProgramID, []models.User{student})
	if err != nil {
		return models.Assignment{}, err
	}
	var found *models.Assignment
	for i := range all {
		a := &all[i]
		if a.ChecklistID == checklistID && (found == nil || a.ChecklistVersion > found.ChecklistVersion) {
			found = a
		}
	}
	if found == nil {
		return models.Assignment{}, fmt.Errorf("assignment of %s: %w", checklistID, models.ErrNotFound)
	}
	return *found, nil
}

var errTooMany = errors.New("too many results")

// findAll decodes every document matching q, refusing more than limit.
func findAll[T any](ctx context.Context, col *mongo.Collection, q bson.M, limit int, what string) ([]T, error) {
	cur, err := col.Find(ctx, q, optionsFind(int64(limit)+1))
	if err != nil {
		return nil, translate(err, what)
	}
	out := []T{} // none found is an empty list, as on SQLite
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, what)
	}
	if len(out) > limit {
		return nil, fmt.Errorf("%s: %w (more than %d)", what, errTooMany, limit)
	}
	return out, nil
}

// assignmentID is the id the store gives an assignment: its key.
func assignmentID(a models.Assignment) string { return a.Key() }

// storedTime is t as a document stores it: UTC, to the millisecond, so a
// record returned after an insert equals the record read back.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
