package exportjob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"skillbook/clock"
	"skillbook/models"
)

// Worker runs export jobs: it claims one at a time with a lease, renews
// the lease with its progress while it writes the file into the
// database, and sweeps expired files. Several workers, in several server
// instances, may run at once; a job whose worker died is taken up again
// once its lease runs out.
type Worker struct {
	Store WorkerStore
	Log   *slog.Logger
	// Owner names this worker in leases; unique per process.
	Owner string
	// Lease is how long a claim holds without renewal.
	Lease time.Duration
	// Beat is how often a running job reports progress (and renews).
	Beat time.Duration
	// Poll is how long the worker waits when no job is queued.
	Poll time.Duration
	// Retention is how long a finished file is kept.
	Retention time.Duration
	// Sweep is how often expired files are removed.
	Sweep time.Duration
	// Clock dates finished files and their expiry and schedules sweeps;
	// it must be the store's clock, which judges the leases.
	Clock clock.Clock

	// beat, when set, is told each progress report the worker records;
	// tests wait on it.
	beat func(done, total int)
}

// WorkerStore is what the worker asks of the store: leased claims of
// queued jobs, progress that renews the lease, the file written chunk by
// chunk, the job's end, and the retention sweep; and what it finds and
// renders (Finder, Source).
type WorkerStore interface {
	Finder
	Source
	ClaimExport(ctx context.Context, owner string, lease time.Duration) (models.ClaimedExport, bool, error)
	ExportProgress(ctx context.Context, owner, id string, done, total int, lease time.Duration) error
	CreateExportFile(ctx context.Context, programID, fileID string) models.ExportFileWriter
	DeleteExportFile(ctx context.Context, fileID string) error
	FinishExport(ctx context.Context, owner string, c models.ClaimedExport, f models.FinishedFile, expiresAt time.Time) (models.ExportJob, error)
	FailExport(ctx context.Context, owner string, c models.ClaimedExport, msg string, retry bool) error
	RemoveStaleExportFiles(ctx context.Context, id string) error
	SweepExports(ctx context.Context) (expired int, err error)
}

// newWorkerTag is a short random tag that tells this process's worker
// from another's on the same host and pid (a restarted container).
func newWorkerTag() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// DefaultRetention is how long finished files are kept unless configured.
const DefaultRetention = 24 * time.Hour

// NewWorker returns a worker with the usual timings.
func NewWorker(st WorkerStore, log *slog.Logger, retention time.Duration) *Worker {
	if log == nil {
		log = slog.Default()
	}
	if retention <= 0 {
		retention = DefaultRetention
	}
	host, _ := os.Hostname()
	return &Worker{Store: st, Log: log, Owner: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), newWorkerTag()),
		Lease: 2 * time.Minute, Beat: time.Second, Poll: 2 * time.Second, Retention: retention, Sweep: time.Minute,
		Clock: clock.System{}}
}

// Run works until ctx is done; a job running then is handed back to the
// queue for another instance.
func (w *Worker) Run(ctx context.Context) {
	lastSweep := time.Time{}
	for ctx.Err() == nil {
		if now := w.Clock.Now(); now.Sub(lastSweep) >= w.Sweep {
			lastSweep = now
			if n, err := w.Store.SweepExports(ctx); err != nil && ctx.Err() == nil {
				w.Log.Warn("sweep exports", "error", err)
			} else if n > 0 {
				w.Log.Info("removed expired export files", "count", n)
			}
		}
		ran, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.Log.Warn("export job", "error", err)
		}
		if ran {
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(w.Poll):
		}
	}
}

// RunOnce claims one job and runs it; it reports false when none waits.
func (w *Worker) RunOnce(ctx context.Context) (bool, error) {
	c, ok, err := w.Store.ClaimExport(ctx, w.Owner, w.Lease)
	if err != nil || !ok {
		return false, err
	}
	return true, w.run(ctx, c)
}

// run writes claimed job c's file and records the outcome.
func (w *Worker) run(ctx context.Context, c models.ClaimedExport) error {
	j := c.Job
	log := w.Log.With("exportId", j.ID, "kind", j.Request.Kind, "attempt", j.Attempts)
	if err := w.Store.RemoveStaleExportFiles(ctx, j.ID); err != nil {
		log.Warn("remove stale export files", "error", err)
	}
	started := w.Clock.Now()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()

	var done, total atomic.Int64
	total.Store(int64(j.Total))
	var lost atomic.Bool
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		t := time.NewTicker(w.Beat)
		defer t.Stop()
		for {
			select {
			case <-runCtx.Done():
				return
			case <-t.C:
			}
			err := w.Store.ExportProgress(runCtx, w.Owner, j.ID, int(done.Load()), int(total.Load()), w.Lease)
			if errors.Is(err, models.ErrConflict) {
				lost.Store(true)
				cancel()
				return
			}
			if err != nil && runCtx.Err() == nil {
				log.Warn("export progress", "error", err)
			}
			if err == nil && w.beat != nil {
				w.beat(int(done.Load()), int(total.Load()))
			}
		}
	}()

	plan, err := Prepare(runCtx, w.Store, nil, j.ProgramID, j.Request)
	file := w.Store.CreateExportFile(runCtx, j.ProgramID, c.FileID)
	if err == nil {
		total.Store(int64(plan.Units))
		err = Render(runCtx, w.Store, plan, file, func(d, t int) error {
			done.Store(int64(d))
			total.Store(int64(t))
			return nil
		})
	}
	if err == nil {
		err = file.Close()
	}
	cancel()
	<-beatDone

	// Outcome writes outlive a shutdown that interrupted the job.
	octx, ocancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer ocancel()
	if lost.Load() {
		_ = w.Store.DeleteExportFile(octx, c.FileID)
		return fmt.Errorf("export %s: lease lost; another worker runs it", j.ID)
	}
	if err != nil {
		retry := ctx.Err() != nil || errors.Is(err, models.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded)
		msg := "the export could not be written"
		var ve *models.ValidationError
		switch {
		case ctx.Err() != nil:
			msg = "a server stopping interrupted the export; it was queued again"
		case errors.As(err, &ve) || errors.Is(err, models.ErrNotFound):
			msg = "the export's cohort or student no longer exists or the request is invalid"
		}
		if ferr := w.Store.FailExport(octx, w.Owner, c, msg, retry); ferr != nil {
			log.Warn("record export failure", "error", ferr)
		}
		if ctx.Err() != nil {
			log.Info("export job handed back at shutdown")
			return nil
		}
		return fmt.Errorf("export %s: %w", j.ID, err)
	}
	finished := w.Clock.Now()
	expires := finished.UTC().Add(w.Retention)
	_, err = w.Store.FinishExport(octx, w.Owner, c, models.FinishedFile{
		Name: plan.FileName(started), ContentType: plan.Request.Format.ContentType(), Size: file.Size(), Chunks: file.Chunks(),
		Units: plan.Units,
	}, expires)
	if errors.Is(err, models.ErrConflict) {
		_ = w.Store.DeleteExportFile(octx, c.FileID)
	}
	if err != nil {
		return err
	}
	log.Info("export written", "bytes", file.Size(), "units", plan.Units, "took", finished.Sub(started).String())
	return nil
}
