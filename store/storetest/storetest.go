// Package storetest gives each test its own database on one MongoDB engine
// per test binary: TEST_MONGODB_URI when it is set, otherwise an embedded
// FerretDB started on first use as a wire-protocol stand-in (see FerretDB;
// only tests link it).
package storetest

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"

	"skillbook/clock"
	"skillbook/store/mongo"
)

var engine struct {
	once   sync.Once
	uri    string
	client *mongodriver.Client
	err    error
	dir    string
	emb    *FerretDB
	// ferret says the engine is a FerretDB (the stand-in, or one served
	// at TEST_MONGODB_URI).
	ferret bool
}

// Main runs a package's tests and then stops the shared engine; call it from
// TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if engine.client != nil {
		_ = engine.client.Disconnect(context.Background())
	}
	if engine.emb != nil {
		engine.emb.Close()
	}
	if engine.dir != "" {
		_ = os.RemoveAll(engine.dir)
	}
	os.Exit(code)
}

// URI returns the address of the shared engine, starting it on first use.
func URI(tb testing.TB) string {
	tb.Helper()
	engine.once.Do(func() {
		engine.uri = os.Getenv("TEST_MONGODB_URI")
		if engine.uri == "" {
			engine.dir, engine.err = os.MkdirTemp("", "skillbook-store-")
			if engine.err != nil {
				return
			}
			quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
			engine.emb, engine.err = StartFerretDB(context.Background(), engine.dir, "127.0.0.1:0", quiet)
			if engine.err != nil {
				return
			}
			engine.uri = engine.emb.URI()
		}
		engine.client, engine.err = mongo.Connect(context.Background(), engine.uri, false, nil)
		if engine.err != nil {
			return
		}
		var info bson.M
		engine.err = engine.client.Database("admin").RunCommand(context.Background(), bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info)
		_, engine.ferret = info["ferretdbVersion"]
	})
	if engine.err != nil {
		tb.Fatalf("start test store: %v", engine.err)
	}
	return engine.uri
}

// AtomicUpdates reports whether the engine applies a conditional update
// atomically, as MongoDB does. A FerretDB does not (it reads, then writes
// by _id), so a test that races writers for one document asserts the race
// only when this is true; otherwise it says so in its output and returns:
//
//	if !storetest.AtomicUpdates(t) {
//		return
//	}
func AtomicUpdates(tb testing.TB) bool {
	tb.Helper()
	URI(tb)
	if engine.ferret {
		tb.Log("racing case needs a real MongoDB (TEST_MONGODB_URI); FerretDB's updates are not atomic")
		return false
	}
	return true
}

// New returns a store on a fresh database with every index, dropped when the
// test ends. It runs on the system clock.
func New(tb testing.TB) *mongo.Store {
	tb.Helper()
	return NewWithClock(tb, clock.System{})
}

// NewWithClock is New with the store on clk: a test that waits out a lease,
// a retry or a retention period advances a clock.Fake instead of sleeping.
func NewWithClock(tb testing.TB, clk clock.Clock) *mongo.Store {
	tb.Helper()
	URI(tb)
	s := mongo.New(engine.client, databaseName("t"), 30*time.Second, clk)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.Init(ctx); err != nil {
		tb.Fatalf("init store: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = s.Drop(ctx)
	})
	return s
}

// databaseName is a fresh database name starting with prefix: a
// time-ordered unique id, so leftovers sort by age.
func databaseName(prefix string) string {
	return prefix + strings.ReplaceAll(mongo.NewID(), "-", "")
}
