package mongo

import (
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// collection is the driver's handle on the named collection.
func (s *Store) collection(name string) *mongo.Collection {
	return s.db.Collection(name)
}
