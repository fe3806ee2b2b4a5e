package sqlite

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"skillbook/models"
)

func TestExportFileChunksRoundTrip(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	for _, size := range []int{0, 10, ExportChunkSize, 2*ExportChunkSize + 12345} {
		data := make([]byte, size)
		rand.Read(data)
		id := newID()
		w := s.CreateExportFile(ctx, "p1", id)
		// Write in odd pieces, as writers do.
		for rest := data; len(rest) > 0; {
			n := min(len(rest), 7777)
			if _, err := w.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if w.Size() != int64(size) || w.Chunks() != (size+ExportChunkSize-1)/ExportChunkSize {
			t.Errorf("size %d: wrote %d bytes in %d chunks", size, w.Size(), w.Chunks())
		}
		got, err := io.ReadAll(s.OpenExportFile(ctx, "p1", id, w.Chunks()))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("size %d: read back %d bytes, %v; want the same bytes", size, len(got), err)
		}
		if size > 0 {
			if _, err := io.ReadAll(s.OpenExportFile(ctx, "other-program", id, w.Chunks())); err == nil {
				t.Errorf("another program read the file")
			}
			if err := s.DeleteExportFile(ctx, id); err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(s.OpenExportFile(ctx, "p1", id, w.Chunks())); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("read after delete = %v; want not found", err)
			}
		}
	}
}

// exportTrail lists the types of the audit entries of subject id, newest
// first.
func exportTrail(tb testing.TB, s *Store, id string) []string {
	tb.Helper()
	rows, err := s.reader.Query(`SELECT type FROM events WHERE subject_id = ? ORDER BY at DESC, id DESC`, id)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var types []string
	for rows.Next() {
		var typ string
		if err := rows.Scan(&typ); err != nil {
			tb.Fatal(err)
		}
		types = append(types, typ)
	}
	return types
}

func exportProgram(tb testing.TB, s *Store) string {
	tb.Helper()
	p := models.Program{ID: newID(), Name: "P", CreatedAt: testEpoch}
	exportExec(tb, s, `INSERT INTO programs (id, name, created_at, doc) VALUES (?, ?, ?, ?)`, p.ID, p.Name, ms(p.CreatedAt), exportJSON(tb, p))
	return p.ID
}

