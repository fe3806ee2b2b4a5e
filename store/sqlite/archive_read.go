package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"

	"skillbook/models"
)

// EachArchiveRecord calls fn with every record of programID, kind by kind,
// each as canonical Extended JSON. It reads in one read transaction (one
// consistent snapshot, which never blocks the writer), a batch of rows at
// a time: while fn takes one batch, the next is read and converted by as
// many goroutines as there are processors, so memory holds a few batches
// whatever the size of the program.
func (s *Store) EachArchiveRecord(ctx context.Context, programID string, fn func(kind string, doc []byte) error) error {
	if programID == "" {
		return errArchiveNoProgram
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan archiveBatch, 1)
	done := make(chan error, 1)
	go func() {
		defer close(batches)
		done <- s.readArchive(ctx, programID, batches)
	}()
	var ferr error
	for b := range batches {
		if ferr != nil {
			continue // drain, so the reader ends
		}
		for i, doc := range b.docs {
			if ferr = fn(b.kinds[i], doc); ferr != nil {
				cancel()
				break
			}
			for _, line := range b.signed[i] {
				if ferr = fn(models.ArchiveSignedRecord, line); ferr != nil {
					break
				}
			}
			if ferr != nil {
				cancel()
				break
			}
		}
	}
	if err := <-done; ferr == nil && err != nil {
		return err
	}
	return ferr
}

// archiveBatchSize is how many records are converted at once.
const archiveBatchSize = 512

// archiveBatch is a run of converted records, in order.
type archiveBatch struct {
	kinds []string
	docs  [][]byte
	// signed holds, for an attempt, its signed-record lines.
	signed [][][]byte
}

// readArchive reads every record of programID in tx order, converts them
// batch by batch and sends the batches to out.
func (s *Store) readArchive(ctx context.Context, programID string, out chan<- archiveBatch) error {
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("archive: %w", translate(err))
	}
	defer tx.Rollback()
	c := archiveConverter{ctx: ctx, out: out, refs: map[string]models.ChecklistRef{}}
	for _, src := range archiveSources {
		if err := c.each(tx, src, src.query, programID); err != nil {
			return err
		}
	}
	if err := c.flush(); err != nil { // every reference is known
		return err
	}
	keys := slices.Sorted(maps.Keys(c.refs))
	library := archiveSource{kind: ArchiveLibraryChecklist, table: "checklists", convert: archiveChecklistOf}
	for _, k := range keys {
		ref := c.refs[k]
		if err := c.each(tx, library, `SELECT program_id, status, revision, doc, checklist_id, version FROM checklists
			WHERE program_id = '' AND checklist_id = ? AND version = ?`, ref.ID, ref.Version); err != nil {
			return err
		}
	}
	return c.flush()
}

// archiveConverter gathers rows into batches and converts each batch in
// parallel.
type archiveConverter struct {
	ctx     context.Context
	out     chan<- archiveBatch
	refs    map[string]models.ChecklistRef
	rows    []archiveRow
	sources []*archiveSource
}

func (c *archiveConverter) each(tx *sql.Tx, src archiveSource, query string, args ...any) error {
	rows, err := tx.QueryContext(c.ctx, query, args...)
	if err != nil {
		return fmt.Errorf("archive %s: %w", src.table, translate(err))
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("archive %s: %w", src.table, translate(err))
	}
	for rows.Next() {
		row := make(archiveRow, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("archive %s: %w", src.table, translate(err))
		}
		c.rows, c.sources = append(c.rows, row), append(c.sources, &src)
		if len(c.rows) == archiveBatchSize {
			if err := c.flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("archive %s: %w", src.table, translate(err))
	}
	return nil
}

// flush converts the gathered rows and sends them on.
func (c *archiveConverter) flush() error {
	n := len(c.rows)
	if n == 0 {
		return nil
	}
	b := archiveBatch{kinds: make([]string, n), docs: make([][]byte, n), signed: make([][][]byte, n)}
	refs := make([]*models.ChecklistRef, n)
	errs := make([]error, n)
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += workers {
				src := c.sources[i]
				b.kinds[i] = src.kind
				doc, ref, err := src.convert(c.rows[i])
				if err == nil {
					b.docs[i], err = bson.MarshalExtJSON(doc, true, false)
				}
				if a, ok := doc.(*models.Attempt); ok && err == nil {
					b.signed[i], err = models.SignedEntryLines(a)
				}
				if err != nil {
					errs[i] = fmt.Errorf("archive %s: %w", src.table, err)
				}
				refs[i] = ref
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, ref := range refs {
		if ref != nil {
			c.refs[archiveChecklistKey("", ref.ID, ref.Version)] = *ref
		}
	}
	c.rows, c.sources = c.rows[:0], c.sources[:0]
	select {
	case c.out <- b:
		return nil
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
}
