package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"skillbook/models"
	"skillbook/workflow"
)

var (
	_ workflow.ExportRecordStore = (*Store)(nil)
	_ workflow.ExportFileStore   = (*Store)(nil)
)

// Exports are rows of export_jobs. A direct export (answered in the
// response that asked for it) is stored done, with no file, to carry its
// audit event. A job is queued; a worker of any server instance claims it
// with a lease, reports progress (which renews the lease) and writes the
// file as chunks (exports_files.go); a worker that dies leaves a lease
// that expires, and the next claim starts the job again with a new file,
// listing the old one in export_stale_files for removal. Every write of a
// worker is conditional on still holding the lease. Each change, with its
// events, is one transaction.

// MaxExportAttempts is how many times a job is started before it is
// failed for good.
const MaxExportAttempts = 3

// exportRow is an export as stored: the job (doc) and the worker's state
// kept in columns only.
type exportRow struct {
	job        models.ExportJob
	leaseOwner string
	leaseUntil time.Time
	// fileID names the chunks of the running attempt's or the finished
	// file.
	fileID string
	chunks int
}

// exportQuerier is a transaction or the reader pool.
type exportQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const exportRowColumns = `doc, lease_owner, lease_until, file_id, chunks`

// exportRowByID reads export id through q.
func exportRowByID(ctx context.Context, q exportQuerier, id string) (exportRow, error) {
	var (
		r          exportRow
		doc        string
		leaseUntil int64
	)
	err := q.QueryRowContext(ctx, `SELECT `+exportRowColumns+` FROM export_jobs WHERE id = ?`, id).
		Scan(&doc, &r.leaseOwner, &leaseUntil, &r.fileID, &r.chunks)
	if err != nil {
		return exportRow{}, fmt.Errorf("find export %s: %w", id, translate(err))
	}
	if err := decode(doc, &r.job); err != nil {
		return exportRow{}, err
	}
	r.leaseUntil = fromMS(leaseUntil)
	return r, nil
}

func expiresMS(j models.ExportJob) int64 {
	if j.ExpiresAt == nil {
		return 0
	}
	return ms(*j.ExpiresAt)
}

