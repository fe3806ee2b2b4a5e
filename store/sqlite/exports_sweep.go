package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"skillbook/models"
)

// exportMaxSweep bounds the exports one sweep handles.
const exportMaxSweep = 200

// Sweep candidates, each through an index: done files whose time has come
// (export_jobs_expiry), jobs that used up their attempts and whose last
// lease ran out (export_jobs_status), and jobs with abandoned files
// (export_stale_files, which holds only what is still to be removed).
const (
	sweepExpiredQuery = `SELECT id FROM export_jobs WHERE status = ? AND direct = 0 AND expires_at <= ? LIMIT ?`
	sweepDeadQuery    = `SELECT id FROM export_jobs WHERE status = ? AND lease_until <= ? AND attempts >= ? LIMIT ?`
	sweepStaleQuery   = `SELECT DISTINCT job_id FROM export_stale_files LIMIT ?`
)

// SweepExports expires finished files whose time has come, fails jobs
// that used up their attempts, and removes the chunks of expired and
// abandoned files. It is idempotent, so any instance may run it any time.
func (s *Store) SweepExports(ctx context.Context) (expired int, err error) {
	now := s.now()
	var ids []string
	seen := map[string]bool{}
	for _, q := range []struct {
		query string
		args  []any
	}{
		{sweepExpiredQuery, []any{string(models.ExportDone), ms(now)}},
		{sweepDeadQuery, []any{string(models.ExportRunning), ms(now), MaxExportAttempts}},
		{sweepStaleQuery, nil},
	} {
		if len(ids) >= exportMaxSweep {
			break
		}
		found, err := exportIDs(ctx, s.reader, q.query, append(q.args, exportMaxSweep-len(ids))...)
		if err != nil {
			return 0, err
		}
		for _, id := range found {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	for _, id := range ids {
		gone := false
		err := s.write(ctx, func(tx *sql.Tx) error {
			var err error
			gone, err = s.sweepExport(ctx, tx, id)
			return err
		})
		if err != nil {
			return expired, err
		}
		if gone {
			expired++
		}
	}
	return expired, nil
}

func exportIDs(ctx context.Context, db *sql.DB, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sweep exports: %w", translate(err))
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sweep exports: %w", translate(err))
		}
		ids = append(ids, id)
	}
	return ids, translate(rows.Err())
}

// sweepExport expires or fails export id if its time has come, checked
// again in tx, and removes its abandoned files. It reports whether it
// expired a file.
func (s *Store) sweepExport(ctx context.Context, tx *sql.Tx, id string) (expired bool, err error) {
	now := s.now()
	r, err := exportRowByID(ctx, tx, id)
	if err != nil {
		return false, err
	}
	j := r.job
	switch {
	case j.Status == models.ExportDone && !j.Direct && j.ExpiresAt != nil && !j.ExpiresAt.After(now):
		if err := staleExportFile(ctx, tx, id, r.fileID); err != nil {
			return false, err
		}
		r.job.Status, r.fileID = models.ExportExpired, ""
		if err := saveExport(ctx, tx, &r); err != nil {
			return false, err
		}
		if err := s.recordEvents(ctx, tx, s.exportEvent(models.EventExportExpired, j)); err != nil {
			return false, err
		}
		expired = true
	case j.Status == models.ExportRunning && j.Attempts >= MaxExportAttempts && !r.leaseUntil.After(now):
		if err := staleExportFile(ctx, tx, id, r.fileID); err != nil {
			return false, err
		}
		r.job.Status, r.fileID, r.job.FinishedAt = models.ExportFailed, "", &now
		r.job.Error = fmt.Sprintf("the export was started %d times and never finished", j.Attempts)
		if err := saveExport(ctx, tx, &r); err != nil {
			return false, err
		}
		if err := s.recordEvents(ctx, tx, s.exportEvent(models.EventExportFailed, j)); err != nil {
			return false, err
		}
	}
	return expired, removeStaleExportFiles(ctx, tx, id)
}

// RemoveStaleExportFiles removes the chunks of job id's abandoned files;
// a worker calls it right after a claim.
func (s *Store) RemoveStaleExportFiles(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := exportRowByID(ctx, tx, id); err != nil {
			return err
		}
		return removeStaleExportFiles(ctx, tx, id)
	})
}

// removeStaleExportFiles deletes the chunks of every file listed stale for
// job id, and the list.
func removeStaleExportFiles(ctx context.Context, tx *sql.Tx, id string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM export_chunks WHERE file_id IN (SELECT file_id FROM export_stale_files WHERE job_id = ?)`, id); err != nil {
		return fmt.Errorf("remove stale export files of %s: %w", id, translate(err))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM export_stale_files WHERE job_id = ?`, id); err != nil {
		return fmt.Errorf("forget stale export files of %s: %w", id, translate(err))
	}
	return nil
}
