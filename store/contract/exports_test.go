package contract_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/chunkfile"
	"skillbook/store/mongo"
	"skillbook/store/sqlite"
	"skillbook/store/storetest"
)

// maxExportAttempts is how often a job is started before it fails, the
// same on both engines.
const maxExportAttempts = sqlite.MaxExportAttempts

var _ = [1]int{}[sqlite.MaxExportAttempts-mongo.MaxExportAttempts] // the engines agree

// exportTrail lists the types of the audit entries about job id of
// programID, newest first.
func exportTrail(tb testing.TB, st storetest.Store, programID, id string) []string {
	tb.Helper()
	types := auditTypes(tb, st, programID, id)
	slices.Reverse(types)
	return types
}

// queueArchive queues an archive export of programID, as an admin would.
func queueArchive(t *testing.T, s storetest.Store, programID string) models.ExportJob {
	t.Helper()
	j, err := s.CreateExportJob(context.Background(), admin, models.ExportJob{ProgramID: programID,
		Request: models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}})
	if err != nil {
		t.Fatalf("CreateExportJob = %v", err)
	}
	return j
}

func TestExportFileChunksRoundTrip(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		for _, size := range []int{0, 10, chunkfile.Size, 2*chunkfile.Size + 12345} {
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
			if w.Size() != int64(size) || w.Chunks() != (size+chunkfile.Size-1)/chunkfile.Size {
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
	})
}

func TestExportJobIsTakenOverAfterItsWorkerDies(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		job, err := s.CreateExportJob(ctx, admin, models.ExportJob{ProgramID: p, Subject: "Fall 2026", Total: 10,
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
		partial.Write(make([]byte, chunkfile.Size+1))
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
		if err := s.RecordExportDownload(ctx, done, models.ExportEvent(models.EventExportDownloaded, admin, done, clk.Now())); err != nil {
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
		if got, want := exportTrail(t, s, p, job.ID), []string{"export.expired", "export.downloaded", "export.completed", "export.requested"}; !slices.Equal(got, want) {
			t.Errorf("audit of the job = %v; want %v", got, want)
		}
	})
}

func TestExportJobFailsAfterItsAttempts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		job := queueArchive(t, s, p)
		var files []models.ClaimedExport
		for i := range maxExportAttempts {
			c, ok, err := s.ClaimExport(ctx, "w", time.Millisecond)
			if !ok || err != nil {
				t.Fatalf("claim %d = %v, %v", i+1, ok, err)
			}
			f := s.CreateExportFile(ctx, p, c.FileID)
			f.Write([]byte("partial"))
			f.Close()
			files = append(files, c)
			clk.Advance(time.Millisecond) // the lease runs out
		}
		if _, ok, _ := s.ClaimExport(ctx, "w", time.Millisecond); ok {
			t.Errorf("a job was claimed a %d. time", maxExportAttempts+1)
		}
		if _, err := s.SweepExports(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ExportJob(ctx, p, job.ID); got.Status != models.ExportFailed || got.Error == "" || got.FinishedAt == nil {
			t.Errorf("job = %+v; want failed with a reason", got)
		}
		if got, want := exportTrail(t, s, p, job.ID), []string{"export.failed", "export.requested"}; !slices.Equal(got, want) {
			t.Errorf("audit of the job = %v; want %v", got, want)
		}
		for _, c := range files {
			if _, err := io.ReadAll(s.OpenExportFile(ctx, p, c.FileID, 1)); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("the file of attempt %d after the sweep = %v; want removed", c.Job.Attempts, err)
			}
		}
	})
}

func TestExportFailureRequeuesUntilItsAttemptsAreSpent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		job := queueArchive(t, s, p)
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
		if got, want := exportTrail(t, s, p, job.ID), []string{"export.failed", "export.requested"}; !slices.Equal(got, want) {
			t.Errorf("audit of the job = %v; want %v", got, want)
		}
	})
}

func TestExportDirectExportsAreDoneWithoutAFileAndNeverSwept(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		j, err := s.RecordDirectExport(ctx, admin, models.ExportJob{ProgramID: p, Subject: "Fall 2026", Total: 3,
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
		if got, want := exportTrail(t, s, p, j.ID), []string{"export.downloaded"}; !slices.Equal(got, want) {
			t.Errorf("audit of the export = %v; want %v", got, want)
		}
	})
}

func TestExportProgressRenewsTheLease(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		older := queueArchive(t, s, p)
		newer := queueArchive(t, s, p)
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
	})
}
