package workflow

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"skillbook/clock"
	"skillbook/exportjob"
	"skillbook/models"
)

// exportStores is what the Exports use cases need of the store.
type exportStores interface {
	exportjob.Finder
	exportjob.Source
	ExportRecordStore
	ExportFileStore
}

// ExportRecordStore records exports and reads them back.
type ExportRecordStore interface {
	// CreateExport records export j as given (a direct export done, or a
	// job queued) with its events, atomically.
	CreateExport(ctx context.Context, j models.ExportJob, events ...models.Event) error
	// QueueExport records queued job j with its events as CreateExport
	// does, unless its requester already has maxPending jobs queued or
	// running in j's program: then it writes nothing and queued is false.
	QueueExport(ctx context.Context, j models.ExportJob, maxPending int, events ...models.Event) (queued bool, err error)
	// ExportJob returns export id of programID; another program's is
	// models.ErrNotFound.
	ExportJob(ctx context.Context, programID, id string) (models.ExportJob, error)
}

// ExportFileStore serves the files of finished export jobs.
type ExportFileStore interface {
	// ExportFileOf returns the stored file of done job j: its id and
	// number of chunks; models.ErrNotFound when it has none.
	ExportFileOf(ctx context.Context, j models.ExportJob) (fileID string, chunks int, err error)
	// RecordExportDownload counts a download of j's file with its events,
	// if j is still done; else models.ErrNotFound.
	RecordExportDownload(ctx context.Context, j models.ExportJob, events ...models.Event) error
	// OpenExportFile reads file fileID of programID, of chunks chunks;
	// ctx bounds every read.
	OpenExportFile(ctx context.Context, programID, fileID string, chunks int) io.ReadCloser
}

// Exports holds the use cases of taking records out of Skillbook: direct
// exports answered in their own response, export jobs written by a
// worker, and their downloads. Every export and download is audited.
type Exports struct {
	store exportStores
	clock clock.Clock
}

func newExports(store exportStores, clk clock.Clock) *Exports {
	return &Exports{store: store, clock: clk}
}

// newExportID is the id of a new export: time-ordered (UUIDv7), as the
// engines' ids.
func newExportID() string { return uuid.Must(uuid.NewV7()).String() }

// plan finds what r names in the caller's program, checks that the caller
// may export it (models.CanExport), and counts what it covers.
func (e *Exports) plan(ctx context.Context, caller Caller, r models.ExportRequest) (exportjob.Plan, error) {
	p, err := e.authorize(ctx, caller, r)
	if err != nil {
		return exportjob.Plan{}, err
	}
	if err := exportjob.Count(ctx, e.store, &p); err != nil {
		return exportjob.Plan{}, err
	}
	p.At = e.clock.Now().UTC()
	return p, nil
}

// authorize finds what r names in the caller's program and checks that the
// caller may export it. Another program's records are models.ErrNotFound;
// records the caller may not export, models.ErrForbidden.
func (e *Exports) authorize(ctx context.Context, caller Caller, r models.ExportRequest) (exportjob.Plan, error) {
	p, err := exportjob.Find(ctx, e.store, caller.ProgramID, r)
	if err != nil {
		return exportjob.Plan{}, err
	}
	var student *models.User
	if p.Request.Kind == models.ExportTranscript || (p.Request.Kind == models.ExportCompetencyChecklist && p.Request.StudentID != "") {
		student = &p.Student
	}
	if models.CanExport(caller.User, p.Request.Kind, p.Cohort.ID, student) {
		return p, nil
	}
	msg := "only admins and the cohort's instructors export its records"
	switch p.Request.Kind {
	case models.ExportArchive:
		msg = "only program admins export the full archive"
	case models.ExportTranscript:
		msg = "you may not export this student's transcript"
	case models.ExportAccreditation:
		msg = "only program admins export the accreditation summary"
	case models.ExportCompetencyChecklist:
		msg = "only program admins export the Master Competency Checklist"
	}
	return exportjob.Plan{}, fmt.Errorf("%w: %s", models.ErrForbidden, msg)
}

// ExportedFile is a file answered in the response that asked for it.
type ExportedFile struct {
	Name        string
	ContentType string
	Body        []byte
}

