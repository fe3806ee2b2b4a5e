package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/notify"
	"skillbook/notify/fcmtest"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

// rig is a store and a test FCM server on one fake clock, and the metrics
// of the workers run on them.
type rig struct {
	t       *testing.T
	clock   *clock.Fake
	st      *mongo.Store
	out     *outcomes
	fcm     *fcmtest.Server
	metrics *notify.Metrics
	program string
}

// start is where every rig's clock starts.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newRig(t *testing.T) *rig {
	t.Helper()
	clk := clock.NewFake(start)
	st := storetest.NewWithClock(t, clk)
	return &rig{t: t, clock: clk, st: st, out: newOutcomes(st), fcm: fcmtest.NewWithClock(t, clk),
		metrics: notify.NewMetrics(prometheus.NewRegistry()), program: "p-" + mongo.NewID()}
}

// config is a worker configuration fast enough for tests, on the rig's
// clock.
func (r *rig) config(name string) notify.Config {
	return notify.Config{Store: r.out, Sender: r.fcm.Client(r.t), Metrics: r.metrics, Name: name, Clock: r.clock,
		Logger: slog.New(slog.DiscardHandler), PollInterval: 10 * time.Millisecond,
		BackoffBase: 10 * time.Millisecond, BackoffMax: 100 * time.Millisecond, Lease: 10 * time.Second,
		HousekeepingInterval: time.Hour}
}

// run starts a worker's loop and returns the function that stops it and
// waits until it has returned: after that, it sends nothing more.
func (r *rig) run(cfg notify.Config) (stop func()) {
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
				r.t.Error("worker did not stop within 30s")
			}
		})
	}
	r.t.Cleanup(stop)
	return stop
}

// drain runs passes of w until one claims nothing, and reports how many
// notifications the passes claimed.
func (r *rig) drain(w *notify.Worker) int {
	r.t.Helper()
	total := 0
	for range 100 {
		n, err := w.DeliverOnce(context.Background())
		if err != nil {
			r.t.Fatalf("DeliverOnce = %d, %v", n, err)
		}
		if n == 0 {
			return total
		}
		total += n
	}
	r.t.Fatalf("the outbox never emptied")
	return total
}

func (r *rig) device(userID, token string) {
	r.t.Helper()
	if _, _, err := r.st.RegisterDevice(context.Background(), models.Device{Token: token, ProgramID: r.program, UserID: userID,
		Platform: models.PlatformAndroid, AppVersion: "2.1.0"}); err != nil {
		r.t.Fatal(err)
	}
}

// notify makes a real state change (an assignment) that notifies users
// in category, a moment after the last one, and returns the ids of the
// notifications by user (the newest in their feeds).
func (r *rig) notify(category string, users ...string) map[string]string {
	r.t.Helper()
	ctx := context.Background()
	r.clock.Advance(time.Millisecond)
	var ns []models.Notification
	for _, u := range users {
		ns = append(ns, models.Notification{UserID: u, Category: category, Title: "New skill assigned",
			Body: "Blood pressure", Data: map[string]string{"screen": "assignments", "checklistId": "bp-manual"}})
	}
	a := models.Assignment{ProgramID: r.program, ChecklistID: "cl-" + mongo.NewID(), ChecklistVersion: 1, CohortID: "c1"}
	if _, _, err := storetest.CreateAssignment(ctx, r.st, models.SystemActor, a, ns); err != nil {
		r.t.Fatal(err)
	}
	ids := map[string]string{}
	for _, u := range users {
		l, err := r.st.Notifications(ctx, r.program, u, mongo.FeedFilter{}, models.Page{Limit: 1})
		if err != nil || len(l.Items) == 0 {
			r.t.Fatalf("feed of %s = %+v, %v", u, l, err)
		}
		ids[u] = l.Items[0].ID
	}
	return ids
}

