package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Collection names.
const (
	colPrograms = "programs"
	colUsers    = "users"
)

// indexes lists every index the store relies on. Creating an index that
// already exists with the same keys and options is a no-op, so start-up can
// run this every time.
var indexes = map[string][]mongo.IndexModel{
	colUsers: {
		{Keys: bson.D{{Key: "email", Value: 1}}, Options: options.Index().SetUnique(true).SetName("email_unique")},
		{Keys: bson.D{{Key: "uid", Value: 1}}, Options: options.Index().SetUnique(true).SetName("uid_unique")},
		{Keys: bson.D{{Key: "programId", Value: 1}, {Key: "role", Value: 1}, {Key: "name", Value: 1}}, Options: options.Index().SetName("program_role_name")},
	},
}

// EnsureIndexes creates every index that does not exist yet.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	for col, models := range indexes {
		ictx, cancel := context.WithTimeout(ctx, 30*s.timeout)
		_, err := s.db.Collection(col).Indexes().CreateMany(ictx, models)
		cancel()
		if err != nil {
			return translate(err, fmt.Sprintf("ensure indexes on %s", col))
		}
	}
	return nil
}
