package sqlite

import (
	"context"
	"time"
)

// RunMaintenance removes expired Idempotency-Key records every interval
// until ctx ends. (On SQLite there is no event relay to sweep: a change's
// events and notifications commit with it.)
func (s *Store) RunMaintenance(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := s.PurgeIdempotency(ctx); err != nil {
			s.log.Warn("purge idempotency keys", "error", err)
		} else if n > 0 {
			s.log.Debug("purged idempotency keys", "count", n)
		}
	}
}