func (r *rig) status(id string) models.PushStatus {
	r.t.Helper()
	s, err := r.st.PushStatus(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

// waitState waits until notification id reaches state want, checking each
// time a worker records an outcome.
func (r *rig) waitState(id string, want models.PushState) models.PushStatus {
	r.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		recorded := r.out.next()
		s := r.status(id)
		if s.State == want {
			return s
		}
		select {
		case <-recorded:
		case <-timeout:
			r.t.Fatalf("push %s = %+v; want state %s", id, s, want)
		}
	}
}

// outcomes is the store as the workers see it; it tells waiters each time
// a worker records the outcome of a delivery attempt.
type outcomes struct {
	notify.Store
	mu       sync.Mutex
	recorded chan struct{} // closed, and replaced, at each outcome
}

func newOutcomes(st notify.Store) *outcomes {
	return &outcomes{Store: st, recorded: make(chan struct{})}
}

func (o *outcomes) FinishPush(ctx context.Context, owner, id string, out models.PushOutcome) error {
	err := o.Store.FinishPush(ctx, owner, id, out)
	o.mu.Lock()
	defer o.mu.Unlock()
	close(o.recorded)
	o.recorded = make(chan struct{})
	return err
}

// next is closed when the next outcome is recorded.
func (o *outcomes) next() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.recorded
}

func (r *rig) tokens(userID string) []string {
	r.t.Helper()
	ds, err := r.st.DevicesOf(context.Background(), []string{userID})
	if err != nil {
		r.t.Fatal(err)
	}
	var out []string
	for _, d := range ds {
		out = append(out, d.Token)
	}
	slices.Sort(out)
	return out
}

func counter(c prometheus.Counter) int {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return int(m.GetCounter().GetValue())
}

func TestWorkerDeliversThroughFCM(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.device("u1", "tok-u1-phone")
	r.device("u1", "tok-u1-tablet")
	r.device("u2", "tok-u2")
	ids := r.notify("assignments", "u1", "u2", "u3") // u3 has no device
	stop := r.run(r.config("w1"))

	msgs := r.fcm.WaitMessages(t, 3, 20*time.Second)
	for _, m := range msgs {
		user := strings.Split(m.Token, "-")[1]
		if m.Data["notificationId"] != ids[user] || m.Data["category"] != "assignments" || m.Data["screen"] != "assignments" ||
			m.Title != "New skill assigned" || m.Body != "Blood pressure" || m.APNSHeaders["apns-collapse-id"] != ids[user] {
			t.Errorf("message to %s = %+v; want the notification %s", m.Token, m, ids[user])
		}
	}
	for _, u := range []string{"u1", "u2"} {
		if s := r.waitState(ids[u], models.PushSent); s.Attempts != 1 {
			t.Errorf("push to %s = %+v; want sent at the first attempt", u, s)
		}
	}
	if s := r.waitState(ids["u3"], models.PushNoDevice); s.Attempts != 0 {
		t.Errorf("push to u3 = %+v; want no-device without an attempt", s)
	}
	if got := r.status(ids["u1"]).Delivered; len(got) != 2 {
		t.Errorf("delivered to u1's devices = %v; want both", got)
	}
	if q, s := counter(r.metrics.Queued), counter(r.metrics.Sent); q != 3 || s != 3 {
		t.Errorf("queued %d, sent %d; want 3 and 3", q, s)
	}
	stop() // once the loop has returned, it sends nothing more
	if n := len(r.fcm.Messages()); n != 3 {
		t.Errorf("%d messages sent; want 3", n)
	}
}

