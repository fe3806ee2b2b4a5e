package sqlite

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"skillbook/checklists"
	"skillbook/exportjob"
	"skillbook/models"
)

// BenchmarkExportRender seeds one cohort of SKILLBOOK_BENCH_STUDENTS
// students (default 200; 2,000 is the size) × 30 checklists × 3
// evaluations through the archive import, then renders the cohort's
// matrix as CSV and the program's archive, reporting records per second
// (evaluations for the matrix, archive records for the archive) and the
// peak live heap, sampled every 10 ms:
//
//	SKILLBOOK_BENCH_STUDENTS=2000 go test ./store/sqlite -run '^$' -bench ExportRender -benchtime 1x
func BenchmarkExportRender(b *testing.B) {
	students := 200
	if v := os.Getenv("SKILLBOOK_BENCH_STUDENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("SKILLBOOK_BENCH_STUDENTS = %q; want a number of students", v)
		}
		students = n
	}
	s, _ := openTest(b)
	exportLibrary(b, s)
	program, cohort, evaluations := exportBenchSeed(b, s, students, 30, 3)
	ctx := b.Context()
	for _, tc := range []struct {
		name string
		req  models.ExportRequest
	}{
		{"csv", models.ExportRequest{Kind: models.ExportMatrix, Format: models.FormatCSV, CohortID: cohort.ID}},
		{"ndjson", models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}},
	} {
		b.Run(fmt.Sprintf("%s/students=%d", tc.name, students), func(b *testing.B) {
			plan := exportjob.Plan{Request: tc.req, Program: program, Cohort: cohort, Subject: cohort.Name, Units: students, At: testEpoch}
			records := evaluations
			if tc.req.Kind == models.ExportArchive {
				n, err := s.CountArchive(ctx, program.ID)
				if err != nil {
					b.Fatal(err)
				}
				plan.Units, records = n, n
			}
			var took time.Duration
			var live uint64
			for b.Loop() {
				started := time.Now()
				live = exportPeakLive(func() {
					if err := exportjob.Render(ctx, s, plan, exportDiscard{}, nil); err != nil {
						b.Fatal(err)
					}
				})
				took = time.Since(started)
			}
			b.ReportMetric(float64(records)/took.Seconds(), "records/s")
			b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
		})
	}
}

type exportDiscard struct{}

func (exportDiscard) Write(p []byte) (int, error) { return len(p), nil }

// exportPeakLive runs f and returns the highest live heap a collection
// marked while it ran, sampled every 10 ms.
func exportPeakLive(f func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	sample := func() {
		m := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(m)
		if v := m[0].Value.Uint64(); v > peak.Load() {
			peak.Store(v)
		}
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	f()
	close(stop)
	<-stopped
	sample()
	return peak.Load()
}

// exportBenchSeed imports a program of students, each assigned
// checklistCount shipped checklists with evals evaluations each (the
// first failed, the others passed and signed), as exportjob's benchmark
// seeds the MongoDB engine.
func exportBenchSeed(tb testing.TB, s *Store, students, checklistCount, evals int) (models.Program, models.Cohort, int) {
	tb.Helper()
	ctx := tb.Context()
	lib, err := checklists.Library()
	if err != nil {
		tb.Fatal(err)
	}
	slices.SortFunc(lib, func(a, b models.Checklist) int { return strings.Compare(a.ID, b.ID) })
	lib = lib[:checklistCount]
	base := time.Date(2026, 9, 15, 9, 0, 0, 0, time.UTC)
	program := models.Program{ID: newID(), Name: "Benchmark College", Grading: models.DefaultGrading, CreatedAt: base}
	cohort := models.Cohort{ID: newID(), ProgramID: program.ID, Name: "Fall 2026", StartDate: "2026-09-01", Version: 1, CreatedAt: base}
	instructor := models.User{ID: newID(), ProgramID: program.ID, Email: "ivy@bench.test", Name: "Ivy Instructor", Role: models.RoleInstructor,
		Credential: "CMA (AAMA)", CohortIDs: []string{cohort.ID}, Active: true, Version: 1, CreatedAt: base}
	im, err := s.BeginArchiveImport(ctx, program.ID)
	if err != nil {
		tb.Fatal(err)
	}
	add := func(kind string, v any) {
		doc, err := bson.MarshalExtJSON(v, true, false)
		if err != nil {
			tb.Fatal(err)
		}
		if err := im.Add(ctx, kind, doc); err != nil {
			tb.Fatal(err)
		}
	}
	add(ArchiveProgram, program)
	add("cohort", cohort)
	add("user", instructor)
	for _, c := range lib {
		add("assignment", models.Assignment{ID: newID(), ProgramID: program.ID, ChecklistID: c.ID, ChecklistVersion: c.Version, Area: c.Area,
			CohortID: cohort.ID, Version: 1, CreatedAt: base})
	}
	n := 0
	for i := range students {
		u := models.User{ID: newID(), ProgramID: program.ID, Email: fmt.Sprintf("student%06d@bench.test", i), Name: fmt.Sprintf("Student %06d", i),
			Role: models.RoleStudent, CohortIDs: []string{cohort.ID}, Active: true, Version: 1, CreatedAt: base, UpdatedAt: base}
		add("user", u)
		for ci, c := range lib {
			for k := range evals {
				n++
				at := base.Add(time.Duration(ci*24+k) * time.Hour)
				a := models.Attempt{ID: newID(), ProgramID: program.ID, StudentID: u.ID, StudentName: u.Name, CohortID: cohort.ID,
					ChecklistID: c.ID, ChecklistVersion: c.Version, ChecklistTitle: c.Title, Area: c.Area, Kind: models.AttemptEvaluation,
					RequestedAt: at.Add(-time.Hour), Version: 2, UpdatedAt: at}
				a.OpenSlot = a.ID
				e := models.Evaluation{ID: newID(), EvaluatorID: instructor.ID, Setting: models.SettingSkillsLab,
					Grading: models.DefaultGrading, EvaluatedAt: at, Score: 100, Outcome: models.OutcomePassed}
				for si, st := range c.Steps {
					g := models.StepGrade{StepID: st.ID, Result: models.StepPass}
					if k == 0 && si == 0 {
						g = models.StepGrade{StepID: st.ID, Result: models.StepFail, Comment: "Missed: " + st.Text}
					}
					e.Steps = append(e.Steps, g)
				}
				a.Evaluation = &e
				if k == 0 {
					a.Status, e.Outcome, e.Score, e.Comment = models.StatusFailed, models.OutcomeFailed, 90, "Practise again."
				} else {
					a.Status = models.StatusPassed
				}
				// Signed as the server signs: passes and failures alike.
				if err := models.Sign(ctx, &a, instructor, models.SignedInSession, at, testKey); err != nil {
					tb.Fatal(err)
				}
				add("attempt", a)
			}
		}
	}
	if _, err := im.Close(ctx); err != nil {
		tb.Fatal(err)
	}
	return program, cohort, n
}
