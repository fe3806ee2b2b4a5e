package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"skillbook/auth"
	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/seed"
	"skillbook/signing"
)

// seedPIN is the signing PIN of every seeded instructor who has one.
const seedPIN = "482916"

// seedCmd fills a new program with realistic records for load tests and
// demos, creates its sign-ins in the auth emulator when one is configured,
// and writes a manifest the load tool reads.
func seedCmd(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	students := fs.Int("students", 200, "number of students")
	cohorts := fs.Int("cohorts", 4, "number of cohorts, started months apart")
	program := fs.String("program", "", "program name (default: Seeded MA Program and the date)")
	seedValue := fs.Uint64("seed", 1, "random seed: the same seed gives the same people and history")
	out := fs.String("out", "seed-manifest.json", "where to write the manifest (program, cohorts, sign-ins) for skillbook-load")
	password := fs.String("password", "skillbook-seed-1", "password of every seeded sign-in in the auth emulator")
	audit := fs.Bool("audit", false, "also write the audit trail of the seeded history (about 2.5 times the documents)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(*program)
	if name == "" {
		name = "Seeded MA Program " + time.Now().UTC().Format("2006-01-02 15:04")
	}
	o := seed.Options{Students: *students, Cohorts: *cohorts, Seed: *seedValue, Now: time.Now(), Audit: *audit}
	if cfg.EmulatorHost != "" {
		o.Bind = seed.UID
		if len(*password) < 6 {
			return usageErrorf(fs, "--password must be at least 6 characters (the emulator's rule)")
		}
	}
	// Seeded history is signed with the server's key, so it verifies; a
	// data directory without one (seeded programs are made-up data) gets
	// the demo key a server in emulator mode would generate.
	if !cfg.Signing.Configured() {
		cfg.Signing.DemoDir = cfg.DataDir
	}
	key, _, err := signing.Load(ctx, cfg.Signing, newLogger(stdout, cfg.LogLevel))
	if err != nil {
		return err
	}
	o.Key = key
	if err := o.Validate(); err != nil {
		return &usageError{msg: err.Error(), flags: fs}
	}
	if o.PINHash, err = auth.HashPIN(seedPIN); err != nil {
		return err
	}

	st, err := openStore(ctx, cfg, clock.System{}, newLogger(io.Discard, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	lib, err := checklists.Versions()
	if err != nil {
		return fmt.Errorf("checklist library:\n%w", err)
	}
	if _, err := st.UpsertLibrary(ctx, lib); err != nil {
		return fmt.Errorf("checklist library: %w", err)
	}

	started := time.Now()
	res, err := seed.Program(ctx, st, name, lib, o)
	if err != nil {
		return err
	}
	m := seed.Manifest{ProgramID: res.Program.ID, ProgramName: res.Program.Name, PIN: seedPIN,
		Cohorts: res.Cohorts, Accounts: res.Accounts, Summary: res.Summary, Created: time.Now().UTC()}
	signIns := time.Duration(0)
	if cfg.EmulatorHost != "" {
		t := time.Now()
		if err := seed.CreateSignIns(ctx, cfg.EmulatorHost, cfg.ProjectID, *password, res.Accounts); err != nil {
			return err
		}
		signIns = time.Since(t)
		m.EmulatorHost, m.ProjectID, m.Password = cfg.EmulatorHost, cfg.ProjectID, *password
	}
	if err := seed.WriteManifest(*out, m); err != nil {
		return err
	}
	s := res.Summary
	fmt.Fprintf(stdout, "program %q (id %s) seeded in %s: %d documents written in %s",
		res.Program.Name, res.Program.ID, time.Since(started).Round(time.Millisecond), res.Written, res.Took.Round(time.Millisecond))
	if cfg.EmulatorHost != "" {
		fmt.Fprintf(stdout, ", sign-ins created in the auth emulator at %s in %s", cfg.EmulatorHost, signIns.Round(time.Millisecond))
	}
	fmt.Fprintf(stdout, "\n  people       %d students, %d instructors, %d admins in %d cohorts\n", s.Students, s.Instructors, s.Admins, s.Cohorts)
	fmt.Fprintf(stdout, "  assignments  %d (the whole library, %d checklists, to every cohort)\n", s.Assignments, s.Assignments/max(s.Cohorts, 1))
	fmt.Fprintf(stdout, "  attempts     %d: %d practice, %d waiting in the queue, %d passed and signed, %d failed, %d returned\n",
		s.Attempts(), s.Practice, s.Requested, s.Passed, s.Failed, s.Returned)
	fmt.Fprintf(stdout, "  also         %d amendments, %d remediation plans, %d procedures, %d practicum entries, %d devices, %d audit entries\n",
		s.Amendments, s.Remediations, s.Procedures, s.Practicum, s.Devices, s.Audit)
	fmt.Fprintf(stdout, "manifest: %s (skillbook-load -manifest %s)\n", *out, *out)
	return nil
}