func TestWorkerRetries(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		fail func(*fcmtest.Server)
		// attempts the worker makes; calls FCM sees (the SDK retries a
		// 503 itself); least time between the first call and delivery.
		attempts, calls int
		wait            time.Duration
	}{
		{name: "503 then success", fail: func(s *fcmtest.Server) { s.FailNext(1, fcmtest.Unavailable) }, attempts: 1, calls: 2},
		{name: "INTERNAL twice then success", fail: func(s *fcmtest.Server) { s.FailNext(2, fcmtest.Internal) }, attempts: 3, calls: 3},
		{name: "429 with Retry-After", fail: func(s *fcmtest.Server) { s.FailNext(1, fcmtest.QuotaExceeded("1")) }, attempts: 2, calls: 2, wait: time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			r.device("u1", "tok-1")
			ids := r.notify("evaluation-results", "u1")
			tc.fail(r.fcm)
			w := notify.New(r.config("w"))
			for pass := 1; ; pass++ {
				if n, err := w.DeliverOnce(context.Background()); n != 1 || err != nil {
					t.Fatalf("pass %d claimed %d, %v; want the notification", pass, n, err)
				}
				if s := r.status(ids["u1"]); s.State != models.PushPending || pass == tc.attempts {
					break
				}
				if tc.wait > 0 {
					// Not due again before FCM's Retry-After has passed.
					r.clock.Advance(tc.wait - time.Millisecond)
					if n, err := w.DeliverOnce(context.Background()); n != 0 || err != nil {
						t.Fatalf("a pass %s after a Retry-After of %s claimed %d, %v; want nothing due", tc.wait-time.Millisecond, tc.wait, n, err)
					}
				}
				r.clock.Advance(2 * time.Second) // past any backoff
			}
			s := r.status(ids["u1"])
			calls := r.fcm.Calls()
			if s.State != models.PushSent || s.Attempts != tc.attempts || len(calls) != tc.calls || len(r.fcm.Messages()) != 1 {
				t.Errorf("push = %+v after %d calls, %d accepted; want sent in %d attempts, %d calls, 1 accepted", s, len(calls), len(r.fcm.Messages()), tc.attempts, tc.calls)
			}
			if gap := calls[len(calls)-1].At.Sub(calls[0].At); gap < tc.wait {
				t.Errorf("delivered %s after the first call; want at least %s (Retry-After)", gap, tc.wait)
			}
			if got := counter(r.metrics.Retried); got != tc.attempts-1 {
				t.Errorf("retried counter = %d; want %d", got, tc.attempts-1)
			}
		})
	}
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.device("u1", "tok-1")
	r.fcm.FailToken("tok-1", fcmtest.Internal)
	ids := r.notify("assignments", "u1")
	cfg := r.config("w")
	cfg.MaxAttempts = 3
	w := notify.New(cfg)
	for pass := 1; pass <= 3; pass++ {
		if n, err := w.DeliverOnce(context.Background()); n != 1 || err != nil {
			t.Fatalf("pass %d claimed %d, %v; want the notification", pass, n, err)
		}
		r.clock.Advance(time.Second) // past any backoff
	}
	if n := r.drain(w); n != 0 {
		t.Errorf("%d claimed after the last attempt; want none", n)
	}
	s := r.status(ids["u1"])
	if s.State != models.PushFailed || s.Attempts != 3 || !strings.Contains(s.LastError, "gave up after 3 attempts") || !strings.Contains(s.LastError, "INTERNAL") {
		t.Errorf("push = %+v; want failed after 3 attempts, saying why", s)
	}
	if n := len(r.fcm.Calls()); n != 3 {
		t.Errorf("%d calls; want 3", n)
	}
	if got := r.tokens("u1"); len(got) != 1 {
		t.Errorf("devices = %v; want the token kept", got)
	}
	if counter(r.metrics.Failed) != 1 || counter(r.metrics.Retried) != 2 {
		t.Errorf("failed %d, retried %d; want 1 and 2", counter(r.metrics.Failed), counter(r.metrics.Retried))
	}
}

