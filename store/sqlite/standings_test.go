package sqlite

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/models"
	"skillbook/seed"
	"skillbook/signing"
)

// TestStandingsReadModelMatchesTheAttempts holds the standings the
// triggers of 0010 keep to models.StandingsOf over the same attempts:
// after seeding a program (inserts), and after evaluating, returning and
// practising through the store's writes (updates and inserts).
func TestStandingsReadModelMatchesTheAttempts(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	lib, err := checklists.Library()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertLibrary(ctx, lib); err != nil {
		t.Fatal(err)
	}
	res, err := seed.Program(ctx, s, "Standings College", lib, seed.Options{Key: signing.Ephemeral(), Students: 30, Cohorts: 2, Seed: 11, Now: testEpoch,
		Bind: func(id string) string { return "uid-" + id }})
	if err != nil {
		t.Fatal(err)
	}
	programID := res.Program.ID
	var ids []string
	for _, c := range res.Cohorts {
		page, err := s.CohortStudents(ctx, programID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range page {
			ids = append(ids, u.ID)
		}
	}
	attemptsOf := func() []models.Attempt {
		t.Helper()
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		all, err := exportAttempts(ctx, s.reader, programID, args, false)
		if err != nil {
			t.Fatal(err)
		}
		return all
	}
	same := func(when string) {
		t.Helper()
		got, err := s.StandingsOf(ctx, programID, ids)
		if err != nil {
			t.Fatal(err)
		}
		want := models.StandingsOf(attemptsOf())
		if len(got) != len(want) {
			t.Fatalf("%s: standings of %d students; want %d", when, len(got), len(want))
		}
		for student, of := range want {
			for checklist, w := range of {
				g := got[student][checklist]
				gj, _ := json.Marshal(g)
				wj, _ := json.Marshal(w)
				if string(gj) != string(wj) {
					t.Errorf("%s: standing of %s at %s =\n%s\nwant (from the attempts)\n%s", when, student, checklist, gj, wj)
				}
			}
			if len(got[student]) != len(of) {
				t.Errorf("%s: %s has standings at %d checklists; want %d", when, student, len(got[student]), len(of))
			}
		}
	}
	same("after seeding")

	// Grade every waiting request: pass, fail or return in turn, signed
	// or not; then practise once more where a request was returned.
	at := testEpoch.Add(time.Hour)
	n := 0
	for _, a := range attemptsOf() {
		if a.Status != models.StatusRequested {
			continue
		}
		at = at.Add(time.Minute + 123456*time.Nanosecond)
		e := models.Evaluation{ID: newID(), EvaluatorID: "ivy", Score: 90, Setting: models.SettingSkillsLab, EvaluatedAt: at}
		status := []models.AttemptStatus{models.StatusPassed, models.StatusFailed, models.StatusReturned}[n%3]
		switch status {
		case models.StatusPassed:
			e.Outcome = models.OutcomePassed
			if n%2 == 0 {
				e.Signature = &models.Signature{SignerID: "ivy", SignerName: "Ivy Ng", SignerCredential: "RN", SignedAt: at.Add(time.Second),
					Method: models.SignedInSession, Meaning: models.SignatureMeaning, Digest: "d"}
			}
		case models.StatusFailed:
			e.Outcome = models.OutcomeFailed
		}
		if _, err := s.EvaluateAttempt(ctx, programID, a.ID, a.Version, status, e); err != nil {
			t.Fatalf("EvaluateAttempt(%s, %s): %v", a.ID, status, err)
		}
		if status == models.StatusReturned {
			p := models.Attempt{ID: newID(), ProgramID: programID, StudentID: a.StudentID, CohortID: a.CohortID, ChecklistID: a.ChecklistID,
				ChecklistVersion: a.ChecklistVersion, Area: a.Area, Kind: models.AttemptPractice, Status: models.StatusPracticed, RequestedAt: at, Version: 1}
			if _, _, err := s.CreateAttempt(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		n++
	}
	if n < 3 {
		t.Fatalf("the seeded program had %d waiting requests; want at least 3", n)
	}
	same("after grading and practising")

	// Void every third graded evaluation: the read model drops each in the
	// void's transaction, as the attempts do.
	voids := 0
	for i, a := range attemptsOf() {
		if (a.Status != models.StatusPassed && a.Status != models.StatusFailed) || i%3 != 0 {
			continue
		}
		am := models.Amendment{ID: newID(), EvaluationID: a.Evaluation.ID, Kind: models.AmendVoid, Reason: "not me", Correction: models.VoidCorrection}
		if _, err := s.VoidAttempt(ctx, programID, a.ID, a.Version, am, models.Event{Type: models.EventEvaluationVoided, ProgramID: programID,
			Actor: models.SystemActor, Subject: "attempt", SubjectID: a.ID, StudentID: a.StudentID, Summary: "voided"}); err != nil {
			t.Fatalf("VoidAttempt(%s): %v", a.ID, err)
		}
		voids++
	}
	if voids == 0 {
		t.Fatal("no graded evaluation was voided")
	}
	same("after voids")
}

// TestProgressOnlyExportsReadTheStandings: an export of progress alone
// (the matrix) reads the standings read model, and gives every student
// the progress and standings (the matrix's attempt counts) an export that
// reads every attempt gives.
func TestProgressOnlyExportsReadTheStandings(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	lib, err := checklists.Library()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertLibrary(ctx, lib); err != nil {
		t.Fatal(err)
	}
	res, err := seed.Program(ctx, s, "Matrix College", lib, seed.Options{Key: signing.Ephemeral(), Students: 25, Cohorts: 1, Seed: 5, Now: testEpoch,
		Bind: func(id string) string { return "uid-" + id }})
	if err != nil {
		t.Fatal(err)
	}
	progress := func(sel models.ExportSelection) map[string]string {
		t.Helper()
		out := map[string]string{}
		err := s.EachStudentRecord(ctx, res.Program, sel, "2026-12-01", func(r *models.StudentRecord) error {
			p, err := json.Marshal(struct {
				Progress  models.StudentProgress
				Standings map[string]models.Standing
			}{r.Progress, r.Standings})
			out[r.Student.ID] = string(p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	cohort := res.Cohorts[0].ID
	fromAttempts := progress(models.ExportSelection{CohortID: cohort, Batch: 7})
	fromStandings := progress(models.ExportSelection{CohortID: cohort, Batch: 7, ProgressOnly: true})
	if len(fromAttempts) != 25 || len(fromStandings) != 25 {
		t.Fatalf("exported %d and %d students; want 25", len(fromAttempts), len(fromStandings))
	}
	competent := 0
	for id, want := range fromAttempts {
		if fromStandings[id] != want {
			t.Errorf("progress of %s from the standings =\n%s\nwant (from the attempts)\n%s", id, fromStandings[id], want)
		}
		competent += strings.Count(want, `"status":"competent"`)
	}
	if competent == 0 {
		t.Fatal("no competent skill in the seeded cohort: the comparison proves little")
	}
}

// TestMigrationGivesStandingsTheirPassedVersions stores attempts with the
// schema before 0016, then opens the database: every passed evaluation in
// the standings carries the checklist version it was graded on, other
// outcomes none, as models.StandingsOf gives them.
func TestMigrationGivesStandingsTheirPassedVersions(t *testing.T) {
	ctx := t.Context()
	migs, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	// The schema just before the migration, whatever its number.
	before := slices.IndexFunc(migs, func(m migration) bool { return strings.HasSuffix(m.name, "_standings_versions.sql") })
	if before < 0 {
		t.Fatal("no standings_versions migration")
	}
	dir, db := databaseAt(t, before)
	var attempts []models.Attempt
	for i, st := range []models.AttemptStatus{models.StatusPassed, models.StatusFailed, models.StatusPassed, models.StatusPracticed} {
		at := testEpoch.Add(time.Duration(i) * time.Hour)
		a := models.Attempt{ID: fmt.Sprintf("a%d", i), ProgramID: "p1", StudentID: "s1", CohortID: "c1", ChecklistID: "bp-manual", ChecklistVersion: i + 1,
			Area: models.AreaVitalSigns, Kind: models.AttemptEvaluation, Status: st, RequestedAt: at, Version: 2}
		if st == models.StatusPracticed {
			a.Kind = models.AttemptPractice
		} else {
			a.Evaluation = &models.Evaluation{ID: "e" + a.ID, EvaluatorID: "i1", Score: 90, EvaluatedAt: at,
				Signature: &models.Signature{SignerID: "i1", SignerName: "Ivy", SignedAt: at, Method: models.SignedInSession, Meaning: models.SignatureMeaning}}
		}
		doc, _ := encode(a)
		progress, _ := attemptProgress(&a)
		if _, err := db.ExecContext(ctx, `INSERT INTO attempts (id, program_id, student_id, cohort_id, checklist_id, area, kind, status, open_slot, requested_at, version, doc, progress)
			VALUES (?, 'p1', 's1', 'c1', 'bp-manual', ?, ?, ?, ?, ?, 2, ?, ?)`, a.ID, string(a.Area), string(a.Kind), string(a.Status), a.ID, ms(at), doc, progress); err != nil {
			t.Fatal(err)
		}
		attempts = append(attempts, a)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", before)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, Options{Dir: dir, Clock: clock.NewFake(testEpoch)})
	if err != nil {
		t.Fatalf("Open a version %d database: %v", before, err)
	}
	defer s.Close()
	got, err := s.StandingsOf(ctx, "p1", []string{"s1"})
	if err != nil {
		t.Fatal(err)
	}
	want := models.StandingsOf(attempts)["s1"]["bp-manual"]
	gj, _ := json.Marshal(got["s1"]["bp-manual"])
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("standing after migrating =\n%s\nwant\n%s", gj, wj)
	}
	if g := got["s1"]["bp-manual"].Graded; len(g) != 3 || g[0].Version != 1 || g[1].Version != 0 || g[2].Version != 3 {
		t.Errorf("graded after migrating = %+v; want versions 1, none (failed), 3", g)
	}
}
