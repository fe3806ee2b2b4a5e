package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

const goodChecklist = `id: radial-pulse
version: 1
area: vital-signs
title: Count a radial pulse
purpose: The student counts a radial pulse.
competencies: [MAERB-2015 I.P.1.c]
equipment: [Watch]
steps:
  - id: hand-hygiene
    text: Perform hand hygiene.
    critical: true
`

func TestChecklistsValidateLibrary(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"checklists", "validate"}, env(nil), &stdout, &stderr)
	if err != nil {
		t.Fatalf("checklists validate = %v; stderr %s", err, stderr.String())
	}
	lib, _ := checklists.Library()
	if want := fmt.Sprintf("%d checklists OK\n", len(lib)); stdout.String() != want {
		t.Errorf("checklists validate printed %q; want %q", stdout.String(), want)
	}
}

func TestChecklistsValidateDirReportsEachError(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("radial-pulse.yaml", goodChecklist)
	write("broken.yaml", strings.NewReplacer("id: radial-pulse", "id: broken", "version: 1", "version: 0", "    text: Perform hand hygiene.\n", "").Replace(goodChecklist))
	write("wrong-name.yaml", goodChecklist)

	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"checklists", "validate", dir}, env(nil), &stdout, &stderr)
	if err == nil {
		t.Fatalf("checklists validate DIR = nil; want an error")
	}
	if code := exitCode(err, &bytes.Buffer{}); code != 1 {
		t.Errorf("exit code = %d; want 1", code)
	}
	for _, want := range []string{
		"broken.yaml:2: version: must be between 1 and",
		"broken.yaml:9: steps[0].text: is required",
		`wrong-name.yaml:1: id: is "radial-pulse" but the file is wrong-name.yaml`,
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr = %s; want a line with %q", stderr.String(), want)
		}
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q; want nothing on failure", stdout.String())
	}

	if err := os.Remove(filepath.Join(dir, "broken.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "wrong-name.yaml")); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if err := run(context.Background(), []string{"checklists", "validate", dir}, env(nil), &stdout, &stderr); err != nil || stdout.String() != "1 checklists OK\n" {
		t.Errorf("checklists validate (fixed) = %q, %v; want \"1 checklists OK\"", stdout.String(), err)
	}
}

func TestChecklistsList(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"checklists", "list"}, env(nil), &stdout, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if got := strings.Fields(lines[0]); strings.Join(got, " ") != "ID VERSION AREA STEPS CRITICAL COMPETENCIES" {
		t.Errorf("header = %q", lines[0])
	}
	lib, _ := checklists.Library()
	if len(lines) != len(lib)+1 {
		t.Errorf("list printed %d rows; want %d", len(lines)-1, len(lib))
	}
	found := false
	for _, l := range lines {
		if f := strings.Fields(l); len(f) >= 7 && f[0] == "bp-manual" {
			found = true
			if strings.Join(f[1:], " ") != "1 vital-signs 24 6 MAERB-2015 I.P.1.a" {
				t.Errorf("bp-manual row = %q", l)
			}
		}
	}
	if !found {
		t.Errorf("list has no bp-manual row:\n%s", stdout.String())
	}
}

func TestChecklistsUsage(t *testing.T) {
	for _, args := range [][]string{{"checklists"}, {"checklists", "frobnicate"}, {"checklists", "validate", "a", "b"}} {
		err := run(context.Background(), args, env(nil), &bytes.Buffer{}, &bytes.Buffer{})
		if code := exitCode(err, &bytes.Buffer{}); code != 2 {
			t.Errorf("run(%q) exit code = %d (%v); want 2", args, code, err)
		}
	}
}

// TestServeRefusesLibraryEditedWithoutBump stores a shipped checklist with
// other content under the same version, as an earlier release would have,
// and checks that serve stops at start-up.
func TestServeRefusesLibraryEditedWithoutBump(t *testing.T) {
	uri := storetest.URI(t)
	db := "run_" + strings.ReplaceAll(t.Name(), "/", "_")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client, err := mongo.Connect(ctx, uri, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := mongo.New(client, db, 30*time.Second, nil)
	t.Cleanup(func() {
		_ = st.Drop(context.Background())
		_ = client.Disconnect(context.Background())
	})
	lib, err := checklists.Library()
	if err != nil {
		t.Fatal(err)
	}
	lib[0].Steps[0].Text = "An older wording of the first step."
	if _, err := st.UpsertLibrary(ctx, lib); err != nil {
		t.Fatal(err)
	}

	vars := map[string]string{"PORT": "0", "MONGODB_URI": uri, "SKILLBOOK_DATABASE": db}
	var logs bytes.Buffer
	err = run(ctx, []string{"serve"}, env(vars), &logs, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), lib[0].ID+" version 1 was edited without a version bump") {
		t.Fatalf("serve = %v; want it to refuse the edited %s", err, lib[0].ID)
	}
}
