package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"skillbook/models"
)

// TestPeopleImportWritesMemberships: an imported user's memberships are
// written with it (the contract suite checks the import itself).
func TestPeopleImportWritesMemberships(t *testing.T) {
	t.Parallel()
	s, _ := openTest(t)
	ctx := context.Background()
	p := peopleProgram(t, s)
	c := peopleCohort(t, s, p, "C")
	const n = 510
	ws := make([]models.UserWrite, n)
	for i := range ws {
		u := models.User{ID: newID(), ProgramID: p, Email: fmt.Sprintf("u%03d@example.com", i), Name: fmt.Sprintf("User %d", i),
			Role: models.RoleStudent, CohortIDs: []string{c.ID}, Active: true, Version: 1}
		ws[i] = models.UserWrite{After: u, Events: []models.Event{models.UserInvitedEvent(models.EventRosterUserCreated, peopleAdmin, u, time.Time{})}}
	}
	if _, err := s.InsertUsers(ctx, ws); err != nil {
		t.Fatalf("InsertUsers = %v", err)
	}
	var members int
	if err := s.reader.QueryRow(`SELECT count(*) FROM cohort_members WHERE cohort_id = ? AND role = 'student'`, c.ID).Scan(&members); err != nil {
		t.Fatal(err)
	}
	if members != n {
		t.Errorf("members of C = %d; want %d", members, n)
	}
	peopleWantMembers(t, s, p, ws[n-1].After.ID)
}
