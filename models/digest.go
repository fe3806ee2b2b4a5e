package models

import (
	"crypto/sha256"
	"encoding/hex"
)

// Digest is the hex SHA-256 of parts, each followed by a zero byte so that
// ("ab", "c") and ("a", "bc") differ. It is the one digest behind derived
// ids (an assignment's, a notification's) and idempotency keys and request
// fingerprints.
func Digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
