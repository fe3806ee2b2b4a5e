package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"skillbook/store/mongo"
)

// dbCmd serves the embedded engine alone, on a loopback address, until it
// is signalled: a server then reaches it with MONGODB_URI, and a test can
// stop and restart the store under a running server. The engine has no
// authentication, so it never listens beyond loopback; and since its
// conditional writes are made atomic by a lock inside the one server
// process that uses it, exactly one server may use it at a time.
func dbCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("db", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:27017", "loopback address to listen on (port 0 picks a free one)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !isLoopback(host) {
		return &usageError{msg: fmt.Sprintf("db: --addr must be a loopback host:port such as 127.0.0.1:27017, not %q (the engine has no authentication)", *addr)}
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	log := newLogger(stdout, cfg.LogLevel)
	started := time.Now()
	emb, err := mongo.StartEmbeddedAt(ctx, cfg.DataDir, *addr, log)
	if err != nil {
		return err
	}
	defer emb.Close()
	uri := emb.URI()
	listen := strings.TrimPrefix(uri, "mongodb://")
	if i := strings.IndexAny(listen, "/?"); i >= 0 {
		listen = listen[:i]
	}
	// The engine starts listening in the background; answer only once
	// it takes connections, so whoever waits for this line can connect.
	client, err := mongo.Connect(ctx, uri, false, nil)
	if err != nil {
		return err
	}
	_ = client.Disconnect(context.WithoutCancel(ctx))
	log.Info("listening", "addr", listen, "uri", uri, "dataDir", cfg.DataDir, "startup", time.Since(started).String())
	<-ctx.Done()
	log.Info("stopped")
	return nil
}