// DirectExport writes r in memory and answers it, when it covers at most
// exportjob.DirectLimit students; a larger one is a RuleError
// export-job-required (start it with CreateExport). The export is recorded
// done, with its audit entry: who exported whose records.
func (e *Exports) DirectExport(ctx context.Context, caller Caller, r models.ExportRequest) (ExportedFile, error) {
	p, err := e.plan(ctx, caller, r)
	if err != nil {
		return ExportedFile{}, err
	}
	if !p.Direct() {
		return ExportedFile{}, &models.RuleError{Code: "export-job-required", Detail: fmt.Sprintf(
			"this export covers %d students, more than the %d answered directly: start it as a job with POST /v1/exports, "+
				"follow its progress at GET /v1/exports/{id} and download it when it is done", p.Units, exportjob.DirectLimit)}
	}
	var buf bytes.Buffer
	if err := exportjob.Render(ctx, e.store, p, &buf, nil); err != nil {
		return ExportedFile{}, err
	}
	j := models.DirectExportJob(newExportID(), p.Program.ID, p.Request, p.Subject, p.Units, caller.Actor(), p.At)
	if err := e.store.CreateExport(ctx, j, models.ExportEvent(models.EventExportDownloaded, caller.Actor(), j, p.At)); err != nil {
		return ExportedFile{}, err
	}
	return ExportedFile{Name: p.FileName(p.At), ContentType: p.Request.Format.ContentType(), Body: buf.Bytes()}, nil
}

// MaxPendingExports is how many export jobs one user may have queued or
// running at once: a job costs a worker's time and a file's storage, and
// the next can be asked for as soon as one is done.
const MaxPendingExports = 3

// pendingExportsRetry is the wait suggested to a user at the cap: about
// how long a job takes.
const pendingExportsRetry = 30 * time.Second

// CreateExport queues r as a job for a worker to write, whatever its size;
// the program archive is always a job. A user with MaxPendingExports jobs
// queued or running is refused (models.Limited) until one ends.
func (e *Exports) CreateExport(ctx context.Context, caller Caller, r models.ExportRequest) (models.ExportJob, error) {
	p, err := e.plan(ctx, caller, r)
	if err != nil {
		return models.ExportJob{}, err
	}
	j := models.QueuedExportJob(newExportID(), p.Program.ID, p.Request, p.Subject, p.Units, caller.Actor(), p.At)
	queued, err := e.store.QueueExport(ctx, j, MaxPendingExports, models.ExportEvent(models.EventExportRequested, caller.Actor(), j, p.At))
	if err != nil {
		return models.ExportJob{}, err
	}
	if !queued {
		return models.ExportJob{}, &models.Limited{Code: "too-many-pending-exports", RetryAfter: pendingExportsRetry,
			Detail: fmt.Sprintf("you already have %d export jobs queued or running; download or wait for one of them (GET /v1/exports/{id}) before asking for another", MaxPendingExports)}
	}
	return j, nil
}

// Export returns an export the caller may follow (models.CanFollowExport):
// their own, or any of the program's for an admin. Others are
// models.ErrNotFound.
func (e *Exports) Export(ctx context.Context, caller Caller, id string) (models.ExportJob, error) {
	j, err := e.store.ExportJob(ctx, caller.ProgramID, id)
	if err != nil {
		return models.ExportJob{}, err
	}
	if !models.CanFollowExport(caller.User, j) {
		return models.ExportJob{}, fmt.Errorf("export %s of another user: %w", id, models.ErrNotFound)
	}
	return j, nil
}

// ExportFile is a finished job's file, ready to stream.
type ExportFile struct {
	Job models.ExportJob
	// Open reads the file; ctx bounds every read, so a response streamed
	// after its request's context ended needs a context of its own.
	Open func(ctx context.Context) io.ReadCloser
}

// ExportFile hands out a finished job's file and audits the download. The
// caller must follow the job (see Export) and still be allowed to take its
// records. A job not done yet is models.ErrConflict; one whose file
// expired (its status says so, or its expiry passed) is
// models.ErrExportExpired; a direct export has no file (models.ErrNotFound).
func (e *Exports) ExportFile(ctx context.Context, caller Caller, id string) (ExportFile, error) {
	j, err := e.Export(ctx, caller, id)
	if err != nil {
		return ExportFile{}, err
	}
	now := e.clock.Now().UTC()
	switch {
	case j.Direct:
		return ExportFile{}, fmt.Errorf("export %s was answered directly: %w", j.ID, models.ErrNotFound)
	case j.Status == models.ExportExpired, j.Status == models.ExportDone && j.ExpiresAt != nil && !now.Before(*j.ExpiresAt):
		return ExportFile{}, fmt.Errorf("export %s: %w", j.ID, models.ErrExportExpired)
	case j.Status != models.ExportDone:
		return ExportFile{}, fmt.Errorf("%w: the export is %s (%d%% done); download it when its status is done", models.ErrConflict, j.Status, j.Percent)
	}
	if _, err := e.authorize(ctx, caller, j.Request); err != nil {
		return ExportFile{}, err
	}
	fileID, chunks, err := e.store.ExportFileOf(ctx, j)
	if err != nil {
		return ExportFile{}, err
	}
	if err := e.store.RecordExportDownload(ctx, j, models.ExportEvent(models.EventExportDownloaded, caller.Actor(), j, now)); err != nil {
		return ExportFile{}, err
	}
	programID := j.ProgramID
	return ExportFile{Job: j, Open: func(ctx context.Context) io.ReadCloser {
		return e.store.OpenExportFile(ctx, programID, fileID, chunks)
	}}, nil
}
