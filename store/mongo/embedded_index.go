package mongo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the engine's own SQLite driver, registered as "sqlite"
)

// FerretDB 1.24 looks a document up by _id (a find, update or delete of
// one _id) with the SQLite expression _ferretdb_sjson->'$._id', but indexes
// _id on _ferretdb_sjson->"_id". Both name the same value, yet SQLite only
// uses an index whose expression is written exactly as the query's, so
// every lookup by _id scanned its whole table: ~5 s for one attempt among
// 85,000. The embedded engine therefore keeps one more index per table, on
// the query's own expression, which makes the same lookup take
// milliseconds. Real MongoDB needs none of this.

const (
	// idLookupIndexSuffix names our index: <table>_skillbook_id.
	idLookupIndexSuffix = "_skillbook_id"
	// idLookupExpr is FerretDB's metadata.IDColumn, verbatim.
	idLookupExpr = `_ferretdb_sjson->'$._id'`
	// engineTables is FerretDB's table of collections in each database file.
	engineTables = "_ferretdb_collections"
	// indexEvery is how often the engine looks for new tables: a
	// collection is created by the first write to it, at any time.
	indexEvery = 2 * time.Second
)

// idIndexer adds the _id lookup index to every table of the engine's
// database files. It remembers when it last saw each file change, so an
// idle pass opens nothing.
type idIndexer struct {
	dir  string
	mu   sync.Mutex
	seen map[string]time.Time // database file → newest change indexed
	// looped, once someone waits for it, is closed after the loop's next
	// pass (see AwaitIndexPass).
	looped chan struct{}
}

// IndexIDs adds the _id lookup index to every collection the engine holds
// now. The engine also does so on its own every few seconds; a caller that
// has just created collections calls this to have the index at once.
func (e *Embedded) IndexIDs(ctx context.Context) error {
	return e.indexer.pass(ctx)
}

// AwaitIndexPass waits until the engine's own indexing, every few seconds,
// has made one more pass over the database files, or ctx is done.
func (e *Embedded) AwaitIndexPass(ctx context.Context) error {
	x := e.indexer
	x.mu.Lock()
	if x.looped == nil {
		x.looped = make(chan struct{})
	}
	looped := x.looped
	x.mu.Unlock()
	select {
	case <-looped:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// loop indexes new tables until ctx is done.
func (x *idIndexer) loop(ctx context.Context, warn func(error)) {
	t := time.NewTicker(indexEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := x.pass(ctx); err != nil && ctx.Err() == nil {
			warn(err)
		}
		x.mu.Lock()
		if x.looped != nil {
			close(x.looped)
			x.looped = nil
		}
		x.mu.Unlock()
	}
}

// pass indexes every database file that changed since it was last seen.
func (x *idIndexer) pass(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	files, err := filepath.Glob(filepath.Join(x.dir, "*.sqlite"))
	if err != nil {
		return err
	}
	var errs []error
	for _, f := range files {
		changed := lastChange(f)
		if changed.IsZero() || !changed.After(x.seen[f]) {
			continue
		}
		if err := indexFile(ctx, f); err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
			continue
		}
		x.seen[f] = changed
	}
	return errors.Join(errs...)
}

// lastChange is the newest modification time of a database file and its
// write-ahead log, where new tables appear first; zero when it is gone.
func lastChange(file string) time.Time {
	var newest time.Time
	for _, f := range []string{file, file + "-wal"} {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(newest) {
			newest = fi.ModTime()
		}
	}
	return newest
}

// indexFile adds the missing _id lookup indexes to one database file. It
// opens the file read-write without creating it (a database dropped
// meanwhile stays dropped) and waits, as the engine does, for a writer
// to finish.
func indexFile(ctx context.Context, file string) error {
	if _, err := os.Stat(file); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("index %s: %w", filepath.Base(file), err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT c.table_name FROM `+engineTables+` c
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || ?)`,
		idLookupIndexSuffix)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database the engine has not set up yet
		}
		return fmt.Errorf("index %s: %w", filepath.Base(file), err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("index %s: %w", filepath.Base(file), err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("index %s: %w", filepath.Base(file), err)
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, t+idLookupIndexSuffix, t, idLookupExpr)
		if _, err := db.ExecContext(ctx, q); err != nil && !strings.Contains(err.Error(), "no such table") {
			return fmt.Errorf("index %s.%s: %w", filepath.Base(file), t, err)
		}
	}
	return nil
}
