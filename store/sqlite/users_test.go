package sqlite

import (
	"context"
	"slices"
	"testing"
	"time"

	"skillbook/models"
)

// TestPeopleMembershipRowsFollowTheUser: the cohort_members rows the
// roster queries read are the user's cohorts with its role after every
// write of a user (the contract suite checks the users themselves).
func TestPeopleMembershipRowsFollowTheUser(t *testing.T) {
	t.Parallel()
	s, _ := openTest(t)
	ctx := context.Background()
	p := peopleProgram(t, s)
	a, b := peopleCohort(t, s, p, "A"), peopleCohort(t, s, p, "B")

	in := peopleInvite(t, s, p, "in@example.com", models.RoleInstructor, a.ID)
	peopleWantMembers(t, s, p, in.ID)
	got, err := peopleSaveUser(s, peopleAdmin, in, func(u *models.User) { u.CohortIDs = []string{a.ID, b.ID} })
	if err != nil {
		t.Fatal(err)
	}
	peopleWantMembers(t, s, p, in.ID)
	// A change of role moves the memberships' role with it; fewer cohorts
	// leave fewer rows.
	if _, err := peopleSaveUser(s, peopleAdmin, got, func(u *models.User) { u.Role, u.CohortIDs = models.RoleStudent, []string{b.ID} }); err != nil {
		t.Fatal(err)
	}
	peopleWantMembers(t, s, p, in.ID)
	if got := peopleMembers(t, s, in.ID); !slices.Equal(got, []string{b.ID + ":student"}) {
		t.Errorf("memberships after becoming a student of B = %v", got)
	}

	inv := peopleInvite(t, s, p, "new@example.com", models.RoleStudent, a.ID)
	bound := inv
	bound.UID, bound.Bound = "uid-1", true
	if _, err := s.BindInvitation(ctx, models.UserWrite{Before: inv, After: bound,
		Events: []models.Event{models.InvitationAcceptedEvent(models.SystemActor, inv, time.Time{})}}); err != nil {
		t.Fatal(err)
	}
	peopleWantMembers(t, s, p, inv.ID)

	// An undone demotion of the last admin leaves its rows as they were.
	first := peopleInvite(t, s, p, "first@example.com", models.RoleAdmin)
	if _, err := peopleSaveUser(s, peopleAdmin, first, func(u *models.User) { u.Role, u.CohortIDs = models.RoleStudent, []string{a.ID} }); err == nil {
		t.Fatal("demoting the last admin = nil; want a conflict")
	}
	peopleWantMembers(t, s, p, first.ID)
}
