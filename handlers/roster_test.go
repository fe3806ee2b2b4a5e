package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"skillbook/handlers"
	"skillbook/handlers/apitest"
	"skillbook/models"
)

func importRoster(t *testing.T, env *apitest.Env, caller apitest.User, query, csv string) apitest.Response {
	t.Helper()
	return env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/roster" + query, Token: caller.Token, Body: csv, ContentType: "text/csv; charset=utf-8"})
}

func report(t *testing.T, r apitest.Response) models.RosterReport {
	t.Helper()
	var rep models.RosterReport
	r.WantStatus(t, http.StatusOK).JSON(t, &rep)
	return rep
}

func auditCount(t *testing.T, env *apitest.Env, programID string) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		l, err := env.Store.Audit(context.Background(), programID, models.AuditFilter{}, models.Page{Limit: 200, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		n += len(l.Items)
		if cursor = l.NextCursor; cursor == "" {
			return n
		}
	}
}

func TestRosterImportIsIdempotent(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	env := tn.env
	suffix := tn.program.ID[24:]
	csv := fmt.Sprintf("\uFEFFEmail,Name,Role,Cohort,Credential\r\n"+
		"new.student-%[1]s@example.com,New Student,student,fall 2026,\r\n"+
		"new.instructor-%[1]s@example.com,\"Nurse, Ina\",Instructor,Fall 2026;%[2]s,RN\r\n"+
		"%[3]s,Renamed Student,student,Fall 2026,\r\n"+
		"%[4]s,Test instructor,instructor,Fall 2026,\r\n"+
		"\r\n"+
		"new.admin-%[1]s@example.com,\"=HYPERLINK(\"\"x\"\")\",admin,,\r\n",
		suffix, tn.cohort2.ID, strings.ToUpper(tn.student.Email), tn.instructor.Email)

	// Sign the admin and the student in first: accepting an invitation is
	// audited too, and this test counts only the import's entries.
	env.Get(t, "/v1/me", tn.admin.Token).WantStatus(t, http.StatusOK)
	env.Get(t, "/v1/me", tn.student.Token).WantStatus(t, http.StatusOK)
	before := auditCount(t, env, tn.program.ID)
	dry := report(t, importRoster(t, env, tn.admin, "?dryRun=true", csv))
	if !dry.DryRun || dry.Created != 3 || dry.Updated != 1 || dry.Unchanged != 1 || dry.Rejected != 0 {
		t.Fatalf("dry run = %+v; want 3 created, 1 updated, 1 unchanged", dry)
	}
	if n := auditCount(t, env, tn.program.ID); n != before {
		t.Errorf("a dry run wrote %d audit entries", n-before)
	}
	if _, err := env.Store.UserByEmail(context.Background(), "new.student-"+suffix+"@example.com"); err == nil {
		t.Errorf("a dry run created a user")
	}

	first := report(t, importRoster(t, env, tn.admin, "", csv))
	want := []struct {
		row    int
		result models.RosterResult
	}{{2, "created"}, {3, "created"}, {4, "updated"}, {5, "unchanged"}, {7, "created"}}
	if first.DryRun || first.Created != 3 || first.Updated != 1 || first.Unchanged != 1 || len(first.Rows) != len(want) {
		t.Fatalf("first import = %+v", first)
	}
	for i, w := range want {
		if o := first.Rows[i]; o.Row != w.row || o.Result != w.result || o.UserID == "" {
			t.Errorf("row %d = %+v; want line %d %s with a user id", i, o, w.row, w.result)
		}
	}
	in, err := env.Store.User(context.Background(), tn.program.ID, first.Rows[1].UserID)
	if err != nil || in.Name != "Nurse, Ina" || in.Role != models.RoleInstructor || in.Credential != "RN" || len(in.CohortIDs) != 2 {
		t.Errorf("imported instructor = %+v, %v", in, err)
	}
	if boss, _ := env.Store.User(context.Background(), tn.program.ID, first.Rows[4].UserID); boss.Name != `=HYPERLINK("x")` {
		t.Errorf("a formula-like name was stored as %q", boss.Name)
	}
	var renamed models.User
	env.Get(t, "/v1/me", tn.student.Token).WantStatus(t, http.StatusOK).JSON(t, &renamed)
	if renamed.Name != "Renamed Student" {
		t.Errorf("the existing student's name = %q", renamed.Name)
	}
	after := auditCount(t, env, tn.program.ID)
	if after-before != 4 {
		t.Errorf("the import wrote %d audit entries; want 4 (3 created, 1 updated)", after-before)
	}
	created, _ := env.Store.Audit(context.Background(), tn.program.ID, models.AuditFilter{Type: models.EventRosterUserCreated}, models.Page{})
	updated, _ := env.Store.Audit(context.Background(), tn.program.ID, models.AuditFilter{Type: models.EventRosterUserUpdated}, models.Page{})
	if len(created.Items) != 3 || len(updated.Items) != 1 || updated.Items[0].Data["newName"] != "Renamed Student" || updated.Items[0].Actor.UserID != tn.admin.ID {
		t.Errorf("roster audit entries: %d created, %d updated (%+v)", len(created.Items), len(updated.Items), updated.Items)
	}

	second := report(t, importRoster(t, env, tn.admin, "", csv))
	if second.Unchanged != 5 || second.Created+second.Updated+second.Rejected != 0 {
		t.Errorf("second import = %+v; want every row unchanged", second)
	}
	if n := auditCount(t, env, tn.program.ID); n != after {
		t.Errorf("the second import wrote %d audit entries; want none", n-after)
	}
}

