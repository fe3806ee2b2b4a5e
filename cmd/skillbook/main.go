// Command skillbook runs the Skillbook API and its administration tasks.
//
//	skillbook [serve] [--demo]   run the API (the default)
//	skillbook bootstrap --program NAME --admin-email EMAIL [--admin-name NAME]
//	skillbook seed --students N --cohorts C [--program NAME] [--seed S]
//	skillbook backup --out FILE
//	skillbook restore --in FILE
//	skillbook audit verify [--program ID]
//
// Every setting comes from the environment; see the README.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"skillbook/clock"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError is a bad command line; like a bad setting it exits with 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "skillbook:", err)
	var ce *configError
	var ue *usageError
	if errors.As(err, &ce) || errors.As(err, &ue) {
		return 2
	}
	return 1
}

const usage = `usage: skillbook [command] [flags]

commands:
  serve [--demo]      run the API (default); --demo seeds a demo program and its
                      sign-ins in the auth emulator first
  bootstrap           create a program and invite its first admin:
                      --program NAME --admin-email EMAIL [--admin-name NAME]
  checklists          validate [DIR] or list [DIR] the checklist files (default:
                      the built-in library)
  seed                fill a new program with realistic records for load tests:
                      --students N --cohorts C [--program NAME] [--seed S] [--out FILE]
  backup              write a consistent snapshot of the data directory's database,
                      also while the server runs: --out FILE (must not exist)
  restore             put a backup into the stopped data directory, replacing its
                      database: --in FILE
  audit verify        walk the audit chain of --program ID (default: every
                      program) and name its first broken link; exits 1 if broken
`

// run is the whole program: it parses args, reads settings through getenv
// and writes to stdout and stderr, so tests can run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, clock.System{})
	case "bootstrap":
		return bootstrap(ctx, args, getenv, stdout)
	case "export":
		return exportCmd(ctx, args, getenv, stdout)
	case "import":
		return importCmd(ctx, args, getenv, os.Stdin, stdout)
	case "checklists":
		return checklistsCmd(args, stdout, stderr)
	case "seed":
		return seedCmd(ctx, args, getenv, stdout)
	case "backup":
		return backupCmd(ctx, args, getenv, stdout)
	case "audit":
		return auditCmd(ctx, args, getenv, stdout)
	case "restore":
		return restoreCmd(ctx, args, getenv, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &usageError{msg: fmt.Sprintf("unknown command %q", cmd)}
}