func TestExportJobIsTakenOverAfterItsWorkerDies(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	p := exportProgram(t, s)
	job, err := s.CreateExportJob(ctx, exportAdmin, models.ExportJob{ProgramID: p, Subject: "Fall 2026", Total: 10,
		Request: models.ExportRequest{Kind: models.ExportMatrix, Format: models.FormatCSV, CohortID: "c1"}})
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != models.ExportQueued {
		t.Fatalf("new job = %+v", job)
	}
	if got, err := s.ExportJob(ctx, p, job.ID); err != nil || got.Status != models.ExportQueued || got.Version != 1 {
		t.Fatalf("ExportJob = %+v, %v", got, err)
	}
	if _, err := s.ExportJob(ctx, "another-program", job.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("ExportJob of another program = %v; want not found", err)
	}
	if err := s.CreateExport(ctx, job); !errors.Is(err, models.ErrConflict) {
		t.Errorf("CreateExport of a repeated id = %v; want conflict", err)
	}

	// Worker A claims it, writes part of a file and dies.
	a, ok, err := s.ClaimExport(ctx, "worker-a", 1500*time.Millisecond)
	if err != nil || !ok || a.Job.ID != job.ID || a.Job.Attempts != 1 || a.Job.Status != models.ExportRunning || a.Job.Version != 2 {
		t.Fatalf("ClaimExport(a) = %+v, %v, %v", a, ok, err)
	}
	if err := s.ExportProgress(ctx, "worker-a", job.ID, 3, 10, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ExportJob(ctx, p, job.ID); got.Status != models.ExportRunning || got.Percent != 30 || got.Done != 3 {
		t.Errorf("job while running = %+v; want running at 30%%", got)
	}
	partial := s.CreateExportFile(ctx, p, a.FileID)
	partial.Write(make([]byte, ExportChunkSize+1))
	if _, ok, _ := s.ClaimExport(ctx, "worker-b", time.Minute); ok {
		t.Fatalf("a job under a live lease was claimed again")
	}
	clk.Advance(1500 * time.Millisecond)

	// Worker B takes it over with a new file; A's writes now fail.
	b, ok, err := s.ClaimExport(ctx, "worker-b", time.Minute)
	if err != nil || !ok || b.Job.ID != job.ID || b.Job.Attempts != 2 || b.FileID == a.FileID || b.Job.Done != 0 {
		t.Fatalf("ClaimExport(b) = %+v, %v, %v", b, ok, err)
	}
	if err := s.ExportProgress(ctx, "worker-a", job.ID, 5, 10, time.Minute); !errors.Is(err, models.ErrConflict) {
		t.Errorf("progress of the dead worker = %v; want conflict", err)
	}
	if err := s.ExportProgress(ctx, "worker-a", "no-such-job", 5, 10, time.Minute); !errors.Is(err, models.ErrConflict) {
		t.Errorf("progress of a job that is gone = %v; want conflict", err)
	}
	if err := s.FailExport(ctx, "worker-a", a, "boom", true); !errors.Is(err, models.ErrConflict) {
		t.Errorf("failure reported by the dead worker = %v; want conflict", err)
	}
	if err := s.RemoveStaleExportFiles(ctx, job.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(s.OpenExportFile(ctx, p, a.FileID, 1)); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the dead worker's chunks = %v; want removed", err)
	}
	if _, _, err := s.ExportFileOf(ctx, b.Job); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("ExportFileOf a running job = %v; want not found", err)
	}
	if err := s.RecordExportDownload(ctx, b.Job); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("download of a running job = %v; want not found", err)
	}
	w := s.CreateExportFile(ctx, p, b.FileID)
	w.Write([]byte("student id,student\n"))
	w.Close()
	if _, err := s.FinishExport(ctx, "worker-a", a, models.FinishedFile{Name: "x.csv"}, clk.Now().Add(time.Hour)); !errors.Is(err, models.ErrConflict) {
		t.Errorf("finish by the dead worker = %v; want conflict", err)
	}
	done, err := s.FinishExport(ctx, "worker-b", b, models.FinishedFile{Name: "matrix.csv", ContentType: "text/csv", Size: w.Size(), Chunks: w.Chunks(), Units: 10},
		clk.Now().Add(-time.Second))
	if err != nil || done.Status != models.ExportDone || done.Percent != 100 || done.Size != w.Size() || done.Attempts != 2 || done.FileName != "matrix.csv" {
		t.Fatalf("FinishExport = %+v, %v", done, err)
	}
	if got, _ := s.ExportJob(ctx, p, job.ID); got.Version != done.Version || got.ExpiresAt == nil || !got.ExpiresAt.Equal(*done.ExpiresAt) {
		t.Errorf("stored job = %+v; want what FinishExport returned %+v", got, done)
	}
	fileID, chunks, err := s.ExportFileOf(ctx, done)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(s.OpenExportFile(ctx, p, fileID, chunks)); string(got) != "student id,student\n" {
		t.Errorf("file = %q", got)
	}
	if _, _, err := s.ExportFileOf(ctx, models.ExportJob{ID: job.ID, ProgramID: "another-program"}); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("ExportFileOf for another program = %v; want not found", err)
	}
	if err := s.RecordExportDownload(ctx, done, models.ExportEvent(models.EventExportDownloaded, exportAdmin, done, clk.Now())); err != nil {
		t.Fatal(err)
	}

	// Its time is up: the sweep removes the file.
	if n, err := s.SweepExports(ctx); err != nil || n != 1 {
		t.Fatalf("SweepExports = %d, %v; want 1 expired", n, err)
	}
	if n, err := s.SweepExports(ctx); err != nil || n != 0 {
		t.Fatalf("second SweepExports = %d, %v; want nothing left to do", n, err)
	}
	if got, _ := s.ExportJob(ctx, p, job.ID); got.Status != models.ExportExpired || got.Downloads != 1 {
		t.Errorf("job after expiry = %+v", got)
	}
	if _, err := io.ReadAll(s.OpenExportFile(ctx, p, fileID, chunks)); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("expired file = %v; want removed", err)
	}
	if err := s.RecordExportDownload(ctx, done); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("download of an expired job = %v; want not found", err)
	}
	if got, want := exportTrail(t, s, job.ID), []string{"export.expired", "export.downloaded", "export.completed", "export.requested"}; !slices.Equal(got, want) {
		t.Errorf("audit of the job = %v; want %v", got, want)
	}
	var left int
	if err := s.reader.QueryRow(`SELECT count(*) FROM export_chunks`).Scan(&left); err != nil || left != 0 {
		t.Errorf("chunks left = %d, %v; want none", left, err)
	}
}

