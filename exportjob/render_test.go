package exportjob_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/exportjob"
	"skillbook/models"
)

// fakeRecords is an in-memory Finder and Source: one program, one cohort
// of two students and an instructor.
type fakeRecords struct {
	users map[string]models.User
	// asOf is the date the last EachStudentRecord was asked for.
	asOf string
}

var renderProgram = models.Program{ID: "p1", Name: "Northside MA"}

var renderCohort = models.Cohort{ID: "c1", ProgramID: "p1", Name: "Fall 2026"}

func newFakeRecords() *fakeRecords {
	return &fakeRecords{users: map[string]models.User{
		"ann": {ID: "ann", ProgramID: "p1", Name: "Ann", Role: models.RoleStudent, CohortIDs: []string{"c1"}},
		"bob": {ID: "bob", ProgramID: "p1", Name: "Bob", Role: models.RoleStudent, CohortIDs: []string{"c1"}},
		"ivy": {ID: "ivy", ProgramID: "p1", Name: "Ivy", Role: models.RoleInstructor, CohortIDs: []string{"c1"}},
	}}
}

func (f *fakeRecords) Program(_ context.Context, id string) (models.Program, error) {
	if id != renderProgram.ID {
		return models.Program{}, fmt.Errorf("program %s: %w", id, models.ErrNotFound)
	}
	return renderProgram, nil
}

func (f *fakeRecords) Cohort(_ context.Context, programID, id string) (models.Cohort, error) {
	if id != renderCohort.ID || programID != renderCohort.ProgramID {
		return models.Cohort{}, fmt.Errorf("cohort %s: %w", id, models.ErrNotFound)
	}
	return renderCohort, nil
}

func (f *fakeRecords) User(_ context.Context, programID, id string) (models.User, error) {
	u, ok := f.users[id]
	if !ok || u.ProgramID != programID {
		return models.User{}, fmt.Errorf("user %s: %w", id, models.ErrNotFound)
	}
	return u, nil
}

func (f *fakeRecords) CountArchive(context.Context, string) (int, error) { return 42, nil }

func (f *fakeRecords) students(sel models.ExportSelection) []models.User {
	var out []models.User
	for _, id := range []string{"ann", "bob"} {
		if u := f.users[id]; sel.StudentID == id || sel.StudentID == "" && u.InCohort(sel.CohortID) {
			out = append(out, u)
		}
	}
	return out
}

func (f *fakeRecords) CountExportStudents(_ context.Context, _ string, sel models.ExportSelection) (int, error) {
	return len(f.students(sel)), nil
}

func (f *fakeRecords) EachStudentRecord(_ context.Context, _ models.Program, sel models.ExportSelection, asOf string,
	fn func(*models.StudentRecord) error) error {
	f.asOf = asOf
	for _, u := range f.students(sel) {
		if err := fn(&models.StudentRecord{Student: u, Progress: models.StudentProgress{StudentID: u.ID, StudentName: u.Name, AsOf: asOf}}); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeRecords) ExportColumns(context.Context, string, string, models.Area) ([]models.ChecklistColumn, error) {
	return nil, nil
}

func (f *fakeRecords) ExportStaff(context.Context, string) (map[string]models.User, error) {
	return map[string]models.User{}, nil
}

func (f *fakeRecords) EachArchiveRecord(context.Context, string, func(string, []byte) error) error {
	return nil
}

func TestRenderIsDatedByItsPlan(t *testing.T) {
	st := newFakeRecords()
	at := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	clk := clock.NewFake(at)
	ctx := context.Background()
	tests := []struct {
		name string
		to   string
		asOf string
	}{
		{"standings of today (UTC-12)", "", "2026-10-04"},
		{"standings at the end of the period", "2026-09-30", "2026-09-30"},
		{"a period ending after today", "2027-01-01", "2026-10-04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := exportjob.Prepare(ctx, st, clk, "p1", models.ExportRequest{Kind: models.ExportMatrix, CohortID: "c1",
				Filter: models.ExportFilter{To: tt.to}})
			if err != nil {
				t.Fatal(err)
			}
			if !p.At.Equal(at) || p.Units != 2 || p.Subject != "Fall 2026" || !p.Direct() {
				t.Errorf("Prepare = %+v; want 2 students of Fall 2026 at %v", p, at)
			}
			var buf bytes.Buffer
			if err := exportjob.Render(ctx, st, p, &buf, nil); err != nil {
				t.Fatal(err)
			}
			if st.asOf != tt.asOf {
				t.Errorf("standings as of %s; want %s", st.asOf, tt.asOf)
			}
			rows, err := csv.NewReader(&buf).ReadAll()
			if err != nil || len(rows) != 3 {
				t.Errorf("matrix = %q, %v; want a header and 2 students", rows, err)
			}
		})
	}
}

func TestRenderReportsProgress(t *testing.T) {
	st := newFakeRecords()
	ctx := context.Background()
	p, err := exportjob.Prepare(ctx, st, clock.NewFake(time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)), "p1",
		models.ExportRequest{Kind: models.ExportTranscripts, CohortID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	stop := errors.New("stop")
	err = exportjob.Render(ctx, st, p, &bytes.Buffer{}, func(done, total int) error {
		seen = append(seen, done)
		if total != 2 {
			t.Errorf("progress total = %d; want 2", total)
		}
		return stop
	})
	if !errors.Is(err, stop) || len(seen) != 1 || seen[0] != 1 {
		t.Errorf("Render with a progress that stops = %v after %v; want stopped after the first student", err, seen)
	}
}

func TestFindNamesWhatItExports(t *testing.T) {
	st := newFakeRecords()
	ctx := context.Background()
	tests := []struct {
		name    string
		r       models.ExportRequest
		subject string
		units   int
		err     error
	}{
		{"a transcript", models.ExportRequest{Kind: models.ExportTranscript, StudentID: "ann"}, "Ann", 1, nil},
		{"the archive", models.ExportRequest{Kind: models.ExportArchive}, "Northside MA", 42, nil},
		{"the transcript of an instructor", models.ExportRequest{Kind: models.ExportTranscript, StudentID: "ivy"}, "", 0, models.ErrNotFound},
		{"a cohort elsewhere", models.ExportRequest{Kind: models.ExportMatrix, CohortID: "c9"}, "", 0, models.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := exportjob.Find(ctx, st, "p1", tt.r)
			if err == nil {
				err = exportjob.Count(ctx, st, &p)
			}
			if !errors.Is(err, tt.err) || err == nil && (p.Subject != tt.subject || p.Units != tt.units) {
				t.Errorf("Find = %+v, %v; want %q of %d units, error %v", p, err, tt.subject, tt.units, tt.err)
			}
		})
	}
	var ve *models.ValidationError
	if _, err := exportjob.Find(ctx, st, "p1", models.ExportRequest{Kind: models.ExportMatrix}); !errors.As(err, &ve) {
		t.Errorf("Find of a matrix without a cohort = %v; want a validation error", err)
	}
}
