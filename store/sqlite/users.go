package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"skillbook/models"
)

// A user is one row of users (the record as doc, beside the columns the
// queries filter on) and one row of cohort_members per cohort in its
// CohortIDs, written in the same transaction. uid holds the sign-in
// account only once an invitation is bound (NULL before); the PIN hash and
// its failures live only in columns.

// userColumns are the columns scanUser reads, in its order.
const userColumns = `users.uid, users.pin_hash, users.pin_failures, users.pin_locked_at, users.pin_refused, users.pin_set_at, users.created_at, users.doc`

// The queries of users, named so a test can check each one's plan.
const (
	userByIDSQL    = `SELECT ` + userColumns + ` FROM users WHERE id = ? AND program_id = ?`
	userByUIDSQL   = `SELECT ` + userColumns + ` FROM users WHERE uid = ?`
	userByEmailSQL = `SELECT ` + userColumns + ` FROM users WHERE email = ?`
	// cohortMembersSQL: active users of a role in a cohort.
	cohortMembersSQL = `SELECT ` + userColumns + ` FROM cohort_members m JOIN users ON users.id = m.user_id
		WHERE m.cohort_id = ? AND m.role = ? AND m.program_id = ? AND users.active = 1 ORDER BY m.user_id LIMIT ?`
	programAdminsSQL = `SELECT ` + userColumns + ` FROM users WHERE program_id = ? AND role = ? AND active = 1
		ORDER BY created_at, id LIMIT ?`
	activeAdminsSQL = `SELECT count(*) FROM users WHERE program_id = ? AND role = ? AND active = 1`
)

// studentIDsSQL: the students of any of n cohorts.
func studentIDsSQL(n int) string {
	return `SELECT DISTINCT user_id FROM cohort_members
		WHERE program_id = ? AND role = ? AND cohort_id IN (` + placeholders(n) + `) ORDER BY user_id`
}

// usersByEmailSQL: the users holding any of n addresses.
func usersByEmailSQL(n int) string {
	return `SELECT ` + userColumns + ` FROM users WHERE email IN (` + placeholders(n) + `)`
}

// scanUser reads one row of userColumns; it returns the user and its
// creation time as stored (the list's keyset position).
func scanUser(scan func(...any) error) (models.User, int64, error) {
	var (
		uid      sql.NullString
		hash     string
		failures int
		lockedAt int64
		refused  int
		setAt    int64
		created  int64
		doc      string
		u        models.User
	)
	if err := scan(&uid, &hash, &failures, &lockedAt, &refused, &setAt, &created, &doc); err != nil {
		return u, 0, err
	}
	if err := decode(doc, &u); err != nil {
		return u, 0, err
	}
	u.UID, u.PINHash, u.PINFailures, u.PINRefused = uid.String, hash, failures, refused
	if lockedAt != 0 {
		at := fromMS(lockedAt)
		u.PINLockedAt = &at
	}
	if setAt != 0 {
		at := fromMS(setAt)
		u.PINSetAt = &at
	}
	return u, created, nil
}

// queryUsers returns every user q selects, at most limit (more is an
// error).
func queryUsers(ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, limit int, what, q string, args ...any) ([]models.User, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, translate(err))
	}
	defer rows.Close()
	out := []models.User{}
	for rows.Next() {
		u, _, err := scanUser(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, translate(err))
		}
		if limit > 0 && len(out) == limit {
			return nil, fmt.Errorf("%s: %w (more than %d)", what, errTooManyPeople, limit)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, translate(err))
	}
	return out, nil
}

// userInTx reads user id inside the write tx (ErrNotFound when missing).
func userInTx(ctx context.Context, tx *sql.Tx, id string) (models.User, error) {
	u, _, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id).Scan)
	return u, translate(err)
}

// uidColumn is the uid column of u: its account once bound, NULL before.
func uidColumn(u models.User) any {
	if !u.Bound || u.UID == "" {
		return nil
	}
	return u.UID
}

