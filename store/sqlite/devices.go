package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"skillbook/models"
)

// Devices are keyed by their FCM registration token, so a token belongs to
// one user at a time: registering it again refreshes it, and registering
// it as another user (a shared phone, a new sign-in) moves it. The owner
// (program_id, user_id) lives only in columns; doc is the models.Device.

// scanDevice reads a row of (program_id, user_id, doc).
func scanDevice(row interface{ Scan(...any) error }) (models.Device, error) {
	var (
		d                  models.Device
		program, user, doc string
	)
	if err := row.Scan(&program, &user, &doc); err != nil {
		return models.Device{}, err
	}
	if err := decode(doc, &d); err != nil {
		return models.Device{}, err
	}
	d.ProgramID, d.UserID = program, user
	return d, nil
}

// SaveDevice stores d under its token for d.UserID, refreshed at
// d.RefreshedAt (moving the token from whoever held it), then removes the
// user's devices beyond the keep most recently refreshed and those
// refreshed before staleBefore (none when zero). It reports whether the
// token was new to the store.
func (s *Store) SaveDevice(ctx context.Context, d models.Device, keep int, staleBefore time.Time) (models.Device, bool, error) {
	var (
		stored  models.Device
		created bool
	)
	// Times are kept to the millisecond, as every record keeps them.
	d.RefreshedAt = d.RefreshedAt.UTC().Truncate(time.Millisecond)
	err := s.write(ctx, func(tx *sql.Tx) error {
		old, err := scanDevice(tx.QueryRowContext(ctx, `SELECT program_id, user_id, doc FROM devices WHERE token = ?`, d.Token))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			created, d.CreatedAt = true, d.RefreshedAt
		case err != nil:
			return fmt.Errorf("register device: %w", translate(err))
		default:
			d.CreatedAt = old.CreatedAt
		}
		if err := putDeviceRow(ctx, tx, d); err != nil {
			return fmt.Errorf("register device: %w", translate(err))
		}
		if !staleBefore.IsZero() {
			if _, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE user_id = ? AND refreshed_at < ?`,
				d.UserID, ms(staleBefore)); err != nil {
				return fmt.Errorf("prune stale devices: %w", translate(err))
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE token IN (
				SELECT token FROM devices WHERE user_id = ? ORDER BY refreshed_at DESC, token LIMIT -1 OFFSET ?)`,
			d.UserID, max(keep, 0)); err != nil {
			return fmt.Errorf("prune surplus devices: %w", translate(err))
		}
		stored, err = scanDevice(tx.QueryRowContext(ctx, `SELECT program_id, user_id, doc FROM devices WHERE token = ?`, d.Token))
		if err != nil {
			return fmt.Errorf("read device: %w", translate(err))
		}
		return nil
	})
	if err != nil {
		return models.Device{}, false, err
	}
	return stored, created, nil
}

// RegisterDevice is SaveDevice refreshed now, keeping
// models.MaxDevicesPerUser devices (seeding and tests; the API registers
// through workflow.Notices).
func (s *Store) RegisterDevice(ctx context.Context, d models.Device) (models.Device, bool, error) {
	d.RefreshedAt = s.now()
	return s.SaveDevice(ctx, d, models.MaxDevicesPerUser, time.Time{})
}

// RemoveDevice removes a device of a user; a token the user does not hold
// is ErrNotFound.
func (s *Store) RemoveDevice(ctx context.Context, programID, userID, token string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE token = ? AND program_id = ? AND user_id = ?`, token, programID, userID)
		if err != nil {
			return fmt.Errorf("remove device: %w", translate(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("remove device: %w", translate(err))
		} else if n == 0 {
			return notFound("remove device")
		}
		return nil
	})
}

// DropDevice removes a token FCM refused for good, whoever holds it; it
// reports whether the token was there.
func (s *Store) DropDevice(ctx context.Context, token string) (bool, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE token = ?`, token)
		if err != nil {
			return fmt.Errorf("drop device: %w", translate(err))
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}

// maxDevicesQueried bounds one device lookup.
const maxDevicesQueried = 100_000

// devicesOfSQL reads the devices of a JSON list of users, at most limit.
const devicesOfSQL = `SELECT program_id, user_id, doc FROM devices
	WHERE user_id IN (SELECT value FROM json_each(?)) LIMIT ?`

// DevicesOf returns the devices of users.
func (s *Store) DevicesOf(ctx context.Context, userIDs []string) ([]models.Device, error) {
	if len(userIDs) == 0 {
		return []models.Device{}, nil
	}
	ids, err := encode(userIDs)
	if err != nil {
		return nil, err
	}
	rows, err := s.reader.QueryContext(ctx, devicesOfSQL,
		ids, min(maxDevicesQueried, len(userIDs)*models.MaxDevicesPerUser*2))
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", translate(err))
	}
	defer rows.Close()
	out := []models.Device{}
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("list devices: %w", translate(err))
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list devices: %w", translate(err))
	}
	return out, nil
}

// PruneStaleDevices removes the devices not refreshed since before and
// reports how many it removed.
func (s *Store) PruneStaleDevices(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE refreshed_at < ?`, ms(before))
		if err != nil {
			return fmt.Errorf("prune stale devices: %w", translate(err))
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
