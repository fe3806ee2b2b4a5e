package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"skillbook/models"
)

// BeginIdempotent claims key for a request with fingerprint. It returns
// (nil, nil) when the caller should run the request (and then call
// FinishIdempotent or AbandonIdempotent), the stored response when a
// previous run finished, or models.ErrIdempotencyMismatch /
// models.ErrIdempotencyInFlight. now is the caller's clock reading: the key
// expires models.IdempotencyTTL after it, and lease, from it, bounds how
// long a crashed run blocks retries. The read and the claim are one
// transaction, so two retries racing for a key never both run.
func (s *Store) BeginIdempotent(ctx context.Context, key, fingerprint string, now time.Time, lease time.Duration) (*models.StoredResponse, error) {
	now = now.UTC().Truncate(time.Millisecond)
	var stored *models.StoredResponse
	err := s.write(ctx, func(tx *sql.Tx) error {
		var (
			oldFingerprint, response string
			done                     bool
			leaseUntil, expiresAt    int64
		)
		err := tx.QueryRowContext(ctx, `SELECT fingerprint, done, lease_until, expires_at, response FROM idempotency WHERE id = ?`, key).
			Scan(&oldFingerprint, &done, &leaseUntil, &expiresAt, &response)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return fmt.Errorf("read idempotent request: %w", translate(err))
		case expiresAt < ms(now):
			// Expired: forget it, then claim afresh.
			if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE id = ?`, key); err != nil {
				return fmt.Errorf("expire idempotent request: %w", translate(err))
			}
		case oldFingerprint != fingerprint:
			return models.ErrIdempotencyMismatch
		case done:
			stored = new(models.StoredResponse)
			return decode(response, stored)
		case leaseUntil > ms(now):
			return models.ErrIdempotencyInFlight
		default:
			// The first run died without finishing: take its lease over.
			if _, err := tx.ExecContext(ctx, `UPDATE idempotency SET lease_until = ? WHERE id = ?`, ms(now.Add(lease)), key); err != nil {
				return fmt.Errorf("take over idempotent request: %w", translate(err))
			}
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO idempotency (id, fingerprint, done, lease_until, expires_at) VALUES (?, ?, 0, ?, ?)`,
			key, fingerprint, ms(now.Add(lease)), ms(now.Add(models.IdempotencyTTL)))
		if err != nil {
			return fmt.Errorf("begin idempotent request: %w", translate(err))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

// FinishIdempotent stores the response of the run that claimed key.
func (s *Store) FinishIdempotent(ctx context.Context, key string, resp models.StoredResponse) error {
	doc, err := encode(resp)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE idempotency SET done = 1, response = ? WHERE id = ?`, doc, key); err != nil {
			return fmt.Errorf("finish idempotent request: %w", translate(err))
		}
		return nil
	})
}

// AbandonIdempotent forgets key, so a retry runs the request again; used
// when the run failed in a way a retry may fix (5xx, a lost race). A
// finished key is kept.
func (s *Store) AbandonIdempotent(ctx context.Context, key string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE id = ? AND done = 0`, key); err != nil {
			return fmt.Errorf("abandon idempotent request: %w", translate(err))
		}
		return nil
	})
}

// PurgeIdempotency deletes the keys expired by the store's clock (through
// the idempotency_expires index); the maintenance loop calls it.
func (s *Store) PurgeIdempotency(ctx context.Context) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idempotency WHERE expires_at < ?`, ms(s.now()))
		if err != nil {
			return fmt.Errorf("purge idempotency keys: %w", translate(err))
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
