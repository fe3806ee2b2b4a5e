package store

import (
	"errors"
	"hash/fnv"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// docLocks serialize guarded writes of one document within this process.
// The embedded engine (FerretDB 1.24 on SQLite) applies an update as a read
// and then a rewrite by _id, with no lock between them, so two updates
// guarded by the same version can both succeed. s.collection's writes now
// take a process-wide lock on that engine, which covers this; lockDoc is
// kept for callers that took it first and is redundant with collection.
var docLocks [64]sync.Mutex

// lockDoc locks document id of col in database db and returns the unlock.
func lockDoc(db, col, id string) func() {
	h := fnv.New32a()
	for _, p := range []string{db, col, id} {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	m := &docLocks[h.Sum32()%uint32(len(docLocks))]
	m.Lock()
	return m.Unlock
}

// isDuplicateKey reports a write that broke a unique index. The embedded
// engine reports that for updates, though not for inserts, as an internal
// error naming SQLite's constraint rather than as code 11000.
func isDuplicateKey(err error) bool {
	if mongo.IsDuplicateKeyError(err) {
		return true
	}
	var se mongo.ServerError
	return errors.As(err, &se) && strings.Contains(err.Error(), "UNIQUE constraint failed")
}
