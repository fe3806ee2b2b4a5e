// Package sqlite keeps Skillbook's records in one embedded SQLite database
// under the data directory: the default engine, for a program that runs on
// one server. Every use case's change, its audit entries and its
// notifications commit in one transaction (BEGIN IMMEDIATE on the one
// writer connection, WAL, synchronous=FULL, so a signed record survives a
// power loss); reads use a pool of reader connections and never wait for
// the writer.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"skillbook/clock"
	"skillbook/models"
)

// FileName is the database file inside the data directory.
const FileName = "skillbook.db"

// Options configures Open.
type Options struct {
	// Dir is the data directory; it is created when missing and locked
	// for this process while the store is open.
	Dir string
	// Clock stamps records; nil is the system clock.
	Clock clock.Clock
	// Logger receives the engine's own messages; nil is slog.Default().
	Logger *slog.Logger
	// Readers is the size of the reader pool; 0 means 4.
	Readers int
}

// Store is the SQLite engine. It is safe for concurrent use.
type Store struct {
	writer *sql.DB
	reader *sql.DB
	clock  clock.Clock
	log    *slog.Logger
	lock   *dirLock
	path   string
	// checklists caches published and retired checklist versions
	// (checklists.go).
	checklists checklistCache
	// cohortAssignments caches each cohort's assignments and
	// checklistViews which stored version a program sees for a checklist
	// version (readcache.go); writes of assignments and checklists
	// invalidate them.
	cohortAssignments readCache[cohortKey, []models.Assignment]
	checklistViews    readCache[checklistView, checklistKey]
	// programs caches programs by id (programs.go).
	programs readCache[string, models.Program]
	// unrecorded holds the idempotent answers a full disk refused
	// (unit.go).
	unrecorded unrecordedAnswers
	// writerHeld times the write transactions (Collectors).
	writerHeld prometheus.Histogram
	// jobs, closing and writerDone run the writer goroutine (writer.go).
	jobs       chan *writeJob
	closing    chan struct{}
	writerDone chan struct{}
	waiting    atomic.Int64
}

// cohortKey names one cohort of one program.
type cohortKey struct{ programID, cohortID string }

// checklistView names one checklist version as one program asks for it.
type checklistView struct {
	programID string
	ref       models.ChecklistRef
}

// wroteSkills drops what the read caches derived from assignments and
// checklists: every write of either calls it once the write has ended.
func (s *Store) wroteSkills() {
	s.cohortAssignments.invalidate()
	s.checklistViews.invalidate()
}

// Open locks dir, opens (or creates) its database and brings its schema up
// to date. A directory another process holds is refused with an error
// naming the holder.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Dir == "" {
		return nil, errors.New("sqlite: a data directory is required")
	}
	if opts.Clock == nil {
		opts.Clock = clock.System{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Readers <= 0 {
		opts.Readers = 4
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create data directory: %w", err)
	}
	lock, err := lockDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	s := &Store{clock: opts.Clock, log: opts.Logger, lock: lock, path: filepath.Join(opts.Dir, FileName), writerHeld: newWriterHeld()}
	if err := s.open(ctx, opts.Readers); err != nil {
		lock.release()
		return nil, err
	}
	return s, nil
}

func (s *Store) open(ctx context.Context, readers int) error {
	if err := refuseFerretDB(filepath.Dir(s.path)); err != nil {
		return err
	}
	pragmas := []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(ON)", "busy_timeout(10000)"}
	dsn := func(txlock string) string {
		q := url.Values{"_pragma": pragmas}
		if txlock != "" {
			q.Set("_txlock", txlock)
		}
		return "file:" + s.path + "?" + q.Encode()
	}
	var err error
	if s.writer, err = openCalm(dsn("immediate")); err != nil {
		return fmt.Errorf("sqlite: open writer: %w", err)
	}
	// One writer connection: SQLite allows one writer at a time anyway,
	// and waiting here (in Go) is cheaper than SQLite's busy loop.
	s.writer.SetMaxOpenConns(1)
	s.writer.SetMaxIdleConns(1)
	s.writer.SetConnMaxLifetime(0)
	if err := migrate(ctx, s.writer); err != nil {
		s.writer.Close()
		return err
	}
	if s.reader, err = sql.Open("sqlite", dsn("")+"&mode=ro"); err != nil {
		s.writer.Close()
		return fmt.Errorf("sqlite: open readers: %w", err)
	}
	s.reader.SetMaxOpenConns(readers)
	s.reader.SetMaxIdleConns(readers)
	s.reader.SetConnMaxLifetime(0)
	s.startWriter()
	return nil
}

// Close closes the database and releases the directory.
func (s *Store) Close() error {
	s.stopWriter()
	err := errors.Join(s.reader.Close(), s.writer.Close())
	s.lock.release()
	return err
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.reader.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping: %w", translate(err))
	}
	return nil
}

// now is the store's time: the clock's, in UTC, to the millisecond (what
// the records keep).
func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Millisecond) }

// write runs fn in one write transaction (BEGIN IMMEDIATE), committing
// when fn returns nil. A use case's change, its events and its
// notifications go through one call, so they commit together or not at
// all; a request's first write also claims its Idempotency-Key (unit.go).
// A request whose deadline has passed (or that was cancelled) while it
// waited never takes the one writer: it would only hold up the requests
// queued behind it for work its client no longer waits for.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if u := unitOf(ctx); u != nil {
		return u.write(ctx, s, fn)
	}
	return s.transact(ctx, fn)
}

// transact is write without a request's unit: fn goes to the writer
// (writer.go).
func (s *Store) transact(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return s.submit(ctx, fn)
}

// Collectors are the store's metrics: the writer's and the readers'
// connection pools (how long requests waited for the one writer is
// go_sql_wait_duration_seconds_total{db_name="sqlite_writer"}) and how
// long each write transaction held the writer.
func (s *Store) Collectors() []prometheus.Collector {
	return []prometheus.Collector{collectors.NewDBStatsCollector(s.writer, "sqlite_writer"),
		collectors.NewDBStatsCollector(s.reader, "sqlite_readers"), s.writerHeld}
}

// held records a write transaction (a batch of the writer) that began at
// start and has just ended.
func (s *Store) held(start time.Time) { s.writerHeld.Observe(time.Since(start).Seconds()) }

// newWriterHeld is the histogram of how long the writer's transactions
// (each a batch of writes) last, from 0.1 ms to about 1.6 s.
func newWriterHeld() prometheus.Histogram {
	return prometheus.NewHistogram(prometheus.HistogramOpts{Name: "skillbook_sqlite_writer_held_seconds",
		Help:    "How long each transaction of the SQLite writer (a batch of writes) lasted, from BEGIN IMMEDIATE to its end.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 15)})
}
