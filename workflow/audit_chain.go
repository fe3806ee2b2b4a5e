package workflow

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"skillbook/models"
)

// AuditChainStore verifies and checkpoints the programs' audit chains
// (models.ChainHash): the store links every entry as it appends it.
type AuditChainStore interface {
	// VerifyAudit walks programID's chain in sequence order and reports
	// its first broken link, or that it is intact.
	VerifyAudit(ctx context.Context, programID string) (models.AuditVerification, error)
	// AuditHeads lists every program's chain head.
	AuditHeads(ctx context.Context) ([]models.AuditHead, error)
	// LatestAuditCheckpoint is programID's newest checkpoint
	// (models.ErrNotFound before its first).
	LatestAuditCheckpoint(ctx context.Context, programID string) (models.AuditCheckpoint, error)
	// AppendAuditCheckpoint stores a checkpoint (models.ErrConflict when
	// the program has one at that sequence number).
	AppendAuditCheckpoint(ctx context.Context, c models.AuditCheckpoint) error
}

// VerifyAudit checks the caller's program's audit chain and reports its
// first broken link; only its admins ask (models.CanReadAudit).
func (n *Notices) VerifyAudit(ctx context.Context, caller Caller) (models.AuditVerification, error) {
	if !models.CanReadAudit(caller.User) {
		return models.AuditVerification{}, fmt.Errorf("%w: only program admins verify the audit trail", models.ErrForbidden)
	}
	return VerifyAuditChain(ctx, n.store, n.signing.Keys, caller.ProgramID)
}

// VerifyAuditChain walks programID's chain (the store holds it to the
// latest checkpoint) and checks that checkpoint's signature against keys:
// a chain rewritten from some entry on, hashes and all, needs a forged
// checkpoint to match, and a forged one does not verify.
func VerifyAuditChain(ctx context.Context, st AuditChainStore, keys models.SignatureVerifier, programID string) (models.AuditVerification, error) {
	v, err := st.VerifyAudit(ctx, programID)
	if err != nil || !v.Intact {
		return v, err
	}
	c, err := st.LatestAuditCheckpoint(ctx, programID)
	switch {
	case errors.Is(err, models.ErrNotFound):
		return v, nil
	case err != nil:
		return v, err
	}
	if err := c.CheckSignature(keys); err != nil {
		v.Intact = false
		v.Break = &models.AuditBreak{Seq: c.Seq, Reason: models.BreakCheckpointSignature,
			Detail: fmt.Sprintf("the checkpoint at entry %d: %v", c.Seq, err)}
	}
	return v, nil
}

// Checkpoint signs a checkpoint of every program whose chain head moved
// with the program's signing key (CheckpointAudit); serve runs it on a
// timer.
func (n *Notices) Checkpoint(ctx context.Context) (int, error) {
	return n.CheckpointAudit(ctx, func(ctx context.Context, payload []byte) (string, string, error) {
		raw, err := n.signing.Key.Sign(ctx, payload)
		if err != nil {
			return "", "", err
		}
		return n.signing.Key.KeyID(), base64.RawURLEncoding.EncodeToString(raw), nil
	})
}

// CheckpointSigner signs a checkpoint's bytes (models.AuditCheckpoint
// SigningBytes) with a key kept outside the database, naming the key.
type CheckpointSigner func(ctx context.Context, payload []byte) (keyID, signature string, err error)

// CheckpointAudit writes a signed checkpoint of every program whose chain
// head moved since its last checkpoint, and returns how many it wrote. A
// checkpoint another process wrote at the same head meanwhile counts as
// written. It runs as the system, from a timer or a command.
func (n *Notices) CheckpointAudit(ctx context.Context, sign CheckpointSigner) (int, error) {
	heads, err := n.store.AuditHeads(ctx)
	if err != nil {
		return 0, err
	}
	written := 0
	for _, h := range heads {
		last, err := n.store.LatestAuditCheckpoint(ctx, h.ProgramID)
		switch {
		case errors.Is(err, models.ErrNotFound):
		case err != nil:
			return written, err
		case last.Seq >= h.Seq:
			continue
		}
		c := models.AuditCheckpoint{ProgramID: h.ProgramID, Seq: h.Seq, Hash: h.Hash, At: n.clock.Now().UTC().Truncate(time.Millisecond)}
		c.KeyID, c.Signature, err = sign(ctx, c.SigningBytes())
		if err != nil {
			return written, fmt.Errorf("sign audit checkpoint of %s: %w", h.ProgramID, err)
		}
		if err := n.store.AppendAuditCheckpoint(ctx, c); err != nil && !errors.Is(err, models.ErrConflict) {
			return written, err
		}
		written++
	}
	return written, nil
}
