package handlers

import (
	"context"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
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
	b := in.Body
	u, err := s.app.People.InviteUser(ctx, callerOf(ctx), workflow.InviteUserInput{
		Email: b.Email, Name: b.Name, Role: b.Role, Credential: b.Credential, CohortIDs: b.CohortIDs,
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
	f := models.UserFilter{Role: in.Role, CohortID: in.CohortID, Query: in.Q}
	if in.Active != "" {
		active := in.Active == "true"
		f.Active = &active
	}
	list, err := s.app.People.Users(ctx, callerOf(ctx), workflow.UsersInput{Filter: f, Page: models.Page{Limit: in.Limit, Cursor: in.Cursor}})
	if err != nil {
		return nil, err
	}
	return &listUsersOutput{Body: list}, nil
}

type myInstructorsInput struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Page size."`
	Cursor string `query:"cursor" maxLength:"512" doc:"The nextCursor of the previous page."`
}

type myInstructorsOutput struct {
	Body models.List[models.Instructor]
}

// myInstructors lists the instructors who teach the calling student's
// cohorts: whom the hand-over offers to sign with their PIN.
func (s *server) myInstructors(ctx context.Context, in *myInstructorsInput) (*myInstructorsOutput, error) {
	list, err := s.app.People.MyInstructors(ctx, callerOf(ctx), models.Page{Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return nil, err
	}
	return &myInstructorsOutput{Body: list}, nil
}

type userIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The user id."`
}

// user returns one user the caller may see.
func (s *server) user(ctx context.Context, in *userIDInput) (*userOutput, error) {
	u, err := s.app.People.User(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
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
	version, err := requireIfMatch(in.IfMatch, "user")
	if err != nil {
		return nil, err
	}
	b := in.Body
	u, err := s.app.People.UpdateUser(ctx, callerOf(ctx), workflow.UpdateUserInput{
		ID: in.ID, Version: version, Name: b.Name, Role: b.Role, Credential: b.Credential, CohortIDs: b.CohortIDs,
	})
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
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	u, err := s.app.People.DeactivateUser(ctx, callerOf(ctx), workflow.UserStateInput{ID: in.ID, Version: version})
	if err != nil {
		return nil, err
	}
	return userResponse(u, http.StatusOK), nil
}

// reactivateUser lets a deactivated user sign in again.
func (s *server) reactivateUser(ctx context.Context, in *userStateInput) (*userOutput, error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	u, err := s.app.People.ReactivateUser(ctx, callerOf(ctx), workflow.UserStateInput{ID: in.ID, Version: version})
	if err != nil {
		return nil, err
	}
	return userResponse(u, http.StatusOK), nil
}
