package roster_test

import (
	"strings"
	"testing"

	"skillbook/models"
	"skillbook/roster"
)

func TestPlan(t *testing.T) {
	t.Parallel()
	st := roster.State{
		ProgramID: "p",
		Caller:    models.User{ID: "me", ProgramID: "p", Email: "me@example.com", Role: models.RoleAdmin, Active: true},
		Cohorts: []models.Cohort{
			{ID: "fall", ProgramID: "p", Name: "Fall 2026"},
			{ID: "spring", ProgramID: "p", Name: "Spring 2027"},
			{ID: "old", ProgramID: "p", Name: "Fall 2024", Archived: true},
		},
		Users: map[string]models.User{
			"me@example.com":    {ID: "me", ProgramID: "p", Email: "me@example.com", Name: "Me", Role: models.RoleAdmin, Active: true, CohortIDs: []string{}},
			"same@example.com":  {ID: "u-same", ProgramID: "p", Email: "same@example.com", Name: "Same", Role: models.RoleInstructor, Credential: "RMA (AMT)", CohortIDs: []string{"spring", "fall"}, Active: true, Version: 4},
			"alum@example.com":  {ID: "u-alum", ProgramID: "p", Email: "alum@example.com", Name: "Alum", Role: models.RoleStudent, CohortIDs: []string{"old"}, Active: true},
			"move@example.com":  {ID: "u-move", ProgramID: "p", Email: "move@example.com", Name: "Move", Role: models.RoleStudent, CohortIDs: []string{"fall"}, Active: true},
			"elsewhere@ex.com":  {ID: "u-else", ProgramID: "q", Email: "elsewhere@ex.com", Role: models.RoleStudent},
			"boss2@example.com": {ID: "u-boss2", ProgramID: "p", Email: "boss2@example.com", Name: "Boss", Role: models.RoleAdmin, Active: true},
		},
		ActiveAdmins: 2,
	}
	csv := `email,name,role,cohort,credential
new@example.com,New Student,Student,fall 2026,
same@example.com,Same,instructor,Fall 2026; spring 2027,
alum@example.com,Alum,student,Fall 2024,
move@example.com,Move,student,Spring 2027,
dup@example.com,Dup,student,Fall 2026,
DUP@example.com,Dup,student,Fall 2026,
bad-email,X,student,Fall 2026,
x@example.com,X,nurse,Fall 2026,
y@example.com,Y,student,Winter,
z@example.com,Z,student,Fall 2024,
two@example.com,Two,student,Fall 2026;Spring 2027,
elsewhere@ex.com,E,student,Fall 2026,
me@example.com,Me,instructor,Fall 2026,
me@example.com,Me,admin,,
admin@example.com,New Admin,admin,,
id@example.com,By Id,instructor,fall,CCMA (NHA)
,,,,
short@example.com,Short
boss2@example.com,Boss,instructor,fall,
`
	// me@example.com appears twice: both rows are rejected as duplicates.
	want := []struct {
		line   int
		result models.RosterResult
		reason string
	}{
		{2, models.RosterCreated, ""},
		{3, models.RosterUnchanged, ""},                               // same set, another order; credential kept
		{4, models.RosterUnchanged, ""},                               // already in the archived cohort
		{5, models.RosterUpdated, ""},                                 // moves to another cohort
		{6, models.RosterRejected, "also on line 7"},                  // duplicates
		{7, models.RosterRejected, "also on line 6"},                  //
		{8, models.RosterRejected, "not an email address"},            //
		{9, models.RosterRejected, `role "nurse"`},                    //
		{10, models.RosterRejected, `cohort "Winter" does not exist`}, //
		{11, models.RosterRejected, `cohort "Fall 2024" is archived`}, //
		{12, models.RosterRejected, "cohort: a student belongs to exactly one"},
		{13, models.RosterRejected, "a user with email elsewhere@ex.com already exists"}, //
		{14, models.RosterRejected, "also on line 15"},                                   //
		{15, models.RosterRejected, "also on line 14"},                                   //
		{16, models.RosterCreated, ""},                                                   // a new admin: now three
		{17, models.RosterCreated, ""},                                                   // cohort by id
		{19, models.RosterRejected, "has 2 columns"},                                     // line 18 is blank
		{20, models.RosterUpdated, ""},                                                   // demoting one of three admins
	}
	f, err := roster.Parse([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	ds := roster.Plan(f, st)
	if len(ds) != len(want) {
		t.Fatalf("Plan = %d decisions; want %d", len(ds), len(want))
	}
	for i, w := range want {
		o := ds[i].Outcome
		if o.Row != w.line || o.Result != w.result || (w.reason == "") != (o.Reason == "") || !strings.Contains(o.Reason, w.reason) {
			t.Errorf("row %d = %+v; want line %d %s %q", i, o, w.line, w.result, w.reason)
		}
	}
	if u := ds[0].User; u.Email != "new@example.com" || u.Role != models.RoleStudent || len(u.CohortIDs) != 1 || u.CohortIDs[0] != "fall" {
		t.Errorf("created user = %+v", u)
	}
	if u := ds[1].User; u.Credential != "RMA (AMT)" {
		t.Errorf("an empty credential cell changed the credential to %q", u.Credential)
	}
	if u := ds[15].User; u.Credential != "CCMA (NHA)" || u.CohortIDs[0] != "fall" {
		t.Errorf("user by cohort id = %+v", u)
	}
	if d := ds[3]; d.Existing.ID != "u-move" || d.User.CohortIDs[0] != "spring" || d.Outcome.UserID != "u-move" {
		t.Errorf("moved student = %+v", d)
	}
}

func TestPlanKeepsAnAdmin(t *testing.T) {
	t.Parallel()
	st := roster.State{
		ProgramID: "p",
		Caller:    models.User{ID: "me", ProgramID: "p", Role: models.RoleAdmin, Active: true},
		Cohorts:   []models.Cohort{{ID: "c", ProgramID: "p", Name: "C"}},
		Users: map[string]models.User{
			"a@example.com": {ID: "a", ProgramID: "p", Email: "a@example.com", Name: "A", Role: models.RoleAdmin, Active: true},
			"b@example.com": {ID: "b", ProgramID: "p", Email: "b@example.com", Name: "B", Role: models.RoleAdmin, Active: true},
		},
		ActiveAdmins: 2,
	}
	f, err := roster.Parse([]byte("email,name,role,cohort\na@example.com,A,instructor,C\nb@example.com,B,instructor,C\n"))
	if err != nil {
		t.Fatal(err)
	}
	ds := roster.Plan(f, st)
	if ds[0].Outcome.Result != models.RosterUpdated || ds[1].Outcome.Result != models.RosterRejected ||
		!strings.Contains(ds[1].Outcome.Reason, "at least one active admin") {
		t.Errorf("Plan = %+v, %+v; want the first demotion, the second refused", ds[0].Outcome, ds[1].Outcome)
	}
}
