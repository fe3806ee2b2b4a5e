package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"skillbook/models"
)

// unboundUID is the uid an invitation holds until its first sign-in. It is
// unique per user so the unique uid index needs no partial filter, which
// FerretDB (the tests' stand-in) lacks.
func unboundUID(userID string) string { return "invited:" + userID }

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
		u.ID = NewID()
	}
	u.UID = unboundUID(u.ID)
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
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var u models.User
	err := s.collection(colUsers).FindOne(ctx, bson.M{"_id": id, "programId": programID}).Decode(&u)
	return u, translate(err, fmt.Sprintf("find user %s", id))
}

// UserByUID returns the user bound to a Firebase uid. It runs on every
// request, so the uid → user id binding, which never changes once made, is
// remembered and the user read by _id.
func (s *Store) UserByUID(ctx context.Context, uid string) (models.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var u models.User
	if id, ok := s.uids.Load(uid); ok {
		err := s.collection(colUsers).FindOne(ctx, bson.M{"_id": id, "uid": uid, "bound": true}).Decode(&u)
		if err == nil {
			return u, nil
		}
		s.uids.Delete(uid)
	}
	err := s.collection(colUsers).FindOne(ctx, bson.M{"uid": uid, "bound": true}).Decode(&u)
	if err != nil {
		return u, translate(err, "find user by uid")
	}
	s.uids.Store(uid, u.ID)
	return u, nil
}

// BindInvitation binds an invitation to a sign-in account: it stores
// w.After's uid, bound flag and time with the events recording it, if the
// invitation is still unbound at w.Before.Version (models.ErrNotFound
// otherwise: a concurrent first sign-in may have bound it).
func (s *Store) BindInvitation(ctx context.Context, w models.UserWrite) (models.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	update := withEvents(bson.M{
		"$set": bson.M{"uid": w.After.UID, "bound": true, "updatedAt": w.After.UpdatedAt},
		"$inc": bson.M{"version": 1},
	}, s.eventsWithIDs(w.Events)...)
	u, err := compareAndUpdate[models.User](ctx, s.collection(colUsers), w.Before.ID, w.Before.Version, update)
	if err != nil {
		return models.User{}, translate(err, "bind invitation")
	}
	s.relayAfter(ctx, colUsers, u.ID)
	return u, nil
}

// UserByEmail returns the user with email, in any program; emails are
// unique across programs because one sign-in has one program.
func (s *Store) UserByEmail(ctx context.Context, email string) (models.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var u models.User
	err := s.collection(colUsers).FindOne(ctx, bson.M{"email": models.NormalizeEmail(email)}).Decode(&u)
	return u, translate(err, "find user by email")
}

// maxInstructorsPerCohort bounds the instructors notified about a cohort.
const maxInstructorsPerCohort = 500

// CohortInstructors returns the active instructors who teach cohortID.
func (s *Store) CohortInstructors(ctx context.Context, programID, cohortID string) ([]models.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return findAll[models.User](ctx, s.collection(colUsers),
		bson.M{"programId": programID, "role": models.RoleInstructor, "active": true, "cohortIds": cohortID},
		maxInstructorsPerCohort, "list cohort instructors")
}

// ProgramAdmins returns the active admins of a program.
func (s *Store) ProgramAdmins(ctx context.Context, programID string) ([]models.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return findAll[models.User](ctx, s.collection(colUsers),
		bson.M{"programId": programID, "role": models.RoleAdmin, "active": true}, maxInstructorsPerCohort, "list program admins")
}

// maxStudentsPerCohort bounds the students loaded for one cohort at once.
const maxStudentsPerCohort = 5000

// CohortStudents returns the active students of cohortID.
func (s *Store) CohortStudents(ctx context.Context, programID, cohortID string) ([]models.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return findAll[models.User](ctx, s.collection(colUsers),
		bson.M{"programId": programID, "role": models.RoleStudent, "active": true, "cohortIds": cohortID},
		maxStudentsPerCohort, "list cohort students")
}
