package seed_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"skillbook/checklists"
	"skillbook/models"
	"skillbook/seed"
	"skillbook/signing"
	"skillbook/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func library(t *testing.T) []models.Checklist {
	t.Helper()
	lib, err := checklists.Library()
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// TestGenerateKeepsTheRules checks a generated program against the rules
// the API enforces: the grading rule decides every outcome, signatures and
// amendments verify, one open request per student and skill, ids stamped
// with their record's time, nothing after now, and a realistic mix.
func TestGenerateKeepsTheRules(t *testing.T) {
	t.Parallel()
	lib := library(t)
	byRef := map[models.ChecklistRef]models.Checklist{}
	for _, c := range lib {
		byRef[models.ChecklistRef{ID: c.ID, Version: c.Version}] = c
	}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	p := models.Program{ID: "01a20000-0000-7000-8000-000000000001", Grading: models.DefaultGrading, ProcedureTargets: models.DefaultProcedureTargets}
	o := seed.Options{Key: signing.Ephemeral(), Students: 120, Cohorts: 4, Seed: 3, Now: now, Bind: seed.UID, PINHash: "hash"}
	b, accounts, sum, err := seed.Generate(p, lib, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != len(b.Users) || sum.Students != 120 || sum.Cohorts != 4 || len(b.Cohorts) != 4 {
		t.Fatalf("accounts %d, users %d, summary %+v", len(accounts), len(b.Users), sum)
	}
	if sum.Attempts() != len(b.Attempts) || sum.Procedures != len(b.Procedures) || sum.Devices != len(b.Devices) || sum.Audit != 0 {
		t.Errorf("summary %+v does not count the batch (%d attempts, %d procedures, %d devices, %d audit)",
			sum, len(b.Attempts), len(b.Procedures), len(b.Devices), len(b.Audit))
	}
	teachers := map[string]int{}
	for _, u := range b.Users {
		if u.UID != seed.UID(u.ID) || !u.Bound || u.ProgramID != p.ID || u.Validate() != nil {
			t.Errorf("user %+v", u)
		}
		switch u.Role {
		case models.RoleStudent:
			if len(u.CohortIDs) != 1 {
				t.Errorf("student %s in %d cohorts", u.ID, len(u.CohortIDs))
			}
		case models.RoleInstructor:
			for _, c := range u.CohortIDs {
				teachers[c]++
			}
		}
	}
	for _, c := range b.Cohorts {
		if c.Validate() != nil || teachers[c.ID] < 2 {
			t.Errorf("cohort %+v: %v, %d instructors", c, c.Validate(), teachers[c.ID])
		}
	}

	open := map[string]bool{}
	firstTries, firstPasses := map[string]bool{}, 0
	keys, verified := o.Key.(*signing.LocalKey).KeySet(), 0
	for _, a := range b.Attempts {
		stampedAt(t, a.ID, a.RequestedAt)
		if a.UpdatedAt.After(now) || a.RequestedAt.After(a.UpdatedAt) {
			t.Errorf("%s: requested %s, updated %s, now %s", a.ID, a.RequestedAt, a.UpdatedAt, now)
		}
		key := a.StudentID + "/" + a.ChecklistID
		switch a.Status {
		case models.StatusRequested:
			if a.OpenSlot != "open" || a.Evaluation != nil || open[key] {
				t.Errorf("%s: open request %+v (another open: %v)", a.ID, a, open[key])
			}
			open[key] = true
			continue
		case models.StatusPracticed:
			if a.Kind != models.AttemptPractice || a.OpenSlot != a.ID || a.Evaluation != nil {
				t.Errorf("%s: practice %+v", a.ID, a)
			}
			continue
		}
		e := a.Evaluation
		if a.Kind != models.AttemptEvaluation || a.OpenSlot != a.ID || e == nil || e.EvaluatedAt.Before(a.RequestedAt) {
			t.Fatalf("%s: evaluation %+v", a.ID, a)
		}
		stampedAt(t, e.ID, e.EvaluatedAt)
		if !firstTries[key] {
			firstTries[key] = true
			if a.Status == models.StatusPassed {
				firstPasses++
			}
		}
		if a.Status == models.StatusReturned {
			if e.Outcome != models.OutcomeReturned || e.Signature != nil {
				t.Errorf("%s: returned %+v", a.ID, e)
			}
			continue
		}
		c := byRef[models.ChecklistRef{ID: a.ChecklistID, Version: a.ChecklistVersion}]
		score, outcome, failed, err := models.Grade(&c, e.Grading, e.Steps)
		if err != nil || score != e.Score || outcome != e.Outcome || !reflect.DeepEqual(failed, e.FailedCritical) || string(outcome) != string(a.Status) {
			t.Errorf("%s: stored %s %d %v as %s; the rule says %s %d %v (%v)", a.ID, e.Outcome, e.Score, e.FailedCritical, a.Status, outcome, score, failed, err)
		}
		// Every graded evaluation and amendment is signed with the key: its
		// digest is its record's, and the first few hundred also verify
		// (Ed25519 under -race is slow; the digest check covers the rest).
		sig := e.Signature
		if sig == nil || sig.KeyID != o.Key.KeyID() || sig.Value == "" || sig.Digest != models.EvaluationRecord(&a, *sig).Digest() {
			t.Errorf("%s: %s evaluation signed %+v; want signed with the key over its record", a.ID, a.Status, sig)
		} else if verified++; verified <= 300 {
			if v := models.Verify(&a, keys); !v.Intact || !v.Signed {
				t.Errorf("%s: %s evaluation: verification %+v; want signed and intact", a.ID, a.Status, v)
			}
		}
		for _, am := range a.Amendments {
			if am.EvaluationID != e.ID {
				t.Errorf("%s: amendment %+v of another evaluation", a.ID, am)
			}
		}
	}
	share := float64(firstPasses) / float64(len(firstTries))
	if share < 0.65 || share > 0.95 || sum.Failed == 0 || sum.Returned == 0 || sum.Requested == 0 || sum.Amendments == 0 || sum.Practice == 0 {
		t.Errorf("first tries passed %.2f of the time; summary %+v; want a realistic mix", share, sum)
	}
	for _, pr := range b.Procedures {
		if err := pr.ValidateNew(p.ProcedureTargets, now); err != nil || (pr.Status != models.ProcedurePending) != (pr.Review != nil) {
			t.Errorf("procedure %+v: %v", pr, err)
		}
	}

	// Practicum: a day's valid hours at a site each, reviewed by an
	// instructor who teaches the student, none before it was logged; the
	// externship's cohorts have hours confirmed, waiting and rejected, and
	// no student logs far past the requirement.
	if sum.Practicum != len(b.Practicum) || sum.Practicum == 0 {
		t.Errorf("summary counts %d practicum entries; the batch has %d", sum.Practicum, len(b.Practicum))
	}
	teaches := map[string]map[string]bool{} // instructor id -> cohort ids
	cohortOf := map[string]string{}
	for _, u := range b.Users {
		teaches[u.ID] = map[string]bool{}
		for _, c := range u.CohortIDs {
			teaches[u.ID][c] = true
			cohortOf[u.ID] = c
		}
	}
	statuses := map[models.ProcedureStatus]int{}
	counted := map[string]float64{}
	for _, e := range b.Practicum {
		stampedAt(t, e.ID, e.CreatedAt)
		check := e
		if err := check.ValidateNew(now); err != nil || e.Status == models.ProcedurePending != (e.Review == nil) || e.Date > e.CreatedAt.Format(models.DateLayout) {
			t.Errorf("practicum %+v: %v", e, err)
		}
		if r := e.Review; r != nil && (!teaches[r.ReviewerID][cohortOf[e.StudentID]] || !r.ReviewedAt.After(e.CreatedAt) || r.ReviewedAt.After(now) ||
			(e.Status == models.ProcedureRejected) != (r.Comment != "") || e.Version != 2) {
			t.Errorf("practicum %+v reviewed %+v", e, r)
		}
		statuses[e.Status]++
		if e.Status != models.ProcedureRejected {
			counted[e.StudentID] += e.Hours
		}
	}
	if statuses[models.ProcedureConfirmed] == 0 || statuses[models.ProcedurePending] == 0 || statuses[models.ProcedureRejected] == 0 {
		t.Errorf("practicum entries by status %v; want confirmed, pending and rejected ones", statuses)
	}
	for student, h := range counted {
		if h >= float64(p.PracticumRequirement())+models.MaxPracticumHours {
			t.Errorf("%s logged %g hours; want them to stop at the %d required", student, h, p.PracticumRequirement())
		}
	}

	again, _, _, err := seed.Generate(p, lib, o)
	if err != nil || !reflect.DeepEqual(again, b) {
		t.Errorf("Generate with the same seed, program and time made another program (%v)", err)
	}
}

// stampedAt checks that id is a UUIDv7 of time at.
func stampedAt(t *testing.T, id string, at time.Time) {
	t.Helper()
	u, err := uuid.Parse(id)
	if err != nil || u.Version() != 7 || u.String() != id {
		t.Fatalf("%q is not a UUIDv7", id)
	}
	sec, nsec := u.Time().UnixTime()
	if got := time.Unix(sec, nsec).UTC(); !got.Equal(at) {
		t.Errorf("%s is stamped %s; its record %s", id, got, at)
	}
}

// TestProgramReadsBack writes a seeded program and reads it through the
// store as the API does: progress, the queue, and signatures that verify
// after the round trip through the database.
func TestProgramReadsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.New(t)
	lib := library(t)
	if _, err := st.UpsertLibrary(ctx, lib); err != nil {
		t.Fatal(err)
	}
	res, err := seed.Program(ctx, st, "Read back", lib, seed.Options{Key: signing.Ephemeral(), Students: 6, Cohorts: 2, Seed: 5, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Written < res.Summary.Attempts()+res.Summary.Students {
		t.Fatalf("wrote %d documents for %+v", res.Written, res.Summary)
	}
	var students []models.User
	for _, a := range res.Accounts {
		if a.Role == models.RoleStudent {
			u, err := st.User(ctx, res.Program.ID, a.UserID)
			if err != nil || u.Bound || u.Email != a.Email {
				t.Fatalf("User(%s) = %+v, %v; want the unbound invitation", a.UserID, u, err)
			}
			students = append(students, u)
		}
	}
	records, err := st.ProgressRecords(ctx, res.Program.ID, students)
	if err != nil {
		t.Fatal(err)
	}
	records.Program = res.Program
	competent, signed := 0, 0
	var practicum models.HoursCount
	for _, s := range students {
		p := models.StudentProgressOf(s, &records, time.Now().Format(models.DateLayout))
		if p.Overall.Assigned != len(lib) {
			t.Errorf("%s has %d assigned; want the whole library (%d)", s.ID, p.Overall.Assigned, len(lib))
		}
		if p.Practicum.Required != models.DefaultPracticumHours {
			t.Errorf("%s: practicum %+v; want it against the %d hours required", s.ID, p.Practicum, models.DefaultPracticumHours)
		}
		competent += p.Overall.Competent
		practicum.Confirmed += p.Practicum.Confirmed
		practicum.Pending += p.Practicum.Pending
		practicum.Rejected += p.Practicum.Rejected
	}
	entries, err := st.PracticumEntries(ctx, res.Program.ID, models.PracticumFilter{}, models.Page{Limit: models.MaxPageLimit})
	if err != nil || len(entries.Items) != res.Summary.Practicum || entries.NextCursor != "" {
		t.Fatalf("PracticumEntries = %d, %v; want the %d seeded", len(entries.Items), err, res.Summary.Practicum)
	}
	var want models.HoursCount
	for _, e := range entries.Items {
		want.Add(e.Status, e.Hours)
	}
	if practicum != want || want.Confirmed == 0 {
		t.Errorf("practicum hours in progress %+v; want the seeded entries' %+v, some confirmed", practicum, want)
	}
	// Reading every pass back one at a time from the FerretDB stand-in is
	// slow: the first 40 show the signatures come back whole.
	for _, g := range passes(records.Standings) {
		if signed == 40 {
			break
		}
		full, err := st.Attempt(ctx, res.Program.ID, g.AttemptID)
		if err != nil {
			t.Fatal(err)
		}
		sig := full.Evaluation.Signature
		if sig == nil || sig.Digest != models.EvaluationRecord(&full, *sig).Digest() {
			t.Fatalf("attempt %s read back: signature %+v does not verify", g.AttemptID, sig)
		}
		signed++
	}
	if competent == 0 || signed == 0 {
		t.Fatalf("%d competent skills, %d signed evaluations read back", competent, signed)
	}
	queue, err := st.Queue(ctx, res.Program.ID, models.QueueFilter{}, models.Page{Limit: 200})
	if err != nil || len(queue.Items) != res.Summary.Requested {
		t.Errorf("queue = %d items, %v; want the %d seeded requests", len(queue.Items), err, res.Summary.Requested)
	}
}

// passes are the passed evaluations in standings.
func passes(standings models.Standings) []models.GradedAttempt {
	var out []models.GradedAttempt
	for _, of := range standings {
		for _, st := range of {
			for _, g := range st.Graded {
				if g.Status == models.StatusPassed {
					out = append(out, g)
				}
			}
		}
	}
	return out
}

// TestGenerateKeepsFixedPeople seeds the demo's fixed sign-ins: they are
// the first people of their role, with their names, addresses, uids and
// cohorts, and their history carries their names.
func TestGenerateKeepsFixedPeople(t *testing.T) {
	t.Parallel()
	p := models.Program{ID: "01a20000-0000-7000-8000-000000000002", Grading: models.DefaultGrading, ProcedureTargets: models.DefaultProcedureTargets}
	people := []seed.Person{
		{Role: models.RoleAdmin, Name: "Dana Director", Email: "admin@demo.test", UID: "demo-admin"},
		{Role: models.RoleInstructor, Name: "Ian Instructor", Email: "instructor@demo.test", Credential: "RN", UID: "demo-instructor", Cohorts: []int{0, 1}},
		{Role: models.RoleStudent, Name: "Sam Student", Email: "student1@demo.test", UID: "demo-student1", Cohorts: []int{1}},
		{Role: models.RoleStudent, Name: "Riley Student", Email: "student2@demo.test", Cohorts: []int{0}},
	}
	o := seed.Options{Key: signing.Ephemeral(), Students: 8, Cohorts: 2, Seed: 1, Now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC), People: people}
	b, _, _, err := seed.Generate(p, library(t), o)
	if err != nil {
		t.Fatal(err)
	}
	byEmail := map[string]models.User{}
	for _, u := range b.Users {
		byEmail[u.Email] = u
	}
	cohort := func(k int) string { return b.Cohorts[k].ID }
	for _, want := range people {
		u, ok := byEmail[want.Email]
		if !ok {
			t.Fatalf("no user %s", want.Email)
		}
		var cohorts []string
		for _, k := range want.Cohorts {
			cohorts = append(cohorts, cohort(k))
		}
		if u.Name != want.Name || u.Role != want.Role || u.UID != want.UID || u.Bound != (want.UID != "") ||
			(want.Credential != "" && u.Credential != want.Credential) || (cohorts != nil && !reflect.DeepEqual(u.CohortIDs, cohorts)) {
			t.Errorf("user %s = %+v; want %+v in cohorts %v", want.Email, u, want, cohorts)
		}
	}
	if b.Users[0].Email != "admin@demo.test" {
		t.Errorf("the program director is %s; want the fixed admin", b.Users[0].Email)
	}
	sam := byEmail["student1@demo.test"]
	attempts := 0
	for _, a := range b.Attempts {
		if a.StudentID == sam.ID {
			attempts++
			if a.StudentName != "Sam Student" || a.CohortID != cohort(1) {
				t.Errorf("attempt %s of Sam: name %q, cohort %s", a.ID, a.StudentName, a.CohortID)
			}
		}
	}
	if attempts == 0 {
		t.Error("Sam has no history")
	}
}

func TestOptionsRefuseBadPeople(t *testing.T) {
	base := seed.Options{Key: signing.Ephemeral(), Students: 3, Cohorts: 2, Now: time.Now()}
	for _, tc := range []struct {
		name   string
		people []seed.Person
	}{
		{"no email", []seed.Person{{Role: models.RoleStudent, Name: "A"}}},
		{"no such cohort", []seed.Person{{Role: models.RoleStudent, Name: "A", Email: "a@x.test", Cohorts: []int{2}}}},
		{"student in two cohorts", []seed.Person{{Role: models.RoleStudent, Name: "A", Email: "a@x.test", Cohorts: []int{0, 1}}}},
		{"admin in a cohort", []seed.Person{{Role: models.RoleAdmin, Name: "A", Email: "a@x.test", Cohorts: []int{0}}}},
		{"more students than the program", []seed.Person{
			{Role: models.RoleStudent, Name: "A", Email: "a@x.test"}, {Role: models.RoleStudent, Name: "B", Email: "b@x.test"},
			{Role: models.RoleStudent, Name: "C", Email: "c@x.test"}, {Role: models.RoleStudent, Name: "D", Email: "d@x.test"}}},
		{"three admins", []seed.Person{
			{Role: models.RoleAdmin, Name: "A", Email: "a@x.test"}, {Role: models.RoleAdmin, Name: "B", Email: "b@x.test"},
			{Role: models.RoleAdmin, Name: "C", Email: "c@x.test"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			o.People = tc.people
			if err := o.Validate(); err == nil {
				t.Errorf("Validate(%+v) = nil; want an error", tc.people)
			}
		})
	}
	ok := base
	ok.People = []seed.Person{{Role: models.RoleInstructor, Name: "I", Email: "i@x.test", Cohorts: []int{0, 1}}}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(an instructor of both cohorts) = %v", err)
	}
}
