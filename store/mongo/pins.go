package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"skillbook/models"
)

// SetSigningPIN stores a new PIN hash for an instructor and clears any
// lock; the PIN itself is never stored or logged.
func (s *Store) SetSigningPIN(ctx context.Context, actor models.Actor, programID, userID, hash string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ev := s.newEvent(models.Event{Type: "user.signing-pin-set", ProgramID: programID, Actor: actor, Subject: "user", SubjectID: userID,
		Summary: "set a new signing PIN"})
	res, err := s.collection(colUsers).UpdateOne(ctx, bson.M{"_id": userID, "programId": programID},
		withEvents(bson.M{"$set": bson.M{"pinHash": hash, "pinFailures": 0, "pinSet": true, "updatedAt": s.now()}, "$inc": bson.M{"version": 1}}, ev))
	if err != nil {
		return translate(err, "set signing PIN")
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("set signing PIN: %w", models.ErrNotFound)
	}
	s.relayAfter(ctx, colUsers, userID)
	return nil
}

// ErrPINLocked means too many wrong PINs in a row.
var ErrPINLocked = errors.New("signing PIN locked")

// RecordPINTry audits one signing-PIN try by actor for instructor userID.
// A wrong try counts toward the lock; a right one resets the count. A try
// on a locked PIN is refused with ErrPINLocked (and audited). It returns
// the failures so far.
func (s *Store) RecordPINTry(ctx context.Context, actor models.Actor, programID, userID string, ok bool, maxFailures int, attemptID string) (int, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	result, typ := "accepted", models.EventSigningPINAccepted
	update := bson.M{"$set": bson.M{"pinFailures": 0}}
	if !ok {
		result, typ = "rejected", models.EventSigningPINRejected
		update = bson.M{"$inc": bson.M{"pinFailures": 1}}
	}
	ev := s.newEvent(models.Event{Type: typ, ProgramID: programID, Actor: actor, Subject: "user", SubjectID: userID,
		Summary: "signing PIN " + result + " for attempt " + attemptID, Data: map[string]string{"attemptId": attemptID}})
	var u models.User
	err := s.collection(colUsers).FindOneAndUpdate(ctx,
		bson.M{"_id": userID, "programId": programID, "pinFailures": bson.M{"$lt": maxFailures}},
		withEvents(update, ev), returnAfter()).Decode(&u)
	if errors.Is(err, mongo.ErrNoDocuments) {
		// Locked (or gone): still audit the refused try.
		lockedEv := s.newEvent(models.Event{Type: models.EventSigningPINLocked, ProgramID: programID, Actor: actor, Subject: "user", SubjectID: userID,
			Summary: "signing PIN try refused: locked", Data: map[string]string{"attemptId": attemptID}})
		res, uerr := s.collection(colUsers).UpdateOne(ctx, bson.M{"_id": userID, "programId": programID}, withEvents(bson.M{}, lockedEv))
		if uerr != nil {
			return 0, translate(uerr, "record PIN try")
		}
		if res.MatchedCount == 0 {
			return 0, fmt.Errorf("record PIN try: %w", models.ErrNotFound)
		}
		s.relayAfter(ctx, colUsers, userID)
		return maxFailures, ErrPINLocked
	}
	if err != nil {
		return 0, translate(err, "record PIN try")
	}
	s.relayAfter(ctx, colUsers, userID)
	return u.PINFailures, nil
}