func TestRosterReportsBadRows(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	env := tn.env
	if _, err := env.Store.SetCohortArchived(context.Background(), models.SystemActor, tn.program.ID, tn.cohort2.ID, true, 0); err != nil {
		t.Fatal(err)
	}
	s := tn.program.ID[24:]
	csv := "role,cohort,name,email\n" +
		"student,Fall 2026,Good," + "good-" + s + "@example.com\n" +
		"student,Fall 2026,Bad Email,not-an-email\n" +
		"nurse,Fall 2026,Bad Role,role-" + s + "@example.com\n" +
		"student,Winter,No Cohort,nocohort-" + s + "@example.com\n" +
		"student,Spring 2027,Archived,archived-" + s + "@example.com\n" +
		"student,Fall 2026,Twice,twice-" + s + "@example.com\n" +
		"student,Fall 2026,Twice,TWICE-" + s + "@example.com\n" +
		"student,Elsewhere,Other Program," + tn.otherStudent.Email + "\n" +
		"student,Fall 2026," + strings.Repeat("n", 201) + ",long-" + s + "@example.com\n" +
		"student,Fall 2026,Short\n" +
		"instructor,Fall 2026,Self," + tn.admin.Email + "\n" +
		"student,Fall 2026;Spring 2027,Two Cohorts,two-" + s + "@example.com\n"
	rep := report(t, importRoster(t, env, tn.admin, "", csv))
	want := []struct {
		line   int
		result models.RosterResult
		reason string
	}{
		{2, "created", ""},
		{3, "rejected", "not an email address"},
		{4, "rejected", `role "nurse"`},
		{5, "rejected", `cohort "Winter" does not exist`},
		{6, "rejected", `cohort "Spring 2027" is archived`},
		{7, "rejected", "also on line 8"},
		{8, "rejected", "also on line 7"},
		{9, "rejected", "a user with email " + tn.otherStudent.Email + " already exists"},
		{10, "rejected", "name is longer than 200"},
		{11, "rejected", "has 3 columns"},
		{12, "rejected", "cannot change your own role"},
		{13, "rejected", "archived"},
	}
	if rep.Created != 1 || rep.Rejected != len(want)-1 || len(rep.Rows) != len(want) {
		t.Fatalf("import = %d created, %d rejected, %d rows; want 1, %d, %d", rep.Created, rep.Rejected, len(rep.Rows), len(want)-1, len(want))
	}
	for i, w := range want {
		o := rep.Rows[i]
		if o.Row != w.line || o.Result != w.result || !strings.Contains(o.Reason, w.reason) {
			t.Errorf("row %d = %+v; want line %d %s %q", i, o, w.line, w.result, w.reason)
		}
	}
	if _, err := env.Store.UserByEmail(context.Background(), "good-"+s+"@example.com"); err != nil {
		t.Errorf("the valid row was not applied: %v", err)
	}
}

