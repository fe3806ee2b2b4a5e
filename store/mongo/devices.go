package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// Devices are keyed by their FCM registration token, so a token belongs to
// one user at a time: registering it again refreshes it, and registering
// it as another user (a shared phone, a new sign-in) moves it.
const colDevices = "devices"

// SaveDevice stores d under its token for d.UserID, refreshed at
// d.RefreshedAt (moving the token from whoever held it), then removes the
// user's devices beyond the keep most recently refreshed and those
// refreshed before staleBefore (none when zero). It reports whether the
// token was new to the store.
func (s *Store) SaveDevice(ctx context.Context, d models.Device, keep int, staleBefore time.Time) (models.Device, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	col := s.collection(colDevices)
	res, err := col.UpdateOne(ctx, bson.M{"_id": d.Token},
		bson.M{
			"$set": bson.M{"programId": d.ProgramID, "userId": d.UserID, "platform": d.Platform,
				"appVersion": d.AppVersion, "refreshedAt": d.RefreshedAt},
			"$setOnInsert": bson.M{"createdAt": d.RefreshedAt},
		}, options.UpdateOne().SetUpsert(true))
	if err != nil {
		return models.Device{}, false, translate(err, "register device")
	}
	if err := s.pruneDevicesOf(ctx, d.UserID, keep, staleBefore); err != nil {
		return models.Device{}, false, err
	}
	var stored models.Device
	err = col.FindOne(ctx, bson.M{"_id": d.Token}).Decode(&stored)
	return stored, res.UpsertedCount > 0, translate(err, "read device")
}

// RegisterDevice is SaveDevice refreshed now, keeping
// models.MaxDevicesPerUser devices (seeding and tests; the API registers
// through workflow.Notices).
func (s *Store) RegisterDevice(ctx context.Context, d models.Device) (models.Device, bool, error) {
	d.RefreshedAt = s.now()
	return s.SaveDevice(ctx, d, models.MaxDevicesPerUser, time.Time{})
}

// pruneDevicesOf removes the devices of userID beyond the newest keep and
// those refreshed before staleBefore.
func (s *Store) pruneDevicesOf(ctx context.Context, userID string, keep int, staleBefore time.Time) error {
	col := s.collection(colDevices)
	if !staleBefore.IsZero() {
		if _, err := col.DeleteMany(ctx, bson.M{"userId": userID, "refreshedAt": bson.M{"$lt": staleBefore}}); err != nil {
			return translate(err, "prune stale devices")
		}
	}
	cur, err := col.Find(ctx, bson.M{"userId": userID}, options.Find().
		SetSort(bson.D{{Key: "refreshedAt", Value: -1}, {Key: "_id", Value: 1}}).
		SetSkip(int64(keep)).SetProjection(bson.M{"_id": 1}))
	if err != nil {
		return translate(err, "find surplus devices")
	}
	var surplus []struct {
		Token string `bson:"_id"`
	}
	if err := cur.All(ctx, &surplus); err != nil {
		return translate(err, "find surplus devices")
	}
	if len(surplus) == 0 {
		return nil
	}
	tokens := make(bson.A, len(surplus))
	for i, d := range surplus {
		tokens[i] = d.Token
	}
	_, err = col.DeleteMany(ctx, bson.M{"_id": bson.M{"$in": tokens}, "userId": userID})
	return translate(err, "prune surplus devices")
}

// RemoveDevice removes a device of a user; a token the user does not hold
// is ErrNotFound.
func (s *Store) RemoveDevice(ctx context.Context, programID, userID, token string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	res, err := s.collection(colDevices).DeleteOne(ctx, bson.M{"_id": token, "programId": programID, "userId": userID})
	if err != nil {
		return translate(err, "remove device")
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("remove device: %w", models.ErrNotFound)
	}
	return nil
}

// DropDevice removes a token FCM refused for good, whoever holds it; it
// reports whether the token was there.
func (s *Store) DropDevice(ctx context.Context, token string) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	res, err := s.collection(colDevices).DeleteOne(ctx, bson.M{"_id": token})
	if err != nil {
		return false, translate(err, "drop device")
	}
	return res.DeletedCount > 0, nil
}

// maxDevicesQueried bounds one device lookup.
const maxDevicesQueried = 100_000

// DevicesOf returns the devices of users.
func (s *Store) DevicesOf(ctx context.Context, userIDs []string) ([]models.Device, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if len(userIDs) == 0 {
		return []models.Device{}, nil
	}
	return findAll[models.Device](ctx, s.collection(colDevices), bson.M{"userId": bson.M{"$in": userIDs}},
		min(maxDevicesQueried, len(userIDs)*models.MaxDevicesPerUser*2), "list devices")
}

// PruneStaleDevices removes the devices not refreshed since before and
// reports how many it removed.
func (s *Store) PruneStaleDevices(ctx context.Context, before time.Time) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	res, err := s.collection(colDevices).DeleteMany(ctx, bson.M{"refreshedAt": bson.M{"$lt": before}})
	if err != nil {
		return 0, translate(err, "prune stale devices")
	}
	return res.DeletedCount, nil
}
