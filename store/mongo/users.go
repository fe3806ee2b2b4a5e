package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// unboundUID is the uid an invitation holds until its first sign-in. It is
// unique per user so the unique uid index needs no partial filter, which the
// embedded engine lacks.
func unboundUID(userID string) string { return "invited:" + userID }

// CreateUser stores an invited user. The email must be new.
func (s *Store) CreateUser(ctx context.Context, actor models.Actor, u models.User) (models.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	u.Email = models.NormalizeEmail(u.Email)
	if err := u.Validate(); err != nil {
		return models.User{}, err
	}
	now := s.now()
	if u.ID == "" {
		u.ID = NewID()
	}
	u.UID = unboundUID(u.ID)
	u.Bound = false
	u.Active = true
	u.Version = 1
	u.CreatedAt, u.UpdatedAt = now, now
	if u.CohortIDs == nil {
		u.CohortIDs = []string{}
	}
	ev := s.newEvent(models.Event{
		Type: "user.invited", ProgramID: u.ProgramID, Actor: actor, Subject: "user", SubjectID: u.ID,
		Summary: fmt.Sprintf("invited %s as %s", u.Email, u.Role),
		Data:    map[string]string{"email": u.Email, "role": string(u.Role), "name": u.Name, "credential": u.Credential},
	})
	if u.Role == models.RoleStudent {
		ev.StudentID = u.ID
	}
	doc, err := docWithEvents(u, ev)
	if err != nil {
		return models.User{}, err
	}
	if _, err := s.collection(colUsers).InsertOne(ctx, doc); err != nil {
		return models.User{}, translate(err, "create user "+u.Email)
	}
	s.relayAfter(ctx, colUsers, u.ID)
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

// BindInvitation binds the pending invitation for email to uid. The caller
// must have checked that the token proves the email is verified.
func (s *Store) BindInvitation(ctx context.Context, email, uid string) (models.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var u models.User
	err := s.collection(colUsers).FindOneAndUpdate(ctx,
		bson.M{"email": models.NormalizeEmail(email), "bound": false},
		bson.M{
			"$set": bson.M{"uid": uid, "bound": true, "updatedAt": s.now()},
			"$inc": bson.M{"version": 1},
		},
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&u)
	return u, translate(err, "bind invitation")
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
