package contract_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

// TestEvidenceSurvivesUnassignment: a signed pass at a checklist that is
// not (or no longer) assigned still evidences its codes, on both engines,
// in progress and in the records exports read (from the standings read
// model and from the attempts), with the version it was passed on.
func TestEvidenceSurvivesUnassignment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		mustUpsert(t, s)
		p := newProgram(t, s)
		program, err := s.Program(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		amy := student(t, s, p, "amy", "c1")
		assign(t, s, clk, p, "c1", "", "bp-manual", "")
		history(t, s, clk, amy, "bp-manual", 0, models.OutcomePassed)
		// Passed while assigned to another cohort, or before the
		// assignment was withdrawn: no assignment applies to amy now.
		history(t, s, clk, amy, "order-of-draw-labeling", 0, models.OutcomePassed)
		history(t, s, clk, amy, "venipuncture-winged-set", 0, models.OutcomePassed, models.OutcomePassed) // the library asks for two
		// A failed evaluation evidences nothing.
		history(t, s, clk, amy, "capillary-puncture", 0, models.OutcomeFailed)

		r, err := s.ProgressRecords(ctx, p, []models.User{amy})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := r.Checklists[models.ChecklistRef{ID: "venipuncture-winged-set", Version: 1}]; !ok {
			t.Fatalf("ProgressRecords loaded %d checklist versions; want the passed, unassigned venipuncture-winged-set 1 among them", len(r.Checklists))
		}
		r.Program = program
		check := func(what string, got models.StudentProgress) {
			t.Helper()
			if want := []string{"MAERB-2015 I.P.1.a", "MAERB-2015 I.P.2.b"}; !slices.Equal(got.Competencies, want) {
				t.Errorf("%s: competencies %v; want %v (the unassigned venipuncture counts, capillary puncture failed)", what, got.Competencies, want)
			}
			if len(got.Skills) != 1 {
				t.Errorf("%s: %d skills; want bp-manual alone, the one assigned", what, len(got.Skills))
			}
			for _, e := range got.Evidence {
				if e.Code != "MAERB-2015 I.P.2.b" {
					continue
				}
				var sources []string
				for _, src := range e.Sources {
					if src.ChecklistVersion != 1 || src.AttemptID == "" || src.Signer != "Ivy Instructor" {
						t.Errorf("%s: source %+v; want version 1, its attempt and signer", what, src)
					}
					sources = append(sources, src.ChecklistID)
				}
				if !slices.Equal(sources, []string{"order-of-draw-labeling", "venipuncture-winged-set"}) || !e.Sources[0].Partial {
					t.Errorf("%s: I.P.2.b from %v; want order of draw (partial) and the winged set", what, e.Sources)
				}
			}
		}
		check("progress", models.StudentProgressOf(amy, &r, "2026-03-01"))

		for _, sel := range []models.ExportSelection{
			{StudentID: amy.ID, ProgressOnly: true}, // from the standings
			{StudentID: amy.ID, Signed: true},       // from the attempts
		} {
			n := 0
			if err := s.EachStudentRecord(ctx, program, sel, "2099-01-01", func(rec *models.StudentRecord) error {
				n++
				check("export records", rec.Progress)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("EachStudentRecord(%+v) gave %d records; want amy's", sel, n)
			}
		}
	})
}

// TestProgramCompetencySettings stores a program's frameworks and evidence
// rules through the settings patch, leaving the rest of the program.
func TestProgramCompetencySettings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		before, err := s.Program(ctx, p) // cached by SQLite from here on
		if err != nil {
			t.Fatal(err)
		}
		if len(before.Frameworks) != 0 || !slices.Equal(before.CompetencyFrameworks(), models.DefaultFrameworks) {
			t.Errorf("a new program's frameworks = %v; want none stored, MAERB-2015 by default", before.Frameworks)
		}
		settings := models.CompetencySettings{Frameworks: []string{"MAERB-2015"}, EvidenceRules: []models.EvidenceRule{
			{Code: "MAERB-2015 I.P.2.c", Requires: []models.Requirement{{AnyOf: []string{"capillary-puncture"}}, {AnyOf: []string{"order-of-draw-labeling", "venipuncture-winged-set"}}}, Why: "ours"}}}
		ev := models.Event{Type: models.EventProgramUpdated, ProgramID: p, Actor: models.SystemActor, Subject: "program", SubjectID: p, Summary: "competencies"}
		set, err := s.UpdateProgramSettings(ctx, p, models.SettingsPatch{Competencies: &settings}, ev)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Program(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []models.Program{set, got} {
			if !slices.Equal(q.Frameworks, settings.Frameworks) || len(q.EvidenceRules) != 1 ||
				len(q.EvidenceRules[0].Requires) != 2 || !slices.Equal(q.EvidenceRules[0].Requires[1].AnyOf, []string{"order-of-draw-labeling", "venipuncture-winged-set"}) ||
				q.Name != before.Name || q.Grading != before.Grading {
				t.Errorf("program after the competencies patch = %+v; want the settings and the rest unchanged", q)
			}
		}
		ev.ProgramID, ev.SubjectID = "no-such-program", "no-such-program"
		if _, err := s.UpdateProgramSettings(ctx, "no-such-program", models.SettingsPatch{Competencies: &settings}, ev); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("the competencies patch of no such program = %v; want ErrNotFound", err)
		}
	})
}
