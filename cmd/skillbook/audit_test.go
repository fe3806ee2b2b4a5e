package main

import (
	"bytes"
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"skillbook/store/sqlite"
)

// TestAuditVerifyCommand verifies the chains of a store with `skillbook
// audit verify`, then changes an entry in the database file and expects
// the command to fail naming it.
func TestAuditVerifyCommand(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	vars := env(map[string]string{"SKILLBOOK_DATA_DIR": dir, "SIGNING_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="})
	var out bytes.Buffer
	if err := run(ctx, []string{"audit", "verify"}, vars, &out, &out); err != nil || !strings.Contains(out.String(), "no audit entries") {
		t.Errorf("audit verify of an empty store = %v (%q); want nothing to verify", err, out.String())
	}
	var ids []string
	for _, name := range []string{"Chain College", "Link Academy"} {
		out.Reset()
		if err := run(ctx, []string{"bootstrap", "--program", name, "--admin-email", "dean@" + strings.Fields(name)[0] + ".test"}, vars, &out, &out); err != nil {
			t.Fatalf("bootstrap: %v (%s)", err, out.String())
		}
		m := regexp.MustCompile(`created \(id ([0-9a-f-]+)\)`).FindStringSubmatch(out.String())
		if m == nil {
			t.Fatalf("bootstrap said %q", out.String())
		}
		ids = append(ids, m[1])
	}

	out.Reset()
	if err := run(ctx, []string{"audit", "verify"}, vars, &out, &out); err != nil {
		t.Fatalf("audit verify = %v (%s)", err, out.String())
	}
	for _, id := range ids {
		if !regexp.MustCompile(`program ` + id + `: intact, [1-9][0-9]* entries, head [0-9a-f]{64}`).MatchString(out.String()) {
			t.Errorf("audit verify said %q; want program %s intact", out.String(), id)
		}
	}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.ExecContext(ctx, `UPDATE events SET doc = json_set(doc, '$.summary', 'forged') WHERE program_id = ? AND seq = 1`, ids[1])
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	out.Reset()
	err = run(ctx, []string{"audit", "verify"}, vars, &out, &out)
	if exitCode(err, &out) != 1 || !strings.Contains(err.Error(), ids[1]+" at entry 1") {
		t.Errorf("audit verify of a changed chain = %v; want exit 1 naming %s at entry 1", err, ids[1])
	}
	if !strings.Contains(out.String(), "program "+ids[1]+": BROKEN at entry 1 (hash-mismatch)") || !strings.Contains(out.String(), "program "+ids[0]+": intact") {
		t.Errorf("audit verify said %q", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify", "--program", ids[0]}, vars, &out, &out); err != nil || strings.Contains(out.String(), ids[1]) {
		t.Errorf("audit verify --program %s = %v (%q); want its chain alone, intact", ids[0], err, out.String())
	}
	if err := run(ctx, []string{"audit"}, vars, &out, &out); exitCode(err, &out) != 2 {
		t.Errorf("audit without verify = %v; want a usage error", err)
	}
}
