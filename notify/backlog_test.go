package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/notify"
	"skillbook/notify/fcmtest"
	"skillbook/store/sqlite"
	"skillbook/store/storetest"
)

// backlog is a SQLite store with backlogUsers users, each with one
// device, and the local FCM server, on one fake clock the worker shares.
type backlog struct {
	t       *testing.T
	clock   *clock.Fake
	st      *sqlite.Store
	out     *outcomes
	fcm     *fcmtest.Server
	metrics *notify.Metrics
	users   []string
	seq     int // assignments made so far
}

const (
	backlogProgram = "p-backlog"
	backlogUsers   = 300
	// backlogSize is the backlog of issue 11: 3,000 queued pushes.
	backlogSize = 3000
)

func newBacklog(t *testing.T) *backlog {
	t.Helper()
	clk := clock.NewFake(start)
	st := storetest.SQLite(t, clk)
	b := &backlog{t: t, clock: clk, st: st, out: newOutcomes(st), fcm: fcmtest.NewWithClock(t, clk),
		metrics: notify.NewMetrics(prometheus.NewRegistry())}
	for i := range backlogUsers {
		u := fmt.Sprintf("u%03d", i)
		b.users = append(b.users, u)
		if _, _, err := st.RegisterDevice(context.Background(), models.Device{Token: "tok-" + u, ProgramID: backlogProgram, UserID: u,
			Platform: models.PlatformAndroid, AppVersion: "2.1.0"}); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// assign is one request's write: an assignment whose event notifies users,
// a moment after the last one.
func (b *backlog) assign(users []string) error {
	b.clock.Advance(time.Millisecond)
	b.seq++
	var ns []models.Notification
	for _, u := range users {
		ns = append(ns, models.Notification{UserID: u, Category: "assignments", Title: "New skill assigned",
			Body: "Blood pressure", Data: map[string]string{"screen": "assignments"}})
	}
	a := models.Assignment{ProgramID: backlogProgram, ChecklistID: fmt.Sprintf("cl-%05d", b.seq), ChecklistVersion: 1, CohortID: "c1"}
	_, _, err := storetest.CreateAssignment(context.Background(), b.st, models.SystemActor, a, ns)
	return err
}

// run starts a worker with the production batch and lease on the store and
// returns the function that stops it and waits for it.
func (b *backlog) run() (stop func()) {
	cfg := notify.Config{Store: b.out, Sender: b.fcm.Client(b.t), Metrics: b.metrics, Name: "backlog", Clock: b.clock,
		Logger: slog.New(slog.DiscardHandler), PollInterval: 10 * time.Millisecond, HousekeepingInterval: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		notify.New(cfg).Run(ctx)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				b.t.Error("worker did not stop within 30s")
			}
		})
	}
	b.t.Cleanup(stop)
	return stop
}

// drained waits until no notification is pending, checking each time the
// worker records an outcome, and fails the test after timeout.
func (b *backlog) drained(timeout time.Duration) {
	b.t.Helper()
	deadline := time.After(timeout)
	for {
		recorded := b.out.next()
		n, err := b.st.PendingPushes(context.Background())
		if err != nil {
			b.t.Fatal(err)
		}
		if n == 0 {
			return
		}
		select {
		case <-recorded:
		case <-deadline:
			b.t.Fatalf("%d pushes still pending after %s; %d messages accepted", n, timeout, len(b.fcm.Messages()))
		}
	}
}

