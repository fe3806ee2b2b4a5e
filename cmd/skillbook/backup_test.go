package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skillbook/models"
	"skillbook/store/sqlite"
)

// TestBackupWhileHeldAndRestore backs up a data directory a store holds
// and writes to (as a running server does), refuses to restore into it
// while it is held, and restores the backup into another directory, where
// the rows are.
func TestBackupWhileHeldAndRestore(t *testing.T) {
	ctx := context.Background()
	live := t.TempDir()
	st, err := sqlite.Open(ctx, sqlite.Options{Dir: live})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	for i := range 20 {
		if _, err := st.BeginIdempotent(ctx, fmt.Sprint("k", i), "body", now, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	vars := func(dir string) func(string) string {
		return env(map[string]string{"SKILLBOOK_DATA_DIR": dir})
	}

	file := filepath.Join(t.TempDir(), "skillbook-backup.db")
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", "--out", file}, vars(live), &out, &out); err != nil {
		t.Fatalf("backup while the directory is held: %v (%s)", err, out.String())
	}
	if !strings.Contains(out.String(), "written to "+file) {
		t.Errorf("backup said %q", out.String())
	}
	if _, err := st.BeginIdempotent(ctx, "after-backup", "body", now, time.Hour); err != nil {
		t.Fatalf("the store after a backup: %v", err)
	}
	err = run(ctx, []string{"backup", "--out", file}, vars(live), &out, &out)
	if err == nil || exitCode(err, &out) != 1 || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup over an existing file = %v; want refused with exit 1", err)
	}

	var stderr bytes.Buffer
	err = run(ctx, []string{"restore", "--in", file}, vars(live), &out, &out)
	if code := exitCode(err, &stderr); code != 1 || !errors.Is(err, sqlite.ErrLocked) {
		t.Fatalf("restore into a held directory = %v (exit %d); want ErrLocked, exit 1", err, code)
	}
	if line := stderr.String(); strings.Count(line, "\n") != 1 || !strings.Contains(line, fmt.Sprintf("pid %d", os.Getpid())) {
		t.Errorf("restore into a held directory said %q; want one line naming the holder", line)
	}

	fresh := filepath.Join(t.TempDir(), "data")
	out.Reset()
	if err := run(ctx, []string{"restore", "--in", file}, vars(fresh), &out, &out); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if !strings.Contains(out.String(), "restored into "+fresh) {
		t.Errorf("restore said %q", out.String())
	}
	restored, err := sqlite.Open(ctx, sqlite.Options{Dir: fresh})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	for i := range 20 {
		if _, err := restored.BeginIdempotent(ctx, fmt.Sprint("k", i), "body", now, time.Hour); !errors.Is(err, models.ErrIdempotencyInFlight) {
			t.Errorf("key k%d after restore = %v; want it there (in flight)", i, err)
		}
	}
	if got, err := restored.BeginIdempotent(ctx, "after-backup", "body", now, time.Hour); got != nil || err != nil {
		t.Errorf("a key written after the backup = %v, %v; want it absent", got, err)
	}
}

// TestBackupRestoreUsage: the flags are required, and the MongoDB engine
// is pointed at its own tools.
func TestBackupRestoreUsage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		vars map[string]string
		want string
	}{
		{[]string{"backup"}, nil, "--out FILE is required"},
		{[]string{"restore"}, nil, "--in FILE is required"},
		{[]string{"backup", "--out", "x.db", "extra"}, nil, "unexpected argument"},
		{[]string{"backup", "--out", "x.db"}, map[string]string{"MONGODB_URI": "mongodb://127.0.0.1:1"}, "mongodump"},
		{[]string{"restore", "--in", "x.db"}, map[string]string{"MONGODB_URI": "mongodb://127.0.0.1:1"}, "mongorestore"},
	} {
		vars := map[string]string{"SKILLBOOK_DATA_DIR": dir}
		for k, v := range c.vars {
			vars[k] = v
		}
		var out bytes.Buffer
		err := run(ctx, c.args, env(vars), &out, &out)
		if code := exitCode(err, &out); code != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("run(%q) = %v (exit %d); want a usage error with %q", c.args, err, code, c.want)
		}
	}
	var out bytes.Buffer
	err := run(ctx, []string{"backup", "--out", filepath.Join(t.TempDir(), "b.db")}, env(map[string]string{"SKILLBOOK_DATA_DIR": dir}), &out, &out)
	if err == nil || exitCode(err, &out) != 1 || !strings.Contains(err.Error(), "no database in") {
		t.Errorf("backup of an empty directory = %v; want exit 1, no database", err)
	}
}
