package sqlite

import (
	"testing"
	"time"

	"skillbook/models"
)

func exportProgram(tb testing.TB, s *Store) string {
	tb.Helper()
	p := models.Program{ID: newID(), Name: "P", CreatedAt: testEpoch}
	exportExec(tb, s, `INSERT INTO programs (id, name, created_at, doc) VALUES (?, ?, ?, ?)`, p.ID, p.Name, ms(p.CreatedAt), exportJSON(tb, p))
	return p.ID
}

// TestExportSweepLeavesNoChunksBehind: once the sweep has expired a job
// and failed another, no chunk and no stale-file entry is left (the
// contract suite checks the jobs and files as the store answers them).
func TestExportSweepLeavesNoChunksBehind(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	p := exportProgram(t, s)
	done, err := s.CreateExportJob(ctx, exportAdmin, models.ExportJob{ProgramID: p, Request: models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}})
	if err != nil {
		t.Fatal(err)
	}
	c, _, _ := s.ClaimExport(ctx, "w", time.Minute)
	w := s.CreateExportFile(ctx, p, c.FileID)
	w.Write(make([]byte, ExportChunkSize+1))
	w.Close()
	if _, err := s.FinishExport(ctx, "w", c, models.FinishedFile{Name: "a.ndjson", Size: w.Size(), Chunks: w.Chunks()}, clk.Now()); err != nil {
		t.Fatal(err)
	}
	failing, err := s.CreateExportJob(ctx, exportAdmin, models.ExportJob{ProgramID: p, Request: models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}})
	if err != nil {
		t.Fatal(err)
	}
	for range MaxExportAttempts {
		c, ok, err := s.ClaimExport(ctx, "w", time.Millisecond)
		if !ok || err != nil || c.Job.ID != failing.ID {
			t.Fatalf("claim = %+v, %v, %v", c, ok, err)
		}
		s.CreateExportFile(ctx, p, c.FileID).Close()
		clk.Advance(time.Millisecond) // the lease runs out
	}
	if _, err := s.SweepExports(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]models.ExportStatus{done.ID: models.ExportExpired, failing.ID: models.ExportFailed} {
		if got, _ := s.ExportJob(ctx, p, id); got.Status != want {
			t.Errorf("job %s after the sweep = %s; want %s", id, got.Status, want)
		}
	}
	var stale, chunks int
	s.reader.QueryRow(`SELECT count(*) FROM export_stale_files`).Scan(&stale)
	s.reader.QueryRow(`SELECT count(*) FROM export_chunks`).Scan(&chunks)
	if stale != 0 || chunks != 0 {
		t.Errorf("after the sweep: %d stale files listed, %d chunks; want none", stale, chunks)
	}
}
