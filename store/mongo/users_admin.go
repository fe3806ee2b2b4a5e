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

// How the users program admins manage are stored. The rules (who may change
// whom, the cohorts a user may join, that a program keeps an active admin)
// are the use cases'; the store writes each change guarded by the version it
// was decided on. One guard stays here: two admins may demote each other at
// the same moment, both seeing the other still an admin, and there are no
// multi-document transactions, so a write that took an active admin away is
// followed by a count, and undone (and audited as undone) when it left the
// program without one.

// InsertUser stores a new user with the events that record it. The email
// must be new across Skillbook (models.ErrConflict).
func (s *Store) InsertUser(ctx context.Context, u models.User, events ...models.Event) error {
	if u.ProgramID == "" {
		return fmt.Errorf("invite user: %w", errEmptyProgram)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	doc, err := userDoc(u, s.eventsWithIDs(events))
	if err != nil {
		return fmt.Errorf("invite user: %w", err)
	}
	_, err = s.collection(colUsers).InsertOne(ctx, doc)
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("invite user: %w: a user with email %s already exists", models.ErrConflict, u.Email)
	}
	if err != nil {
		return translate(err, "invite user "+u.Email)
	}
	s.relayAfter(ctx, colUsers, u.ID)
	return nil
}

// userDoc is the stored form of a new user with its events; an invitation
// holds a placeholder uid until its first sign-in.
func userDoc(u models.User, events []models.Event) (bson.D, error) {
	if u.UID == "" {
		u.UID = unboundUID(u.ID)
	}
	return docWithEvents(u, events...)
}

// UserFilter selects users of a program (models.UserFilter).
type UserFilter = models.UserFilter

// Users returns one page of a program's users in creation order.
func (s *Store) Users(ctx context.Context, programID string, f models.UserFilter, page models.Page) (models.List[models.User], error) {
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

// emailBatch bounds the addresses asked for in one query: a whole roster.
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

// SaveUser writes w.After, a changed user (name, role, credential,
// cohorts, active), with w.Events, if the stored user is still at
// w.Before.Version (models.ErrPreconditionFailed otherwise). It returns the
// user as stored, its version one up. A write that took the program's last
// active admin away is undone and answered models.ErrConflict.
func (s *Store) SaveUser(ctx context.Context, w models.UserWrite) (models.User, error) {
	u, err := s.saveUser(ctx, w)
	if err != nil {
		return models.User{}, err
	}
	s.relayAfter(ctx, colUsers, u.ID)
	return s.keepAnAdmin(ctx, w, u)
}

// saveUser is SaveUser without relaying the events or counting admins.
func (s *Store) saveUser(ctx context.Context, w models.UserWrite) (models.User, error) {
	what := "update user " + w.Before.ID
	a := w.After
	update := withEvents(bson.M{
		"$set": bson.M{"name": a.Name, "role": a.Role, "credential": a.Credential, "cohortIds": a.CohortIDs,
			"active": a.Active, "updatedAt": a.UpdatedAt},
		"$inc": bson.M{"version": 1},
	}, s.eventsWithIDs(w.Events)...)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	u, err := compareAndUpdate[models.User](ctx, s.collection(colUsers), w.Before.ID, w.Before.Version, update)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return models.User{}, fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
	}
	return u, translate(err, what)
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

// keepAnAdmin counts the active admins again after a write that took one
// away. When a concurrent change took the others, the write is undone:
// role and active go back to before, guarded by the version written, and
// the undoing is audited. Of two admins demoting each other at once, at
// least one change is undone.
func (s *Store) keepAnAdmin(ctx context.Context, w models.UserWrite, after models.User) (models.User, error) {
	what := "update user " + after.ID
	if !models.TakesAnAdmin(w.Before, after) {
		return after, nil
	}
	n, err := s.ActiveAdmins(ctx, after.ProgramID)
	if err != nil {
		return models.User{}, err
	}
	if n > 0 {
		return after, nil
	}
	actor := models.SystemActor
	if len(w.Events) > 0 {
		actor = w.Events[0].Actor
	}
	ev := models.UserChangeUndoneEvent(actor, w.Before, after, s.now())
	update := withEvents(bson.M{
		"$set": bson.M{"role": w.Before.Role, "active": w.Before.Active, "updatedAt": s.now()},
		"$inc": bson.M{"version": 1},
	}, s.eventsWithIDs([]models.Event{ev})...)
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err = compareAndUpdate[models.User](ctx, s.collection(colUsers), after.ID, after.Version, update)
	if err != nil {
		s.log.Error("could not undo a change that left a program without an active admin",
			"programId", after.ProgramID, "userId", after.ID, "error", err)
	}
	s.relayAfter(ctx, colUsers, after.ID)
	return models.User{}, models.LastAdminError(what)
}
