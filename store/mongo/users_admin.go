package mongo

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"skillbook/models"
)

// How program admins manage users. A program always keeps one active
// admin: demoting or deactivating an admin is checked before the write
// and, because two admins may demote each other at the same moment and
// there are no multi-document transactions, counted again after it; a
// write that left no active admin is undone (and audited as undone).

// Event types of the user writes a roster import makes.
const (
	EventRosterUserCreated = "roster.user-created"
	EventRosterUserUpdated = "roster.user-updated"
)

func errLastAdmin(what string) error {
	return fmt.Errorf("%s: %w: the program must keep at least one active admin; make someone else an admin first", what, models.ErrConflict)
}

// InviteUser stores a new user of u.ProgramID, who signs in later with
// their email. Their cohorts must exist in the program and not be
// archived; the email must be new (models.ErrConflict).
func (s *Store) InviteUser(ctx context.Context, actor models.Actor, u models.User) (models.User, error) {
	if u.ProgramID == "" {
		return models.User{}, fmt.Errorf("invite user: %w", errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	u.Email = models.NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	u.Credential = strings.TrimSpace(u.Credential)
	if u.CohortIDs == nil {
		u.CohortIDs = []string{}
	}
	if err := errors.Join(u.Validate(), u.ValidateMembership()); err != nil {
		return models.User{}, mergeValidation(err)
	}
	if err := s.checkNewCohorts(ctx, u.ProgramID, u.CohortIDs); err != nil {
		return models.User{}, err
	}
	now := s.now()
	u.ID = NewID()
	u.UID = unboundUID(u.ID)
	u.Bound, u.Active = false, true
	u.PINHash, u.PINFailures, u.PINSet = "", 0, false
	u.Version = 1
	u.CreatedAt, u.UpdatedAt = now, now
	ev := s.newEvent(models.Event{
		Type: "user.invited", ProgramID: u.ProgramID, Actor: actor, Subject: "user", SubjectID: u.ID,
		Summary: fmt.Sprintf("invited %s as %s", u.Email, u.Role),
		Data: map[string]string{"email": u.Email, "role": string(u.Role), "name": u.Name,
			"credential": u.Credential, "cohortIds": strings.Join(u.CohortIDs, ",")},
	})
	if u.Role == models.RoleStudent {
		ev.StudentID = u.ID
	}
	doc, err := docWithEvents(u, ev)
	if err != nil {
		return models.User{}, fmt.Errorf("invite user: %w", err)
	}
	_, err = s.collection(colUsers).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return models.User{}, fmt.Errorf("invite user: %w: a user with email %s already exists", models.ErrConflict, u.Email)
	}
	if err != nil {
		return models.User{}, translate(err, "invite user "+u.Email)
	}
	s.relayAfter(ctx, colUsers, u.ID)
	return u, nil
}

// mergeValidation joins the problems of several validation errors into one.
func mergeValidation(err error) error {
	var all models.ValidationError
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var v *models.ValidationError
		if !errors.As(e, &v) {
			return err
		}
		all.Problems = append(all.Problems, v.Problems...)
	}
	return all.Err()
}

// checkNewCohorts checks that every id is a cohort of the program that is
// not archived: a user may join only such cohorts (and keep archived ones
// they were in).
func (s *Store) checkNewCohorts(ctx context.Context, programID string, ids []string) error {
	cohorts, err := s.cohortsByID(ctx, ids)
	if err != nil {
		return err
	}
	return cohortsOpen(programID, ids, cohorts)
}

// UserFilter selects users of a program; zero fields select all.
type UserFilter struct {
	Role models.Role
	// CohortID keeps the members (or teachers) of one cohort.
	CohortID string
	// AnyCohort, when not nil, keeps users in at least one of these
	// cohorts (an instructor's own).
	AnyCohort []string
	Active    *bool
	// Query keeps users whose name or email contains it, in any case.
	Query string
}

