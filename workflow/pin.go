package workflow

import (
	"context"

	"skillbook/auth"
	"skillbook/models"
)

// SigningPINStore keeps instructors' signing PINs.
type SigningPINStore interface {
	// SetSigningPIN stores a new PIN hash for user userID, clears any
	// lock and records ev; ErrNotFound when there is no such user.
	SetSigningPIN(ctx context.Context, programID, userID, hash string, ev models.Event) error
}

// PINTryStore counts signing-PIN tries.
type PINTryStore interface {
	// RecordPINTry records one try of instructor userID's signing PIN with
	// its event tried, unless the PIN is locked (maxFailures wrong tries
	// in a row): a wrong try counts toward the lock, a right one resets
	// the count. A try on a locked PIN records refused instead and reports
	// locked. It returns the wrong tries in a row so far.
	RecordPINTry(ctx context.Context, programID, userID string, ok bool, maxFailures int, tried, refused models.Event) (failures int, locked bool, err error)
}

// SetSigningPIN sets (or resets, which unlocks) the PIN the calling
// instructor signs with on a student's device. The PIN is kept only as a
// hash, and never logged.
func (e *Evaluations) SetSigningPIN(ctx context.Context, caller Caller, pin string) error {
	if err := auth.ValidatePIN(pin); err != nil {
		return err
	}
	hash, err := auth.HashPIN(pin)
	if err != nil {
		return err
	}
	ev := models.Event{Type: models.EventSigningPINSet, ProgramID: caller.ProgramID, Actor: caller.Actor(), Subject: "user", SubjectID: caller.ID,
		Summary: "set a new signing PIN"}
	return e.store.SetSigningPIN(ctx, caller.ProgramID, caller.ID, hash, ev)
}
