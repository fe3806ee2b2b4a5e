package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestExportImportCommands archives a program with `skillbook export` and
// restores it with `skillbook import` into another database.
func TestExportImportCommands(t *testing.T) {
	ctx := context.Background()
	// Each store is an embedded engine of its own, started by every run
	// as a deployment without MONGODB_URI would.
	dirs := map[string]string{"src": t.TempDir(), "dst": t.TempDir()}
	vars := func(db string) func(string) string {
		// One deployment's signing key: import checks signatures with it.
		return env(map[string]string{"SKILLBOOK_DATA_DIR": dirs[db], "SIGNING_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="})
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"bootstrap", "--program", "Archive College", "--admin-email", "dean@archive.test"}, vars("src"), &out, &out); err != nil {
		t.Fatalf("bootstrap: %v (%s)", err, out.String())
	}
	m := regexp.MustCompile(`created \(id ([0-9a-f-]+)\)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("bootstrap said %q", out.String())
	}
	programID := m[1]

	file := filepath.Join(t.TempDir(), "archive.ndjson.gz")
	out.Reset()
	if err := run(ctx, []string{"export", "--program", programID, "--out", file}, vars("src"), &out, &out); err != nil {
		t.Fatalf("export: %v", err)
	}
	if !strings.Contains(out.String(), "records written to "+file) {
		t.Errorf("export said %q", out.String())
	}
	if fi, err := os.Stat(file); err != nil || fi.Size() == 0 {
		t.Fatalf("archive file: %v", err)
	}

	out.Reset()
	if err := run(ctx, []string{"import", "--in", file}, vars("dst"), &out, &out); err != nil {
		t.Fatalf("import: %v", err)
	}
	if s := out.String(); !strings.Contains(s, `program "Archive College" (`+programID+`) imported`) || !strings.Contains(s, "user 1") || !strings.Contains(s, "program 1") {
		t.Errorf("import said %q", s)
	}
	if err := run(ctx, []string{"import", "--in", file}, vars("dst"), &out, &out); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("a second import = %v; want refused", err)
	}
	if err := run(ctx, []string{"export", "--program", "no-such-program"}, vars("src"), &out, &out); err == nil {
		t.Errorf("export of an unknown program succeeded")
	}
	if err := run(ctx, []string{"export"}, vars("src"), &out, &out); exitCode(err, &out) != 2 {
		t.Errorf("export without --program = %v; want a usage error", err)
	}
}