// Users returns one page of a program's users in creation order.
func (s *Store) Users(ctx context.Context, programID string, f UserFilter, page models.Page) (models.List[models.User], error) {
	if programID == "" {
		return models.List[models.User]{}, errEmptyProgram
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	and := bson.A{bson.M{"programId": programID}}
	if f.Role != "" {
		and = append(and, bson.M{"role": f.Role})
	}
	if f.CohortID != "" {
		and = append(and, bson.M{"cohortIds": f.CohortID})
	}
	if f.AnyCohort != nil {
		and = append(and, bson.M{"cohortIds": bson.M{"$in": f.AnyCohort}})
	}
	if f.Active != nil {
		and = append(and, bson.M{"active": *f.Active})
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		re := bson.Regex{Pattern: regexp.QuoteMeta(q), Options: "i"}
		and = append(and, bson.M{"$or": bson.A{bson.M{"name": re}, bson.M{"email": re}}})
	}
	q := bson.M{"$and": and}
	if len(and) == 1 {
		q = and[0].(bson.M)
	}
	return listByID[models.User](ctx, s.collection(colUsers), q, page, 1, "list users of "+programID)
}

// emailBatch bounds the addresses asked for in one query: a whole roster,
// since the embedded engine scans the collection once per query.
const emailBatch = 5000

// UsersByEmail returns the users, of any program, holding the given
// addresses, keyed by normalized email; addresses nobody holds are absent.
func (s *Store) UsersByEmail(ctx context.Context, emails []string) (map[string]models.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	out := make(map[string]models.User, len(emails))
	norm := make([]string, 0, len(emails))
	for _, e := range emails {
		norm = append(norm, models.NormalizeEmail(e))
	}
	for batch := range slices.Chunk(norm, emailBatch) {
		found, err := findBulk[models.User](ctx, s, colUsers, bson.M{"email": bson.M{"$in": batch}}, hideEvents, "find users by email")
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
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := s.collection(colUsers).CountDocuments(ctx,
		bson.M{"programId": programID, "role": models.RoleAdmin, "active": true})
	return n, translate(err, "count active admins of "+programID)
}

// UserChange lists what an admin changes about a user; nil fields stay.
type UserChange struct {
	Name       *string
	Role       *models.Role
	Credential *string
	// CohortIDs, when not nil, replaces the user's cohorts. New ones must
	// not be archived.
	CohortIDs []string
	// FromRoster marks the change as made by a roster import.
	FromRoster bool
}

// UpdateUser changes a user of the program. version, when not 0, must be
// the user's current version (models.ErrPreconditionFailed). A change that
// changes nothing writes nothing and returns the user as stored (same
// version). An admin cannot take their own admin role, and the program
// keeps one active admin (models.ErrConflict).
func (s *Store) UpdateUser(ctx context.Context, actor models.Actor, programID, id string, version int64, ch UserChange) (models.User, error) {
	u, changed, err := s.updateUser(ctx, actor, programID, id, version, ch)
	if err == nil && changed {
		s.relayAfter(ctx, colUsers, id)
	}
	return u, err
}

// updateUser is UpdateUser without relaying the event, which it reports
// by changed.
func (s *Store) updateUser(ctx context.Context, actor models.Actor, programID, id string, version int64, ch UserChange) (models.User, bool, error) {
	what := "update user " + id
	evType := models.EventUserUpdated
	if ch.FromRoster {
		evType = EventRosterUserUpdated
	}
	before, after, err := guardedUpdate(ctx, s, colUsers, programID, id, version, what, userMeta,
		func(cur models.User) (bson.M, error) {
			next := cur
			if ch.Name != nil {
				next.Name = strings.TrimSpace(*ch.Name)
			}
			if ch.Role != nil {
				next.Role = *ch.Role
			}
			if ch.Credential != nil {
				next.Credential = strings.TrimSpace(*ch.Credential)
			}
			if ch.CohortIDs != nil {
				next.CohortIDs = ch.CohortIDs
			}
			if err := next.Validate(); err != nil {
				return nil, err
			}
			data := map[string]string{}
			set := bson.M{}
			if next.Name != cur.Name {
				recordChange(data, "name", cur.Name, next.Name)
				set["name"] = next.Name
			}
			if next.Credential != cur.Credential {
				recordChange(data, "credential", cur.Credential, next.Credential)
				set["credential"] = next.Credential
			}
			roleChanged, cohortsChanged := next.Role != cur.Role, !sameSet(next.CohortIDs, cur.CohortIDs)
			if roleChanged || ch.CohortIDs != nil {
				if err := next.ValidateMembership(); err != nil {
					return nil, err
				}
			}
			if roleChanged {
				if actor.UserID == cur.ID && cur.Role == models.RoleAdmin {
					return nil, fmt.Errorf("%s: %w: you cannot give up your own admin role; ask another admin", what, models.ErrForbidden)
				}
				if cur.Role == models.RoleAdmin && cur.Active {
					if err := s.othersRemain(ctx, programID, what); err != nil {
						return nil, err
					}
				}
				recordChange(data, "role", string(cur.Role), string(next.Role))
				set["role"] = next.Role
			}
			if cohortsChanged {
				var added []string
				for _, c := range next.CohortIDs {
					if !slices.Contains(cur.CohortIDs, c) {
						added = append(added, c)
					}
				}
				if err := s.checkNewCohorts(ctx, programID, added); err != nil {
					return nil, err
				}
				recordChange(data, "cohortIds", strings.Join(cur.CohortIDs, ","), strings.Join(next.CohortIDs, ","))
				set["cohortIds"] = next.CohortIDs
			}
			if len(data) == 0 {
				return nil, nil
			}
			set["updatedAt"] = s.now()
			ev := s.newEvent(models.Event{
				Type: evType, ProgramID: programID, Actor: actor, Subject: "user", SubjectID: id,
				Summary: fmt.Sprintf("changed %s of %s", strings.Join(changedFields(data), ", "), cur.Email), Data: data,
			})
			if cur.Role == models.RoleStudent || next.Role == models.RoleStudent {
				ev.StudentID = id
			}
			return withEvents(bson.M{"$set": set}, ev), nil
		})
	if err != nil {
		return models.User{}, false, err
	}
	if before.Role == models.RoleAdmin && before.Active && after.Role != models.RoleAdmin {
		u, err := s.keepAnAdmin(ctx, actor, programID, before, after, what)
		return u, true, err
	}
	return after, after.Version != before.Version, nil
}

func userMeta(u models.User) (string, int64) { return u.ProgramID, u.Version }

// SetUserActive deactivates a user (every request of theirs is refused;
// their records stay) or reactivates them. version, when not 0, must be
// current. An admin cannot deactivate themselves, nor the last active admin.
func (s *Store) SetUserActive(ctx context.Context, actor models.Actor, programID, id string, active bool, version int64) (models.User, error) {
	verb, typ := "deactivated", models.EventUserDeactivated
	if active {
		verb, typ = "reactivated", models.EventUserReactivated
	}
	what := fmt.Sprintf("%s user %s", strings.TrimSuffix(verb, "d"), id)
	before, after, err := guardedUpdate(ctx, s, colUsers, programID, id, version, what, userMeta,
		func(cur models.User) (bson.M, error) {
			if cur.Active == active {
				return nil, nil
			}
			if !active && actor.UserID == cur.ID {
				return nil, fmt.Errorf("%s: %w: you cannot deactivate your own account; ask another admin", what, models.ErrForbidden)
			}
			if !active && cur.Role == models.RoleAdmin {
				if err := s.othersRemain(ctx, programID, what); err != nil {
					return nil, err
				}
			}
			ev := s.newEvent(models.Event{
				Type: typ, ProgramID: programID, Actor: actor, Subject: "user", SubjectID: id,
				Summary: fmt.Sprintf("%s %s", verb, cur.Email),
				Data:    map[string]string{"oldActive": fmt.Sprint(cur.Active), "newActive": fmt.Sprint(active)},
			})
			if cur.Role == models.RoleStudent {
				ev.StudentID = id
			}
			return withEvents(bson.M{"$set": bson.M{"active": active, "updatedAt": s.now()}}, ev), nil
		})
	if err != nil {
		return models.User{}, err
	}
	if after.Version != before.Version {
		s.relayAfter(ctx, colUsers, id)
	}
	if before.Role == models.RoleAdmin && before.Active && !after.Active {
		return s.keepAnAdmin(ctx, actor, programID, before, after, what)
	}
	return after, nil
}

// othersRemain refuses a change that would take away the program's last
// active admin, as far as can be seen before writing.
func (s *Store) othersRemain(ctx context.Context, programID, what string) error {
	n, err := s.ActiveAdmins(ctx, programID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return errLastAdmin(what)
	}
	return nil
}

// keepAnAdmin counts the active admins again after a write that took one
// away. When a concurrent change took the others, the write is undone:
// role and active go back to before, guarded by the version written, and
// the undoing is audited. Of two admins demoting each other at once, at
// least one change is undone.
func (s *Store) keepAnAdmin(ctx context.Context, actor models.Actor, programID string, before, after models.User, what string) (models.User, error) {
	n, err := s.ActiveAdmins(ctx, programID)
	if err != nil {
		return models.User{}, err
	}
	if n > 0 {
		return after, nil
	}
	ev := s.newEvent(models.Event{
		Type: "user.change-undone", ProgramID: programID, Actor: actor, Subject: "user", SubjectID: after.ID,
		Summary: fmt.Sprintf("undid the change of %s: the program must keep an active admin", after.Email),
		Data: map[string]string{"oldRole": string(after.Role), "newRole": string(before.Role),
			"oldActive": fmt.Sprint(after.Active), "newActive": fmt.Sprint(before.Active)},
	})
	update := withEvents(bson.M{
		"$set": bson.M{"role": before.Role, "active": before.Active, "updatedAt": s.now()},
		"$inc": bson.M{"version": 1},
	}, ev)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err = compareAndUpdate[models.User](ctx, s.collection(colUsers), after.ID, after.Version, update)
	if err != nil {
		s.log.Error("could not undo a change that left a program without an active admin",
			"programId", programID, "userId", after.ID, "error", err)
	}
	s.relayAfter(ctx, colUsers, after.ID)
	return models.User{}, errLastAdmin(what)
}

// sameSet reports whether a and b hold the same strings, in any order
// (neither holds one twice: ValidateMembership sees to that).
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// changedFields lists the fields an event's data records as changed.
func changedFields(data map[string]string) []string {
	var out []string
	for k := range data {
		if f, ok := strings.CutPrefix(k, "new"); ok {
			out = append(out, strings.ToLower(f[:1])+f[1:])
		}
	}
	slices.Sort(out)
	return out
}
