package storetest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/exportjob"
	"skillbook/models"
	"skillbook/notify"
	"skillbook/store/mongo"
	"skillbook/store/sqlite"
	"skillbook/workflow"
)

// Store is what the HTTP scenario tests, the fixtures here and the
// contract suite (store/contract) ask of an engine: every use case's
// store, the HTTP layer's own needs, the record-level writes tests use to
// set a scene, and the workers'. Both engines implement it, so one suite
// runs on each.
type Store interface {
	workflow.Store
	exportjob.WorkerStore
	notify.Store
	Ping(ctx context.Context) error
	BeginIdempotent(ctx context.Context, key, fingerprint string, now time.Time, lease time.Duration) (*models.StoredResponse, error)
	FinishIdempotent(ctx context.Context, key string, resp models.StoredResponse) error
	AbandonIdempotent(ctx context.Context, key string) error
	UpsertLibrary(ctx context.Context, lib []models.Checklist) (int, error)
	CreateProgram(ctx context.Context, name string) (models.Program, error)
	CreateUser(ctx context.Context, actor models.Actor, u models.User) (models.User, error)
	CreateCohort(ctx context.Context, actor models.Actor, c models.Cohort) (models.Cohort, error)
	SetCohortArchived(ctx context.Context, actor models.Actor, programID, id string, archived bool, version int64) (models.Cohort, error)
	SetUserActive(ctx context.Context, actor models.Actor, programID, id string, active bool, version int64) (models.User, error)
	CreateExportJob(ctx context.Context, actor models.Actor, j models.ExportJob) (models.ExportJob, error)
	SweepExports(ctx context.Context) (expired int, err error)
	RegisterDevice(ctx context.Context, d models.Device) (models.Device, bool, error)
	DevicesOf(ctx context.Context, userIDs []string) ([]models.Device, error)
	InsertSeed(ctx context.Context, b models.SeedBatch) (written int, err error)
	// The reads and housekeeping behind the use cases' interfaces, which
	// the contract suite checks on their own.
	PurgeIdempotency(ctx context.Context) (int64, error)
	ProcedureCounts(ctx context.Context, programID string, studentIDs []string) (map[string]map[string]models.ProcedureCount, error)
	ChecklistsByRef(ctx context.Context, programID string, refs []models.ChecklistRef) (map[models.ChecklistRef]models.Checklist, error)
	RecordDirectExport(ctx context.Context, actor models.Actor, j models.ExportJob) (models.ExportJob, error)
	BeginArchiveImport(ctx context.Context, programID string) (models.ArchiveImport, error)
	Notification(ctx context.Context, programID, userID, id string) (models.FeedItem, error)
	PushStatus(ctx context.Context, id string) (models.PushStatus, error)
	SaveDevice(ctx context.Context, d models.Device, keep int, staleBefore time.Time) (models.Device, bool, error)
	Assignment(ctx context.Context, programID, id string) (models.Assignment, error)
	AssignmentsOf(ctx context.Context, programID string, students []models.User) ([]models.Assignment, error)
	SetPINVoidWindow(ctx context.Context, programID string, hours int, ev models.Event) (models.Program, error)
	PracticumTotals(ctx context.Context, programID string, studentIDs []string) (map[string]map[string]models.HoursCount, error)
}

// EngineEnv names the engine the HTTP suite runs on: "sqlite" (the
// default) or "mongo" (the MongoDB engine on the FerretDB stand-in, or
// TEST_MONGODB_URI).
const EngineEnv = "SKILLBOOK_TEST_ENGINE"

// Engine returns a fresh, empty store on clk of the engine EngineEnv
// names, closed when the test ends.
func Engine(tb testing.TB, clk clock.Clock) Store {
	tb.Helper()
	switch e := os.Getenv(EngineEnv); e {
	case "", "sqlite":
		return SQLite(tb, clk)
	case "mongo":
		return NewWithClock(tb, clk)
	default:
		tb.Fatalf("%s=%q: want sqlite or mongo", EngineEnv, e)
		return nil
	}
}

// SQLite returns a fresh SQLite store on clk in a temporary directory,
// closed when the test ends.
func SQLite(tb testing.TB, clk clock.Clock) *sqlite.Store {
	tb.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Options{Dir: tb.TempDir(), Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatalf("open sqlite store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

var (
	_ Store = (*mongo.Store)(nil)
	_ Store = (*sqlite.Store)(nil)
)

// EngineAtomic reports whether the engine Engine returns applies a
// conditional update atomically: SQLite always (one writer, one
// transaction per change); MongoDB unless it is the FerretDB stand-in (see
// AtomicUpdates, which says so in the test's output).
func EngineAtomic(tb testing.TB) bool {
	tb.Helper()
	if os.Getenv(EngineEnv) == "mongo" {
		return AtomicUpdates(tb)
	}
	return true
}
