package sqlite

import (
	"testing"
)

// TestOpsIdempotencyPurgeUsesTheExpiryIndex: the purge reads only expired
// keys, through idempotency_expires.
func TestOpsIdempotencyPurgeUsesTheExpiryIndex(t *testing.T) {
	s, _ := openTest(t)
	opsAssertNoScan(t, s.writer, `DELETE FROM idempotency WHERE expires_at < ?`, 1)
	opsAssertNoScan(t, s.writer, `SELECT fingerprint, done, lease_until, expires_at, response FROM idempotency WHERE id = ?`, "k")
}
