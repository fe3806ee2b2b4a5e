// Command skillbook-load drives a running Skillbook API on this machine with
// the accounts of a seeded program (see `skillbook seed`) and reports, per
// route, requests per second, latency percentiles and errors.
//
//	skillbook-load [-target URL] [-manifest FILE] [-users 50] [-duration 60s] [-json FILE]
//	skillbook-load ready [-runs 3] -- skillbook serve
//
// It exits with status 1 when any request got a 5xx or no answer.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"skillbook/load"
	"skillbook/seed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "skillbook-load:", err)
		var ue usageError
		if errors.As(err, &ue) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// usageError is a bad command line.
type usageError string

func (e usageError) Error() string { return string(e) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "ready" {
		return ready(ctx, args[1:], stdout)
	}
	fs := flag.NewFlagSet("skillbook-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("target", "http://127.0.0.1:8080", "the API's base URL (loopback only)")
	manifest := fs.String("manifest", "seed-manifest.json", "the manifest `skillbook seed` wrote")
	emulator := fs.String("emulator", getenv("FIREBASE_AUTH_EMULATOR_HOST"), "auth emulator host:port (default: the manifest's)")
	users := fs.Int("users", 50, "concurrent virtual users")
	mix := fs.String("mix", "students=80,instructors=15,admins=5", "share of users per role")
	duration := fs.Duration("duration", 60*time.Second, "how long to run")
	requests := fs.Int("requests", 0, "stop after this many requests (0: no limit)")
	think := fs.Duration("think", 0, "mean pause between one user's requests (0: none)")
	failShare := fs.Float64("fail-share", 0.15, "share of sign-offs that fail a critical step")
	seedValue := fs.Uint64("seed", 1, "random seed for the choice of accounts and actions")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	if err := fs.Parse(args); err != nil {
		return usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	m, err := load.ParseMix(*mix)
	if err != nil {
		return usageError(err.Error())
	}
	man, err := seed.ReadManifest(*manifest)
	if err != nil {
		return err
	}
	rep, err := load.Run(ctx, load.Config{Target: *target, Manifest: man, Emulator: *emulator, Users: *users, Mix: m,
		Duration: *duration, Requests: *requests, Think: *think, FailShare: *failShare, Seed: *seedValue, Log: stderr})
	if err != nil {
		return err
	}
	rep.Print(stdout)
	if *jsonOut != "" {
		f, err := os.Create(*jsonOut)
		if err != nil {
			return err
		}
		if err := rep.WriteJSON(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	if rep.Total.Status5xx > 0 || rep.Total.Transport > 0 {
		return fmt.Errorf("%d requests answered 5xx and %d got no answer", rep.Total.Status5xx, rep.Total.Transport)
	}
	return nil
}
