package workflow

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"skillbook/models"
)

const rosterCSV = "email,name,role,cohort,credential\n" +
	"new@example.com,New Student,student,fall 2026,\n" +
	"SAM@example.com,Samuel,student,Fall 2026,\n" +
	"ina@example.com,Ina,instructor,Fall 2026,\n" +
	"alum@example.com,Alum,student,Fall 2024,\n" +
	"nameless@example.com,,student,Fall 2026,\n" +
	"admin@example.com,Ada Admin,instructor,Fall 2026,\n"

func rosterResults(r models.RosterReport) []string {
	var out []string
	for _, o := range r.Rows {
		out = append(out, string(o.Result))
	}
	return out
}

func TestImportRoster(t *testing.T) {
	t.Parallel()
	x := newPeopleFixture(t)
	ctx, admin := t.Context(), peopleCaller(x.admin)
	want := []string{"created", "updated", "unchanged", "rejected", "rejected", "rejected"}

	// A dry run reports and changes nothing.
	dry, err := x.people.ImportRoster(ctx, admin, ImportRosterInput{CSV: []byte(rosterCSV), DryRun: true})
	if err != nil || !dry.DryRun || !slices.Equal(rosterResults(dry), want) {
		t.Fatalf("dry run = %v (%+v), %v; want %v", rosterResults(dry), dry.Rows, err, want)
	}
	if len(x.store.events) != 0 || len(x.store.users) != 4 || x.store.users["u-sam"].Name != "Sam" {
		t.Errorf("a dry run wrote %v", x.store.eventTypes())
	}
	for i, reason := range map[int]string{3: `cohort "Fall 2024" is archived`, 4: "name", 5: "cannot change your own role"} {
		if !strings.Contains(dry.Rows[i].Reason, reason) {
			t.Errorf("row %d = %+v; want rejected for %q", i, dry.Rows[i], reason)
		}
	}

	rep, err := x.people.ImportRoster(ctx, admin, ImportRosterInput{CSV: []byte(rosterCSV)})
	if err != nil || rep.DryRun || !slices.Equal(rosterResults(rep), want) || rep.Created != 1 || rep.Updated != 1 || rep.Unchanged != 1 || rep.Rejected != 3 {
		t.Fatalf("import = %+v, %v", rep, err)
	}
	created := x.store.users[rep.Rows[0].UserID]
	if created.Email != "new@example.com" || !created.Active || created.Bound || created.Version != 1 || !created.CreatedAt.Equal(peopleEpoch) ||
		!slices.Equal(created.CohortIDs, []string{"fall"}) {
		t.Errorf("created user = %+v", created)
	}
	if sam := x.store.users["u-sam"]; sam.Name != "Samuel" || sam.Version != 2 || rep.Rows[1].UserID != "u-sam" {
		t.Errorf("updated user = %+v (row %+v)", sam, rep.Rows[1])
	}
	wantEvents := []models.EventType{models.EventRosterUserCreated, models.EventRosterUserUpdated}
	if types := x.store.eventTypes(); !slices.Equal(types, wantEvents) {
		t.Errorf("events = %v; want %v", types, wantEvents)
	}
	if e := x.store.events[1]; e.Data["oldName"] != "Sam" || e.Data["newName"] != "Samuel" || e.StudentID != "u-sam" || e.Actor.UserID != "u-admin" {
		t.Errorf("roster update event = %+v", e)
	}

	// The same file again finds every row unchanged and writes nothing.
	again, err := x.people.ImportRoster(ctx, admin, ImportRosterInput{CSV: []byte(rosterCSV)})
	if err != nil || again.Unchanged != 3 || again.Created+again.Updated != 0 || len(x.store.events) != 2 {
		t.Errorf("second import = %+v, %v, events %v; want every valid row unchanged, nothing written", again, err, x.store.eventTypes())
	}
}

