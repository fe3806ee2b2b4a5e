package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"skillbook/clock"
	"skillbook/notify"
)

// newMetrics is the registry served at /metrics: the Go runtime, the
// process, and the notification worker's counters (registered even when
// this instance runs no worker, so dashboards see zeros, not gaps).
func newMetrics() (*prometheus.Registry, *notify.Metrics) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg, notify.NewMetrics(reg)
}

// startNotifier starts the notification delivery worker on st and returns
// the function that stops it and waits. The worker outlives ctx's
// cancellation, so it keeps delivering while requests drain; serve stops
// it before closing the mongo.
func startNotifier(ctx context.Context, cfg config, st engine, clk clock.Clock, m *notify.Metrics, log *slog.Logger) (stop func(), err error) {
	sender, _, err := notify.NewSender(ctx, notify.SenderConfig{ProjectID: cfg.ProjectID, CredentialsFile: cfg.Credentials,
		Endpoint: cfg.FCMEndpoint, Logger: log})
	if err != nil {
		return nil, err
	}
	if cfg.FCMEndpoint != "" {
		log.Warn("pushes go to FCM_ENDPOINT, not to FCM", "endpoint", cfg.FCMEndpoint)
	}
	w := notify.New(notify.Config{Store: st, Sender: sender, Logger: log, Metrics: m, Clock: clk})
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(wctx)
	}()
	return func() { cancel(); <-done }, nil
}
