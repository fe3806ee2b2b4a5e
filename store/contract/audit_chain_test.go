package contract_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
	"skillbook/workflow"
)

// chained records n audit entries in programID, one millisecond apart,
// the last three in one write (so one relay links several).
func chained(t *testing.T, s storetest.Store, clk *clock.Fake, programID string, n int) {
	t.Helper()
	ev := func(i int) models.Event {
		return models.Event{ID: newID(), Type: "user.updated", ProgramID: programID, Actor: admin, Subject: "user",
			SubjectID: fmt.Sprintf("u%d", i), StudentID: "s1", Summary: fmt.Sprintf("change %d", i), Data: map[string]string{"i": fmt.Sprint(i), "b": "x"}}
	}
	i := 0
	for ; i < n-3; i++ {
		clk.Advance(time.Millisecond)
		record(t, s, ev(i))
	}
	var last []models.Event
	for ; i < n; i++ {
		clk.Advance(time.Millisecond)
		e := ev(i)
		e.At = clk.Now()
		last = append(last, e)
	}
	record(t, s, last...)
}

// chainOf reads programID's whole trail, oldest first.
func chainOf(t *testing.T, s storetest.Store, programID string) []models.Event {
	t.Helper()
	var out []models.Event
	page := models.Page{Limit: 200}
	for {
		l, err := s.Audit(context.Background(), programID, models.AuditFilter{}, page)
		if err != nil {
			t.Fatalf("Audit(%s) = %v", programID, err)
		}
		out = append(out, l.Items...)
		if l.NextCursor == "" {
			break
		}
		page.Cursor = l.NextCursor
	}
	slices.Reverse(out)
	return out
}

func verify(t *testing.T, s storetest.Store, programID string) models.AuditVerification {
	t.Helper()
	v, err := s.VerifyAudit(context.Background(), programID)
	if err != nil {
		t.Fatalf("VerifyAudit(%s) = %v", programID, err)
	}
	return v
}

func TestAuditChainLinksEveryEntry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		chained(t, s, clk, "p1", 7)
		chained(t, s, clk, "p2", 4)
		entries := chainOf(t, s, "p1")
		if len(entries) != 7 {
			t.Fatalf("trail of p1 = %d entries; want 7", len(entries))
		}
		prev := ""
		for i, e := range entries {
			if e.Seq != int64(i+1) || e.PrevHash != prev || e.Hash != models.ChainHash(prev, e) {
				t.Errorf("entry %d = seq %d, previous %q, hash %q; want seq %d after %q, its own hash", i, e.Seq, e.PrevHash, e.Hash, i+1, prev)
			}
			prev = e.Hash
		}
		v := verify(t, s, "p1")
		want := models.AuditVerification{ProgramID: "p1", Intact: true, Entries: 7, HeadSeq: 7, HeadHash: prev}
		if v != want {
			t.Errorf("VerifyAudit(p1) = %+v; want %+v", v, want)
		}
		if v := verify(t, s, "p2"); !v.Intact || v.Entries != 4 {
			t.Errorf("VerifyAudit(p2) = %+v; want intact with 4 entries", v)
		}
		if v := verify(t, s, "nobody"); !v.Intact || v.Entries != 0 {
			t.Errorf("VerifyAudit(an empty program) = %+v; want intact with none", v)
		}
		heads, err := s.AuditHeads(context.Background())
		if err != nil || len(heads) != 2 || heads[0].ProgramID != "p1" || heads[0].Seq != 7 || heads[0].Hash != prev || heads[1].Seq != 4 {
			t.Errorf("AuditHeads = %+v, %v; want p1 at 7 and p2 at 4", heads, err)
		}
	})
}

