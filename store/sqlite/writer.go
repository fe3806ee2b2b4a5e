package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"skillbook/models"
)

// The writer: every write transaction of the store runs on one goroutine,
// which owns the one writer connection. Callers hand it their work and
// wait; it runs whatever is queued back to back in one transaction, each
// piece in a savepoint of its own (a failed one undoes only itself), and
// commits once — group commit. So a write no longer waits for the
// scheduler to come back to whichever request goroutine held the
// connection (on a busy machine, milliseconds per turn), and one disk
// flush makes a whole batch durable. Nobody is told their write succeeded
// before it is committed.

// maxWriteBatch bounds the work committed together.
const maxWriteBatch = 64

// errStoreClosed is a write after Close.
var errStoreClosed = errors.New("sqlite: the store is closed")

// writeJob is one caller's transaction work.
type writeJob struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	done chan error
}

// startWriter starts the writer goroutine.
func (s *Store) startWriter() {
	s.jobs = make(chan *writeJob)
	s.closing = make(chan struct{})
	s.writerDone = make(chan struct{})
	go s.runWriter()
}

// stopWriter ends the writer goroutine once its current batch is done;
// writes asked for after that fail with errStoreClosed.
func (s *Store) stopWriter() {
	close(s.closing)
	<-s.writerDone
}

func (s *Store) runWriter() {
	defer close(s.writerDone)
	for {
		var batch []*writeJob
		select {
		case j := <-s.jobs:
			batch = append(batch, j)
		case <-s.closing:
			return
		}
	more:
		for len(batch) < maxWriteBatch {
			select {
			case j := <-s.jobs:
				batch = append(batch, j)
			default:
				break more
			}
		}
		s.commitBatch(batch)
	}
}

// queued is how many callers are waiting on the writer, for their work
// to be taken or to be committed (tests use it to fill a batch).
func (s *Store) queued() int { return int(s.waiting.Load()) }

// submit runs fn in the writer's next transaction and returns its
// outcome once that transaction has committed (or failed).
func (s *Store) submit(ctx context.Context, fn func(tx *sql.Tx) error) error {
	j := &writeJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	s.waiting.Add(1)
	defer s.waiting.Add(-1)
	select {
	case s.jobs <- j:
	case <-ctx.Done():
		return fmt.Errorf("write: %w", ctx.Err())
	case <-s.closing:
		return errStoreClosed
	}
	// Taken: wait for the outcome whatever happens to ctx, which the
	// writer checks before running fn — a caller must not be told a write
	// failed that commits.
	return <-j.done
}

// commitBatch runs batch in one transaction and tells each job its
// outcome.
func (s *Store) commitBatch(batch []*writeJob) {
	results := make([]error, len(batch))
	finish := func(err error) {
		for i, j := range batch {
			if results[i] == nil {
				results[i] = err
			}
			j.done <- results[i]
		}
	}
	start := time.Now()
	defer s.held(start)
	// Background: the batch's transaction is not any one caller's.
	ctx := context.Background()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		finish(translate(err))
		return
	}
	ran := 0
	for i, j := range batch {
		// A caller whose deadline has passed while it waited never takes
		// the writer: its client no longer waits for the work.
		if err := j.ctx.Err(); err != nil {
			results[i] = fmt.Errorf("write: %w", err)
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT job`); err != nil {
			_ = tx.Rollback()
			finish(translate(err))
			return
		}
		if err := runJob(tx, j.fn); err != nil {
			results[i] = unavailable(err)
			// A failure SQLite ended the whole transaction for (a full
			// disk, an interrupted statement) leaves no savepoint: then
			// nothing of the batch commits, and every job says so.
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO job`); rerr != nil {
				_ = tx.Rollback()
				finish(fmt.Errorf("%w: the write transaction failed with another: %v", models.ErrUnavailable, rerr))
				return
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE job`); err != nil {
			_ = tx.Rollback()
			finish(translate(err))
			return
		}
		if results[i] == nil {
			ran++
		}
	}
	if ran == 0 {
		_ = tx.Rollback()
		finish(nil)
		return
	}
	finish(translate(tx.Commit()))
}

// runJob runs fn, turning a panic into an error: the writer goroutine
// must outlive a bug in one write.
func runJob(tx *sql.Tx, fn func(tx *sql.Tx) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("write panicked: %v", r)
		}
	}()
	return fn(tx)
}