func TestRosterRoutes(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	good := "email,name,role,cohort\nx-" + tn.program.ID[24:] + "@example.com,X,student,Fall 2026\n"
	tests := []struct {
		name        string
		caller      apitest.User
		contentType string
		body        string
		status      int
		slug        string
	}{
		{"students may not import", tn.student, "text/csv", good, 403, "forbidden"},
		{"instructors may not import", tn.instructor, "text/csv", good, 403, "forbidden"},
		{"JSON is not a roster", tn.admin, "application/json", `{"email": "x"}`, 415, "unsupported-media-type"},
		{"no content type", tn.admin, "", good, 415, "unsupported-media-type"},
		{"no body", tn.admin, "text/csv", "", 400, "malformed-request"},
		{"only a BOM", tn.admin, "text/csv", "\uFEFF", 422, "validation-failed"},
		{"missing column", tn.admin, "text/csv", "email,name,role\nx@example.com,X,student\n", 422, "validation-failed"},
		{"unknown column", tn.admin, "text/csv", "email,name,role,cohort,phone\n", 422, "validation-failed"},
		{"too many rows", tn.admin, "text/csv", "email,name,role,cohort\n" + strings.Repeat("a@b.co,A,student,C\n", 5001), 422, "validation-failed"},
		{"another program's admin sees none of our cohorts", tn.otherAdmin, "text/csv", good, 200, ""},
		{"admin imports", tn.admin, "text/csv", good, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tn.env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/roster", Token: tt.caller.Token, Body: tt.body, ContentType: tt.contentType})
			if tt.slug != "" {
				r.WantProblem(t, tt.status, tt.slug)
				return
			}
			rep := report(t, r)
			if tt.caller.ID == tn.otherAdmin.ID && (rep.Rejected != 1 || !strings.Contains(rep.Rows[0].Reason, "does not exist")) {
				t.Errorf("import into another program = %+v; want the cohort unknown there", rep)
			}
		})
	}
}

// The operation's own limit holds even where the server takes bigger bodies.
func TestRosterBodyLimit(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, func(d *handlers.Deps) { d.BodyLimit = 4 << 20 })
	p := env.Program(t)
	admin := env.NewUser(t, p.ID, models.RoleAdmin)
	big := "email,name,role,cohort\n" + strings.Repeat("a@example.com,A,student,C\n", (1<<20)/25)
	importRoster(t, env, admin, "", big).WantProblem(t, http.StatusRequestEntityTooLarge, "body-too-large")
}

// TestAnEmailInUseElsewhereIsNotDisclosed: inviting an email of another
// program answers exactly as inviting one of the caller's own program
// (409, the same words), and the roster's dry run rejects it in those words
// too: neither says the account is in another program.
func TestAnEmailInUseElsewhereIsNotDisclosed(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	answer := func(email string) (int, string, string) {
		r := tn.env.Post(t, "/v1/users", tn.admin.Token, map[string]any{"email": email, "name": "New Person", "role": "student", "cohortIds": []string{tn.cohort.ID}})
		var p apitest.Problem
		r.JSON(t, &p)
		return r.Status, p.Type, strings.ReplaceAll(p.Detail, email, "EMAIL")
	}
	ownStatus, ownType, ownDetail := answer(tn.student.Email)
	otherStatus, otherType, otherDetail := answer(tn.otherStudent.Email)
	if ownStatus != http.StatusConflict || otherStatus != ownStatus || otherType != ownType || otherDetail != ownDetail {
		t.Errorf("inviting another program's email = %d %s %q; want the answer for our own program's, %d %s %q",
			otherStatus, otherType, otherDetail, ownStatus, ownType, ownDetail)
	}
	rep := report(t, importRoster(t, tn.env, tn.admin, "?dryRun=true", "email,name,role,cohort\n"+tn.otherStudent.Email+",X,student,Fall 2026\n"))
	if len(rep.Rows) != 1 || rep.Rows[0].Result != models.RosterRejected || strings.ReplaceAll(rep.Rows[0].Reason, tn.otherStudent.Email, "EMAIL") != ownDetail {
		t.Errorf("dry run of another program's email = %+v; want rejected in the invitation's words %q", rep.Rows, ownDetail)
	}
}

// TestRosterImportsAreLimitedPerAdmin: beyond an admin's burst of imports
// (dry runs too) the answer is 429 with Retry-After; another admin is not
// held up.
func TestRosterImportsAreLimitedPerAdmin(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	csv := "email,name,role,cohort\nx-" + tn.program.ID[24:] + "@example.com,X,student,Fall 2026\n"
	for range 10 {
		report(t, importRoster(t, tn.env, tn.admin, "?dryRun=true", csv))
	}
	r := importRoster(t, tn.env, tn.admin, "?dryRun=true", csv)
	r.WantProblem(t, http.StatusTooManyRequests, "too-many-roster-imports")
	if got := r.Header.Get("Retry-After"); got != "60" {
		t.Errorf("Retry-After = %q; want 60", got)
	}
	report(t, importRoster(t, tn.env, tn.otherAdmin, "?dryRun=true", csv))
}