func TestAuditChainReportsTheFirstBrokenLink(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		how    storetest.Tampering
		seq    int64
		reason models.ChainBreakReason
	}{
		{"an entry changed", storetest.EditEntry, 3, models.BreakHash},
		{"the first entry changed", storetest.EditEntry, 1, models.BreakHash},
		{"an entry removed", storetest.DeleteEntry, 4, models.BreakGap},
		{"the first entry removed", storetest.DeleteEntry, 1, models.BreakGap},
		{"the newest entry removed", storetest.DeleteEntry, 6, models.BreakGap},
		{"an entry slipped in", storetest.InsertEntry, 0, models.BreakUnlinked},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
				chained(t, s, clk, "p1", 6)
				chained(t, s, clk, "p2", 4)
				storetest.TamperAudit(t, s, "p1", c.seq, c.how)
				v := verify(t, s, "p1")
				if v.Intact || v.Break == nil || v.Break.Seq != c.seq || v.Break.Reason != c.reason {
					t.Fatalf("VerifyAudit after %s = %+v (break %+v); want broken at %d (%s)", c.name, v, v.Break, c.seq, c.reason)
				}
				if want := c.seq - 1; c.seq > 0 && v.Entries != want {
					t.Errorf("VerifyAudit found %d entries linked; want %d", v.Entries, want)
				}
				if v := verify(t, s, "p2"); !v.Intact {
					t.Errorf("VerifyAudit(p2) = %+v; want another program's chain intact", v)
				}
			})
		})
	}
}

func TestAuditChainConcurrentWritersStayGapless(t *testing.T) {
	forEachAtomicEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		const writers, each = 8, 5
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					record(t, s, models.Event{ID: newID(), Type: "user.updated", ProgramID: "p1", Actor: admin, Subject: "user",
						SubjectID: fmt.Sprintf("w%d-%d", w, i)})
				}
			})
		}
		wg.Wait()
		if v := verify(t, s, "p1"); !v.Intact || v.Entries != writers*each {
			t.Errorf("VerifyAudit after concurrent writers = %+v (break %+v); want intact with %d entries", v, v.Break, writers*each)
		}
		seqs := map[int64]bool{}
		for _, e := range chainOf(t, s, "p1") {
			seqs[e.Seq] = true
		}
		for i := int64(1); i <= writers*each; i++ {
			if !seqs[i] {
				t.Errorf("no entry %d in the trail", i)
			}
		}
	})
}

func TestAuditCheckpoints(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		if _, err := s.LatestAuditCheckpoint(ctx, "p1"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("LatestAuditCheckpoint before any = %v; want ErrNotFound", err)
		}
		chained(t, s, clk, "p1", 3)
		notices := workflow.New(s, clk, workflow.EphemeralSigning()).Notices
		signs := 0
		sign := func(_ context.Context, b []byte) (string, string, error) {
			signs++
			return "test-key", fmt.Sprintf("sig-%d-%d", signs, len(b)), nil
		}
		if n, err := notices.CheckpointAudit(ctx, sign); err != nil || n != 1 {
			t.Fatalf("CheckpointAudit = %d, %v; want 1", n, err)
		}
		head := chainOf(t, s, "p1")[2]
		c, err := s.LatestAuditCheckpoint(ctx, "p1")
		if err != nil || c.ProgramID != "p1" || c.Seq != 3 || c.Hash != head.Hash || c.KeyID != "test-key" || c.Signature == "" || !c.At.Equal(clk.Now()) {
			t.Errorf("LatestAuditCheckpoint = %+v, %v; want p1 at 3 (%s), signed by test-key", c, err, head.Hash)
		}
		if n, err := notices.CheckpointAudit(ctx, sign); err != nil || n != 0 {
			t.Errorf("CheckpointAudit with no head moved = %d, %v; want 0", n, err)
		}
		chained(t, s, clk, "p1", 4)
		if n, err := notices.CheckpointAudit(ctx, sign); err != nil || n != 1 {
			t.Errorf("CheckpointAudit after 4 more = %d, %v; want 1", n, err)
		}
		if c, err := s.LatestAuditCheckpoint(ctx, "p1"); err != nil || c.Seq != 7 {
			t.Errorf("LatestAuditCheckpoint = %+v, %v; want at 7", c, err)
		}
		if err := s.AppendAuditCheckpoint(ctx, models.AuditCheckpoint{ProgramID: "p1", Seq: 7, Hash: "h"}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("a second checkpoint at 7 = %v; want ErrConflict", err)
		}
		if v := verify(t, s, "p1"); !v.Intact || v.Entries != 7 {
			t.Errorf("VerifyAudit = %+v; want intact", v)
		}
		// A checkpoint the chain disagrees with (a rewritten chain)
		// breaks it at the checkpoint; one past its end, after it.
		chained(t, s, clk, "p1", 3)
		if err := s.AppendAuditCheckpoint(ctx, models.AuditCheckpoint{ProgramID: "p1", Seq: 9, Hash: "rewritten", At: clk.Now()}); err != nil {
			t.Fatal(err)
		}
		if v := verify(t, s, "p1"); v.Intact || v.Break.Seq != 9 || v.Break.Reason != models.BreakCheckpoint {
			t.Errorf("VerifyAudit against a disagreeing checkpoint = %+v (%+v); want broken at 9", v, v.Break)
		}
		if err := s.AppendAuditCheckpoint(ctx, models.AuditCheckpoint{ProgramID: "p1", Seq: 12, Hash: "ahead", At: clk.Now()}); err != nil {
			t.Fatal(err)
		}
		if v := verify(t, s, "p1"); v.Intact || v.Break.Seq != 11 || v.Break.Reason != models.BreakGap {
			t.Errorf("VerifyAudit short of its checkpoint = %+v (%+v); want a gap at 11", v, v.Break)
		}
	})
}

