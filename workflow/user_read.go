package workflow

import (
	"context"
	"fmt"

	"skillbook/models"
)

// UserReadStore is what reading users needs.
type UserReadStore interface {
	User(ctx context.Context, programID, id string) (models.User, error)
	Users(ctx context.Context, programID string, f models.UserFilter, page models.Page) (models.List[models.User], error)
}

// UsersInput selects the users to list and the page.
type UsersInput struct {
	Filter models.UserFilter
	Page   models.Page
}

// Users lists, in creation order, the users the caller may see: the whole
// program for admins, the students of the cohorts they teach for
// instructors. Students may list nobody.
func (p *People) Users(ctx context.Context, caller Caller, in UsersInput) (models.List[models.User], error) {
	if !models.CanListUsers(caller.User) {
		return models.List[models.User]{}, fmt.Errorf("%w: students may not list users", models.ErrForbidden)
	}
	f, ok := models.ScopeUsers(caller.User, in.Filter)
	if !ok {
		return models.List[models.User]{Items: []models.User{}}, nil
	}
	return p.store.Users(ctx, caller.ProgramID, f, in.Page)
}

// User returns one user the caller may see (models.CanSeeUser); any other
// is models.ErrNotFound, as if it did not exist.
func (p *People) User(ctx context.Context, caller Caller, id string) (models.User, error) {
	u, err := p.store.User(ctx, caller.ProgramID, id)
	if err != nil {
		return models.User{}, err
	}
	if !models.CanSeeUser(caller.User, u) {
		return models.User{}, fmt.Errorf("user %s: %w", id, models.ErrNotFound)
	}
	return u, nil
}

// MyInstructors lists, in creation order, the active instructors who teach
// the calling student's cohorts, as far as a hand-over needs them (id, name,
// credential). Anyone but a student is refused.
func (p *People) MyInstructors(ctx context.Context, caller Caller, page models.Page) (models.List[models.Instructor], error) {
	f, ok := models.InstructorsOf(caller.User)
	if !ok {
		return models.List[models.Instructor]{}, fmt.Errorf("%w: only students list their instructors", models.ErrForbidden)
	}
	out := models.List[models.Instructor]{Items: []models.Instructor{}}
	if len(f.AnyCohort) == 0 {
		return out, nil
	}
	users, err := p.store.Users(ctx, caller.ProgramID, f, page)
	if err != nil {
		return out, err
	}
	for _, u := range users.Items {
		out.Items = append(out.Items, models.Instructor{ID: u.ID, Name: u.Name, Credential: u.Credential})
	}
	out.NextCursor = users.NextCursor
	return out, nil
}
