package export_test

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/export"
	"skillbook/models"
)

// BenchmarkTranscriptsZIP renders the transcripts ZIP of a cohort of 100
// students, each assigned 30 checklists of the shipped library with three
// evaluations each (a failure, then two signed passes), the size of the
// exportjob benchmark's cohort. Names mix scripts so the embedded fonts'
// glyphs for Latin, Greek and Cyrillic are all subset into the files.
//
//	go test ./export -run '^$' -bench TranscriptsZIP -benchtime 3x
func BenchmarkTranscriptsZIP(b *testing.B) {
	records := benchRecords(b, 100, 30, 3)
	t := export.Transcript{ProgramName: "Benchmark College", GeneratedAt: generated,
		Staff: map[string]models.User{"u-ivy": {ID: "u-ivy", Name: "Ivy Instructor", Credential: "CMA (AAMA)"}}}
	students := func(fn func(*models.StudentRecord) error) error {
		for _, r := range records {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	var size int64
	for b.Loop() {
		var out countingWriter
		if err := export.TranscriptsZIP(&out, t, students); err != nil {
			b.Fatal(err)
		}
		size = int64(out)
	}
	b.ReportMetric(float64(size)/(1<<20), "zip-MB")
	b.ReportMetric(float64(size)/float64(len(records))/1024, "KB/student")
}

// BenchmarkTranscriptPDF renders one student's transcript of 30
// checklists with three evaluations each, the student named in Latin
// letters or in Chinese characters (which makes the document read and
// embed the CJK face too).
//
//	go test ./export -run '^$' -bench TranscriptPDF -benchtime 20x
func BenchmarkTranscriptPDF(b *testing.B) {
	t := export.Transcript{ProgramName: "Benchmark College", GeneratedAt: generated,
		Staff: map[string]models.User{"u-ivy": {ID: "u-ivy", Name: "Ivy Instructor", Credential: "CMA (AAMA)"}}}
	for _, tc := range []struct{ script, name string }{{"latin", "Zoë Ñandú-Łukasz"}, {"cjk", "王小明 Wang"}} {
		r := *benchRecords(b, 1, 30, 3)[0]
		r.Student.Name = tc.name
		b.Run(tc.script, func(b *testing.B) {
			for b.Loop() {
				var out countingWriter
				if err := export.TranscriptPDF(&out, t, &r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchRecords builds the records of students students.
func benchRecords(tb testing.TB, students, checklistCount, evals int) []*models.StudentRecord {
	tb.Helper()
	lib, err := checklists.Library()
	if err != nil {
		tb.Fatal(err)
	}
	slices.SortFunc(lib, func(a, b models.Checklist) int { return strings.Compare(a.ID, b.ID) })
	lib = lib[:checklistCount]
	r := models.ProgressRecords{Program: models.Program{ID: "p1", Name: "Benchmark College", Grading: models.DefaultGrading},
		Checklists: map[models.ChecklistRef]models.Checklist{}}
	for _, c := range lib {
		r.Checklists[models.ChecklistRef{ID: c.ID, Version: c.Version}] = c
		r.Assignments = append(r.Assignments, models.Assignment{ProgramID: "p1", ChecklistID: c.ID, ChecklistVersion: c.Version,
			Area: c.Area, CohortID: "c1"})
	}
	names := []string{"Student", "Ζωή Παπαδοπούλου", "Ирина Жукова", "Zoë Ñandú-Łukasz"}
	base := time.Date(2026, 9, 15, 9, 0, 0, 0, time.UTC)
	var users []models.User
	var attempts []models.Attempt
	for i := range students {
		u := models.User{ID: fmt.Sprintf("u-%06d", i), ProgramID: "p1", Name: fmt.Sprintf("%s %06d", names[i%len(names)], i),
			Email: fmt.Sprintf("student%06d@bench.test", i), Role: models.RoleStudent, CohortIDs: []string{"c1"}}
		users = append(users, u)
		for ci, c := range lib {
			for k := range evals {
				at := base.Add(time.Duration(ci*24+k) * time.Hour)
				a := models.Attempt{ID: fmt.Sprintf("a-%06d-%02d-%d", i, ci, k), ProgramID: "p1", StudentID: u.ID, StudentName: u.Name,
					CohortID: "c1", ChecklistID: c.ID, ChecklistVersion: c.Version, ChecklistTitle: c.Title, Area: c.Area,
					Kind: models.AttemptEvaluation, Status: models.StatusPassed, RequestedAt: at.Add(-time.Hour),
					Evaluation: &models.Evaluation{ID: fmt.Sprintf("e-%06d-%02d-%d", i, ci, k), EvaluatorID: "u-ivy",
						Setting: models.SettingSkillsLab, Grading: models.DefaultGrading, EvaluatedAt: at, Score: 100, Outcome: models.OutcomePassed}}
				if k == 0 {
					a.Status, a.Evaluation.Outcome, a.Evaluation.Score, a.Evaluation.Comment = models.StatusFailed, models.OutcomeFailed, 90, "Practise again."
				} else {
					a.Evaluation.Signature = &models.Signature{SignerID: "u-ivy", SignerName: "Ivy Instructor", SignerCredential: "CMA (AAMA)",
						SignedAt: at, Method: models.SignedInSession, Meaning: models.SignatureMeaning, Digest: annDigest}
				}
				attempts = append(attempts, a)
			}
		}
	}
	r.Standings = models.StandingsOf(attempts)
	out := make([]*models.StudentRecord, len(users))
	for i, u := range users {
		out[i] = &models.StudentRecord{Student: u, CohortNames: []string{"Fall 2026"}, Progress: models.StudentProgressOf(u, &r, "2026-11-20"),
			Evaluations: attempts[i*checklistCount*evals : (i+1)*checklistCount*evals], Standings: r.Standings[u.ID]}
	}
	return out
}

// countingWriter counts and discards what is written.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)
