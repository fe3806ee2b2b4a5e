package mongo

import (
	"math"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// shortHash is a stable 128-bit id derived from parts: the first half of
// models.Digest, as the ids already stored were made.
func shortHash(parts ...string) string {
	return models.Digest(parts...)[:32]
}

// optionsFind is a Find without pending events in the result, at most
// limit documents, all in the first reply (up to the server's 16 MB), so
// a read costs one round trip however many documents match (the server's
// default first batch is 101 documents, then a getMore each).
func optionsFind(limit int64) *options.FindOptionsBuilder {
	return options.Find().SetLimit(limit).SetBatchSize(int32(min(limit, math.MaxInt32))).
		SetProjection(bson.M{fieldPending: 0, fieldPendingIDs: 0, fieldHasPending: 0})
}

// returnAfter makes FindOneAndUpdate return the updated document. (FerretDB,
// the tests' stand-in, has no projection on findAndModify; decoding into a
// model drops the pending events anyway.)
func returnAfter() *options.FindOneAndUpdateOptionsBuilder {
	return options.FindOneAndUpdate().SetReturnDocument(options.After)
}
