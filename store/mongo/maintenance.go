package mongo

import (
	"context"
	"time"
)

// RunMaintenance relays leftover events and purges expired idempotency
// keys every interval until ctx is done. The server runs one; several
// instances may run side by side, since both tasks are idempotent.
func (s *Store) RunMaintenance(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := s.RelayPending(ctx, 500); err != nil {
			s.log.Warn("relay sweep", "error", err)
		} else if n > 0 {
			s.log.Info("relayed leftover events", "documents", n)
		}
		if n, err := s.PurgeIdempotency(ctx); err != nil {
			s.log.Warn("purge idempotency keys", "error", err)
		} else if n > 0 {
			s.log.Debug("purged idempotency keys", "count", n)
		}
	}
}
