package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"skillbook/auth"
	"skillbook/clock"
	"skillbook/handlers"
	"skillbook/signing"
	"skillbook/workflow"

	"github.com/prometheus/client_golang/prometheus"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

func newVerifier(ctx context.Context, cfg config) (*auth.Verifier, error) {
	return auth.NewVerifier(ctx, auth.Config{
		ProjectID:       cfg.ProjectID,
		CredentialsFile: cfg.Credentials,
		EmulatorHost:    cfg.EmulatorHost,
	})
}

// serve runs the API until ctx is cancelled, then drains in-flight
// requests, and closes the store last. clk is the one clock the store, the
// use cases, the workers and the HTTP layer share.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, clk clock.Clock) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "seed a demo program and its emulator sign-ins")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if *demo && cfg.EmulatorHost == "" {
		return &usageError{msg: "serve --demo creates sign-ins in the auth emulator: set FIREBASE_AUTH_EMULATOR_HOST (the README's run command does)"}
	}
	started := time.Now()
	log := newLogger(stdout, cfg.LogLevel)

	st, err := openStore(ctx, cfg, clk, log)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := st.Close(closeCtx); err != nil {
			log.Warn("close store", "error", err)
		}
	}()
	if err := loadLibrary(ctx, st, log); err != nil {
		return err
	}
	key, keys, err := signing.Load(ctx, cfg.Signing, log)
	if err != nil {
		return err
	}
	log.Info("signing records", "keyId", key.KeyID(), "publishedKeys", len(keys.Keys()))

	verifier, err := newVerifier(ctx, cfg)
	if err != nil {
		return err
	}
	if cfg.EmulatorHost != "" {
		log.Warn("auth emulator mode: tokens are not signature-checked; never use with real data", "emulator", cfg.EmulatorHost, "project", cfg.ProjectID)
	} else if len(cfg.ProjectID) > 5 && cfg.ProjectID[:5] == "demo-" {
		log.Warn("project is emulator-only but FIREBASE_AUTH_EMULATOR_HOST is unset: every token will be refused", "project", cfg.ProjectID)
	}

	var tour demoTour
	if *demo {
		if tour, err = seedDemo(ctx, st, verifier.Client(), key, clk, log); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
	}

	metrics, notifyMetrics := newMetrics()
	if c, ok := st.(interface{ Collectors() []prometheus.Collector }); ok {
		metrics.MustRegister(c.Collectors()...)
	}
	// The API's own /metrics answers 404 when the metrics have a listener
	// of their own.
	var apiMetrics prometheus.Gatherer = metrics
	if cfg.MetricsAddr != "" {
		stopMetrics, err := serveMetrics(cfg.MetricsAddr, metrics, log)
		if err != nil {
			return fmt.Errorf("metrics listener: %w", err)
		}
		defer stopMetrics()
		apiMetrics = nil
	}
	wf := workflow.New(st, clk, workflow.Signing{Key: key, Keys: keys}, workflow.WithAccounts(verifier))
	app := handlers.New(handlers.Deps{
		Store:          st,
		Workflow:       wf,
		Keys:           keys,
		Clock:          clk,
		Tokens:         verifier,
		Logger:         log,
		BodyLimit:      cfg.BodyLimit,
		CORSOrigins:    cfg.CORSOrigins,
		TrustedProxies: cfg.TrustedProxies,
		RequestTimeout: cfg.RequestTimeout,
		Version:        version,
		Metrics:        apiMetrics,
		WebApp: handlers.WebAppConfig{ProjectID: cfg.ProjectID, APIKey: cfg.WebAPIKey,
			AuthDomain: cfg.AuthDomain, EmulatorHost: cfg.EmulatorHost,
			WebPushKey: cfg.WebPushKey, AppID: cfg.WebAppID, MessagingSenderID: cfg.MessagingSenderID},
	})

	maintCtx, stopMaint := context.WithCancel(ctx)
	maintDone := make(chan struct{})
	go func() {
		defer close(maintDone)
		st.RunMaintenance(maintCtx, 10*time.Second)
	}()
	defer func() { stopMaint(); <-maintDone }()
	// The chain heads are signed before the API serves, then on a timer.
	signAuditHeads(ctx, wf.Notices, log)
	checkpointsDone := make(chan struct{})
	go func() {
		defer close(checkpointsDone)
		checkpointAudit(maintCtx, wf.Notices, cfg.AuditCheckpointInterval, log)
	}()
	defer func() { stopMaint(); <-checkpointsDone }()
	if cfg.NotifyWorker {
		stopNotifier, err := startNotifier(ctx, cfg, st, clk, notifyMetrics, log)
		if err != nil {
			return err
		}
		defer stopNotifier()
	}
	// Exports: the background export job worker.
	defer startExportWorker(ctx, st, clk, cfg, log)()

	ln, err := net.Listen("tcp", cfg.addr())
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "startup", time.Since(started).String(), "version", version)
	if *demo {
		tour.print(stdout, cfg.EmulatorHost, ln.Addr())
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	if err := app.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		log.Warn("shutdown", "error", err)
	}
	<-served
	log.Info("stopped")
	return nil
}

// checkpointAudit signs the head of every program's audit chain that
// moved, every interval, until ctx ends. Several instances may run it: a
// checkpoint another wrote at the same head counts as written.
func checkpointAudit(ctx context.Context, n *workflow.Notices, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			signAuditHeads(ctx, n, log)
		}
	}
}

// signAuditHeads writes a signed checkpoint of every moved chain head.
func signAuditHeads(ctx context.Context, n *workflow.Notices, log *slog.Logger) {
	if written, err := n.Checkpoint(ctx); err != nil && ctx.Err() == nil {
		log.Warn("audit checkpoint", "error", err)
	} else if written > 0 {
		log.Info("audit checkpoints signed", "programs", written)
	}
}
