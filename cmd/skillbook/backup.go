package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"skillbook/store/sqlite"
)

// backupCmd writes a consistent snapshot of the data directory's database
// to a new file, while a server runs on it or not: it reads the database
// as one more reader (VACUUM INTO), without the directory's lock, so the
// server goes on taking writes meanwhile.
func backupCmd(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	out := fs.String("out", "", "the file to write; it must not exist (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*out) == "" {
		return usageErrorf(fs, "--out FILE is required")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if cfg.MongoURI != "" {
		return &usageError{msg: "backup: MONGODB_URI is set: back the MongoDB engine up with its own tools (mongodump, Atlas backups); backup copies the embedded engine's data directory"}
	}
	if err := sqlite.BackupDir(ctx, cfg.DataDir, *out); err != nil {
		return err
	}
	size := int64(0)
	if fi, err := os.Stat(*out); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(stdout, "backup of %s written to %s (%d bytes)\n", cfg.DataDir, *out, size)
	return nil
}

// restoreCmd puts a backup written by backupCmd into the data directory,
// replacing its database. The directory must be stopped: while a server
// or another command holds it, restore exits 1 naming the holder.
func restoreCmd(_ context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	in := fs.String("in", "", "the backup file to restore (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*in) == "" {
		return usageErrorf(fs, "--in FILE is required")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	if cfg.MongoURI != "" {
		return &usageError{msg: "restore: MONGODB_URI is set: restore the MongoDB engine with its own tools (mongorestore); restore fills the embedded engine's data directory"}
	}
	if err := sqlite.Restore(*in, cfg.DataDir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s restored into %s\n", *in, cfg.DataDir)
	return nil
}
