package contract_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

func TestClaimPushesLeasesEachOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		queue(t, s, "u1", "u2", "u3", "u4", "u5")
		a, err := s.ClaimPushes(ctx, "A", 3, time.Minute)
		if err != nil || len(a) != 3 {
			t.Fatalf("ClaimPushes(A) = %d, %v; want 3", len(a), err)
		}
		if p := a[0]; p.ProgramID != "p1" || p.Category != "assignments" || p.Title != "T "+p.UserID || p.Data["screen"] != "queue" ||
			p.Attempts != 0 || p.Delivered == nil || len(p.Delivered) != 0 || !p.CreatedAt.Equal(epoch) {
			t.Errorf("claimed push = %+v", p)
		}
		b, err := s.ClaimPushes(ctx, "B", 10, 100*time.Millisecond)
		if err != nil || len(b) != 2 {
			t.Fatalf("ClaimPushes(B) = %d, %v; want the 2 left", len(b), err)
		}
		if more, _ := s.ClaimPushes(ctx, "C", 10, time.Minute); len(more) != 0 {
			t.Fatalf("ClaimPushes(C) while all are leased = %d; want 0", len(more))
		}
		// A finishes one, reschedules one for now, and has lost none.
		if err := s.FinishPush(ctx, "A", a[0].ID, models.PushOutcome{State: models.PushSent, Attempts: 1, Delivered: []string{"tok"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishPush(ctx, "A", a[1].ID, models.PushOutcome{State: models.PushPending, Attempts: 1,
			NextAttemptAt: clk.Now().Add(-time.Second), Error: "UNAVAILABLE"}); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishPush(ctx, "B", a[2].ID, models.PushOutcome{State: models.PushSent}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("FinishPush by a worker without the lease = %v; want ErrConflict", err)
		}
		if err := s.FinishPush(ctx, "A", a[0].ID, models.PushOutcome{State: models.PushSent}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("FinishPush of a push finished already = %v; want ErrConflict", err)
		}
		if err := s.FinishPush(ctx, "A", "no-such-push", models.PushOutcome{State: models.PushSent}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("FinishPush of no push = %v; want ErrConflict", err)
		}
		st, err := s.PushStatus(ctx, a[0].ID)
		if err != nil || st.State != models.PushSent || !slices.Equal(st.Delivered, []string{"tok"}) || st.Attempts != 1 || st.UserID != a[0].UserID {
			t.Errorf("PushStatus = %+v, %v", st, err)
		}
		if st, err := s.PushStatus(ctx, a[1].ID); err != nil || st.State != models.PushPending || st.LastError != "UNAVAILABLE" ||
			!st.NextAttemptAt.Equal(clk.Now().Add(-time.Second)) {
			t.Errorf("PushStatus of the rescheduled = %+v, %v", st, err)
		}
		if _, err := s.PushStatus(ctx, "no-such-push"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("PushStatus of no push = %v; want ErrNotFound", err)
		}
		if n, err := s.PendingPushes(ctx); err != nil || n != 4 {
			t.Errorf("PendingPushes = %d, %v; want 4", n, err)
		}
		// B's lease expires: its two, and A's rescheduled one, are claimable again.
		clk.Advance(100 * time.Millisecond)
		c, err := s.ClaimPushes(ctx, "C", 10, time.Minute)
		if err != nil || len(c) != 3 {
			t.Fatalf("ClaimPushes after B's lease expired = %d, %v; want 3", len(c), err)
		}
		if c[0].Attempts+c[1].Attempts+c[2].Attempts != 1 {
			t.Errorf("attempts of the reclaimed = %d %d %d; want one retried", c[0].Attempts, c[1].Attempts, c[2].Attempts)
		}
		// Oldest due first: the one rescheduled a second ago leads.
		if c[0].ID != a[1].ID {
			t.Errorf("first reclaimed = %s; want the rescheduled %s, due first", c[0].ID, a[1].ID)
		}
		if err := s.FinishPush(ctx, "B", b[0].ID, models.PushOutcome{State: models.PushSent}); !errors.Is(err, models.ErrConflict) {
			t.Errorf("FinishPush with an expired, taken-over lease = %v; want ErrConflict", err)
		}
		if got, err := s.ClaimPushes(ctx, "D", 0, time.Minute); err != nil || len(got) != 0 {
			t.Errorf("ClaimPushes(limit 0) = %v, %v; want none", got, err)
		}
	})
}

