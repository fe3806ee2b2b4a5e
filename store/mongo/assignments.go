package mongo

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"skillbook/models"
)

// assignmentID is derived from what is assigned to whom, so assigning the
// same checklist version to the same cohort or student twice finds the
// first assignment instead of making a second.
func assignmentID(a models.Assignment) string {
	target := "cohort:" + a.CohortID
	if a.StudentID != "" {
		target = "student:" + a.StudentID
	}
	return "asg_" + shortHash(a.ProgramID, target, a.ChecklistID, strconv.Itoa(a.ChecklistVersion))
}

// CreateAssignment stores an assignment unless the same one exists; it
// returns the stored assignment and whether it is new.
func (s *Store) CreateAssignment(ctx context.Context, actor models.Actor, a models.Assignment, notify []models.Notification) (models.Assignment, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	a.ID = assignmentID(a)
	a.AssignedBy = actor.UserID
	a.Version = 1
	a.CreatedAt = s.now()
	target := "cohort " + a.CohortID
	if a.StudentID != "" {
		target = "student " + a.StudentID
	}
	ev := s.newEvent(models.Event{
		Type: "assignment.created", ProgramID: a.ProgramID, Actor: actor, Subject: "assignment", SubjectID: a.ID,
		StudentID: a.StudentID,
		Summary:   fmt.Sprintf("assigned %s v%d to %s", a.ChecklistID, a.ChecklistVersion, target),
		Data: map[string]string{"checklistId": a.ChecklistID, "checklistVersion": strconv.Itoa(a.ChecklistVersion),
			"cohortId": a.CohortID, "studentId": a.StudentID, "dueDate": a.DueDate},
		Notify: notify,
	})
	doc, err := docWithEvents(a, ev)
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

// AssignmentFilter selects assignments; CohortIDs limits them to some
// cohorts (and their students' individual assignments are not included).
type AssignmentFilter struct {
	CohortID  string
	StudentID string
}

// Assignments lists a program's assignments, oldest first.
func (s *Store) Assignments(ctx context.Context, programID string, f AssignmentFilter, page models.Page) (models.List[models.Assignment], error) {
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
func findAll[T any](ctx context.Context, col collection, q bson.M, limit int, what string) ([]T, error) {
	cur, err := col.Find(ctx, q, optionsFind(int64(limit)+1))
	if err != nil {
		return nil, translate(err, what)
	}
	var out []T
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, what)
	}
	if len(out) > limit {
		return nil, fmt.Errorf("%s: %w (more than %d)", what, errTooMany, limit)
	}
	return out, nil
}
