package mongo

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
)

// TestSlowCommandsAreLoggedWithoutTheirDocuments: a command slower than
// SlowCommand is logged with its name and collection, never its filter.
func TestSlowCommandsAreLoggedWithoutTheirDocuments(t *testing.T) {
	var out bytes.Buffer
	m := slowCommands(slog.New(slog.NewTextHandler(&out, nil)))
	ctx := context.Background()
	for i, took := range []time.Duration{10 * time.Millisecond, 2 * SlowCommand} {
		cmd, _ := bson.Marshal(bson.D{{Key: "find", Value: "attempts"}, {Key: "filter", Value: bson.D{{Key: "studentId", Value: "secret-student"}}}})
		m.Started(ctx, &event.CommandStartedEvent{Command: cmd, CommandName: "find", RequestID: int64(i)})
		m.Succeeded(ctx, &event.CommandSucceededEvent{CommandFinishedEvent: event.CommandFinishedEvent{
			CommandName: "find", RequestID: int64(i), Duration: took}})
	}
	log := out.String()
	if n := strings.Count(log, "slow store command"); n != 1 {
		t.Fatalf("logged %d slow commands; want 1 (only the slow one):\n%s", n, log)
	}
	if !strings.Contains(log, "collection=attempts") || strings.Contains(log, "secret-student") {
		t.Errorf("log line = %q; want the collection and no filter values", log)
	}
}
