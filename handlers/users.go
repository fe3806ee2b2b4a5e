package handlers

import (
	"context"
	"fmt"
	"net/http"

	"skillbook/models"
	"skillbook/store/mongo"
)

// User operations. A program's admins invite users, change their name,
// role, credential and cohorts, and deactivate or reactivate them; every
// change is audited. An instructor teaches the cohorts in their cohortIds.
// Admins read anyone in the program, instructors themselves and the
// students they teach, students themselves; anyone else is 404.

type userOutput struct {
	Status   int
	ETag     string `header:"ETag" doc:"The user's version; send it as If-Match to change the user."`
	Location string `header:"Location"`
	Body     models.User
}

func userResponse(u models.User, status int) *userOutput {
	out := &userOutput{Status: status, ETag: etag(u.Version), Body: u}
	if status == http.StatusCreated {
		out.Location = "/v1/users/" + u.ID
	}
	return out
}

type inviteUserInput struct {
	Body struct {
		Email      string      `json:"email" minLength:"3" maxLength:"254" doc:"Unique across Skillbook; the person signs in with it."`
		Name       string      `json:"name" minLength:"1" maxLength:"200"`
		Role       models.Role `json:"role" enum:"student,instructor,admin"`
		Credential string      `json:"credential,omitempty" maxLength:"100" doc:"Such as CMA (AAMA); shown with an instructor's signature."`
		CohortIDs  []string    `json:"cohortIds,omitempty" maxItems:"50" doc:"Ids of active cohorts of the program, each at most 64 characters: exactly one for a student, those taught for an instructor."`
	}
}

// inviteUser invites one person into the caller's program; they become a
// user on their first sign-in with a verified email.
func (s *server) inviteUser(ctx context.Context, in *inviteUserInput) (*userOutput, error) {
	caller := callerFrom(ctx)
	if err := requireProgramAdmin(caller, "invite users"); err != nil {
		return nil, err
	}
	b := in.Body
	u, err := s.store.InviteUser(ctx, models.ActorOf(caller, requestIDFrom(ctx)), models.User{
		ProgramID: caller.ProgramID, Email: b.Email, Name: b.Name, Role: b.Role, Credential: b.Credential, CohortIDs: b.CohortIDs,
	})
	if err != nil {
		return nil, err
	}
	return userResponse(u, http.StatusCreated), nil
}

type listUsersInput struct {
	Role     models.Role `query:"role" enum:"student,instructor,admin" doc:"Only users with this role."`
	CohortID string      `query:"cohortId" maxLength:"64" doc:"Only members (students) and teachers (instructors) of this cohort."`
	Active   string      `query:"active" enum:"true,false" doc:"Only active (true) or deactivated (false) users; both when absent."`
	Q        string      `query:"q" maxLength:"100" doc:"Only users whose name or email contains this text, in any case."`
	Limit    int         `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Page size."`
	Cursor   string      `query:"cursor" maxLength:"512" doc:"The nextCursor of the previous page."`
}

type listUsersOutput struct {
	Body models.List[models.User]
}

// listUsers lists users in creation order: the whole program for admins,
// the students of the cohorts they teach for instructors.
func (s *server) listUsers(ctx context.Context, in *listUsersInput) (*listUsersOutput, error) {
	caller := callerFrom(ctx)
	f := mongo.UserFilter{Role: in.Role, CohortID: in.CohortID, Query: in.Q}
	if in.Active != "" {
		active := in.Active == "true"
		f.Active = &active
	}
	switch caller.Role {
	case models.RoleAdmin:
	case models.RoleInstructor:
		if in.Role != "" && in.Role != models.RoleStudent {
			return &listUsersOutput{Body: models.List[models.User]{Items: []models.User{}}}, nil
		}
		f.Role = models.RoleStudent
		f.AnyCohort = append([]string{}, caller.CohortIDs...)
	default:
		return nil, fmt.Errorf("%w: students may not list users", models.ErrForbidden)
	}
	list, err := s.store.Users(ctx, caller.ProgramID, f, models.Page{Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return nil, err
	}
	return &listUsersOutput{Body: list}, nil
}

type userIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The user id."`
}

// user returns one user the caller may see.
func (s *server) user(ctx context.Context, in *userIDInput) (*userOutput, error) {
	caller := callerFrom(ctx)
	u, err := s.store.User(ctx, caller.ProgramID, in.ID)
	if err != nil {
		return nil, err
	}
	if !models.CanSeeUser(caller, u) {
		return nil, fmt.Errorf("user %s: %w", in.ID, models.ErrNotFound)
	}
	return userResponse(u, http.StatusOK), nil
}

type updateUserInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The user id."`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"Required: the ETag the user was read with; 412 if it changed since, 428 when missing."`
	Body    struct {
		Name       *string      `json:"name,omitempty" minLength:"1" maxLength:"200"`
		Role       *models.Role `json:"role,omitempty" enum:"student,instructor,admin" doc:"You cannot change your own role, and the program keeps one active admin (409)."`
		Credential *string      `json:"credential,omitempty" maxLength:"100" doc:"An empty string removes it."`
		CohortIDs  []string     `json:"cohortIds,omitempty" maxItems:"50" doc:"Replaces the user's cohorts; cohorts they join must be active. Each id at most 64 characters."`
	}
}

// updateUser changes a user's name, role, credential or cohorts.
func (s *server) updateUser(ctx context.Context, in *updateUserInput) (*userOutput, error) {
	caller := callerFrom(ctx)
	if err := requireProgramAdmin(caller, "change users"); err != nil {
		return nil, err
	}
	version, err := requireIfMatch(in.IfMatch, "user")
	if err != nil {
		return nil, err
	}
	b := in.Body
	u, err := s.store.UpdateUser(ctx, models.ActorOf(caller, requestIDFrom(ctx)), caller.ProgramID, in.ID, version,
		mongo.UserChange{Name: b.Name, Role: b.Role, Credential: b.Credential, CohortIDs: b.CohortIDs})
	if err != nil {
		return nil, err
	}
	return userResponse(u, http.StatusOK), nil
}

type userStateInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The user id."`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"Optional: the ETag the user was read with; 412 if it changed since."`
}

// deactivateUser refuses every further request of a user; their records
// stay, and so do signatures they made.
func (s *server) deactivateUser(ctx context.Context, in *userStateInput) (*userOutput, error) {
	return s.setUserActive(ctx, in, false)
}

// reactivateUser lets a deactivated user sign in again.
func (s *server) reactivateUser(ctx context.Context, in *userStateInput) (*userOutput, error) {
	return s.setUserActive(ctx, in, true)
}

func (s *server) setUserActive(ctx context.Context, in *userStateInput, active bool) (*userOutput, error) {
	caller := callerFrom(ctx)
	if err := requireProgramAdmin(caller, "deactivate or reactivate users"); err != nil {
		return nil, err
	}
	version, err := ifMatchVersion(in.IfMatch)
	if err != nil {
		return nil, err
	}
	u, err := s.store.SetUserActive(ctx, models.ActorOf(caller, requestIDFrom(ctx)), caller.ProgramID, in.ID, active, version)
	if err != nil {
		return nil, err
	}
	return userResponse(u, http.StatusOK), nil
}
