// Command ferretdb serves the tests' MongoDB stand-in (an embedded FerretDB
// on SQLite, see storetest.FerretDB) on a loopback address until it is
// signalled, so that a test can run the MongoDB engine in a server process
// and stop and restart the store under it, and the fuzz targets can use a
// store outside their instrumented binary. It is a test tool: the skillbook
// binary does not link FerretDB.
//
//	ferretdb --dir DIR [--addr 127.0.0.1:27017]
//
// It logs JSON lines on stdout; the one with msg "listening" gives the
// address and the mongodb:// URI. The engine has no authentication, so it
// never listens beyond loopback.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("ferretdb", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "127.0.0.1:27017", "loopback address to listen on (port 0 picks a free one)")
	dir := fs.String("dir", "", "directory for the engine's files (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *dir == "" {
		return errors.New("--dir is required")
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !isLoopback(host) {
		return fmt.Errorf("--addr must be a loopback host:port such as 127.0.0.1:27017, not %q (the engine has no authentication)", *addr)
	}
	log := slog.New(slog.NewJSONHandler(stdout, nil))
	started := time.Now()
	f, err := storetest.StartFerretDB(ctx, *dir, *addr, log)
	if err != nil {
		return err
	}
	defer f.Close()
	uri := f.URI()
	listen := strings.TrimPrefix(uri, "mongodb://")
	if i := strings.IndexAny(listen, "/?"); i >= 0 {
		listen = listen[:i]
	}
	// The engine starts listening in the background; answer only once it
	// takes connections, so whoever waits for this line can connect.
	client, err := mongo.Connect(ctx, uri, false, nil)
	if err != nil {
		return err
	}
	_ = client.Disconnect(context.WithoutCancel(ctx))
	log.Info("listening", "addr", listen, "uri", uri, "dir", *dir, "startup", time.Since(started).String())
	<-ctx.Done()
	log.Info("stopped")
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