// check asserts that every notification in every user's feed was pushed
// to the user's device exactly once, is recorded sent in one attempt, and
// that nothing else was pushed; it returns how many notifications there are.
func (b *backlog) check() int {
	b.t.Helper()
	ctx := context.Background()
	type key struct{ token, id string }
	got := map[key]int{}
	for _, m := range b.fcm.Messages() {
		got[key{m.Token, m.Data["notificationId"]}]++
	}
	want := 0
	for _, u := range b.users {
		feed, err := b.st.Notifications(ctx, backlogProgram, u, models.FeedFilter{}, models.Page{Limit: models.MaxPageLimit})
		if err != nil || feed.NextCursor != "" {
			b.t.Fatalf("feed of %s = %d items, next %q, %v; want one page", u, len(feed.Items), feed.NextCursor, err)
		}
		for _, it := range feed.Items {
			want++
			k := key{"tok-" + u, it.ID}
			if n := got[k]; n != 1 {
				b.t.Errorf("notification %s pushed %d times to %s; want once", it.ID, n, k.token)
			}
			delete(got, k)
			s, err := b.st.PushStatus(ctx, it.ID)
			if err != nil {
				b.t.Fatal(err)
			}
			if s.State != models.PushSent || s.Attempts != 1 || len(s.Delivered) != 1 || s.Delivered[0] != k.token {
				b.t.Errorf("push %s = %+v; want sent to %s in one attempt", it.ID, s, k.token)
			}
		}
	}
	for k, n := range got {
		b.t.Errorf("%d messages to %s for %q, which is in no feed", n, k.token, k.id)
	}
	if n, err := b.st.PendingPushes(ctx); n != 0 || err != nil {
		b.t.Errorf("PendingPushes = %d, %v; want 0", n, err)
	}
	if s, f, r := counter(b.metrics.Sent), counter(b.metrics.Failed), counter(b.metrics.Retried); s != want || f != 0 || r != 0 {
		b.t.Errorf("sent %d, failed %d, retried %d; want %d, 0, 0", s, f, r, want)
	}
	return want
}

// TestBacklogDrains queues 3,000 pushes for 300 users (ten cohort
// assignments of 300 students), starts one worker with the production
// batch size, and waits until nothing is pending: every push reaches its
// device exactly once, none fails. The rate is logged for BENCHMARKS.md,
// not asserted. Not parallel: it runs alone, so the figure is the worker's.
func TestBacklogDrains(t *testing.T) {
	b := newBacklog(t)
	for range backlogSize / backlogUsers {
		if err := b.assign(b.users); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := b.st.PendingPushes(context.Background()); n != backlogSize || err != nil {
		t.Fatalf("PendingPushes = %d, %v; want %d queued", n, err, backlogSize)
	}
	began := time.Now()
	stop := b.run()
	b.fcm.WaitMessages(t, backlogSize, 2*time.Minute)
	b.drained(time.Minute)
	elapsed := time.Since(began)
	stop()
	if n := b.check(); n != backlogSize {
		t.Errorf("%d notifications in the feeds; want %d", n, backlogSize)
	}
	t.Logf("backlog of %d pushes (%d users, batch 50) drained in %s: %.0f pushes/s",
		backlogSize, backlogUsers, elapsed.Round(time.Millisecond), float64(backlogSize)/elapsed.Seconds())
}

// TestBacklogDrainsWhileRequestsWrite is TestBacklogDrains with requests
// going on: while the worker drains the 3,000, the test makes 100 more
// assignments of ten students each, one write every 30 pushes. At the end
// every push, old and new, reached its device exactly once. How long those
// writes took while the worker claimed is logged, not asserted.
func TestBacklogDrainsWhileRequestsWrite(t *testing.T) {
	b := newBacklog(t)
	for range backlogSize / backlogUsers {
		if err := b.assign(b.users); err != nil {
			t.Fatal(err)
		}
	}
	const writes, per = 100, 10
	began := time.Now()
	b.run()
	// The test's goroutine writes while the worker's drains: write i
	// waits for the worker to have pushed i/writes of the backlog, so the
	// writes are spread over the whole drain.
	var slowest, took time.Duration
	for i := range writes {
		b.fcm.WaitMessages(t, 1+i*backlogSize/writes, time.Minute)
		users := make([]string, per)
		for j := range per {
			users[j] = b.users[(i*per+j*31)%backlogUsers]
		}
		a0 := time.Now()
		if err := b.assign(users); err != nil {
			t.Fatalf("write %d during the drain: %v", i, err)
		}
		d := time.Since(a0)
		slowest, took = max(slowest, d), took+d
	}
	sentBy := len(b.fcm.Messages())
	total := backlogSize + writes*per
	b.fcm.WaitMessages(t, total, 2*time.Minute)
	b.drained(time.Minute)
	elapsed := time.Since(began)
	if n := b.check(); n != total {
		t.Errorf("%d notifications in the feeds; want %d", n, total)
	}
	t.Logf("backlog of %d pushes plus %d written during the drain, delivered in %s: %.0f pushes/s; "+
		"the %d writes took %s each on average (slowest %s), %d pushes accepted after the last",
		backlogSize, writes*per, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(),
		writes, (took / writes).Round(time.Microsecond), slowest.Round(time.Microsecond), sentBy)
}
