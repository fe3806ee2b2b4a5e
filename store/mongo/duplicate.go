package mongo

import (
	"errors"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// isDuplicateKey reports a write that broke a unique index. FerretDB 1.24
// (the tests' stand-in) reports that for updates, though not for inserts,
// as an internal error naming SQLite's constraint rather than as code 11000.
func isDuplicateKey(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var se mongo.ServerError
	return errors.As(err, &se) && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
