package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is a FerretDB engine on SQLite running inside this process and
// listening on loopback only, so development and tests need no database
// server while speaking the same wire protocol as production MongoDB.
type Embedded struct {
	uri     string
	indexer *idIndexer
	cancel  context.CancelFunc
	done    chan struct{}
}

// StartEmbedded starts the engine with its files under dataDir.
func StartEmbedded(ctx context.Context, dataDir string, logger *slog.Logger) (*Embedded, error) {
	return startEmbedded(ctx, dataDir, "127.0.0.1:0", logger)
}

// StartEmbeddedAt is StartEmbedded on a fixed loopback address, for running
// the engine on its own (`skillbook db`).
func StartEmbeddedAt(ctx context.Context, dataDir, addr string, logger *slog.Logger) (*Embedded, error) {
	return startEmbedded(ctx, dataDir, addr, logger)
}

// newFerretDB serializes ferretdb.New, which sets a package-level variable
// of FerretDB's on every call: a data race when two engines start at once
// (parallel tests).
var newFerretDB sync.Mutex

func startEmbedded(ctx context.Context, dataDir, addr string, logger *slog.Logger) (*Embedded, error) {
	if dataDir == "" {
		return nil, errors.New("embedded store: data dir is empty")
	}
	dir, err := filepath.Abs(filepath.Join(dataDir, "ferretdb"))
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	newFerretDB.Lock() // see newFerretDB
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		// The engine logs every connection at info; only its warnings
		// are worth a line in our logs.
		Logger: slog.New(errorsOnly{Handler: logger.Handler()}).With("component", "ferretdb"),
	})
	newFerretDB.Unlock()
	if err != nil {
		return nil, fmt.Errorf("embedded store: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &Embedded{indexer: &idIndexer{dir: dir, seen: map[string]time.Time{}}, cancel: cancel, done: make(chan struct{})}
	var indexing sync.WaitGroup
	indexing.Go(func() {
		e.indexer.loop(runCtx, func(err error) { logger.Warn("embedded store: index _id lookups", "error", err) })
	})
	go func() {
		defer close(e.done)
		f.Run(runCtx)
		indexing.Wait()
	}()
	e.uri = f.MongoDBURI()
	return e, nil
}

// URI is the mongodb:// address of the running engine.
func (e *Embedded) URI() string { return e.uri }

// Close stops the engine and waits for it to finish.
func (e *Embedded) Close() {
	e.cancel()
	<-e.done
}

// errorsOnly drops records below error level: the engine logs every
// connection at info and unsupported housekeeping commands (endSessions) at
// warning, none of which is ours to act on. It applies attributes and
// groups only to the records it keeps: the engine adds the arguments of
// every SQL statement (whole documents) with Logger.With before logging the
// statement at debug level, and formatting those eagerly took about a tenth
// of the CPU time of every write.
type errorsOnly struct {
	slog.Handler
	with []func(slog.Handler) slog.Handler
}

func (h errorsOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelError && h.Handler.Enabled(ctx, l)
}

func (h errorsOnly) Handle(ctx context.Context, r slog.Record) error {
	inner := h.Handler
	for _, f := range h.with {
		inner = f(inner)
	}
	return inner.Handle(ctx, r)
}

func (h errorsOnly) WithAttrs(attrs []slog.Attr) slog.Handler {
	return errorsOnly{h.Handler, append(slices.Clip(h.with), func(in slog.Handler) slog.Handler { return in.WithAttrs(attrs) })}
}

func (h errorsOnly) WithGroup(name string) slog.Handler {
	return errorsOnly{h.Handler, append(slices.Clip(h.with), func(in slog.Handler) slog.Handler { return in.WithGroup(name) })}
}
