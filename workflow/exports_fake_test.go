package workflow

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"skillbook/models"
)

// fakeExports is an in-memory exportStores: one program's users and
// cohorts, recorded exports with their events, and job files by id.
type fakeExports struct {
	program models.Program
	cohorts map[string]models.Cohort
	users   map[string]models.User
	jobs    map[string]models.ExportJob
	events  []models.Event
	files   map[string][]byte // by job id
	// asOf is the date the last EachStudentRecord was asked for.
	asOf string
}

func newFakeExports(program models.Program) *fakeExports {
	return &fakeExports{program: program, cohorts: map[string]models.Cohort{}, users: map[string]models.User{},
		jobs: map[string]models.ExportJob{}, files: map[string][]byte{}}
}

func (f *fakeExports) Program(_ context.Context, id string) (models.Program, error) {
	if id != f.program.ID {
		return models.Program{}, fmt.Errorf("find program %s: %w", id, models.ErrNotFound)
	}
	return f.program, nil
}

func (f *fakeExports) Cohort(_ context.Context, programID, id string) (models.Cohort, error) {
	c, ok := f.cohorts[id]
	if !ok || c.ProgramID != programID {
		return models.Cohort{}, fmt.Errorf("find cohort %s: %w", id, models.ErrNotFound)
	}
	return c, nil
}

func (f *fakeExports) User(_ context.Context, programID, id string) (models.User, error) {
	u, ok := f.users[id]
	if !ok || u.ProgramID != programID {
		return models.User{}, fmt.Errorf("find user %s: %w", id, models.ErrNotFound)
	}
	return u, nil
}

func (f *fakeExports) CountArchive(context.Context, string) (int, error) { return len(f.users), nil }

// studentsOf lists the students sel chooses.
func (f *fakeExports) studentsOf(sel models.ExportSelection) []models.User {
	var out []models.User
	for _, u := range f.users {
		if u.Role == models.RoleStudent && (u.ID == sel.StudentID || sel.StudentID == "" && u.InCohort(sel.CohortID)) {
			out = append(out, u)
		}
	}
	return out
}

func (f *fakeExports) CountExportStudents(_ context.Context, _ string, sel models.ExportSelection) (int, error) {
	return len(f.studentsOf(sel)), nil
}

func (f *fakeExports) EachStudentRecord(_ context.Context, _ models.Program, sel models.ExportSelection, asOf string,
	fn func(*models.StudentRecord) error) error {
	f.asOf = asOf
	for _, u := range f.studentsOf(sel) {
		if err := fn(&models.StudentRecord{Student: u, Progress: models.StudentProgress{StudentID: u.ID, StudentName: u.Name, AsOf: asOf}}); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeExports) ExportColumns(context.Context, string, string, models.Area) ([]models.ChecklistColumn, error) {
	return nil, nil
}

func (f *fakeExports) ExportStaff(context.Context, string) (map[string]models.User, error) {
	return map[string]models.User{}, nil
}

func (f *fakeExports) EachArchiveRecord(context.Context, string, func(string, []byte) error) error {
	return nil
}

func (f *fakeExports) CreateExport(_ context.Context, j models.ExportJob, events ...models.Event) error {
	if _, ok := f.jobs[j.ID]; ok {
		return fmt.Errorf("record export %s: %w", j.ID, models.ErrConflict)
	}
	f.jobs[j.ID] = j
	f.events = append(f.events, events...)
	return nil
}

func (f *fakeExports) QueueExport(ctx context.Context, j models.ExportJob, maxPending int, events ...models.Event) (bool, error) {
	pending := 0
	for _, o := range f.jobs {
		if o.ProgramID == j.ProgramID && o.RequestedBy.UserID == j.RequestedBy.UserID &&
			(o.Status == models.ExportQueued || o.Status == models.ExportRunning) {
			pending++
		}
	}
	if pending >= maxPending {
		return false, nil
	}
	return true, f.CreateExport(ctx, j, events...)
}

func (f *fakeExports) ExportJob(_ context.Context, programID, id string) (models.ExportJob, error) {
	j, ok := f.jobs[id]
	if !ok || j.ProgramID != programID {
		return models.ExportJob{}, fmt.Errorf("find export %s: %w", id, models.ErrNotFound)
	}
	return j, nil
}

func (f *fakeExports) ExportFileOf(_ context.Context, j models.ExportJob) (string, int, error) {
	if _, ok := f.files[j.ID]; !ok || f.jobs[j.ID].Status != models.ExportDone {
		return "", 0, fmt.Errorf("export file of %s: %w", j.ID, models.ErrNotFound)
	}
	return j.ID, 1, nil
}

func (f *fakeExports) RecordExportDownload(_ context.Context, j models.ExportJob, events ...models.Event) error {
	stored, ok := f.jobs[j.ID]
	if !ok || stored.Status != models.ExportDone {
		return fmt.Errorf("download export %s: %w", j.ID, models.ErrNotFound)
	}
	stored.Downloads++
	f.jobs[j.ID] = stored
	f.events = append(f.events, events...)
	return nil
}

func (f *fakeExports) OpenExportFile(_ context.Context, _, fileID string, _ int) io.ReadCloser {
	return io.NopCloser(bytes.NewReader(f.files[fileID]))
}

// finish marks job id done with file body, kept until expires, as a
// worker does.
func (f *fakeExports) finish(id string, body []byte, expires time.Time) {
	j := f.jobs[id]
	j.Status, j.ExpiresAt, j.Size, j.Done, j.Percent = models.ExportDone, &expires, int64(len(body)), j.Total, 100
	j.FileName, j.ContentType = "matrix.csv", j.Request.Format.ContentType()
	f.jobs[id], f.files[id] = j, body
}

// eventsOf lists the types of the events recorded about export id.
func (f *fakeExports) eventsOf(id string) []models.EventType {
	var out []models.EventType
	for _, e := range f.events {
		if e.SubjectID == id {
			out = append(out, e.Type)
		}
	}
	return out
}
