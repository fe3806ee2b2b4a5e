package models

import "time"

// SigningPINStatus is what an instructor sees of their own signing PIN:
// whether one is set and whether it is locked (after too many wrong tries,
// until they set a new one), never the PIN or its hash.
type SigningPINStatus struct {
	Set    bool `json:"set"`
	Locked bool `json:"locked" doc:"True after too many wrong tries: PIN sign-off is refused until you set a new PIN (PUT /v1/me/signing-pin)."`
	// LockedAt is when it locked (absent for a PIN locked before this was
	// recorded).
	LockedAt     *time.Time `json:"lockedAt,omitempty" doc:"When the PIN locked."`
	RefusedTries int        `json:"refusedTries" doc:"Tries refused since the PIN locked."`
}
