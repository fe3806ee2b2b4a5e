package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"skillbook/models"
	"skillbook/workflow"
)

var _ workflow.VoidStore = (*Store)(nil)

// VoidAttempt moves a graded attempt at version to voided with its void
// amendment and event, in one update guarded by the version and the
// graded status; progress, derived from the attempts when read, leaves it
// out from then on.
func (s *Store) VoidAttempt(ctx context.Context, programID, attemptID string, version int64, am models.Amendment, ev models.Event) (models.Attempt, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	update := withEvents(bson.M{
		"$push": bson.M{"amendments": am},
		"$set":  bson.M{"status": models.StatusVoided, "updatedAt": s.now()},
		"$inc":  bson.M{"version": 1},
	}, s.newEvent(ev))
	var a models.Attempt
	err := s.collection(colAttempts).FindOneAndUpdate(ctx,
		bson.M{"_id": attemptID, "programId": programID, "version": version, "evaluation": bson.M{"$exists": true},
			"status": bson.M{"$in": bson.A{models.StatusPassed, models.StatusFailed}}},
		update, returnAfter()).Decode(&a)
	if errors.Is(err, mongo.ErrNoDocuments) {
		if _, ferr := s.Attempt(ctx, programID, attemptID); ferr != nil {
			return models.Attempt{}, ferr
		}
		return models.Attempt{}, fmt.Errorf("void attempt %s: %w: the evaluation changed meanwhile; read it again", attemptID, models.ErrConflict)
	}
	if err != nil {
		return models.Attempt{}, translate(err, "void attempt "+attemptID)
	}
	s.relayAfter(ctx, colAttempts, attemptID)
	return a, nil
}
