package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"skillbook/models"
)

// How the users program admins manage are stored. The rules (who may change
// whom, the cohorts a user may join, that a program keeps an active admin)
// are the use cases'; the store writes each change guarded by the version it
// was decided on. One guard stays here, as on MongoDB: a write that took
// an active admin away is followed, in its transaction, by a count of the
// program's active admins, and undone (and audited as undone) when it left
// the program without one.

// InsertUser stores a new user with the events that record it. The email
// must be new across Skillbook (models.ErrConflict).
func (s *Store) InsertUser(ctx context.Context, u models.User, events ...models.Event) error {
	if u.ProgramID == "" {
		return fmt.Errorf("invite user: %w", errNoProgramID)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := insertUserRow(ctx, tx, u); err != nil {
			return insertUserError(u, err)
		}
		return s.recordEvents(ctx, tx, events...)
	})
}

// insertUserError is the refusal of a new user's row.
func insertUserError(u models.User, err error) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("invite user: %w: a user with email %s already exists", models.ErrConflict, u.Email)
	}
	return fmt.Errorf("invite user %s: %w", u.Email, translate(err))
}

// Users returns one page of a program's users in creation order.
func (s *Store) Users(ctx context.Context, programID string, f models.UserFilter, page models.Page) (models.List[models.User], error) {
	if programID == "" {
		return models.List[models.User]{}, errNoProgramID
	}
	what := "list users of " + programID
	var after *peopleKey
	if page.Cursor != "" {
		k, err := decodeCursor[peopleKey](usersList, page.Cursor)
		if err != nil {
			return models.List[models.User]{}, err
		}
		after = &k
	}
	size := page.Size()
	q, args := usersPageQuery(programID, f, after, size)
	if q == "" {
		return models.List[models.User]{Items: []models.User{}}, nil
	}
	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return models.List[models.User]{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	defer rows.Close()
	out := models.List[models.User]{Items: make([]models.User, 0, min(size, 64))}
	var last peopleKey
	for rows.Next() {
		if len(out.Items) == size {
			out.NextCursor = encodeCursor(usersList, last)
			break
		}
		u, at, err := scanUser(rows.Scan)
		if err != nil {
			return models.List[models.User]{}, fmt.Errorf("%s: %w", what, translate(err))
		}
		out.Items = append(out.Items, u)
		last = peopleKey{At: at, ID: u.ID}
	}
	if err := rows.Err(); err != nil {
		return models.List[models.User]{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	return out, nil
}

// usersList names the user list's cursors.
const usersList = "users"

// usersPageQuery is the query of one page (size, and one more to tell
// whether another follows) of the users f selects, after a keyset
// position; "" when it selects nobody.
func usersPageQuery(programID string, f models.UserFilter, after *peopleKey, size int) (string, []any) {
	// A cohort's members are read from its memberships, a range of
	// cohort_members_page in creation order (the user's created_at, kept
	// beside each membership); any other list from the program's users.
	q := `SELECT ` + userColumns + ` FROM users WHERE users.program_id = ?`
	args := []any{programID}
	order := `users.created_at, users.id`
	if f.CohortID != "" {
		q = `SELECT ` + userColumns + ` FROM cohort_members m CROSS JOIN users ON users.id = m.user_id
			WHERE m.cohort_id = ? AND users.program_id = ?`
		args = []any{f.CohortID, programID}
		order = `m.created_at, m.user_id`
		if f.Role != "" {
			q += ` AND m.role = ?`
			args = append(args, string(f.Role))
		}
	} else if f.Role != "" {
		q += ` AND users.role = ?`
		args = append(args, string(f.Role))
	}
	if f.AnyCohort != nil {
		if len(f.AnyCohort) == 0 {
			return "", nil
		}
		q += ` AND users.id IN (SELECT user_id FROM cohort_members WHERE cohort_id IN (` + placeholders(len(f.AnyCohort)) + `))`
		for _, c := range f.AnyCohort {
			args = append(args, c)
		}
	}
	if f.Active != nil {
		q += ` AND users.active = ?`
		args = append(args, *f.Active)
	}
	if text := strings.ToLower(strings.TrimSpace(f.Query)); text != "" {
		q += ` AND (instr(users.name_fold, ?) > 0 OR instr(users.email, ?) > 0)`
		args = append(args, text, text)
	}
	if after != nil {
		q += ` AND (` + order + `) > (?, ?)`
		args = append(args, after.At, after.ID)
	}
	return q + ` ORDER BY ` + order + ` LIMIT ?`, append(args, size+1)
}

// emailBatch bounds the addresses asked for in one query.
const emailBatch = 500

// UsersByEmail returns the users, of any program, holding the given
// addresses, keyed by normalized email; addresses nobody holds are absent.
func (s *Store) UsersByEmail(ctx context.Context, emails []string) (map[string]models.User, error) {
	out := make(map[string]models.User, len(emails))
	norm := make([]any, 0, len(emails))
	for _, e := range emails {
		norm = append(norm, models.NormalizeEmail(e))
	}
	for batch := range slices.Chunk(norm, emailBatch) {
		found, err := queryUsers(ctx, s.reader, 0, "find users by email",
			usersByEmailSQL(len(batch)), batch...)
		if err != nil {
			return nil, err
		}
		for _, u := range found {
			out[u.Email] = u
		}
	}
	return out, nil
}

// ActiveAdmins counts a program's active admins.
func (s *Store) ActiveAdmins(ctx context.Context, programID string) (int64, error) {
	n, err := countActiveAdmins(ctx, s.reader, programID)
	if err != nil {
		return 0, fmt.Errorf("count active admins of %s: %w", programID, translate(err))
	}
	return n, nil
}

func countActiveAdmins(ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, programID string) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, activeAdminsSQL, programID, string(models.RoleAdmin)).Scan(&n)
	return n, err
}

// SaveUser writes w.After, a changed user (name, role, credential,
// cohorts, active), with w.Events, if the stored user is still at
// w.Before.Version (models.ErrPreconditionFailed otherwise). It returns the
// user as stored, its version one up. A write that took the program's last
// active admin away is undone and answered models.ErrConflict.
func (s *Store) SaveUser(ctx context.Context, w models.UserWrite) (models.User, error) {
	var out models.User
	var refused error
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.saveUser(ctx, tx, w)
		if errors.Is(err, errAdminUndone) {
			refused = models.LastAdminError("update user " + w.Before.ID)
			return nil // the change and its undoing are both kept, and audited
		}
		return err
	})
	if err != nil {
		return models.User{}, err
	}
	if refused != nil {
		return models.User{}, refused
	}
	return out, nil
}

