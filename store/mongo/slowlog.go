package mongo

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
)

// SlowCommand is how long a store command may take before it is logged.
const SlowCommand = time.Second

// slowCommands logs commands slower than SlowCommand: their name, the
// collection and the time taken, never their documents (student records).
func slowCommands(log *slog.Logger) *event.CommandMonitor {
	var started sync.Map // request id → collection
	return &event.CommandMonitor{
		Started: func(_ context.Context, e *event.CommandStartedEvent) {
			col, _ := e.Command.Lookup(e.CommandName).StringValueOK()
			started.Store(e.RequestID, col)
		},
		Succeeded: func(ctx context.Context, e *event.CommandSucceededEvent) {
			col, _ := started.LoadAndDelete(e.RequestID)
			if e.Duration >= SlowCommand {
				log.WarnContext(ctx, "slow store command", "command", e.CommandName, "collection", col, "took", e.Duration.String())
			}
		},
		Failed: func(ctx context.Context, e *event.CommandFailedEvent) {
			col, _ := started.LoadAndDelete(e.RequestID)
			if e.Duration >= SlowCommand {
				log.WarnContext(ctx, "slow store command", "command", e.CommandName, "collection", col, "took", e.Duration.String(), "failed", true)
			}
		},
	}
}
