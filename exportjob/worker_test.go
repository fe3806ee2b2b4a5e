package exportjob_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/exportjob"
	"skillbook/models"
	"skillbook/store/storetest"
)

// TestJobClaimedByADeadWorkerIsPickedUpAgain: a worker claims a job,
// writes part of its file and dies; once its lease runs out another
// worker runs the job to the end, the dead worker's chunks are removed,
// and the file is complete.
func TestJobClaimedByADeadWorkerIsPickedUpAgain(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	st := storetest.Engine(t, clk)
	ctx := context.Background()
	s := seedProgram(t, st, 7, 3, 2)

	plan, err := exportjob.Prepare(ctx, st, nil, s.program.ID, models.ExportRequest{Kind: models.ExportMatrix, CohortID: s.cohort.ID})
	if err != nil {
		t.Fatal(err)
	}
	job, err := st.CreateExportJob(ctx, models.SystemActor, plan.Job())
	if err != nil {
		t.Fatal(err)
	}
	dead, ok, err := st.ClaimExport(ctx, "dead-worker", 3*time.Second)
	if err != nil || !ok {
		t.Fatalf("claim = %v, %v", ok, err)
	}
	partial := st.CreateExportFile(ctx, s.program.ID, dead.FileID)
	partial.Write(bytes.Repeat([]byte("x"), 300<<10)) // more than one chunk of either engine
	if err := st.ExportProgress(ctx, "dead-worker", job.ID, 3, 7, 3*time.Second); err != nil {
		t.Fatal(err)
	}

	w := exportjob.NewWorker(st, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	w.Beat = 20 * time.Millisecond
	w.Clock = clk
	clk.Advance(3*time.Second - time.Millisecond)
	if ran, err := w.RunOnce(ctx); ran || err != nil {
		t.Fatalf("RunOnce under a live lease = %v, %v; want nothing to do", ran, err)
	}
	clk.Advance(time.Millisecond)
	if ran, err := w.RunOnce(ctx); !ran || err != nil {
		t.Fatalf("RunOnce after the lease ran out = %v, %v", ran, err)
	}
	got, err := st.ExportJob(ctx, s.program.ID, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != models.ExportDone || got.Attempts != 2 || got.Percent != 100 || got.ExpiresAt == nil || !got.ExpiresAt.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("job = %+v; want done on the second attempt, kept for an hour", got)
	}
	if _, err := io.ReadAll(st.OpenExportFile(ctx, s.program.ID, dead.FileID, 1)); err == nil {
		t.Errorf("the dead worker's chunks are still there")
	}
	fileID, chunks, err := st.ExportFileOf(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(st.OpenExportFile(ctx, s.program.ID, fileID, chunks)).ReadAll()
	// Six student columns, three checklists of five, then two procedure
	// kinds of two and the practicum hours' two.
	if err != nil || len(rows) != 8 || len(rows[0]) != 6+3*5+2*2+2 {
		t.Fatalf("file = %d rows of %d columns, %v; want a header and 7 students", len(rows), len(rows[0]), err)
	}
	for _, r := range rows[1:] {
		if r[3] != "3" || r[4] != "3" || r[6] != "competent" || r[10] != "2" {
			t.Errorf("row = %q; want 3 of 3 competent, 2 graded attempts each", r)
		}
	}
}

// TestWorkerHandsAJobBackAtShutdown: a job interrupted by the server
// stopping goes back to the queue at once, not after its lease, and the
// next worker writes it whole.
func TestWorkerHandsAJobBackAtShutdown(t *testing.T) {
	t.Parallel()
	st := storetest.Engine(t, clock.System{})
	s := seedProgram(t, st, 200, 5, 3)
	plan, err := exportjob.Prepare(context.Background(), st, nil, s.program.ID,
		models.ExportRequest{Kind: models.ExportTranscripts, CohortID: s.cohort.ID})
	if err != nil {
		t.Fatal(err)
	}
	job, err := st.CreateExportJob(context.Background(), models.SystemActor, plan.Job())
	if err != nil {
		t.Fatal(err)
	}
	w := exportjob.NewWorker(st, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Hour)
	w.Beat = 10 * time.Millisecond
	progressed := make(chan struct{})
	var once sync.Once
	exportjob.OnBeat(w, func(done, _ int) {
		if done > 0 {
			once.Do(func() { close(progressed) })
		}
	})
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := w.RunOnce(ctx)
		done <- err
	}()
	// Stop it once it has recorded some progress.
	select {
	case <-progressed:
	case err := <-done:
		t.Fatalf("RunOnce = %v before recording any progress; make the cohort larger", err)
	case <-time.After(time.Minute):
		t.Fatalf("no progress recorded within a minute")
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("RunOnce at shutdown = %v", err)
	}
	got, _ := st.ExportJob(context.Background(), s.program.ID, job.ID)
	if got.Status == models.ExportDone {
		t.Fatalf("the job finished before the test could stop it; make the cohort larger")
	}
	if got.Status != models.ExportQueued || got.Attempts != 1 {
		t.Fatalf("job after shutdown = %+v; want queued again", got)
	}
	if ran, err := w.RunOnce(context.Background()); !ran || err != nil {
		t.Fatalf("next RunOnce = %v, %v", ran, err)
	}
	got, _ = st.ExportJob(context.Background(), s.program.ID, job.ID)
	if got.Status != models.ExportDone || got.Attempts != 2 || got.Done != 200 || got.Error != "" {
		t.Errorf("job = %+v; want done on the second attempt", got)
	}
}
