package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"skillbook/models"
)

// Writes of a roster import. Each user is written with its own events as
// InsertUser and SaveUser write one; what differs is that a batch of
// users shares one transaction (one commit, one sync to disk) instead of
// one each. Batches keep the writer's turns short, so requests interleave
// with a long import.

// rosterBatch bounds the users written in one transaction.
const rosterBatch = 500

// InsertUsers stores new users for a roster import, each w.After with
// its w.Events, as InsertUser stores one. It returns, in order, nil or the
// error that refused each user (models.ErrConflict for an email taken
// meanwhile). A failure of the store itself is returned as err; the users
// inserted before it stay, and importing again completes the rest.
func (s *Store) InsertUsers(ctx context.Context, ws []models.UserWrite) ([]error, error) {
	for _, w := range ws {
		if w.After.ProgramID == "" {
			return nil, fmt.Errorf("import users: %w", errNoProgramID)
		}
	}
	errs := make([]error, len(ws))
	for start := 0; start < len(ws); start += rosterBatch {
		end := min(start+rosterBatch, len(ws))
		var failed error
		err := s.write(ctx, func(tx *sql.Tx) error {
			for i := start; i < end; i++ {
				w := ws[i]
				err := rowSavepoint(ctx, tx, func() error {
					if err := insertUserRow(ctx, tx, w.After); err != nil {
						return err
					}
					return s.recordEvents(ctx, tx, w.Events...)
				})
				switch {
				case isUniqueViolation(err):
					errs[i] = fmt.Errorf("import user: %w: a user with email %s already exists", models.ErrConflict, w.After.Email)
				case err != nil:
					// Keep the users written so far; the caller
					// imports again for the rest.
					failed = fmt.Errorf("import user %s: %w", w.After.Email, translate(err))
					return nil
				}
			}
			return nil
		})
		if err := errors.Join(failed, err); err != nil {
			return nil, err
		}
	}
	return errs, nil
}

// SaveUsers writes changes of users for a roster import, each as SaveUser
// writes it (guarded by its version, the program kept with an active
// admin). It returns, in order, each user after the change or the error
// that refused it; a failure of the store itself is returned as err, the
// changes made before it kept.
func (s *Store) SaveUsers(ctx context.Context, ws []models.UserWrite) ([]models.User, []error, error) {
	out := make([]models.User, len(ws))
	errs := make([]error, len(ws))
	i := 0
	for batch := range slices.Chunk(ws, rosterBatch) {
		var failed error
		err := s.write(ctx, func(tx *sql.Tx) error {
			for j, w := range batch {
				var u models.User
				err := rowSavepoint(ctx, tx, func() error {
					var err error
					u, err = s.saveUser(ctx, tx, w)
					if errors.Is(err, errAdminUndone) {
						return nil // kept: the change and its undoing
					}
					return err
				})
				if err == nil && u.ID == "" {
					err = errAdminUndone
				}
				switch {
				case err == nil:
					out[i+j] = u
				case errors.Is(err, errAdminUndone):
					errs[i+j] = models.LastAdminError("update user " + w.Before.ID)
				case errors.Is(err, models.ErrConflict), errors.Is(err, models.ErrPreconditionFailed):
					errs[i+j] = err
				default:
					failed = err
					return nil
				}
			}
			return nil
		})
		if err := unavailable(errors.Join(failed, err)); err != nil {
			return nil, nil, err
		}
		i += len(batch)
	}
	return out, errs, nil
}

// rowSavepoint runs fn, one user's writes, inside a savepoint of tx: when
// fn fails, what it wrote is rolled back and the batch's other users kept.
func rowSavepoint(ctx context.Context, tx *sql.Tx, fn func() error) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT roster_row`); err != nil {
		return err
	}
	if err := fn(); err != nil {
		_, rerr := tx.ExecContext(ctx, `ROLLBACK TO roster_row`)
		_, rel := tx.ExecContext(ctx, `RELEASE roster_row`)
		return errors.Join(err, rerr, rel)
	}
	_, err := tx.ExecContext(ctx, `RELEASE roster_row`)
	return err
}
