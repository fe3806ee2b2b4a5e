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

// SetSigningPIN stores a new PIN hash for an instructor, clears any lock
// (and its count of refused tries) and records ev; the PIN itself is
// never stored or logged.
func (s *Store) SetSigningPIN(ctx context.Context, programID, userID, hash string, ev models.Event) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	now := s.now()
	res, err := s.collection(colUsers).UpdateOne(ctx, bson.M{"_id": userID, "programId": programID},
		withEvents(bson.M{"$set": bson.M{"pinHash": hash, "pinFailures": 0, "pinRefused": 0, "pinSet": true, "pinSetAt": now, "updatedAt": now},
			"$unset": bson.M{"pinLockedAt": ""}, "$inc": bson.M{"version": 1}}, s.newEvent(ev)))
	if err != nil {
		return translate(err, "set signing PIN")
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("set signing PIN: %w", models.ErrNotFound)
	}
	s.relayAfter(ctx, colUsers, userID)
	return nil
}

// pinTryRounds bounds how often RecordPINTry reads the count again after
// another try changed it in between.
const pinTryRounds = 8

// RecordPINTry records one checked signing-PIN try for instructor userID
// with its event tried, in one update guarded by the count of wrong tries
// it read (fewer than maxFailures: not locked): a wrong try counts toward
// the lock, a right one resets the count. The wrong try that reaches
// maxFailures locks the PIN and records locked (which tells the
// instructor) in the same update. A try on a PIN locked meanwhile is only
// counted as refused, and reports locked. It returns the failures so far.
func (s *Store) RecordPINTry(ctx context.Context, programID, userID string, ok bool, maxFailures int, tried, locked models.Event) (int, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	users := s.collection(colUsers)
	for range pinTryRounds {
		var cur struct {
			PINFailures int `bson:"pinFailures"`
		}
		err := users.FindOne(ctx, bson.M{"_id": userID, "programId": programID},
			options.FindOne().SetProjection(bson.M{"pinFailures": 1})).Decode(&cur)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return 0, false, fmt.Errorf("record PIN try: %w", models.ErrNotFound)
		}
		if err != nil {
			return 0, false, translate(err, "record PIN try")
		}
		if cur.PINFailures >= maxFailures {
			refused, err := s.countRefusedPINTry(ctx, programID, userID, maxFailures)
			if err != nil || refused {
				return maxFailures, refused, err
			}
			continue
		}
		next, events := 0, []models.Event{s.newEvent(tried)}
		update := bson.M{"$set": bson.M{"pinFailures": 0, "pinRefused": 0}, "$unset": bson.M{"pinLockedAt": ""}}
		if !ok {
			next = cur.PINFailures + 1
			update = bson.M{"$set": bson.M{"pinFailures": next}}
			if next >= maxFailures {
				update["$set"] = bson.M{"pinFailures": next, "pinLockedAt": s.now(), "pinRefused": 0}
				events = append(events, s.newEvent(locked))
			}
		}
		// pinFailures is left out of a user that never failed (omitempty).
		was := any(cur.PINFailures)
		if cur.PINFailures == 0 {
			was = bson.M{"$in": bson.A{0, nil}}
		}
		res, err := users.UpdateOne(ctx, bson.M{"_id": userID, "programId": programID, "pinFailures": was}, withEvents(update, events...))
		if err != nil {
			return 0, false, translate(err, "record PIN try")
		}
		if res.MatchedCount == 1 {
			s.relayAfter(ctx, colUsers, userID)
			return next, false, nil
		}
	}
	return 0, false, fmt.Errorf("record PIN try: %w: the PIN's tries kept changing; try again", models.ErrConflict)
}

// RefusePINTry counts one try of instructor userID's locked signing PIN
// (maxFailures wrong tries in a row), refused before it was checked; a PIN
// reset meanwhile is left as it is.
func (s *Store) RefusePINTry(ctx context.Context, programID, userID string, maxFailures int) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.countRefusedPINTry(ctx, programID, userID, maxFailures)
	return err
}

// countRefusedPINTry counts a refused try if the PIN is locked, and
// reports whether it was.
func (s *Store) countRefusedPINTry(ctx context.Context, programID, userID string, maxFailures int) (bool, error) {
	res, err := s.collection(colUsers).UpdateOne(ctx, bson.M{"_id": userID, "programId": programID, "pinFailures": bson.M{"$gte": maxFailures}},
		bson.M{"$inc": bson.M{"pinRefused": 1}})
	if err != nil {
		return false, translate(err, "refuse PIN try")
	}
	return res.MatchedCount == 1, nil
}
