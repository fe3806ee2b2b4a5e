package mongo

import (
	"context"

	"skillbook/models"
)

// EnqueueNotifications runs the relay's enqueue step of e, so a test can
// repeat it as a relay after a crash would.
func (s *Store) EnqueueNotifications(ctx context.Context, e models.Event) error {
	return s.enqueueNotifications(ctx, e)
}
