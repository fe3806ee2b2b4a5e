package notify

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts what the delivery worker does. Counters are per server
// instance; sum them across instances.
type Metrics struct {
	// Queued counts notifications this instance took from the outbox for
	// their first delivery attempt, reminders included.
	Queued prometheus.Counter
	// Sent counts pushes (one per device) FCM accepted.
	Sent prometheus.Counter
	// Retried counts pushes that failed for a passing reason (UNAVAILABLE,
	// INTERNAL, QUOTA_EXCEEDED, the network) and were scheduled again.
	Retried prometheus.Counter
	// Failed counts pushes given up: a permanent error, or too many
	// attempts.
	Failed prometheus.Counter
	// Muted counts notifications not pushed because the user muted their
	// category (they stay in the feed).
	Muted prometheus.Counter
	// Pruned counts device tokens removed, by reason: unregistered,
	// invalid (FCM refused them) or stale (not refreshed for 30 days).
	Pruned *prometheus.CounterVec
	// Reminders counts due-date reminders queued.
	Reminders prometheus.Counter
	// Pending is the number of notifications waiting in the outbox (all
	// instances), as last sampled.
	Pending prometheus.Gauge
}

// NewMetrics makes the worker's metrics and registers them with reg; a nil
// reg leaves them unregistered (tests, tools).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: "skillbook", Subsystem: "notify", Name: name, Help: help})
	}
	m := &Metrics{
		Queued:    counter("queued_total", "Notifications taken from the outbox for a first delivery attempt."),
		Sent:      counter("sent_total", "Pushes (one per device) accepted by FCM."),
		Retried:   counter("retried_total", "Pushes that failed for a passing reason and were scheduled again."),
		Failed:    counter("failed_total", "Pushes given up: a permanent error or too many attempts."),
		Muted:     counter("muted_total", "Notifications not pushed because the user muted their category."),
		Reminders: counter("reminders_total", "Due-date reminders queued."),
		Pruned: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "skillbook", Subsystem: "notify", Name: "pruned_total",
			Help: "Device tokens removed: unregistered or invalid (refused by FCM) or stale (not refreshed for 30 days)."}, []string{"reason"}),
		Pending: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "skillbook", Subsystem: "notify", Name: "outbox_pending",
			Help: "Notifications waiting in the outbox, as last sampled."}),
	}
	for _, r := range []string{pruneUnregistered, pruneInvalid, pruneStale} {
		m.Pruned.WithLabelValues(r)
	}
	if reg != nil {
		reg.MustRegister(m.Queued, m.Sent, m.Retried, m.Failed, m.Muted, m.Reminders, m.Pruned, m.Pending)
	}
	return m
}

// The reasons a device token is pruned.
const (
	pruneUnregistered = "unregistered"
	pruneInvalid      = "invalid"
	pruneStale        = "stale"
)
