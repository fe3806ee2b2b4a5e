package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"skillbook/clock"
	"skillbook/export"
	"skillbook/exportjob"
	"skillbook/models"
)

// cliActor is the actor of exports and imports run from the command line.
var cliActor = models.Actor{UserID: "cli", Name: "skillbook command line", Role: "system"}

// exportCmd writes a program's full archive (gzipped NDJSON) to a file, or
// to standard output, and records the export in the program's audit trail.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	programID := fs.String("program", "", "the id of the program to archive (required)")
	out := fs.String("out", "", "the file to write (default: standard output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*programID) == "" {
		return usageErrorf(fs, "--program ID is required")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, clock.System{}, newLogger(io.Discard, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))

	plan, err := exportjob.Prepare(ctx, st, nil, *programID, models.ExportRequest{Kind: models.ExportArchive})
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("export: no program %s in this store", *programID)
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	write := func(w io.Writer) error { return exportjob.Render(ctx, st, plan, w, nil) }
	if *out == "" {
		bw := bufio.NewWriterSize(stdout, 256<<10)
		if err := write(bw); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	} else if err := writeFileAtomically(*out, write); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if _, err := st.RecordDirectExport(ctx, cliActor, plan.Job()); err != nil {
		return fmt.Errorf("export: record in the audit trail: %w", err)
	}
	if *out != "" {
		fmt.Fprintf(stdout, "program %q (%s): %d records written to %s\n", plan.Program.Name, plan.Program.ID, plan.Units, *out)
	}
	return nil
}

// writeFileAtomically writes path through a temporary file renamed into
// place, so a failed export leaves no partial archive behind.
func writeFileAtomically(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".skillbook-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriterSize(f, 256<<10)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// importCmd reads an archive written by `skillbook export` (or an export
// job) into this store, which must not hold the program yet (or hold it
// without records). Every id is kept, so signatures still verify.
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	in := fs.String("in", "", "the archive to read (default: standard input)")
	trust := fs.String("keys", "", "also trust this JWK set (a file or URL): another deployment's published keys, for an archive it signed (default: only this deployment's keys)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	// Every signature is checked against this deployment's keys (and
	// those --keys names) before anything is stored.
	keys, err := publishedKeys(ctx, "", getenv)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if *trust != "" {
		other, err := publishedKeys(ctx, *trust, getenv)
		if err != nil {
			return fmt.Errorf("import: --keys: %w", err)
		}
		for _, k := range other.Keys() {
			k.Retired = true
			keys.Add(k)
		}
	}
	src := stdin
	if *in != "" {
		f, err := os.Open(*in)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer f.Close()
		src = f
	}
	ar, err := export.NewArchiveReader(bufio.NewReaderSize(src, 256<<10))
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	st, err := openStore(ctx, cfg, clock.System{}, newLogger(io.Discard, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))
	h := ar.Header()
	im, err := st.BeginArchiveImport(ctx, h.ProgramID)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	counts, err := export.Import(ctx, ar, im, keys)
	if err != nil {
		return fmt.Errorf("import: %w (nothing was stored)", err)
	}
	parts := make([]string, 0, len(counts))
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	fmt.Fprintf(stdout, "program %q (%s) imported, exported %s: %s\n", h.ProgramName, h.ProgramID,
		h.ExportedAt.UTC().Format("2006-01-02 15:04 UTC"), strings.Join(parts, ", "))
	return nil
}

// startExportWorker runs the export job worker until the returned stop
// is called (serve calls it at shutdown, before closing the store); a job
// running then goes back to the queue for another instance.
func startExportWorker(ctx context.Context, st engine, clk clock.Clock, cfg config, log *slog.Logger) (stop func()) {
	w := exportjob.NewWorker(st, log.With("component", "exports"), cfg.ExportRetention)
	w.Clock = clk
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(wctx)
	}()
	return func() { cancel(); <-done }
}
