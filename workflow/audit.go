package workflow

import (
	"context"
	"fmt"

	"skillbook/models"
)

// AuditStore reads a program's audit trail.
type AuditStore interface {
	// Audit lists the entries of programID's trail that f selects, newest
	// first.
	Audit(ctx context.Context, programID string, f models.AuditFilter, page models.Page) (models.List[models.Event], error)
}

// AuditInput selects and pages the entries of the audit trail.
type AuditInput struct {
	Filter models.AuditFilter
	Page   models.Page
}

// Audit lists the caller's program's audit trail, newest first; only its
// admins read it (models.CanReadAudit). The trail is append-only: no use
// case changes or removes an entry.
func (n *Notices) Audit(ctx context.Context, caller Caller, in AuditInput) (models.List[models.Event], error) {
	if !models.CanReadAudit(caller.User) {
		return models.List[models.Event]{}, fmt.Errorf("%w: only program admins read the audit trail", models.ErrForbidden)
	}
	return n.store.Audit(ctx, caller.ProgramID, in.Filter, in.Page)
}
