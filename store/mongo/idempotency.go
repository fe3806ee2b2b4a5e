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

const colIdempotency = "idempotency"

type idempotencyRecord struct {
	ID          string                 `bson:"_id"`
	Fingerprint string                 `bson:"fingerprint"`
	Done        bool                   `bson:"done"`
	LeaseUntil  time.Time              `bson:"leaseUntil"`
	ExpiresAt   time.Time              `bson:"expiresAt"`
	Response    *models.StoredResponse `bson:"response,omitempty"`
}

// BeginIdempotent claims key for a request with fingerprint. It returns
// (nil, nil) when the caller should run the request (and then call
// FinishIdempotent or AbandonIdempotent), the stored response when a
// previous run finished, or ErrIdempotencyMismatch / ErrIdempotencyInFlight.
// now is the caller's clock reading: the key expires models.IdempotencyTTL after
// it, and lease, from it, bounds how long a crashed run blocks retries.
func (s *Store) BeginIdempotent(ctx context.Context, key, fingerprint string, now time.Time, lease time.Duration) (*models.StoredResponse, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	col := s.collection(colIdempotency)
	now = now.UTC().Truncate(time.Millisecond)
	rec := idempotencyRecord{ID: key, Fingerprint: fingerprint, LeaseUntil: now.Add(lease), ExpiresAt: now.Add(models.IdempotencyTTL)}
	for range 3 {
		_, err := col.InsertOne(ctx, rec)
		if err == nil {
			return nil, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return nil, translate(err, "begin idempotent request")
		}
		var old idempotencyRecord
		err = col.FindOne(ctx, bson.M{"_id": key}).Decode(&old)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // removed meanwhile: claim it again
		}
		if err != nil {
			return nil, translate(err, "read idempotent request")
		}
		switch {
		case old.ExpiresAt.Before(now):
			// Expired: forget it, then claim afresh.
			if _, err := col.DeleteOne(ctx, bson.M{"_id": key, "expiresAt": old.ExpiresAt}); err != nil {
				return nil, translate(err, "expire idempotent request")
			}
			continue
		case old.Fingerprint != fingerprint:
			return nil, models.ErrIdempotencyMismatch
		case old.Done:
			return old.Response, nil
		case old.LeaseUntil.After(now):
			return nil, models.ErrIdempotencyInFlight
		}
		// The first run died without finishing: take its lease over.
		res, err := col.UpdateOne(ctx, bson.M{"_id": key, "done": false, "leaseUntil": old.LeaseUntil},
			bson.M{"$set": bson.M{"leaseUntil": now.Add(lease)}})
		if err != nil {
			return nil, translate(err, "take over idempotent request")
		}
		if res.ModifiedCount == 1 {
			return nil, nil
		}
		return nil, models.ErrIdempotencyInFlight
	}
	return nil, fmt.Errorf("begin idempotent request: %w", models.ErrConflict)
}

// FinishIdempotent stores the response of the run that claimed key.
func (s *Store) FinishIdempotent(ctx context.Context, key string, resp models.StoredResponse) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.collection(colIdempotency).UpdateOne(ctx, bson.M{"_id": key},
		bson.M{"$set": bson.M{"done": true, "response": resp}})
	return translate(err, "finish idempotent request")
}

// AbandonIdempotent forgets key, so a retry runs the request again; used
// when the run failed in a way a retry may fix (5xx, a lost race).
func (s *Store) AbandonIdempotent(ctx context.Context, key string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.collection(colIdempotency).DeleteOne(ctx, bson.M{"_id": key, "done": false})
	return translate(err, "abandon idempotent request")
}

// PurgeIdempotency deletes expired keys (FerretDB, the tests' stand-in, has
// no TTL indexes, so the maintenance loop does this).
func (s *Store) PurgeIdempotency(ctx context.Context) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	res, err := s.collection(colIdempotency).DeleteMany(ctx, bson.M{"expiresAt": bson.M{"$lt": s.now()}})
	if err != nil {
		return 0, translate(err, "purge idempotency keys")
	}
	return res.DeletedCount, nil
}
