package workflow

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"skillbook/models"
)

func (f *fakeNotices) VerifyAudit(_ context.Context, programID string) (models.AuditVerification, error) {
	return models.AuditVerification{ProgramID: programID, Intact: true}, nil
}

func (f *fakeNotices) AuditHeads(context.Context) ([]models.AuditHead, error) { return f.heads, nil }

func (f *fakeNotices) LatestAuditCheckpoint(_ context.Context, programID string) (models.AuditCheckpoint, error) {
	var last *models.AuditCheckpoint
	for i, c := range f.checkpoints {
		if c.ProgramID == programID && (last == nil || c.Seq > last.Seq) {
			last = &f.checkpoints[i]
		}
	}
	if last == nil {
		return models.AuditCheckpoint{}, models.ErrNotFound
	}
	return *last, nil
}

func (f *fakeNotices) AppendAuditCheckpoint(_ context.Context, c models.AuditCheckpoint) error {
	f.checkpoints = append(f.checkpoints, c)
	return nil
}

func TestVerifyAuditIsForAdmins(t *testing.T) {
	n, _ := noticesWith(newFakeNotices())
	ctx := context.Background()
	for _, role := range []models.Role{models.RoleInstructor, models.RoleStudent} {
		if _, err := n.VerifyAudit(ctx, callerAs("u", role)); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("VerifyAudit as %s = %v; want ErrForbidden", role, err)
		}
	}
	v, err := n.VerifyAudit(ctx, callerAs("admin", models.RoleAdmin))
	if err != nil || v.ProgramID != "p1" || !v.Intact {
		t.Errorf("VerifyAudit as admin = %+v, %v; want the chain of p1", v, err)
	}
}

func TestCheckpointAuditSignsHeadsThatMoved(t *testing.T) {
	st := newFakeNotices()
	st.heads = []models.AuditHead{{ProgramID: "p1", Seq: 3, Hash: "h3"}, {ProgramID: "p2", Seq: 5, Hash: "h5"}, {ProgramID: "p3", Seq: 2, Hash: "h2"}}
	st.checkpoints = []models.AuditCheckpoint{{ProgramID: "p2", Seq: 5, Hash: "h5"}, {ProgramID: "p3", Seq: 1, Hash: "h1"}}
	n, clk := noticesWith(st)
	var signed [][]byte
	sign := func(_ context.Context, b []byte) (string, string, error) {
		signed = append(signed, b)
		return "key-1", fmt.Sprintf("sig-%d", len(signed)), nil
	}
	got, err := n.CheckpointAudit(context.Background(), sign)
	if err != nil || got != 2 {
		t.Fatalf("CheckpointAudit = %d, %v; want 2 (p1 and p3; p2 has not moved)", got, err)
	}
	want := []models.AuditCheckpoint{
		{ProgramID: "p1", Seq: 3, Hash: "h3", At: clk.Now().UTC(), KeyID: "key-1", Signature: "sig-1"},
		{ProgramID: "p3", Seq: 2, Hash: "h2", At: clk.Now().UTC(), KeyID: "key-1", Signature: "sig-2"},
	}
	for i, w := range want {
		c := st.checkpoints[2+i]
		if c != w {
			t.Errorf("checkpoint %d = %+v; want %+v", i, c, w)
		}
		if string(signed[i]) != string(w.SigningBytes()) {
			t.Errorf("signed %q; want the checkpoint's signing bytes", signed[i])
		}
	}
	if got, err := n.CheckpointAudit(context.Background(), sign); err != nil || got != 0 {
		t.Errorf("CheckpointAudit again = %d, %v; want 0 (no head moved)", got, err)
	}
	st.heads[0].Seq = 4
	failing := func(context.Context, []byte) (string, string, error) { return "", "", errors.New("kms down") }
	if _, err := n.CheckpointAudit(context.Background(), failing); err == nil {
		t.Errorf("CheckpointAudit with a failing signer succeeded")
	}
	if len(st.checkpoints) != 4 {
		t.Errorf("a failed signature stored a checkpoint: %+v", st.checkpoints)
	}
}
