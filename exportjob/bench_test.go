package exportjob_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/exportjob"
	"skillbook/models"
	"skillbook/store/storetest"
)

// BenchmarkExport seeds one cohort of SKILLBOOK_BENCH_STUDENTS students
// (default 2,000, the full size) × 30 checklists × 3 evaluations —
// 180,000 evaluations at full size — and exports the cohort's matrix as
// CSV and XLSX and the program's archive as NDJSON, each to a counting
// writer. It reports records per second (evaluations for the matrix,
// archive records for NDJSON), the peak heap while exporting (garbage not
// yet collected included) and the peak live heap marked by a collection,
// sampled every 10 ms (the embedded engine runs in this process, so its
// heap is included). Run at two sizes to see that memory stays flat:
//
//	SKILLBOOK_BENCH_STUDENTS=1000 go test ./exportjob -run '^$' -bench Export -benchtime 1x -timeout 60m
//	SKILLBOOK_BENCH_STUDENTS=2000 go test ./exportjob -run '^$' -bench Export -benchtime 1x -timeout 60m
func BenchmarkExport(b *testing.B) {
	students := 2000
	if v := os.Getenv("SKILLBOOK_BENCH_STUDENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("SKILLBOOK_BENCH_STUDENTS = %q; want a number of students", v)
		}
		students = n
	}
	st := storetest.Engine(b, clock.System{})
	s := seedProgram(b, st, students, 30, 3)
	b.Logf("seeded %d students, %d evaluations in %s (%.0f evaluations/s)", s.students, s.evaluations, s.took.Round(time.Second),
		float64(s.evaluations)/s.took.Seconds())

	ctx := context.Background()
	for _, tc := range []struct {
		name string
		req  models.ExportRequest
	}{
		{"csv", models.ExportRequest{Kind: models.ExportMatrix, Format: models.FormatCSV, CohortID: s.cohort.ID}},
		{"xlsx", models.ExportRequest{Kind: models.ExportMatrix, Format: models.FormatXLSX, CohortID: s.cohort.ID}},
		{"ndjson", models.ExportRequest{Kind: models.ExportArchive}},
	} {
		b.Run(fmt.Sprintf("%s/students=%d", tc.name, students), func(b *testing.B) {
			plan, err := exportjob.Prepare(ctx, st, nil, s.program.ID, tc.req)
			if err != nil {
				b.Fatal(err)
			}
			records := s.evaluations
			if tc.req.Kind == models.ExportArchive {
				records = plan.Units
			}
			var out countingWriter
			var took time.Duration
			var peak, live, base uint64
			for b.Loop() {
				out = 0
				started := time.Now()
				peak, live, base = peakHeap(func() {
					if err := exportjob.Render(ctx, st, plan, &out, nil); err != nil {
						b.Fatal(err)
					}
				})
				took = time.Since(started)
			}
			b.ReportMetric(float64(records)/took.Seconds(), "records/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(live)/(1<<20), "peak-live-MB")
			b.ReportMetric(float64(base)/(1<<20), "base-heap-MB")
			b.ReportMetric(float64(out)/(1<<20), "output-MB")
			b.ReportMetric(took.Seconds(), "s/export")
		})
	}
}

// countingWriter counts and discards what is written.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingWriter)(nil)

// heapBytes returns the heap held by objects (live or not yet swept) and
// the live heap the last collection marked.
func heapBytes() (objects, live uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}

// peakHeap runs f and returns the highest heap (objects, including
// garbage not yet collected) and the highest live heap (as marked by a
// collection) seen while it ran, sampled every 10 ms, and the heap after
// a collection before it started.
func peakHeap(f func()) (peak, peakLive, base uint64) {
	runtime.GC()
	base, _ = heapBytes()
	var maxObjects, maxLive atomic.Uint64
	sample := func() {
		o, l := heapBytes()
		if o > maxObjects.Load() {
			maxObjects.Store(o)
		}
		if l > maxLive.Load() {
			maxLive.Store(l)
		}
	}
	sample()
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				sample()
			}
		}
	}()
	f()
	close(stop)
	<-stopped
	sample()
	return maxObjects.Load(), maxLive.Load(), base
}
