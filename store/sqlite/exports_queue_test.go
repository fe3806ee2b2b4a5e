package sqlite

import (
	"sync"
	"testing"

	"skillbook/models"
)

// TestQueueExportCapsPendingJobsUnderABurst: jobs asked for at once by one
// user pass the cap on pending jobs no further than it (the count and the
// insert are one transaction); another user and another program have
// their own count.
func TestQueueExportCapsPendingJobsUnderABurst(t *testing.T) {
	t.Parallel()
	s, _ := openTest(t)
	ctx := t.Context()
	p, q := exportProgram(t, s), exportProgram(t, s)
	queue := func(program string, by models.Actor) (bool, error) {
		j := models.QueuedExportJob(newID(), program, models.ExportRequest{Kind: models.ExportMatrix, Format: models.FormatCSV, CohortID: "c1"},
			"Fall 2026", 10, by, s.now())
		return s.QueueExport(ctx, j, 3, models.ExportEvent(models.EventExportRequested, by, j, j.CreatedAt))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	queued := 0
	for range 20 {
		wg.Go(func() {
			ok, err := queue(p, exportAdmin)
			if err != nil {
				t.Errorf("QueueExport = %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if ok {
				queued++
			}
		})
	}
	wg.Wait()
	if queued != 3 {
		t.Fatalf("jobs queued of a burst of 20 = %d; want the cap, 3", queued)
	}
	var events int
	if err := s.reader.QueryRow(`SELECT count(*) FROM events WHERE program_id = ?`, p).Scan(&events); err != nil || events != 3 {
		t.Errorf("audit entries = %d (%v); want the 3 queued jobs' only", events, err)
	}
	other := models.Actor{UserID: "ivy", Name: "Ivy", Role: models.RoleInstructor}
	for name, try := range map[string]func() (bool, error){
		"another user":                     func() (bool, error) { return queue(p, other) },
		"the same user in another program": func() (bool, error) { return queue(q, exportAdmin) },
	} {
		if ok, err := try(); !ok || err != nil {
			t.Errorf("QueueExport(%s) = %v, %v; want queued", name, ok, err)
		}
	}
}

func TestPendingExportsCountSearchesByStatus(t *testing.T) {
	t.Parallel()
	s, _ := openTest(t)
	exportAssertNoScan(t, s.reader, pendingExportsSQL, "queued", "running", "p", "u")
	exportAssertPlanUses(t, s.reader, "(status=? AND direct=?)", pendingExportsSQL, "queued", "running", "p", "u")
}