func TestWorkerPrunesRefusedTokens(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.device("u1", "tok-gone")
	r.device("u1", "tok-good")
	r.device("u1", "tok-garbage")
	r.device("u2", "tok-u2")
	r.fcm.FailToken("tok-gone", fcmtest.Unregistered)
	r.fcm.FailToken("tok-garbage", fcmtest.InvalidToken)
	r.fcm.FailToken("tok-u2", fcmtest.InvalidMessage)
	ids := r.notify("assignments", "u1", "u2")
	w := notify.New(r.config("w"))
	if n := r.drain(w); n != 2 {
		t.Fatalf("claimed %d; want 2", n)
	}
	r.clock.Advance(time.Hour)
	if n := r.drain(w); n != 0 {
		t.Errorf("claimed %d an hour later; want none (no retry)", n)
	}

	s1 := r.status(ids["u1"])
	if s1.State != models.PushSent || !slices.Equal(s1.Delivered, []string{"tok-good"}) || s1.Attempts != 1 {
		t.Errorf("push to u1 = %+v; want delivered to the good token in one attempt", s1)
	}
	if got := r.tokens("u1"); !slices.Equal(got, []string{"tok-good"}) {
		t.Errorf("u1's devices = %v; want the refused tokens removed", got)
	}
	s2 := r.status(ids["u2"])
	if s2.State != models.PushFailed || !strings.Contains(s2.LastError, "INVALID_ARGUMENT") || s2.Attempts != 1 {
		t.Errorf("push to u2 = %+v; want failed once with the reason", s2)
	}
	if got := r.tokens("u2"); len(got) != 1 {
		t.Errorf("u2's devices = %v; a refused message is no reason to drop the token", got)
	}
	for _, tok := range []string{"tok-gone", "tok-garbage", "tok-u2"} {
		n := 0
		for _, c := range r.fcm.Calls() {
			if c.Token == tok {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d calls for %s; want 1 (no retry)", n, tok)
		}
	}
	if u, i := counter(r.metrics.Pruned.WithLabelValues("unregistered")), counter(r.metrics.Pruned.WithLabelValues("invalid")); u != 1 || i != 1 {
		t.Errorf("pruned unregistered %d, invalid %d; want 1 and 1", u, i)
	}
}

func TestWorkerSkipsMutedCategories(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.device("u1", "tok-1")
	if _, err := r.st.SetNotificationPreferences(context.Background(), r.program, "u1", []string{"assignments"}, nil); err != nil {
		t.Fatal(err)
	}
	muted := r.notify("assignments", "u1")
	heard := r.notify("evaluation-results", "u1")
	if n := r.drain(notify.New(r.config("w"))); n != 2 {
		t.Fatalf("claimed %d; want 2", n)
	}
	if h, m := r.status(heard["u1"]).State, r.status(muted["u1"]).State; h != models.PushSent || m != models.PushMuted {
		t.Errorf("states = %s (heard), %s (muted); want sent and muted", h, m)
	}
	if msgs := r.fcm.Messages(); len(msgs) != 1 || msgs[0].Data["notificationId"] != heard["u1"] {
		t.Errorf("messages = %+v; want only the unmuted one", msgs)
	}
	l, err := r.st.Notifications(context.Background(), r.program, "u1", mongo.FeedFilter{}, models.Page{})
	if err != nil || len(l.Items) != 2 {
		t.Errorf("feed = %+v, %v; want both notifications, muted or not", l.Items, err)
	}
}

// TestWorkerKilledMidBatch: a worker stopped with sends in flight, and one
// that died holding its lease. After a restart every message is delivered,
// and only those in flight at the kill twice (with the same notification
// id, for the app to drop).
func TestWorkerKilledMidBatch(t *testing.T) {
	t.Parallel()
	t.Run("stopped with sends in flight", func(t *testing.T) {
		t.Parallel()
		r := newRig(t)
		var users []string
		for i := range 12 {
			u := fmt.Sprintf("u%02d", i)
			users = append(users, u)
			r.device(u, "tok-"+u)
		}
		inFlight := []string{"tok-u03", "tok-u07", "tok-u11"}
		var releases []func()
		for _, tok := range inFlight {
			releases = append(releases, r.fcm.Hold(tok))
		}
		ids := r.notify("assignments", users...)

		stop := r.run(r.config("first"))
		// The held three were received, their answers are not; the
		// other nine were answered, and the worker's client has read
		// those answers.
		r.fcm.WaitMessages(t, 12, 20*time.Second)
		r.fcm.WaitRead(t, 9, 20*time.Second)
		stop()
		for _, release := range releases {
			release()
		}
		if n := r.drain(notify.New(r.config("second"))); n != len(inFlight) {
			t.Errorf("the second worker claimed %d; want the %d in flight at the stop", n, len(inFlight))
		}
		for _, u := range users {
			if s := r.status(ids[u]); s.State != models.PushSent {
				t.Errorf("push to %s = %+v; want sent", u, s)
			}
		}
		for _, u := range users {
			tok := "tok-" + u
			got := r.fcm.MessagesTo(tok)
			want := 1
			if slices.Contains(inFlight, tok) {
				want = 2
			}
			if len(got) != want {
				t.Errorf("%d messages to %s; want %d", len(got), tok, want)
			}
			for _, m := range got {
				if m.Data["notificationId"] != ids[u] {
					t.Errorf("message to %s carries id %q; want %q", tok, m.Data["notificationId"], ids[u])
				}
			}
		}
	})
	t.Run("died holding its lease", func(t *testing.T) {
		t.Parallel()
		r := newRig(t)
		var users []string
		for i := range 8 {
			u := fmt.Sprintf("u%02d", i)
			users = append(users, u)
			r.device(u, "tok-"+u)
		}
		ids := r.notify("assignments", users...)
		const lease = time.Minute
		claimed, err := r.st.ClaimPushes(context.Background(), "crashed", 5, lease)
		if err != nil || len(claimed) != 5 {
			t.Fatalf("ClaimPushes = %d, %v", len(claimed), err)
		}
		survivor := notify.New(r.config("survivor"))
		if n := r.drain(survivor); n != len(users)-len(claimed) {
			t.Errorf("the survivor claimed %d under the dead worker's lease; want the %d it does not hold", n, len(users)-len(claimed))
		}
		for _, p := range claimed {
			if got := r.fcm.MessagesTo("tok-" + p.UserID); len(got) != 0 {
				t.Errorf("messages to %s = %+v while the dead worker's lease runs; want none", p.UserID, got)
			}
		}
		r.clock.Advance(lease)
		if n := r.drain(survivor); n != len(claimed) {
			t.Errorf("the survivor claimed %d once the lease ran out; want %d", n, len(claimed))
		}
		for _, u := range users {
			if s := r.status(ids[u]); s.State != models.PushSent {
				t.Errorf("push to %s = %+v; want sent", u, s)
			}
		}
		for _, p := range claimed {
			if got := r.fcm.MessagesTo("tok-" + p.UserID); len(got) != 1 || got[0].At.Sub(start) < lease {
				t.Errorf("messages to %s = %+v; want one, after the dead worker's lease expired", p.UserID, got)
			}
		}
		if n := len(r.fcm.Messages()); n != len(users) {
			t.Errorf("%d messages; want %d, each once", n, len(users))
		}
	})
}

func TestTwoWorkersSendEachMessageOnce(t *testing.T) {
	t.Parallel()
	if !storetest.AtomicUpdates(t) {
		return
	}
	r := newRig(t)
	var users []string
	for i := range 40 {
		u := fmt.Sprintf("u%02d", i)
		users = append(users, u)
		r.device(u, "tok-"+u)
	}
	ids := r.notify("assignments", users[:20]...)
	var stops []func()
	for name := range map[string]bool{"a": true, "b": true} {
		cfg := r.config(name)
		cfg.BatchSize = 3
		stops = append(stops, r.run(cfg))
	}
	for k, v := range r.notify("assignments", users[20:]...) {
		ids[k] = v
	}
	r.fcm.WaitMessages(t, 40, 30*time.Second)
	for _, u := range users {
		r.waitState(ids[u], models.PushSent)
	}
	for _, stop := range stops {
		stop() // once both loops have returned, nothing more is sent
	}
	for _, u := range users {
		if got := r.fcm.MessagesTo("tok-" + u); len(got) != 1 {
			t.Errorf("%d messages to %s; want exactly 1", len(got), u)
		}
	}
}

func TestLogSenderLogsInsteadOfSending(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.device("u1", "tok-logged-device-0001")
	ids := r.notify("assignments", "u1")
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	cfg := r.config("w")
	cfg.Sender = &notify.LogSender{Logger: logger}
	cfg.Logger = logger
	r.run(cfg)
	r.waitState(ids["u1"], models.PushSent)
	out := buf.String()
	if strings.Count(out, "pushes are logged, not sent") != 1 || !strings.Contains(out, "push (logged, not sent)") ||
		!strings.Contains(out, ids["u1"]) || strings.Contains(out, "tok-logged-device-0001") {
		t.Errorf("log = %s; want one start-up warning and the push logged with its id and a redacted token", out)
	}
	if n := len(r.fcm.Calls()); n != 0 {
		t.Errorf("%d calls to FCM; want none", n)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestWorkerPrunesStaleDevices(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	r.device("u1", "tok-old")
	w := notify.New(r.config("w"))
	r.clock.Advance(models.StaleDeviceAge - time.Hour)
	w.Housekeep(context.Background())
	if got := r.tokens("u1"); len(got) != 1 {
		t.Fatalf("devices %v an hour before they turn stale; want the device kept", got)
	}
	r.clock.Advance(2 * time.Hour)
	w.Housekeep(context.Background())
	if got, n := r.tokens("u1"), counter(r.metrics.Pruned.WithLabelValues("stale")); len(got) != 0 || n != 1 {
		t.Fatalf("devices %v, pruned stale %d; want a device not refreshed for 30 days pruned and counted", got, n)
	}
}
