// Package mongo keeps Skillbook's records in MongoDB (or the embedded
// FerretDB engine that speaks its wire protocol). Every state change is one
// single-document atomic write guarded by a version field, so the same code
// is correct on both engines; driver errors leave this package as models
// sentinels.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"skillbook/clock"
	"skillbook/models"
)

// Options says where the store lives.
type Options struct {
	// URI of a MongoDB deployment; empty starts the embedded engine.
	URI string
	// Database is the database name.
	Database string
	// DataDir holds the embedded engine's files.
	DataDir string
	// Logger receives start-up and engine messages.
	Logger *slog.Logger
	// Timeout bounds every call that has no earlier deadline of its own.
	Timeout time.Duration
	// Clock stamps records and judges leases and expiries (default: the
	// system clock).
	Clock clock.Clock
}

// Store is the database behind Skillbook.
type Store struct {
	client   *mongo.Client
	db       *mongo.Database
	embedded *Embedded
	timeout  time.Duration
	// now reads the injected clock in UTC, to the millisecond MongoDB keeps.
	now func() time.Time
	log *slog.Logger
	// serializeWrites is set on the embedded engine (see collection).
	serializeWrites bool
	// files reads the embedded engine's tables directly (see engineFiles);
	// set by Open or ReadEngineFiles.
	files *engineFiles
	// uids remembers uid → user id bindings (see UserByUID).
	uids sync.Map
	// shipped remembers shipped checklist versions, which never change
	// (see ChecklistsByRef).
	shipped sync.Map
}

// Open connects to opts.URI, or starts the embedded engine under
// opts.DataDir when it is empty, and ensures every index.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	uri := opts.URI
	var emb *Embedded
	if uri == "" {
		var err error
		emb, err = StartEmbedded(ctx, opts.DataDir, opts.Logger)
		if err != nil {
			return nil, err
		}
		uri = emb.URI()
		opts.Logger.Info("using the embedded store (FerretDB on SQLite); set MONGODB_URI for production", "dataDir", opts.DataDir)
	}
	client, err := Connect(ctx, uri, emb == nil, opts.Logger)
	if err != nil {
		if emb != nil {
			emb.Close()
		}
		return nil, err
	}
	s := New(client, opts.Database, opts.Timeout, opts.Clock)
	s.embedded = emb
	s.log = opts.Logger
	if err := s.Init(ctx); err != nil {
		_ = s.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// Connect opens a driver client and checks that the server answers. On a
// real MongoDB deployment writes wait for a journaled majority, so an
// acknowledged sign-off survives a failover.
//
// With a logger, every command slower than SlowCommand is logged at warning
// level with its collection, so an operator sees which reads need an index.
func Connect(ctx context.Context, uri string, majority bool, log *slog.Logger) (*mongo.Client, error) {
	o := options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5 * time.Second).
		SetConnectTimeout(5 * time.Second)
	if log != nil {
		o.SetMonitor(slowCommands(log))
	}
	if majority {
		o.SetWriteConcern(writeconcern.Majority())
		o.WriteConcern.Journal = boolPtr(true)
	}
	client, err := mongo.Connect(o)
	if err != nil {
		return nil, fmt.Errorf("connect to store: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := client.Ping(pingCtx, nil); err != nil {
		_ = client.Disconnect(context.Background())
		return nil, fmt.Errorf("reach store: %w", err)
	}
	return client, nil
}

func boolPtr(b bool) *bool { return &b }

// New wraps a connected client; the caller keeps ownership of the client
// unless Close is called. clk stamps records and judges leases and
// expiries; nil is the system clock.
func New(client *mongo.Client, database string, timeout time.Duration, clk clock.Clock) *Store {
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	if clk == nil {
		clk = clock.System{}
	}
	return &Store{
		client:  client,
		db:      client.Database(database),
		timeout: timeout,
		now:     func() time.Time { return clk.Now().UTC().Truncate(time.Millisecond) },
		log:     slog.Default(),
	}
}

// Init learns which engine the store talks to and ensures every index;
// call it once before use.
func (s *Store) Init(ctx context.Context) error {
	ferret, err := detectEngine(ctx, s.db)
	if err != nil {
		return err
	}
	s.serializeWrites = ferret
	if err := s.EnsureIndexes(ctx); err != nil {
		return err
	}
	if s.embedded != nil {
		if err := s.embedded.IndexIDs(ctx); err != nil {
			return err
		}
		return s.ReadEngineFiles(ctx, s.embedded)
	}
	return nil
}

// ReadEngineFiles lets the store answer selective queries from the
// embedded engine's files (see engineFiles); Open does it for the engine
// it starts, and a store on a shared engine in the same process calls it
// after Init.
func (s *Store) ReadEngineFiles(ctx context.Context, e *Embedded) error {
	f, err := openEngineFiles(e.indexer.dir, s.db.Name())
	if err != nil {
		return err
	}
	if err := f.valueIndexes(ctx); err != nil {
		_ = f.close()
		return err
	}
	if s.files != nil {
		_ = s.files.close()
	}
	s.files = f
	return nil
}

// Close disconnects and stops the embedded engine, if any.
func (s *Store) Close(ctx context.Context) error {
	if s.files != nil {
		_ = s.files.close()
	}
	err := s.client.Disconnect(ctx)
	if s.embedded != nil {
		s.embedded.Close()
	}
	return err
}

// Ping reports whether the store answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.client.Ping(ctx, nil); err != nil {
		return fmt.Errorf("%w: %v", models.ErrUnavailable, err)
	}
	return nil
}

// Drop deletes the whole database; tests use it to clean up.
func (s *Store) Drop(ctx context.Context) error {
	return s.db.Drop(ctx)
}

// bound gives ctx the store's default deadline unless it already has one.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.timeout)
}

// translate turns driver errors into models sentinels.
func translate(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, mongo.ErrNoDocuments):
		return fmt.Errorf("%s: %w", what, models.ErrNotFound)
	case isDuplicateKey(err):
		return fmt.Errorf("%s: %w", what, models.ErrConflict)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", what, err)
	case mongo.IsNetworkError(err), mongo.IsTimeout(err), errors.Is(err, mongo.ErrClientDisconnected):
		return fmt.Errorf("%s: %w: %v", what, models.ErrUnavailable, err)
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		return fmt.Errorf("%s: %w", what, err)
	}
	if isServerSelection(err) {
		return fmt.Errorf("%s: %w: %v", what, models.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// isServerSelection reports a driver that found no server to talk to; the
// driver's own error type for it lives in an internal package.
func isServerSelection(err error) bool {
	return strings.Contains(err.Error(), "server selection")
}
