// Package mongo keeps Skillbook's records in MongoDB 7+ (or Atlas) through
// the official driver. Every state change is one single-document atomic
// write guarded by a version field; driver errors leave this package as
// models sentinels.
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
	// URI of a MongoDB deployment (required).
	URI string
	// Database is the database name.
	Database string
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
	client  *mongo.Client
	db      *mongo.Database
	timeout time.Duration
	// now reads the injected clock in UTC, to the millisecond MongoDB keeps.
	now func() time.Time
	log *slog.Logger
	// uids remembers uid → user id bindings (see UserByUID).
	uids sync.Map
	// shipped remembers shipped checklist versions, which never change
	// (see ChecklistsByRef).
	shipped sync.Map
}

// Open connects to opts.URI and ensures every index.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.URI == "" {
		return nil, errors.New("open store: no MongoDB URI")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	client, err := Connect(ctx, opts.URI, true, opts.Logger)
	if err != nil {
		return nil, err
	}
	s := New(client, opts.Database, opts.Timeout, opts.Clock)
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

// Init ensures every index; call it once before use.
func (s *Store) Init(ctx context.Context) error {
	if err := s.EnsureIndexes(ctx); err != nil {
		return err
	}
	return s.chainBacklog(ctx)
}

// Close disconnects.
func (s *Store) Close(ctx context.Context) error {
	return s.client.Disconnect(ctx)
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
