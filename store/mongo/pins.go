package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"skillbook/models"
)

// SetSigningPIN stores a new PIN hash for an instructor, clears any lock
// and records ev; the PIN itself is never stored or logged.
func (s *Store) SetSigningPIN(ctx context.Context, programID, userID, hash string, ev models.Event) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	res, err := s.collection(colUsers).UpdateOne(ctx, bson.M{"_id": userID, "programId": programID},
		withEvents(bson.M{"$set": bson.M{"pinHash": hash, "pinFailures": 0, "pinSet": true, "updatedAt": s.now()}, "$inc": bson.M{"version": 1}}, s.newEvent(ev)))
	if err != nil {
		return translate(err, "set signing PIN")
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("set signing PIN: %w", models.ErrNotFound)
	}
	s.relayAfter(ctx, colUsers, userID)
	return nil
}

// RecordPINTry records one signing-PIN try for instructor userID with its
// event tried, in one update guarded by the PIN not being locked (fewer
// than maxFailures wrong tries in a row): a wrong try counts toward the
// lock, a right one resets the count. A try on a locked PIN records
// refused instead and reports locked. It returns the failures so far.
func (s *Store) RecordPINTry(ctx context.Context, programID, userID string, ok bool, maxFailures int, tried, refused models.Event) (int, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	update := bson.M{"$set": bson.M{"pinFailures": 0}}
	if !ok {
		update = bson.M{"$inc": bson.M{"pinFailures": 1}}
	}
	var u models.User
	err := s.collection(colUsers).FindOneAndUpdate(ctx,
		bson.M{"_id": userID, "programId": programID, "pinFailures": bson.M{"$lt": maxFailures}},
		withEvents(update, s.newEvent(tried)), returnAfter()).Decode(&u)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// Locked (or gone): still audit the refused try.
		res, uerr := s.collection(colUsers).UpdateOne(ctx, bson.M{"_id": userID, "programId": programID}, withEvents(bson.M{}, s.newEvent(refused)))
		if uerr != nil {
			return 0, false, translate(uerr, "record PIN try")
		}
		if res.MatchedCount == 0 {
			return 0, false, fmt.Errorf("record PIN try: %w", models.ErrNotFound)
		}
		s.relayAfter(ctx, colUsers, userID)
		return maxFailures, true, nil
	}
	if err != nil {
		return 0, false, translate(err, "record PIN try")
	}
	s.relayAfter(ctx, colUsers, userID)
	return u.PINFailures, false, nil
}
