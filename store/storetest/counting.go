package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/store/mongo"
)

// Counter counts the commands, each one round trip, that a store sends to
// its database.
type Counter struct {
	mu       sync.Mutex
	database string
	commands []string
}

// Count returns how many commands were sent since the last Reset.
func (c *Counter) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.commands)
}

// Commands returns the names of the commands sent since the last Reset,
// in order ("find", "aggregate", "getMore" …).
func (c *Counter) Commands() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.commands...)
}

// Reset starts counting again from zero.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.commands = nil
}

func (c *Counter) started(_ context.Context, e *event.CommandStartedEvent) {
	if e.DatabaseName != c.database {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.commands = append(c.commands, e.CommandName)
}

// NewCounting is New on a client of its own whose commands to the test's
// database are counted, so a test can assert how many round trips an
// operation costs.
func NewCounting(tb testing.TB) (*mongo.Store, *Counter) {
	tb.Helper()
	uri := URI(tb)
	name := databaseName("c")
	counter := &Counter{database: name}
	client, err := mongodriver.Connect(options.Client().ApplyURI(uri).
		SetServerSelectionTimeout(5 * time.Second).
		SetMonitor(&event.CommandMonitor{Started: counter.started}))
	if err != nil {
		tb.Fatalf("connect counting client: %v", err)
	}
	s := mongo.New(client, name, 30*time.Second, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Init(ctx); err != nil {
		tb.Fatalf("ensure indexes: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = s.Drop(ctx)
		_ = client.Disconnect(ctx)
	})
	counter.Reset()
	return s, counter
}
