package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"skillbook/models"
)

// BenchmarkPeopleImport2000 imports a roster of 2,000 students in one
// cohort: the shape of the seeded program.
func BenchmarkPeopleImport2000(b *testing.B) {
	for range b.N {
		b.StopTimer()
		s, _ := openTest(b)
		p := peopleProgram(b, s)
		c := peopleCohort(b, s, p, "C")
		ws := make([]models.UserWrite, 2000)
		for i := range ws {
			u := models.User{ID: newID(), ProgramID: p, Email: fmt.Sprintf("u%04d@example.com", i), Name: fmt.Sprintf("User %d", i),
				Role: models.RoleStudent, CohortIDs: []string{c.ID}, Active: true, Version: 1}
			ws[i] = models.UserWrite{After: u, Events: []models.Event{models.UserInvitedEvent(models.EventRosterUserCreated, peopleAdmin, u, time.Time{})}}
		}
		b.StartTimer()
		if _, err := s.InsertUsers(context.Background(), ws); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPeopleUsersOfCohort reads the first page of a 250-student
// cohort among 2,000 students, created last.
func BenchmarkPeopleUsersOfCohort(b *testing.B) {
	s, _ := openTest(b)
	p := peopleProgram(b, s)
	cs := []models.Cohort{}
	for i := range 8 {
		cs = append(cs, peopleCohort(b, s, p, fmt.Sprintf("C%d", i)))
	}
	ws := make([]models.UserWrite, 2000)
	for i := range ws {
		u := models.User{ID: newID(), ProgramID: p, Email: fmt.Sprintf("u%04d@example.com", i), Name: fmt.Sprintf("User %d", i),
			Role: models.RoleStudent, CohortIDs: []string{cs[i/250].ID}, Active: true, Version: 1}
		ws[i] = models.UserWrite{After: u}
	}
	if _, err := s.InsertUsers(context.Background(), ws); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		l, err := s.Users(context.Background(), p, models.UserFilter{Role: models.RoleStudent, CohortID: cs[7].ID}, models.Page{Limit: 200})
		if err != nil || len(l.Items) != 200 {
			b.Fatal(len(l.Items), err)
		}
	}
}

// BenchmarkPeopleUserByUID is the look-up every signed-in request makes.
func BenchmarkPeopleUserByUID(b *testing.B) {
	s, _ := openTest(b)
	ctx := context.Background()
	p := peopleProgram(b, s)
	u := peopleInvite(b, s, p, "in@example.com", models.RoleInstructor)
	bound := u
	bound.UID, bound.Bound = "uid-1", true
	if _, err := s.BindInvitation(ctx, models.UserWrite{Before: u, After: bound}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := s.UserByUID(ctx, "uid-1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPeopleSaveUser is one admin's edit of a user: the write, its
// memberships and its audit entry in one transaction.
func BenchmarkPeopleSaveUser(b *testing.B) {
	s, _ := openTest(b)
	p := peopleProgram(b, s)
	c := peopleCohort(b, s, p, "C")
	u := peopleInvite(b, s, p, "st@example.com", models.RoleStudent, c.ID)
	b.ResetTimer()
	for i := range b.N {
		next, err := peopleSaveUser(s, peopleAdmin, u, func(u *models.User) { u.Name = fmt.Sprint("Name ", i) })
		if err != nil {
			b.Fatal(err)
		}
		u = next
	}
}
