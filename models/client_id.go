package models

import (
	"time"

	"github.com/google/uuid"
)

// ClientID is the one rule for an id a client chooses for a new record (an
// attempt, a procedure), so that an offline retry finds the first record
// instead of making a second: a UUIDv7 written in the canonical 36-character
// form, in either letter case, dated no later than a day after now. It
// returns the id as stored (lower case). Version 7 because the server's own
// ids are UUIDv7 and lists ordered by id read as creation order; the day's
// slack absorbs a phone's clock running fast.
func (v *ValidationError) ClientID(field string, id *string, now time.Time) {
	if *id == "" {
		return
	}
	u, err := uuid.Parse(*id)
	if err != nil || len(*id) != 36 || u.Version() != 7 || u.Variant() != uuid.RFC4122 {
		v.Add(field, "must be a UUIDv7 made by the client, such as 0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f")
		return
	}
	if sec, nsec := u.Time().UnixTime(); time.Unix(sec, nsec).After(now.Add(24 * time.Hour)) {
		v.Add(field, "is a UUIDv7 dated in the future")
		return
	}
	*id = u.String()
}
