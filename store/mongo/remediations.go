package mongo

import (
	"context"

	"skillbook/models"
)

// CreateRemediation records an admin's remediation plan r, as the caller
// made it (id, author, time stamp), with its event.
func (s *Store) CreateRemediation(ctx context.Context, r models.Remediation, ev models.Event) (models.Remediation, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	doc, err := docWithEvents(r, s.newEvent(ev))
	if err != nil {
		return models.Remediation{}, err
	}
	if _, err := s.collection(colRemediations).InsertOne(ctx, doc); err != nil {
		return models.Remediation{}, translate(err, "create remediation")
	}
	s.relayAfter(ctx, colRemediations, r.ID)
	return r, nil
}