// pinLockedAtColumn is when u's PIN locked, 0 while it is not.
func pinLockedAtColumn(u models.User) int64 {
	if u.PINLockedAt == nil {
		return 0
	}
	return ms(*u.PINLockedAt)
}

// insertUserRow stores a new user and its cohort memberships in tx; the
// email column is normalised, so lookups and uniqueness ignore case.
func insertUserRow(ctx context.Context, tx *sql.Tx, u models.User) error {
	doc, err := encode(u)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, program_id, email, uid, role, active, pin_hash, pin_failures,
			pin_locked_at, pin_refused, version, created_at, name_fold, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.ProgramID, models.NormalizeEmail(u.Email), uidColumn(u), string(u.Role), u.Active, u.PINHash, u.PINFailures,
		pinLockedAtColumn(u), u.PINRefused, u.Version, ms(u.CreatedAt), strings.ToLower(u.Name), doc); err != nil {
		return err
	}
	return putMembers(ctx, tx, u)
}

// updateUserRow writes u over its row, read as was, guarded by was's
// version (models.ErrPreconditionFailed when it moved), and its cohort
// memberships when its role or cohorts changed from was.
func updateUserRow(ctx context.Context, tx *sql.Tx, was, u models.User) error {
	doc, err := encode(u)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE users SET email = ?, uid = ?, role = ?, active = ?, pin_hash = ?, pin_failures = ?,
			pin_locked_at = ?, pin_refused = ?, version = ?, name_fold = ?, doc = ? WHERE id = ? AND version = ?`,
		models.NormalizeEmail(u.Email), uidColumn(u), string(u.Role), u.Active, u.PINHash, u.PINFailures,
		pinLockedAtColumn(u), u.PINRefused, u.Version, strings.ToLower(u.Name), doc, u.ID, was.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("user %s moved from version %d: %w", u.ID, was.Version, models.ErrPreconditionFailed)
	}
	if was.Role == u.Role && slices.Equal(was.CohortIDs, u.CohortIDs) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM cohort_members WHERE user_id = ?`, u.ID); err != nil {
		return err
	}
	return putMembers(ctx, tx, u)
}

