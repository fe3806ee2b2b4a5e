package mongo

import (
	"context"
	"errors"

	"skillbook/models"
)

// AppendAuditEntries runs the relay's audit step for events, so a test can
// repeat it as a relay after a crash would.
func (s *Store) AppendAuditEntries(ctx context.Context, events []models.Event) error {
	return s.appendAuditEntries(ctx, events)
}

// LinkAuditOnly moves programID's chain head over events and stops, as a
// relay that crashes before writing the entries it linked.
func (s *Store) LinkAuditOnly(ctx context.Context, programID string, events []models.Event) error {
	h, err := s.readAuditHead(ctx, programID)
	if err != nil {
		return err
	}
	moved, err := s.moveAuditHead(ctx, h.Version, nextAuditHead(h, events))
	if err == nil && !moved {
		err = errors.New("the head moved meanwhile")
	}
	return err
}
