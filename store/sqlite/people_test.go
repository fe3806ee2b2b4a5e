package sqlite

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/models"
)

// peopleAdmin is the actor of the people tests.
var peopleAdmin = models.Actor{UserID: "admin-actor", Name: "Admin", Role: models.RoleAdmin, RequestID: "req-admin"}

func peopleProgram(tb testing.TB, s *Store) string {
	tb.Helper()
	p, err := s.CreateProgram(context.Background(), "Program")
	if err != nil {
		tb.Fatalf("CreateProgram = %v", err)
	}
	return p.ID
}

func peopleCohort(tb testing.TB, s *Store, programID, name string) models.Cohort {
	tb.Helper()
	c, err := s.CreateCohort(context.Background(), peopleAdmin, models.Cohort{ProgramID: programID, Name: name, StartDate: "2026-09-01"})
	if err != nil {
		tb.Fatalf("CreateCohort(%q) = %v", name, err)
	}
	return c
}

func peopleInvite(tb testing.TB, s *Store, programID, email string, role models.Role, cohorts ...string) models.User {
	tb.Helper()
	u, err := s.CreateUser(context.Background(), peopleAdmin, models.User{ProgramID: programID, Email: email, Name: "User " + email, Role: role, CohortIDs: cohorts})
	if err != nil {
		tb.Fatalf("CreateUser(%s) = %v", email, err)
	}
	return u
}

// peopleSaveUser writes edit's change of cur, audited as an admin's edit,
// guarded by cur's version.
func peopleSaveUser(s *Store, actor models.Actor, cur models.User, edit func(*models.User)) (models.User, error) {
	next := cur
	edit(&next)
	ev, _ := models.UserChangedEvent(models.EventUserUpdated, actor, cur, next, time.Time{})
	return s.SaveUser(context.Background(), models.UserWrite{Before: cur, After: next, Events: []models.Event{ev}})
}

// peopleMembers is the cohort_members rows of user id, as "cohort:role".
func peopleMembers(tb testing.TB, s *Store, id string) []string {
	tb.Helper()
	rows, err := s.reader.Query(`SELECT cohort_id, role FROM cohort_members WHERE user_id = ?`, id)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var c, r string
		if err := rows.Scan(&c, &r); err != nil {
			tb.Fatal(err)
		}
		out = append(out, c+":"+r)
	}
	slices.Sort(out)
	return out
}

// peopleWantMembers checks that u's cohort_members rows are its CohortIDs
// with its role, as stored.
func peopleWantMembers(tb testing.TB, s *Store, programID, id string) {
	tb.Helper()
	u, err := s.User(context.Background(), programID, id)
	if err != nil {
		tb.Fatal(err)
	}
	want := []string{}
	for _, c := range u.CohortIDs {
		want = append(want, c+":"+string(u.Role))
	}
	slices.Sort(want)
	want = slices.Compact(want)
	if got := peopleMembers(tb, s, id); !slices.Equal(got, want) {
		tb.Errorf("cohort_members of %s = %v; want %v (its cohorts, role %s)", u.Email, got, want, u.Role)
	}
	var off int
	if err := s.reader.QueryRow(`SELECT count(*) FROM cohort_members WHERE user_id = ? AND (created_at <> ? OR program_id <> ?)`,
		id, ms(u.CreatedAt), u.ProgramID).Scan(&off); err != nil || off != 0 {
		tb.Errorf("cohort_members of %s: %d rows without its creation time and program (%v)", u.Email, off, err)
	}
}

// peopleAssertNoScan fails when the plan of query scans a table (or a
// whole index) instead of searching an index.
func peopleAssertNoScan(tb testing.TB, s *Store, query string, args ...any) {
	tb.Helper()
	rows, err := s.reader.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatalf("EXPLAIN %s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		plan = append(plan, detail)
	}
	for _, d := range plan {
		if strings.HasPrefix(d, "SCAN ") && d != "SCAN CONSTANT ROW" {
			tb.Errorf("plan of %s\n  %s\nscans: %q", strings.Join(strings.Fields(query), " "), strings.Join(plan, "\n  "), d)
			return
		}
	}
}

func TestPeopleQueriesSearchIndexes(t *testing.T) {
	s, _ := openTest(t)
	yes := true
	after := &peopleKey{At: 1, ID: "x"}
	users := map[string]models.UserFilter{
		"all":             {},
		"role":            {Role: models.RoleStudent},
		"cohort":          {CohortID: "c"},
		"role and cohort": {Role: models.RoleStudent, CohortID: "c"},
		"any cohort":      {AnyCohort: []string{"a", "b"}},
		"active":          {Active: &yes},
		"text":            {Query: "ann"},
		"everything":      {Role: models.RoleInstructor, CohortID: "c", AnyCohort: []string{"c"}, Active: &yes, Query: "ann"},
	}
	for name, f := range users {
		for _, a := range []*peopleKey{nil, after} {
			q, args := usersPageQuery("p", f, a, 50)
			t.Run("users "+name, func(t *testing.T) { peopleAssertNoScan(t, s, q, args...) })
		}
	}
	for name, f := range map[string]models.CohortFilter{"active": {}, "archived": {Archived: true}, "own": {IDs: []string{"a", "b"}}} {
		for _, a := range []*peopleKey{nil, after} {
			q, args := cohortsPageQuery("p", f, a, 50)
			t.Run("cohorts "+name, func(t *testing.T) { peopleAssertNoScan(t, s, q, args...) })
		}
	}
	lookups := map[string]struct {
		q    string
		args []any
	}{
		"user by id":          {userByIDSQL, []any{"u", "p"}},
		"user by uid":         {userByUIDSQL, []any{"uid"}},
		"user by email":       {userByEmailSQL, []any{"a@example.com"}},
		"users by email":      {usersByEmailSQL(3), []any{"a", "b", "c"}},
		"cohort members":      {cohortMembersSQL, []any{"c", "student", "p", 10}},
		"program admins":      {programAdminsSQL, []any{"p", "admin", 10}},
		"active admins":       {activeAdminsSQL, []any{"p", "admin"}},
		"student ids":         {studentIDsSQL(2), []any{"p", "student", "a", "b"}},
		"cohort by id":        {cohortByIDSQL, []any{"c", "p"}},
		"cohorts by id":       {cohortsByIDSQL(2), []any{"a", "b"}},
		"program cohorts":     {programCohortsSQL, []any{"p", 10}},
		"memberships of user": {`DELETE FROM cohort_members WHERE user_id = ?`, []any{"u"}},
		"user in a write":     {`SELECT ` + userColumns + ` FROM users WHERE id = ?`, []any{"u"}},
		"pin failures":        {`SELECT pin_failures FROM users WHERE id = ? AND program_id = ?`, []any{"u", "p"}},
	}
	for name, l := range lookups {
		t.Run(name, func(t *testing.T) { peopleAssertNoScan(t, s, l.q, l.args...) })
	}
}