func TestFinishPushRetriesAndSettles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		queue(t, s, "u1")
		claim := func(want int) []models.Push {
			t.Helper()
			got, err := s.ClaimPushes(ctx, "W", 10, time.Minute)
			if err != nil || len(got) != want {
				t.Fatalf("ClaimPushes at %v = %d, %v; want %d", clk.Now(), len(got), err, want)
			}
			return got
		}
		p := claim(1)[0]
		// Delivered to one device, another is unavailable: retry in 5s.
		if err := s.FinishPush(ctx, "W", p.ID, models.PushOutcome{State: models.PushPending, Attempts: 1, Delivered: []string{"tok-1"},
			NextAttemptAt: clk.Now().Add(5 * time.Second), Error: "UNAVAILABLE"}); err != nil {
			t.Fatal(err)
		}
		claim(0) // not due yet, and its lease is free
		clk.Advance(5 * time.Second)
		p = claim(1)[0]
		if p.Attempts != 1 || !slices.Equal(p.Delivered, []string{"tok-1"}) {
			t.Errorf("retried push = %+v; want 1 attempt and tok-1 delivered", p)
		}
		if err := s.FinishPush(ctx, "W", p.ID, models.PushOutcome{State: models.PushPending, Attempts: 2, Delivered: []string{"tok-2", "tok-3"},
			NextAttemptAt: clk.Now().Add(10 * time.Second), Error: "INTERNAL"}); err != nil {
			t.Fatal(err)
		}
		clk.Advance(10 * time.Second)
		p = claim(1)[0]
		if p.Attempts != 2 || !slices.Equal(p.Delivered, []string{"tok-1", "tok-2", "tok-3"}) {
			t.Errorf("retried again = %+v; want 2 attempts and three tokens delivered", p)
		}
		if err := s.FinishPush(ctx, "W", p.ID, models.PushOutcome{State: models.PushFailed, Attempts: 3, Error: "gave up",
			NextAttemptAt: clk.Now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		st, err := s.PushStatus(ctx, p.ID)
		if err != nil || st.State != models.PushFailed || st.Attempts != 3 || st.LastError != "gave up" ||
			!st.NextAttemptAt.Equal(clk.Now()) || len(st.Delivered) != 3 {
			t.Errorf("PushStatus of the failed = %+v, %v; want failed, 3 attempts, its last due time kept", st, err)
		}
		// The final states are never claimed again; the feed shows them.
		queue(t, s, "u2", "u3", "u4")
		for _, p := range claim(3) {
			o := map[string]models.PushOutcome{
				"u2": {State: models.PushMuted},
				"u3": {State: models.PushNoDevice},
				"u4": {State: models.PushSent, Attempts: 1, Delivered: []string{"t"}},
			}[p.UserID]
			if err := s.FinishPush(ctx, "W", p.ID, o); err != nil {
				t.Fatal(err)
			}
		}
		clk.Advance(time.Hour)
		claim(0)
		if n, err := s.PendingPushes(ctx); err != nil || n != 0 {
			t.Errorf("PendingPushes = %d, %v; want 0", n, err)
		}
		for u, want := range map[string]models.PushState{"u1": models.PushFailed, "u2": models.PushMuted, "u3": models.PushNoDevice, "u4": models.PushSent} {
			if l := feed(t, s, "p1", u, models.FeedFilter{}, models.Page{}); len(l.Items) != 1 || l.Items[0].Push != want {
				t.Errorf("feed of %s = %+v; want one notification whose push is %s", u, l.Items, want)
			}
		}
	})
}

func TestConcurrentClaimersLeaseEachPushOnce(t *testing.T) {
	forEachAtomicEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		const queued = 400
		users := make([]string, queued)
		for i := range users {
			users[i] = fmt.Sprintf("u%03d", i)
		}
		queue(t, s, users...)
		var (
			mu   sync.Mutex
			seen = map[string]string{}
			wg   sync.WaitGroup
			errs = make(chan error, 8)
		)
		for w := range 8 {
			owner := fmt.Sprintf("worker-%d", w)
			wg.Go(func() {
				for {
					got, err := s.ClaimPushes(context.Background(), owner, 7, time.Minute)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, p := range got {
						if other, ok := seen[p.ID]; ok {
							errs <- fmt.Errorf("push %s claimed by %s and %s", p.ID, other, owner)
						}
						seen[p.ID] = owner
					}
					settle := len(seen)%2 == 0
					mu.Unlock()
					// Settle every other batch; the rest stay leased.
					if settle {
						for _, p := range got {
							if err := s.FinishPush(context.Background(), owner, p.ID, models.PushOutcome{State: models.PushSent, Attempts: 1}); err != nil {
								errs <- err
								return
							}
						}
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if len(seen) != queued {
			t.Errorf("claimed %d pushes; want each of the %d once", len(seen), queued)
		}
	})
}

func TestRemindersQueueOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		r := models.Reminder{ID: "rem-asg-s1-due-soon", ProgramID: "p1", Notification: note("s1", "reminders")}
		for i, want := range []int{1, 0} {
			n, err := s.QueueReminders(ctx, []models.Reminder{r})
			if err != nil || n != want {
				t.Errorf("QueueReminders #%d = %d, %v; want %d", i+1, n, err, want)
			}
		}
		r2 := models.Reminder{ID: "rem-asg-s2-due-soon", ProgramID: "p1", Notification: note("s2", "reminders")}
		if n, err := s.QueueReminders(ctx, []models.Reminder{r, r2}); err != nil || n != 1 {
			t.Errorf("QueueReminders of one old and one new = %d, %v; want 1", n, err)
		}
		if n, err := s.QueueReminders(ctx, nil); err != nil || n != 0 {
			t.Errorf("QueueReminders(nil) = %d, %v; want 0", n, err)
		}
		queued, err := s.QueuedReminders(ctx, []string{r.ID, r2.ID, "rem-asg-s3-due-soon"})
		if err != nil || !queued[r.ID] || !queued[r2.ID] || queued["rem-asg-s3-due-soon"] {
			t.Errorf("QueuedReminders = %v, %v", queued, err)
		}
		if queued, err := s.QueuedReminders(ctx, nil); err != nil || len(queued) != 0 {
			t.Errorf("QueuedReminders(nil) = %v, %v; want none", queued, err)
		}
		// A reminder is a notification in the feed and the push queue.
		l := feed(t, s, "p1", "s1", models.FeedFilter{}, models.Page{})
		if len(l.Items) != 1 || l.Items[0].ID != r.ID || l.Items[0].Category != "reminders" || l.Items[0].Push != models.PushPending {
			t.Errorf("feed of s1 = %+v; want the reminder, pending", l.Items)
		}
		if got, err := s.ClaimPushes(ctx, "W", 10, time.Minute); err != nil || len(got) != 2 {
			t.Errorf("ClaimPushes = %d, %v; want the 2 reminders", len(got), err)
		}
	})
}