func TestImportRosterRowsRefusedByTheStore(t *testing.T) {
	t.Parallel()
	x := newPeopleFixture(t)
	x.store.refuseEmail = "new@example.com"
	// Sam changes between the check and the write.
	x.store.beforeWrite = func(f *fakePeople) {
		u := f.users["u-sam"]
		u.Version++
		f.users["u-sam"] = u
	}
	rep, err := x.people.ImportRoster(t.Context(), peopleCaller(x.admin), ImportRosterInput{CSV: []byte(rosterCSV)})
	if err != nil {
		t.Fatal(err)
	}
	if o := rep.Rows[0]; o.Result != models.RosterRejected || !strings.Contains(o.Reason, "already exists") || o.UserID != "" {
		t.Errorf("row taken meanwhile = %+v; want rejected, naming the taken email", o)
	}
	if o := rep.Rows[1]; o.Result != models.RosterRejected || !strings.Contains(o.Reason, "changed while the file was imported") {
		t.Errorf("row changed meanwhile = %+v; want rejected, asking to import again", o)
	}
	if rep.Created != 0 || rep.Updated != 0 || rep.Rejected != 5 {
		t.Errorf("report = %+v", rep)
	}
}

func TestImportRosterRefusals(t *testing.T) {
	t.Parallel()
	x := newPeopleFixture(t)
	if _, err := x.people.ImportRoster(t.Context(), peopleCaller(x.admin), ImportRosterInput{CSV: []byte("email,name\n")}); !isErr(err, errValidation) {
		t.Errorf("ImportRoster(missing columns) = %v; want a validation error", err)
	}
}

func TestRowReason(t *testing.T) {
	t.Parallel()
	v := &models.ValidationError{}
	v.Add("cohortIds", "cohort %q is archived", "Old")
	tests := []struct {
		err  error
		want string
	}{
		{v, `cohortIds: cohort "Old" is archived`},
		{models.ErrPreconditionFailed, "changed while the file was imported"},
		{models.ErrNotFound, "changed while the file was imported"},
		{models.LastAdminError("update user u"), "the program must keep at least one active admin"},
		{models.ErrConflict, "changed while the file was imported"},
		{errors.New("boom"), "could not be written"},
	}
	for _, tt := range tests {
		if got := rowReason(tt.err); !strings.Contains(got, tt.want) {
			t.Errorf("rowReason(%v) = %q; want %q", tt.err, got, tt.want)
		}
	}
}

// TestRosterImportsAreLimited: each admin has rosterImportsPerAdmin
// imports (dry runs included) at once, then one every rosterImportsEvery;
// the refusal says how long to wait and reads no file.
func TestRosterImportsAreLimited(t *testing.T) {
	t.Parallel()
	x := newPeopleFixture(t)
	ctx, admin := t.Context(), peopleCaller(x.admin)
	dry := ImportRosterInput{CSV: []byte(rosterCSV), DryRun: true}
	for i := range rosterImportsPerAdmin {
		if _, err := x.people.ImportRoster(ctx, admin, dry); err != nil {
			t.Fatalf("import %d = %v; want it within the limit", i+1, err)
		}
	}
	var l *models.Limited
	_, err := x.people.ImportRoster(ctx, admin, ImportRosterInput{CSV: []byte("not a roster")})
	if !errors.As(err, &l) || l.Code != "too-many-roster-imports" || l.RetryAfter != rosterImportsEvery {
		t.Fatalf("import beyond the limit = %v; want too-many-roster-imports, retry after %v", err, rosterImportsEvery)
	}
	other := x.store.addUser(models.User{ID: "u-al", ProgramID: peopleProgram, Email: "al@example.com", Name: "Al", Role: models.RoleAdmin, Active: true})
	if _, err := x.people.ImportRoster(ctx, peopleCaller(other), dry); err != nil {
		t.Errorf("another admin's import = %v; want it within their own limit", err)
	}
	x.clock.Advance(rosterImportsEvery)
	if _, err := x.people.ImportRoster(ctx, admin, dry); err != nil {
		t.Errorf("import after the wait = %v; want it", err)
	}
}
