package models

import (
	"fmt"
	"time"
)

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

// AccountStatus is what the identity provider says of a user's sign-in
// account when their signing PIN is used: a PIN outlives neither the
// account nor a revocation of its sessions.
type AccountStatus struct {
	Disabled bool
	// SessionsValidAfter is when the account's sessions were last revoked
	// (or the account created): tokens issued before are refused.
	SessionsValidAfter time.Time
}

// PINAccountRefusal applies the account rules of PIN sign-off to status
// st of a PIN set at pinSetAt: the account is enabled, and its sessions
// were not revoked after the PIN was set (whoever revoked them meant
// every way of acting as the instructor, the PIN included; the
// instructor signs in again and sets a new one). It returns nil when the
// PIN may be used.
func PINAccountRefusal(st AccountStatus, pinSetAt time.Time) error {
	switch {
	case st.Disabled:
		return &Refusal{Code: "instructor-account-disabled", Detail: "the instructor's sign-in account is disabled; their signing PIN cannot be used"}
	case st.SessionsValidAfter.After(pinSetAt):
		return &Refusal{Code: "signing-pin-revoked", Detail: "the instructor's sessions were revoked after they set their signing PIN; they must sign in again and set a new PIN"}
	}
	return nil
}

// MaxDeviceHeader bounds the Skillbook-Device header.
const MaxDeviceHeader = 64

// PINDevice names the device a signing-PIN try comes from, for the
// per-device limit: the client's address, narrowed by the optional
// Skillbook-Device header the app sends (a random id it keeps per
// installation), so phones behind one school network are told apart. The
// header is 1 to 64 letters, digits, '.', '_', ':' or '-'; anything else
// is a ValidationError of header.Skillbook-Device. (A client that changes
// its header gets a fresh device limit, no more: the per-student and
// per-instructor limits still hold.)
func PINDevice(clientIP, header string) (string, error) {
	if header == "" {
		return clientIP, nil
	}
	if len(header) > MaxDeviceHeader {
		return "", &ValidationError{Problems: []FieldProblem{{Field: "header.Skillbook-Device", Message: fmt.Sprintf("must be at most %d characters", MaxDeviceHeader)}}}
	}
	for _, c := range []byte(header) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-'
		if !ok {
			return "", &ValidationError{Problems: []FieldProblem{{Field: "header.Skillbook-Device", Message: "may hold only letters, digits, '.', '_', ':' and '-'"}}}
		}
	}
	return clientIP + " " + header, nil
}
