// Package notify delivers the notification outbox: a worker claims queued
// notifications with a lease, pushes them to the recipients' devices
// through FCM (the Admin SDK's messaging client), retries what failed for
// a passing reason with exponential backoff and jitter, prunes dead and
// stale device tokens, and queues due-date reminders. Several workers, in
// several server instances, may run on one outbox.
package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync"
	"time"

	"skillbook/models"
)

// Outbox is the delivery queue and the devices, as the worker needs them.
type Outbox interface {
	ClaimPushes(ctx context.Context, owner string, limit int, lease time.Duration) ([]models.Push, error)
	FinishPush(ctx context.Context, owner, id string, o models.PushOutcome) error
	DevicesOf(ctx context.Context, userIDs []string) ([]models.Device, error)
	MutedCategories(ctx context.Context, userIDs []string) (map[string][]string, error)
	DropDevice(ctx context.Context, token string) (bool, error)
	PruneStaleDevices(ctx context.Context, before time.Time) (int64, error)
	PendingPushes(ctx context.Context) (int64, error)
}

// Records are the reads reminders need and the queue they go to.
type Records interface {
	DueAssignments(ctx context.Context, from, to string) ([]models.Assignment, error)
	Program(ctx context.Context, id string) (models.Program, error)
	User(ctx context.Context, programID, id string) (models.User, error)
	CohortStudents(ctx context.Context, programID, cohortID string) ([]models.User, error)
	ProgressRecords(ctx context.Context, programID string, students []models.User) (models.ProgressRecords, error)
	QueuedReminders(ctx context.Context, ids []string) (map[string]bool, error)
	QueueReminders(ctx context.Context, rs []models.Reminder) (int, error)
}

// Store is what the worker needs of the store (*store.Store).
type Store interface {
	Outbox
	Records
}

// Config sets up a worker. Zero durations and sizes take the defaults.
type Config struct {
	Store   Store
	Sender  Sender
	Logger  *slog.Logger
	Metrics *Metrics
	// Name identifies the worker in leases and logs (default: host name
	// and a random suffix).
	Name string
	// BatchSize is how many notifications one claim takes (default 50;
	// at most 500 pushes go in one SendEach).
	BatchSize int
	// Lease is how long a claim is held (default 2m); a worker that dies
	// holding one delays those notifications this long.
	Lease time.Duration
	// SendTimeout bounds one SendEach (default half the lease), so a
	// claim is always settled before its lease runs out.
	SendTimeout time.Duration
	// PollInterval is the pause when the outbox has nothing due (default 1s).
	PollInterval time.Duration
	// MaxAttempts bounds the delivery attempts of one notification
	// (default 8).
	MaxAttempts int
	// BackoffBase and BackoffMax shape the retry delay: BackoffBase ×
	// 2^(attempt-1), at most BackoffMax, half of it random (defaults 5s,
	// 30m). A Retry-After from FCM is waited out in any case.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// HousekeepingInterval is how often stale devices are pruned and
	// reminders queued (default 10m).
	HousekeepingInterval time.Duration
	// Now is the clock of reminders and stale-device pruning (default
	// time.Now); delivery always runs on the real clock, as the store's
	// claims do.
	Now func() time.Time
}

// sampleInterval is how often the outbox depth gauge is sampled.
const sampleInterval = 15 * time.Second

// Worker delivers the outbox.
type Worker struct {
	cfg  Config
	log  *slog.Logger
	m    *Metrics
	now  func() time.Time
	logs bool // the sender only logs

	mu         sync.Mutex
	pauseUntil time.Time // FCM asked this instance to slow down
}

// New returns a worker; Run starts it.
func New(cfg Config) *Worker {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	if cfg.Name == "" {
		host, _ := os.Hostname()
		cfg.Name = host + "-" + randomID()[:8]
	}
	cfg.BatchSize = defaultInt(cfg.BatchSize, 50)
	cfg.MaxAttempts = defaultInt(cfg.MaxAttempts, 8)
	cfg.Lease = defaultDuration(cfg.Lease, 2*time.Minute)
	cfg.SendTimeout = defaultDuration(cfg.SendTimeout, cfg.Lease/2)
	cfg.PollInterval = defaultDuration(cfg.PollInterval, time.Second)
	cfg.BackoffBase = defaultDuration(cfg.BackoffBase, 5*time.Second)
	cfg.BackoffMax = defaultDuration(cfg.BackoffMax, 30*time.Minute)
	cfg.HousekeepingInterval = defaultDuration(cfg.HousekeepingInterval, 10*time.Minute)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	_, logs := cfg.Sender.(*LogSender)
	return &Worker{cfg: cfg, log: cfg.Logger.With("worker", cfg.Name), m: cfg.Metrics, now: cfg.Now, logs: logs}
}

// Run delivers until ctx is done. A batch in flight when ctx ends is
// settled first: what was delivered is recorded, what was interrupted is
// left for the next claim.
func (w *Worker) Run(ctx context.Context) {
	if w.logs {
		w.log.Warn("notification worker started without FCM credentials: pushes are logged, not sent")
	} else {
		w.log.Info("notification worker started", "batch", w.cfg.BatchSize, "lease", w.cfg.Lease.String())
	}
	var nextHousekeeping, nextSample time.Time
	for ctx.Err() == nil {
		if now := time.Now(); !now.Before(nextHousekeeping) {
			w.housekeeping(ctx)
			nextHousekeeping = now.Add(w.cfg.HousekeepingInterval)
		}
		if now := time.Now(); !now.Before(nextSample) {
			if n, err := w.cfg.Store.PendingPushes(ctx); err == nil {
				w.m.Pending.Set(float64(n))
			}
			nextSample = now.Add(sampleInterval)
		}
		if wait := w.paused(); wait > 0 {
			sleep(ctx, wait)
			continue
		}
		n, err := w.deliverBatch(ctx)
		if err != nil && ctx.Err() == nil {
			w.log.Warn("deliver notifications", "error", err)
		}
		if n < w.cfg.BatchSize {
			sleep(ctx, w.cfg.PollInterval)
		}
	}
	w.log.Info("notification worker stopped")
}

// housekeeping prunes stale devices and queues reminders; both are
// idempotent, so instances may overlap.
func (w *Worker) housekeeping(ctx context.Context) {
	if n, err := w.cfg.Store.PruneStaleDevices(ctx, w.now().Add(-models.StaleDeviceAge)); err != nil {
		w.log.Warn("prune stale devices", "error", err)
	} else if n > 0 {
		w.m.Pruned.WithLabelValues(pruneStale).Add(float64(n))
		w.log.Info("pruned stale devices", "count", n)
	}
	if n, err := w.QueueReminders(ctx); err != nil {
		w.log.Warn("queue reminders", "error", err)
	} else if n > 0 {
		w.log.Info("queued reminders", "count", n)
	}
}

// pauseFor stops claiming work for d (FCM's Retry-After on a quota error
// applies to the whole project, not one message).
func (w *Worker) pauseFor(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if until := time.Now().Add(d); until.After(w.pauseUntil) {
		w.pauseUntil = until
	}
}

func (w *Worker) paused() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return time.Until(w.pauseUntil)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func defaultInt(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func defaultDuration(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}
