package mongo_test

import (
	"context"
	"testing"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

// TestAuditChainRecoversFromARelayThatStopped: a relay that moved the
// chain head but did not write the entries it linked leaves a gap that
// verification reports, and the next append writes them first; a relay
// repeated links nothing twice.
func TestAuditChainRecoversFromARelayThatStopped(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	ev := func() models.Event {
		return models.Event{ID: mongo.NewID(), Type: "user.updated", ProgramID: "p1", Actor: models.SystemActor, Subject: "user", SubjectID: "u1"}
	}
	first := []models.Event{ev(), ev()}
	if err := s.AppendAuditEntries(ctx, first); err != nil {
		t.Fatal(err)
	}
	stopped := ev()
	if err := s.LinkAuditOnly(ctx, "p1", []models.Event{stopped}); err != nil {
		t.Fatal(err)
	}
	v, err := s.VerifyAudit(ctx, "p1")
	if err != nil || v.Intact || v.Break.Seq != 3 || v.Break.Reason != models.BreakGap {
		t.Fatalf("VerifyAudit with entry 3 linked but not written = %+v, %v; want a gap at 3", v, err)
	}
	// The next append writes the stopped relay's entry before its own;
	// the stopped relay's retry and a repeat of the first change nothing.
	if err := s.AppendAuditEntries(ctx, []models.Event{ev()}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAuditEntries(ctx, append([]models.Event{stopped}, first...)); err != nil {
		t.Fatal(err)
	}
	v, err = s.VerifyAudit(ctx, "p1")
	if err != nil || !v.Intact || v.Entries != 4 {
		t.Fatalf("VerifyAudit after the next append = %+v, %v; want intact with 4 entries", v, err)
	}
	l, err := s.Audit(ctx, "p1", models.AuditFilter{}, models.Page{})
	if err != nil || len(l.Items) != 4 {
		t.Fatalf("Audit = %d entries, %v; want 4", len(l.Items), err)
	}
	for _, e := range l.Items {
		if e.ID == stopped.ID && e.Seq != 3 {
			t.Errorf("the stopped relay's entry is at %d; want 3", e.Seq)
		}
	}
}