// putMembers records u in each of its cohorts, with its role.
func putMembers(ctx context.Context, tx *sql.Tx, u models.User) error {
	for _, c := range u.CohortIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cohort_members (cohort_id, user_id, program_id, role, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (cohort_id, user_id) DO NOTHING`, c, u.ID, u.ProgramID, string(u.Role), ms(u.CreatedAt)); err != nil {
			return err
		}
	}
	return nil
}

// CreateUser stores an invited user for bootstrap, seeding and tests,
// audited as an invitation but without the InviteUser use case's checks of
// access and cohorts. The email must be new.
func (s *Store) CreateUser(ctx context.Context, actor models.Actor, u models.User) (models.User, error) {
	u.Normalize()
	if err := u.Validate(); err != nil {
		return models.User{}, err
	}
	now := s.now()
	if u.ID == "" {
		u.ID = newID()
	}
	u.UID = ""
	u.Bound, u.Active = false, true
	u.Version = 1
	u.CreatedAt, u.UpdatedAt = now, now
	if err := s.InsertUser(ctx, u, models.UserInvitedEvent(models.EventUserInvited, actor, u, now)); err != nil {
		return models.User{}, err
	}
	return u, nil
}

// User returns the user with id in program.
func (s *Store) User(ctx context.Context, programID, id string) (models.User, error) {
	u, _, err := scanUser(s.reader.QueryRowContext(ctx, userByIDSQL, id, programID).Scan)
	if err != nil {
		return models.User{}, fmt.Errorf("find user %s: %w", id, translate(err))
	}
	return u, nil
}

// UserByUID returns the user bound to a sign-in account (uid).
func (s *Store) UserByUID(ctx context.Context, uid string) (models.User, error) {
	u, _, err := scanUser(s.reader.QueryRowContext(ctx, userByUIDSQL, uid).Scan)
	if err != nil {
		return models.User{}, fmt.Errorf("find user by uid: %w", translate(err))
	}
	return u, nil
}

// UserByEmail returns the user with email, in any program; emails are
// unique across programs because one sign-in has one program.
func (s *Store) UserByEmail(ctx context.Context, email string) (models.User, error) {
	u, _, err := scanUser(s.reader.QueryRowContext(ctx, userByEmailSQL, models.NormalizeEmail(email)).Scan)
	if err != nil {
		return models.User{}, fmt.Errorf("find user by email: %w", translate(err))
	}
	return u, nil
}

// BindInvitation binds an invitation to a sign-in account: it stores
// w.After's uid, bound flag and time with the events recording it, if the
// invitation is still at w.Before.Version (models.ErrNotFound otherwise:
// a concurrent first sign-in may have bound it). An account bound to
// another user already is models.ErrConflict.
func (s *Store) BindInvitation(ctx context.Context, w models.UserWrite) (models.User, error) {
	var out models.User
	err := s.write(ctx, func(tx *sql.Tx) error {
		cur, err := userInTx(ctx, tx, w.Before.ID)
		if err != nil {
			return err
		}
		if cur.Version != w.Before.Version {
			return notFound(fmt.Sprintf("invitation %s at version %d", w.Before.ID, w.Before.Version))
		}
		next := cur
		next.UID, next.Bound, next.UpdatedAt = w.After.UID, true, w.After.UpdatedAt
		next.Version++
		if err := updateUserRow(ctx, tx, cur, next); err != nil {
			return translate(err)
		}
		out = next
		return s.recordEvents(ctx, tx, w.Events...)
	})
	if err != nil {
		return models.User{}, fmt.Errorf("bind invitation: %w", err)
	}
	return out, nil
}

// maxInstructorsPerCohort bounds the instructors (and admins) read at once.
const maxInstructorsPerCohort = 500

// maxStudentsPerCohort bounds the students loaded for one cohort at once.
const maxStudentsPerCohort = 5000

// cohortMembers returns the active users of role in cohortID.
func (s *Store) cohortMembers(ctx context.Context, programID, cohortID string, role models.Role, limit int, what string) ([]models.User, error) {
	return queryUsers(ctx, s.reader, limit, what, cohortMembersSQL, cohortID, string(role), programID, limit+1)
}

// CohortInstructors returns the active instructors who teach cohortID.
func (s *Store) CohortInstructors(ctx context.Context, programID, cohortID string) ([]models.User, error) {
	return s.cohortMembers(ctx, programID, cohortID, models.RoleInstructor, maxInstructorsPerCohort, "list cohort instructors")
}

// CohortStudents returns the active students of cohortID.
func (s *Store) CohortStudents(ctx context.Context, programID, cohortID string) ([]models.User, error) {
	return s.cohortMembers(ctx, programID, cohortID, models.RoleStudent, maxStudentsPerCohort, "list cohort students")
}

// ProgramAdmins returns the active admins of a program.
func (s *Store) ProgramAdmins(ctx context.Context, programID string) ([]models.User, error) {
	return queryUsers(ctx, s.reader, maxInstructorsPerCohort, "list program admins", programAdminsSQL,
		programID, string(models.RoleAdmin), maxInstructorsPerCohort+1)
}

// StudentIDsInCohorts returns, in one query, the ids of every student of
// program who belongs to one of cohortIDs.
func (s *Store) StudentIDsInCohorts(ctx context.Context, programID string, cohortIDs []string) ([]string, error) {
	if len(cohortIDs) == 0 {
		return []string{}, nil
	}
	args := []any{programID, string(models.RoleStudent)}
	for _, c := range cohortIDs {
		args = append(args, c)
	}
	rows, err := s.reader.QueryContext(ctx, studentIDsSQL(len(cohortIDs)), args...)
	if err != nil {
		return nil, fmt.Errorf("list students of cohorts: %w", translate(err))
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list students of cohorts: %w", translate(err))
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list students of cohorts: %w", translate(err))
	}
	return ids, nil
}