// insertExport stores r as a new export; a repeated id is ErrConflict.
func insertExport(ctx context.Context, tx *sql.Tx, r exportRow) error {
	doc, err := encode(r.job)
	if err != nil {
		return err
	}
	j := r.job
	_, err = tx.ExecContext(ctx, `INSERT INTO export_jobs (id, program_id, status, direct, lease_owner, lease_until, created_at,
		expires_at, version, attempts, file_id, chunks, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.ID, j.ProgramID, string(j.Status), j.Direct, r.leaseOwner, ms(r.leaseUntil), ms(j.CreatedAt),
		expiresMS(j), j.Version, j.Attempts, r.fileID, r.chunks, doc)
	if err != nil {
		return fmt.Errorf("record export %s: %w", j.ID, translate(err))
	}
	return nil
}

// saveExport writes r back, its version one up.
func saveExport(ctx context.Context, tx *sql.Tx, r *exportRow) error {
	r.job.Version++
	doc, err := encode(r.job)
	if err != nil {
		return err
	}
	j := r.job
	_, err = tx.ExecContext(ctx, `UPDATE export_jobs SET status = ?, direct = ?, lease_owner = ?, lease_until = ?, expires_at = ?,
		version = ?, attempts = ?, file_id = ?, chunks = ?, doc = ? WHERE id = ?`,
		string(j.Status), j.Direct, r.leaseOwner, ms(r.leaseUntil), expiresMS(j), j.Version, j.Attempts, r.fileID, r.chunks, doc, j.ID)
	if err != nil {
		return fmt.Errorf("update export %s: %w", j.ID, translate(err))
	}
	return nil
}

// staleExportFile lists fileID of job id for removal.
func staleExportFile(ctx context.Context, tx *sql.Tx, id, fileID string) error {
	if fileID == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO export_stale_files (job_id, file_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, fileID)
	if err != nil {
		return fmt.Errorf("list stale export file of %s: %w", id, translate(err))
	}
	return nil
}

// exportEvent is event typ of export j caused by Skillbook itself (a
// worker or the sweep), stamped now.
func (s *Store) exportEvent(typ models.EventType, j models.ExportJob) models.Event {
	e := models.ExportEvent(typ, models.SystemActor, j, s.now())
	e.ID = newID()
	return e
}

// CreateExport records export j as given (a direct export done, or a job
// queued) with its events, in one transaction; a repeated id is
// ErrConflict.
func (s *Store) CreateExport(ctx context.Context, j models.ExportJob, events ...models.Event) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := insertExport(ctx, tx, exportRow{job: j}); err != nil {
			return err
		}
		return s.recordEvents(ctx, tx, events...)
	})
}

// pendingExportsSQL counts a user's jobs queued or running in a program,
// through an index by status: few jobs are pending at any time, while a
// program's done direct exports pile up (the + keeps the planner off the
// program's index).
const pendingExportsSQL = `SELECT count(*) FROM export_jobs WHERE status IN (?, ?) AND direct = 0 AND +program_id = ?
	AND json_extract(doc, '$.requestedBy.userId') = ?`

// QueueExport records queued job j with its events, in the transaction
// that counts its requester's jobs still queued or running: none is
// recorded (queued false) when they have maxPending. The one writer makes
// the count and the insert one step, so a burst cannot pass the cap.
func (s *Store) QueueExport(ctx context.Context, j models.ExportJob, maxPending int, events ...models.Event) (bool, error) {
	queued := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		var pending int
		err := tx.QueryRowContext(ctx, pendingExportsSQL,
			string(models.ExportQueued), string(models.ExportRunning), j.ProgramID, j.RequestedBy.UserID).Scan(&pending)
		if err != nil {
			return fmt.Errorf("count pending exports: %w", translate(err))
		}
		if pending >= maxPending {
			return nil
		}
		if err := insertExport(ctx, tx, exportRow{job: j}); err != nil {
			return err
		}
		queued = true
		return s.recordEvents(ctx, tx, events...)
	})
	return queued, err
}

// RecordDirectExport records an export taken by actor outside the API
// (the command line) and answered directly, with its audit entry. j.Total
// is the number of students it covers.
func (s *Store) RecordDirectExport(ctx context.Context, actor models.Actor, j models.ExportJob) (models.ExportJob, error) {
	j = models.DirectExportJob(newID(), j.ProgramID, j.Request, j.Subject, j.Total, actor, s.now())
	return j, s.CreateExport(ctx, j, models.ExportEvent(models.EventExportDownloaded, actor, j, j.CreatedAt))
}

// CreateExportJob queues an export job for actor outside the API (tests
// and tools; the API asks workflow.Exports).
func (s *Store) CreateExportJob(ctx context.Context, actor models.Actor, j models.ExportJob) (models.ExportJob, error) {
	j = models.QueuedExportJob(newID(), j.ProgramID, j.Request, j.Subject, j.Total, actor, s.now())
	return j, s.CreateExport(ctx, j, models.ExportEvent(models.EventExportRequested, actor, j, j.CreatedAt))
}

// ExportJob returns export id of program; another program's is
// ErrNotFound.
func (s *Store) ExportJob(ctx context.Context, programID, id string) (models.ExportJob, error) {
	r, err := exportRowByID(ctx, s.reader, id)
	if err != nil {
		return models.ExportJob{}, err
	}
	if r.job.ProgramID != programID {
		return models.ExportJob{}, notFound("find export " + id)
	}
	return r.job, nil
}

// ClaimExport leases the oldest job that is queued, or running under a
// lease that expired (its worker died), to owner for lease, and starts
// its next attempt with a new file id. It returns false when there is
// none.
func (s *Store) ClaimExport(ctx context.Context, owner string, lease time.Duration) (models.ClaimedExport, bool, error) {
	var c models.ClaimedExport
	found := false
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var id string
		err := tx.QueryRowContext(ctx, claimExportQuery, string(models.ExportQueued), string(models.ExportRunning), ms(now), MaxExportAttempts).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("find export job to claim: %w", translate(err))
		}
		r, err := exportRowByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := staleExportFile(ctx, tx, id, r.fileID); err != nil {
			return err
		}
		r.leaseOwner, r.leaseUntil, r.fileID, r.chunks = owner, now.Add(lease), newID(), 0
		started := now
		j := &r.job
		j.Status, j.Attempts, j.StartedAt, j.Done, j.Percent = models.ExportRunning, j.Attempts+1, &started, 0, 0
		if err := saveExport(ctx, tx, &r); err != nil {
			return err
		}
		c, found = models.ClaimedExport{Job: r.job, FileID: r.fileID}, true
		return nil
	})
	if err != nil {
		return models.ClaimedExport{}, false, err
	}
	return c, found, nil
}

// claimExportQuery finds the oldest claimable job through export_jobs_status
// (status, lease_until): few rows are queued or running at once.
const claimExportQuery = `SELECT id FROM export_jobs WHERE status IN (?, ?) AND lease_until <= ? AND attempts < ? AND direct = 0
	ORDER BY id LIMIT 1`

// errExportLeaseLost is a worker write after its lease passed to another.
func errExportLeaseLost(id string) error {
	return fmt.Errorf("export job %s: %w: the lease was lost to another worker", id, models.ErrConflict)
}

// workerExport reads export id in tx for owner's write: ErrConflict
// (the lease was lost) unless owner holds it while it runs.
func workerExport(ctx context.Context, tx *sql.Tx, owner, id string) (exportRow, error) {
	r, err := exportRowByID(ctx, tx, id)
	if errors.Is(err, models.ErrNotFound) {
		return exportRow{}, errExportLeaseLost(id)
	}
	if err != nil {
		return exportRow{}, err
	}
	if r.leaseOwner != owner || r.job.Status != models.ExportRunning {
		return exportRow{}, errExportLeaseLost(id)
	}
	return r, nil
}

// ExportProgress records that owner has done done of total units of job
// id and renews its lease; ErrConflict when owner lost the lease.
func (s *Store) ExportProgress(ctx context.Context, owner, id string, done, total int, lease time.Duration) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		r, err := workerExport(ctx, tx, owner, id)
		if err != nil {
			return err
		}
		r.job.Done, r.job.Total, r.job.Percent = done, total, models.PercentOf(done, total)
		r.leaseUntil = s.now().Add(lease)
		return saveExport(ctx, tx, &r)
	})
}

// FinishExport marks job id done with its file, kept until expiresAt;
// ErrConflict when owner lost the lease (the caller then removes its
// file).
func (s *Store) FinishExport(ctx context.Context, owner string, c models.ClaimedExport, f models.FinishedFile, expiresAt time.Time) (models.ExportJob, error) {
	var out models.ExportJob
	err := s.write(ctx, func(tx *sql.Tx) error {
		r, err := workerExport(ctx, tx, owner, c.Job.ID)
		if err != nil {
			return err
		}
		if r.fileID != c.FileID {
			return errExportLeaseLost(c.Job.ID)
		}
		now := s.now()
		expires := expiresAt.UTC().Truncate(time.Millisecond)
		set := func(j *models.ExportJob) {
			j.Status, j.FinishedAt, j.ExpiresAt = models.ExportDone, &now, &expires
			j.FileName, j.ContentType, j.Size = f.Name, f.ContentType, f.Size
			j.Done, j.Total = f.Units, f.Units
		}
		evJob := c.Job
		set(&evJob)
		set(&r.job)
		r.job.Percent, r.job.Error = 100, ""
		r.leaseOwner, r.leaseUntil, r.chunks = "", now, f.Chunks
		if err := saveExport(ctx, tx, &r); err != nil {
			return err
		}
		out = r.job
		return s.recordEvents(ctx, tx, s.exportEvent(models.EventExportCompleted, evJob))
	})
	if err != nil {
		return models.ExportJob{}, err
	}
	return out, nil
}

// FailExport records that owner's attempt at job id failed with msg. With
// retry, and attempts left, the job is queued again (its file becomes
// stale); otherwise it fails for good.
func (s *Store) FailExport(ctx context.Context, owner string, c models.ClaimedExport, msg string, retry bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		r, err := workerExport(ctx, tx, owner, c.Job.ID)
		if err != nil {
			return err
		}
		now := s.now()
		if err := staleExportFile(ctx, tx, c.Job.ID, c.FileID); err != nil {
			return err
		}
		r.leaseOwner, r.leaseUntil, r.fileID = "", now, ""
		r.job.Error = msg
		var events []models.Event
		if retry && c.Job.Attempts < MaxExportAttempts {
			r.job.Status = models.ExportQueued
		} else {
			r.job.Status, r.job.FinishedAt = models.ExportFailed, &now
			events = append(events, s.exportEvent(models.EventExportFailed, c.Job))
		}
		if err := saveExport(ctx, tx, &r); err != nil {
			return err
		}
		return s.recordEvents(ctx, tx, events...)
	})
}

// RecordExportDownload counts a download of job j's file with its events
// (the audit of who took whose records), if the job is still done; else
// ErrNotFound.
func (s *Store) RecordExportDownload(ctx context.Context, j models.ExportJob, events ...models.Event) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		r, err := exportRowByID(ctx, tx, j.ID)
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return err
		}
		if err != nil || r.job.Status != models.ExportDone {
			return notFound("download export " + j.ID)
		}
		r.job.Downloads++
		if err := saveExport(ctx, tx, &r); err != nil {
			return err
		}
		return s.recordEvents(ctx, tx, events...)
	})
}

// ExportFileOf returns the finished file of job j for reading.
func (s *Store) ExportFileOf(ctx context.Context, j models.ExportJob) (fileID string, chunks int, err error) {
	r, err := exportRowByID(ctx, s.reader, j.ID)
	if err != nil {
		return "", 0, err
	}
	if r.job.ProgramID != j.ProgramID || r.job.Status != models.ExportDone || r.fileID == "" {
		return "", 0, notFound("export file of " + j.ID)
	}
	return r.fileID, r.chunks, nil
}
