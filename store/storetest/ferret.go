package storetest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// FerretDB is a FerretDB 1.24 engine on SQLite running inside the test
// process and listening on loopback only: the MongoDB engine's tests use it
// as a stand-in that speaks the wire protocol, so they need no database
// server. It is no MongoDB: its updates read, then write by _id, so two
// racing conditional updates of one document can both succeed; tests of
// such races run only against TEST_MONGODB_URI.
type FerretDB struct {
	uri    string
	cancel context.CancelFunc
	done   chan struct{}
}

// newFerretDB serializes ferretdb.New, which sets a package-level variable
// of FerretDB's on every call: a data race when two engines start at once
// (parallel tests).
var newFerretDB sync.Mutex

// StartFerretDB starts the engine with its files under dir, listening on
// addr, a loopback host:port (port 0 picks a free one). Its info and
// warning logs go nowhere; logger gets its errors.
func StartFerretDB(ctx context.Context, dir, addr string, logger *slog.Logger) (*FerretDB, error) {
	if dir == "" {
		return nil, errors.New("ferretdb: data dir is empty")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("ferretdb: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("ferretdb: %w", err)
	}
	newFerretDB.Lock() // see newFerretDB
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
		Logger:    slog.New(errorsOnly{Handler: logger.Handler()}).With("component", "ferretdb"),
	})
	newFerretDB.Unlock()
	if err != nil {
		return nil, fmt.Errorf("ferretdb: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	e := &FerretDB{uri: f.MongoDBURI(), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		f.Run(runCtx)
	}()
	return e, nil
}

// URI is the mongodb:// address of the running engine.
func (e *FerretDB) URI() string { return e.uri }

// Close stops the engine and waits for it to finish.
func (e *FerretDB) Close() {
	e.cancel()
	<-e.done
}

// errorsOnly drops records below error level: the engine logs every
// connection at info and unsupported housekeeping commands (endSessions) at
// warning. It applies attributes and groups only to the records it keeps:
// the engine adds the arguments of every SQL statement (whole documents)
// with Logger.With, and formatting those eagerly costs a tenth of a write.
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
