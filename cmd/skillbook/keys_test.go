package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"skillbook/models"
)

// TestVerifyAndImportCatchATamperedArchive archives a seeded program,
// checks it with `skillbook verify`, then changes one signed evaluation in
// the archive (its score, with the digest recomputed as a forger would):
// verify names the record and exits non-zero, and import refuses the
// archive, naming it, and stores nothing. An archive signed by another
// deployment's key is refused unless its published keys are trusted.
func TestVerifyAndImportCatchATamperedArchive(t *testing.T) {
	ctx := context.Background()
	newKey := func() string {
		seed := make([]byte, 32)
		rand.Read(seed)
		return base64.StdEncoding.EncodeToString(seed)
	}
	key := newKey()
	dirs := map[string]string{"src": t.TempDir(), "dst": t.TempDir(), "other": t.TempDir()}
	vars := func(db, key string) func(string) string {
		return env(map[string]string{"SKILLBOOK_DATA_DIR": dirs[db], "SIGNING_KEY": key})
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"seed", "--students", "6", "--cohorts", "1", "--out", filepath.Join(t.TempDir(), "m.json")}, vars("src", key), &out, &out); err != nil {
		t.Fatalf("seed: %v (%s)", err, out.String())
	}
	m := regexp.MustCompile(`\(id ([0-9a-f-]+)\)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("seed said %q", out.String())
	}
	file := filepath.Join(t.TempDir(), "archive.ndjson.gz")
	if err := run(ctx, []string{"export", "--program", m[1], "--out", file}, vars("src", key), &out, &out); err != nil {
		t.Fatalf("export: %v", err)
	}

	out.Reset()
	if err := run(ctx, []string{"verify", file}, vars("src", key), &out, &out); err != nil || !strings.Contains(out.String(), "every one verifies") {
		t.Fatalf("verify of the archive as written = %v (%s); want every record verified", err, out.String())
	}
	signed := regexp.MustCompile(`archive, (\d+) signed records`).FindStringSubmatch(out.String())
	if signed == nil || signed[1] == "0" {
		t.Fatalf("verify said %q; want signed records checked", out.String())
	}

	forged, victim := forgeArchive(t, file)
	out.Reset()
	err := run(ctx, []string{"verify", forged}, vars("src", key), &out, &out)
	if err == nil || !strings.Contains(out.String(), "attempt "+victim+": ") || !strings.Contains(out.String(), "1 do NOT verify") {
		t.Fatalf("verify of the forged archive = %v (%s); want attempt %s named and an error", err, out.String(), victim)
	}
	out.Reset()
	err = run(ctx, []string{"import", "--in", forged}, vars("dst", key), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "attempt "+victim) || !strings.Contains(err.Error(), "nothing was stored") {
		t.Fatalf("import of the forged archive = %v; want it refused, naming attempt %s", err, victim)
	}

	// Another deployment (another key) refuses the archive until it trusts
	// the keys that signed it.
	other := newKey()
	err = run(ctx, []string{"import", "--in", file}, vars("other", other), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "not a published key") {
		t.Fatalf("import under another key = %v; want refused: not a published key", err)
	}
	out.Reset()
	if err := run(ctx, []string{"keys", "show"}, vars("src", key), &out, &out); err != nil {
		t.Fatal(err)
	}
	jwks := filepath.Join(t.TempDir(), "src-keys.json")
	if err := os.WriteFile(jwks, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, []string{"import", "--keys", jwks, "--in", file}, vars("other", other), &out, &out); err != nil || !strings.Contains(out.String(), "imported") {
		t.Fatalf("import trusting the source's published keys = %v (%s); want imported", err, out.String())
	}
	// And the intact archive imports where its key is the deployment's.
	if err := run(ctx, []string{"import", "--in", file}, vars("dst", key), &out, &out); err != nil {
		t.Fatalf("import of the intact archive after the refused one = %v; want imported", err)
	}
}

// forgeArchive copies archive file with one passed evaluation's score
// changed and its digest recomputed, returning the copy and the attempt.
func forgeArchive(t *testing.T, file string) (string, string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 64<<20)
	victim := ""
	for sc.Scan() {
		line := sc.Bytes()
		var rec struct {
			Kind string          `json:"kind"`
			Doc  json.RawMessage `json:"doc"`
		}
		if err := json.Unmarshal(line, &rec); err == nil && rec.Kind == "attempt" && victim == "" {
			var a models.Attempt
			if err := bson.UnmarshalExtJSON(rec.Doc, true, &a); err != nil {
				t.Fatal(err)
			}
			if e := a.Evaluation; e != nil && e.Signature != nil && e.Outcome == models.OutcomeFailed {
				// A failure turned into a pass, its digest made to match.
				e.Outcome, e.Score, a.Status = models.OutcomePassed, 100, models.StatusPassed
				e.Signature.Digest = models.EvaluationRecord(&a, *e.Signature).Digest()
				doc, err := bson.MarshalExtJSON(a, true, false)
				if err != nil {
					t.Fatal(err)
				}
				if line, err = json.Marshal(map[string]any{"kind": "attempt", "doc": json.RawMessage(doc)}); err != nil {
					t.Fatal(err)
				}
				victim = a.ID
			}
		}
		zw.Write(line)
		zw.Write([]byte{'\n'})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if victim == "" {
		t.Fatal("the archive holds no signed failure to forge")
	}
	zw.Close()
	forged := filepath.Join(t.TempDir(), "forged.ndjson.gz")
	if err := os.WriteFile(forged, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return forged, victim
}