// TestAuditCheckpointsAreSignedWithTheProgramKey checks the signed
// checkpoints: the program's key signs them, the walk checks that
// signature, and a checkpoint forged to match a rewritten chain (a good
// hash, a signature of another key) breaks the chain at it.
func TestAuditCheckpointsAreSignedWithTheProgramKey(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		sig := workflow.EphemeralSigning()
		notices := workflow.New(s, clk, sig).Notices
		chained(t, s, clk, "p1", 3)
		if n, err := notices.Checkpoint(ctx); err != nil || n != 1 {
			t.Fatalf("Checkpoint = %d, %v; want 1", n, err)
		}
		v, err := workflow.VerifyAuditChain(ctx, s, sig.Keys, "p1")
		if err != nil || !v.Intact || v.Entries != 3 {
			t.Fatalf("VerifyAuditChain = %+v, %v; want intact with 3 entries", v, err)
		}
		// The next checkpoint at the true head, signed by a key the
		// program does not publish.
		chained(t, s, clk, "p1", 2)
		head := chainOf(t, s, "p1")[4]
		forged := models.AuditCheckpoint{ProgramID: "p1", Seq: head.Seq, Hash: head.Hash, At: clk.Now()}
		other := workflow.EphemeralSigning()
		raw, err := other.Key.Sign(ctx, forged.SigningBytes())
		if err != nil {
			t.Fatal(err)
		}
		forged.KeyID, forged.Signature = other.Key.KeyID(), base64.RawURLEncoding.EncodeToString(raw)
		if err := s.AppendAuditCheckpoint(ctx, forged); err != nil {
			t.Fatal(err)
		}
		v, err = workflow.VerifyAuditChain(ctx, s, sig.Keys, "p1")
		if err != nil || v.Intact || v.Break == nil || v.Break.Seq != 5 || v.Break.Reason != models.BreakCheckpointSignature {
			t.Fatalf("VerifyAuditChain with a forged checkpoint = %+v (%+v), %v; want broken at 5: checkpoint-signature", v, v.Break, err)
		}
	})
}

func TestAuditChainSurvivesAnArchiveRoundTrip(t *testing.T) {
	forEachEngine(t, func(t *testing.T, src storetest.Store, clk *clock.Fake) {
		c := seedClass(t, src, clk)
		data, _ := archiveOf(t, src, c.program.ID)
		dst := anotherStore(t, clk)
		mustUpsert(t, dst)
		if _, _, err := importArchive(t, dst, data); err != nil {
			t.Fatal(err)
		}
		before, after := verify(t, src, c.program.ID), verify(t, dst, c.program.ID)
		if !before.Intact || before.Entries < 16 {
			t.Fatalf("VerifyAudit of the source = %+v; want intact", before)
		}
		// The archive holds the chain in order, so the import links it
		// again to the same head.
		if after != before {
			t.Errorf("VerifyAudit after import = %+v; want %+v", after, before)
		}
	})
}
