package mongo

import "github.com/google/uuid"

// NewID returns a time-ordered unique id (UUIDv7), so that sorting by id
// sorts by creation time.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}