// errAdminUndone says saveUser undid a change that left the program
// without an active admin; the transaction still commits.
var errAdminUndone = errors.New("change undone: the program kept no active admin")

// saveUser writes w in tx, then keeps the program's active admin: when
// the change left none, it is undone (role and active back to before,
// the version one up again) and audited as undone, and errAdminUndone
// returned.
func (s *Store) saveUser(ctx context.Context, tx *sql.Tx, w models.UserWrite) (models.User, error) {
	what := "update user " + w.Before.ID
	cur, err := userInTx(ctx, tx, w.Before.ID)
	if errors.Is(err, models.ErrNotFound) {
		return models.User{}, fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
	}
	if err != nil {
		return models.User{}, fmt.Errorf("%s: %w", what, err)
	}
	if cur.Version != w.Before.Version {
		return models.User{}, fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
	}
	a := w.After
	next := cur
	next.Name, next.Role, next.Credential, next.CohortIDs = a.Name, a.Role, a.Credential, a.CohortIDs
	next.Active, next.UpdatedAt = a.Active, a.UpdatedAt
	next.Version++
	if err := updateUserRow(ctx, tx, cur, next); err != nil {
		return models.User{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	if err := s.recordEvents(ctx, tx, w.Events...); err != nil {
		return models.User{}, err
	}
	if !models.TakesAnAdmin(w.Before, next) {
		return next, nil
	}
	n, err := countActiveAdmins(ctx, tx, next.ProgramID)
	if err != nil {
		return models.User{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	if n > 0 {
		return next, nil
	}
	actor := models.SystemActor
	if len(w.Events) > 0 {
		actor = w.Events[0].Actor
	}
	now := s.now()
	undone := next
	undone.Role, undone.Active, undone.UpdatedAt = w.Before.Role, w.Before.Active, now
	undone.Version++
	if err := updateUserRow(ctx, tx, next, undone); err != nil {
		return models.User{}, fmt.Errorf("%s: undo: %w", what, translate(err))
	}
	if err := s.recordEvents(ctx, tx, models.UserChangeUndoneEvent(actor, w.Before, next, now)); err != nil {
		return models.User{}, err
	}
	return models.User{}, errAdminUndone
}

// SetUserActive deactivates a user or reactivates them, for seeding and
// tests, audited as the use cases do it but without their access rules.
// version, when not 0, must be current. The program still keeps an active
// admin.
func (s *Store) SetUserActive(ctx context.Context, actor models.Actor, programID, id string, active bool, version int64) (models.User, error) {
	cur, err := s.User(ctx, programID, id)
	if err != nil {
		return models.User{}, err
	}
	if version != 0 && cur.Version != version {
		return models.User{}, fmt.Errorf("change user %s: %w", id, models.ErrPreconditionFailed)
	}
	if cur.Active == active {
		return cur, nil
	}
	now := s.now()
	next := cur
	next.Active, next.UpdatedAt = active, now
	return s.SaveUser(ctx, models.UserWrite{Before: cur, After: next, Events: []models.Event{models.UserActiveEvent(actor, cur, active, now)}})
}
