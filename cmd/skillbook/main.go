// Command skillbook runs the Skillbook API and its administration tasks.
//
//	skillbook [serve] [--demo]   run the API (the default)
//	skillbook help [COMMAND]     every command, or one with its flags
//
// The commands are listed in the table below. Every setting comes from
// the environment; see the README.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"skillbook/clock"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

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

// commands is every command, in the order the usage lists them; help,
// usage and unknown-command errors are made from it (usage.go). A new
// command is one line here: a two-word name ("keys rotate") makes or joins
// a group. Its function parses its flags with parseFlags (or parseArgs)
// before anything else and reports a bad argument with usageErrorf; that
// is all --help and the usage on errors need.
var commands = []command{
	{"serve", "[--demo]", "run the API (the default command); --demo first seeds a demo program and its sign-ins\nin the auth emulator", serveCmd},
	{"bootstrap", "--program NAME --admin-email EMAIL [--admin-name NAME]", "create a program and invite its first admin", bootstrap},
	{"checklists validate", "[DIR]", "check checklist files (default: the built-in library); exit 1 listing every problem", checklistsValidate},
	{"checklists list", "[DIR]", "list checklist files: id, version, area, steps, critical steps, competency codes", checklistsList},
	{"export", "--program ID [--out FILE]", "write a program's full archive (gzipped NDJSON; standard output by default) and\nrecord the export in its audit trail", exportCmd},
	{"import", "[--in FILE] [--keys FILE|URL]", "read an archive into a store without that program (standard input by default);\nrefused, naming them, if any of its signed records does not verify", importStdin},
	{"seed", "[--students N] [--cohorts N] [--program NAME] [--seed S] [--out FILE] [--password P] [--audit]", "fill a new program with generated people and history, for demos and load tests", seedCmd},
	{"verify", "[--keys FILE|URL] FILE...", "check every signed record of archives and transcript PDFs against the published keys;\nexit 1 naming each that fails", verifyCmd},
	{"keys show", "", "print this deployment's published keys (the JWK set at /.well-known/skillbook-keys.json)", keysShow},
	{"keys generate", "FILE", "write a new Ed25519 private key to FILE (PEM, mode 0600) for SIGNING_KEY_FILE", keysGenerate},
	{"keys rotate", "", "replace the key in SIGNING_KEY_FILE with a new one and keep the old public key in\nSIGNING_RETIRED_KEYS, so what it signed still verifies; restart the server afterwards", keysRotate},
	{"backup", "--out FILE", "write a consistent snapshot of the SQLite database to a new file, also while the server runs", backupCmd},
	{"restore", "--in FILE", "put a backup into a data directory no server holds, replacing its database", restoreCmd},
	{"audit verify", "[--program ID] [--keys FILE|URL]", "walk the audit chain of one program (default: every program) and name its first broken\nlink; exit 1 if any chain is broken", auditVerify},
	{"version", "", "print the version of this binary", versionCmd},
}

// run is the whole program: it parses args, reads settings through getenv
// and writes to stdout and stderr, so tests can run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return dispatch(ctx, commands, args, getenv, stdout, stderr)
}

func serveCmd(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	return serve(ctx, args, getenv, stdout, clock.System{})
}

func importStdin(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	return importCmd(ctx, args, getenv, os.Stdin, stdout)
}

func versionCmd(_ context.Context, args []string, _ func(string) string, stdout, _ io.Writer) error {
	if err := parseFlags(flag.NewFlagSet("version", flag.ContinueOnError), args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "skillbook %s (%s)\n", version, runtime.Version())
	return nil
}
