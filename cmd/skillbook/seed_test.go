package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"skillbook/auth/authtest"
	"skillbook/load"
	"skillbook/models"
	"skillbook/seed"
	"skillbook/store/storetest"
)

// TestSeedWritesAProgramAndItsSignIns runs `skillbook seed` on a fresh
// database with the emulator: the manifest lists every account, and a
// seeded student can sign in with the seed password.
func TestSeedWritesAProgramAndItsSignIns(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "manifest.json")
	vars := map[string]string{
		"MONGODB_URI":                 storetest.URI(t),
		"SKILLBOOK_DATABASE":          "seed_" + strings.ReplaceAll(t.Name(), "/", "_"),
		"FIREBASE_AUTH_EMULATOR_HOST": authtest.Host(t),
	}
	var stdout strings.Builder
	err := run(context.Background(), []string{"seed", "--students", "6", "--cohorts", "2", "--out", out, "--password", "seed-test-1"},
		env(vars), &stdout, io.Discard)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	m, err := seed.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cohorts) != 2 || len(m.Of(models.RoleStudent)) == 0 || m.Summary.Students != 6 || m.Password != "seed-test-1" {
		t.Fatalf("manifest: %d cohorts, summary %+v, password %q", len(m.Cohorts), m.Summary, m.Password)
	}
	if !strings.Contains(stdout.String(), "6 students") {
		t.Errorf("seed printed %q", stdout.String())
	}
	if _, err := load.SignIn(context.Background(), http.DefaultClient, authtest.Host(t), m.Of(models.RoleStudent)[0].Email, "seed-test-1"); err != nil {
		t.Errorf("a seeded student cannot sign in: %v", err)
	}
}

func TestSeedRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"seed", "--students", "0"},
		{"seed", "--cohorts", "x"},
	} {
		err := run(context.Background(), args, env(map[string]string{"MONGODB_URI": "mongodb://127.0.0.1:1/"}), io.Discard, io.Discard)
		if err == nil {
			t.Errorf("run(%q) = nil; want an error", args)
		}
	}
}