func TestExportJobFailsAfterItsAttempts(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	p := exportProgram(t, s)
	job, err := s.CreateExportJob(ctx, exportAdmin, models.ExportJob{ProgramID: p, Request: models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range MaxExportAttempts {
		c, ok, err := s.ClaimExport(ctx, "w", time.Millisecond)
		if !ok || err != nil {
			t.Fatalf("claim %d = %v, %v", i+1, ok, err)
		}
		s.CreateExportFile(ctx, p, c.FileID).Close()
		clk.Advance(time.Millisecond) // the lease runs out
	}
	if _, ok, _ := s.ClaimExport(ctx, "w", time.Millisecond); ok {
		t.Errorf("a job was claimed a %d. time", MaxExportAttempts+1)
	}
	if _, err := s.SweepExports(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ExportJob(ctx, p, job.ID); got.Status != models.ExportFailed || got.Error == "" || got.FinishedAt == nil {
		t.Errorf("job = %+v; want failed with a reason", got)
	}
	if got, want := exportTrail(t, s, job.ID), []string{"export.failed", "export.requested"}; !slices.Equal(got, want) {
		t.Errorf("audit of the job = %v; want %v", got, want)
	}
	var stale, chunks int
	s.reader.QueryRow(`SELECT count(*) FROM export_stale_files`).Scan(&stale)
	s.reader.QueryRow(`SELECT count(*) FROM export_chunks`).Scan(&chunks)
	if stale != 0 || chunks != 0 {
		t.Errorf("after the sweep: %d stale files listed, %d chunks; want none", stale, chunks)
	}
}

func TestExportFailureRequeuesUntilItsAttemptsAreSpent(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	p := exportProgram(t, s)
	job, err := s.CreateExportJob(ctx, exportAdmin, models.ExportJob{ProgramID: p, Request: models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}})
	if err != nil {
		t.Fatal(err)
	}
	c, _, _ := s.ClaimExport(ctx, "w", time.Minute)
	if err := s.FailExport(ctx, "w", c, "the store was unavailable", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ExportJob(ctx, p, job.ID); got.Status != models.ExportQueued || got.Error != "the store was unavailable" {
		t.Errorf("job after a retryable failure = %+v; want queued again", got)
	}
	// Queued again, it is claimed at once, and a failure without retry
	// ends it.
	c2, ok, err := s.ClaimExport(ctx, "w2", time.Minute)
	if err != nil || !ok || c2.Job.Attempts != 2 {
		t.Fatalf("claim after a failure = %+v, %v, %v", c2, ok, err)
	}
	if err := s.FailExport(ctx, "w2", c2, "the cohort no longer exists", false); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ExportJob(ctx, p, job.ID); got.Status != models.ExportFailed || got.FinishedAt == nil {
		t.Errorf("job after a final failure = %+v", got)
	}
	if _, ok, _ := s.ClaimExport(ctx, "w3", time.Minute); ok {
		t.Errorf("a failed job was claimed")
	}
	if got, want := exportTrail(t, s, job.ID), []string{"export.failed", "export.requested"}; !slices.Equal(got, want) {
		t.Errorf("audit of the job = %v; want %v", got, want)
	}
}

func TestExportDirectExportsAreDoneWithoutAFileAndNeverSwept(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	p := exportProgram(t, s)
	j, err := s.RecordDirectExport(ctx, exportAdmin, models.ExportJob{ProgramID: p, Subject: "Fall 2026", Total: 3,
		Request: models.ExportRequest{Kind: models.ExportMatrix, Format: models.FormatCSV, CohortID: "c1"}})
	if err != nil || !j.Direct || j.Status != models.ExportDone {
		t.Fatalf("RecordDirectExport = %+v, %v", j, err)
	}
	if _, ok, _ := s.ClaimExport(ctx, "w", time.Minute); ok {
		t.Errorf("a direct export was claimed")
	}
	if _, _, err := s.ExportFileOf(ctx, j); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("ExportFileOf a direct export = %v; want not found", err)
	}
	clk.Advance(1000 * time.Hour)
	if n, err := s.SweepExports(ctx); err != nil || n != 0 {
		t.Errorf("SweepExports = %d, %v; want nothing", n, err)
	}
	if got, want := exportTrail(t, s, j.ID), []string{"export.downloaded"}; !slices.Equal(got, want) {
		t.Errorf("audit of the export = %v; want %v", got, want)
	}
}

func TestExportProgressRenewsTheLease(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	p := exportProgram(t, s)
	older, err := s.CreateExportJob(ctx, exportAdmin, models.ExportJob{ProgramID: p, Request: models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}})
	if err != nil {
		t.Fatal(err)
	}
	newer, err := s.CreateExportJob(ctx, exportAdmin, models.ExportJob{ProgramID: p, Request: models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}})
	if err != nil {
		t.Fatal(err)
	}
	a, _, _ := s.ClaimExport(ctx, "a", time.Second)
	if a.Job.ID != older.ID {
		t.Fatalf("first claim = %s; want the oldest job %s", a.Job.ID, older.ID)
	}
	if b, _, _ := s.ClaimExport(ctx, "b", time.Second); b.Job.ID != newer.ID {
		t.Fatalf("second claim = %s; want the next job %s", b.Job.ID, newer.ID)
	}
	clk.Advance(800 * time.Millisecond)
	if err := s.ExportProgress(ctx, "a", a.Job.ID, 1, 4, time.Second); err != nil {
		t.Fatal(err)
	}
	clk.Advance(500 * time.Millisecond) // a's first lease has run out, its renewal not
	if c, ok, _ := s.ClaimExport(ctx, "c", time.Second); ok && c.Job.ID == a.Job.ID {
		t.Fatalf("a job whose lease was renewed was taken over")
	}
	clk.Advance(500 * time.Millisecond)
	if c, ok, err := s.ClaimExport(ctx, "c", time.Second); err != nil || !ok || c.Job.ID != a.Job.ID || c.Job.Attempts != 2 {
		t.Fatalf("claim after the renewed lease ran out = %+v, %v, %v", c, ok, err)
	}
}
