package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"skillbook/auth/authtest"
	"skillbook/store/sqlite"
)

// The data directory is owned: while `serve` holds it, a second serve,
// seed, bootstrap, import or restore on it exits 1 with one line naming
// the holder; once the server stops, the directory is free again.

// lockInputs writes, from a data directory of its own, an archive for
// import and a backup for restore.
func lockInputs(t *testing.T) (archive, backup string) {
	t.Helper()
	ctx := context.Background()
	vars := env(map[string]string{"SKILLBOOK_DATA_DIR": t.TempDir()})
	var out bytes.Buffer
	if err := run(ctx, []string{"bootstrap", "--program", "Elsewhere", "--admin-email", "dean@elsewhere.test"}, vars, &out, &out); err != nil {
		t.Fatalf("bootstrap: %v (%s)", err, out.String())
	}
	m := regexp.MustCompile(`created \(id ([0-9a-f-]+)\)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("bootstrap said %q", out.String())
	}
	dir := t.TempDir()
	archive, backup = filepath.Join(dir, "archive.ndjson.gz"), filepath.Join(dir, "backup.db")
	if err := run(ctx, []string{"export", "--program", m[1], "--out", archive}, vars, &out, &out); err != nil {
		t.Fatalf("export: %v (%s)", err, out.String())
	}
	if err := run(ctx, []string{"backup", "--out", backup}, vars, &out, &out); err != nil {
		t.Fatalf("backup: %v (%s)", err, out.String())
	}
	return archive, backup
}

// secondCommands are the commands that must not open a held directory.
func secondCommands(t *testing.T) [][]string {
	t.Helper()
	archive, backup := lockInputs(t)
	return [][]string{
		{"serve"},
		{"seed", "--students", "3", "--cohorts", "1", "--out", filepath.Join(t.TempDir(), "manifest.json")},
		{"bootstrap", "--program", "X", "--admin-email", "a@b.test"},
		{"import", "--in", archive},
		{"restore", "--in", backup},
	}
}

// refusedInProcess runs each command in this process on dir and checks
// that it fails with ErrLocked, exit status 1 and one line on stderr that
// holds every string of holder.
func refusedInProcess(t *testing.T, dir string, commands [][]string, holder ...string) {
	t.Helper()
	vars := env(map[string]string{"SKILLBOOK_DATA_DIR": dir, "PORT": "0", "HOST": "127.0.0.1", "FIREBASE_AUTH_EMULATOR_HOST": authtest.Host(t)})
	for _, args := range commands {
		var out, stderr bytes.Buffer
		err := run(context.Background(), args, vars, &out, &out)
		code := exitCode(err, &stderr)
		if code != 1 || !errors.Is(err, sqlite.ErrLocked) {
			t.Errorf("run(%q) on a held directory = %v (exit %d); want ErrLocked, exit 1", args, err, code)
			continue
		}
		line := stderr.String()
		named := true
		for _, h := range holder {
			named = named && strings.Contains(line, h)
		}
		if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") || !named {
			t.Errorf("run(%q) on a held directory said %q; want one line naming the holder (%q)", args, line, holder)
		}
	}
}

// TestSecondCommandRefusedWhileServeHoldsTheDirectory starts `serve` in
// this process, runs every other command on its data directory (each is
// refused, naming this process as the holder: here the holder's command
// line is the test binary's), stops the server, and then seeds the
// directory.
func TestSecondCommandRefusedWhileServeHoldsTheDirectory(t *testing.T) {
	commands := secondCommands(t)
	dir := filepath.Join(t.TempDir(), "data")
	vars := map[string]string{"SKILLBOOK_DATA_DIR": dir, "PORT": "0", "HOST": "127.0.0.1",
		"FIREBASE_AUTH_EMULATOR_HOST": authtest.Host(t), "NOTIFY_WORKER": "false"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs, logw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, env(vars), logw, io.Discard)
		logw.Close()
	}()
	select {
	case <-listening(logs):
	case err := <-done:
		t.Fatalf("serve returned before listening: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("no listening line within 60s")
	}

	refusedInProcess(t, dir, commands, fmt.Sprintf("pid %d on ", os.Getpid()), strings.Join(os.Args, " "), dir)

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve after cancel = %v; want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s of cancel")
	}
	var out bytes.Buffer
	seedArgs := []string{"seed", "--students", "3", "--cohorts", "1", "--out", filepath.Join(t.TempDir(), "manifest.json")}
	if err := run(context.Background(), seedArgs, env(map[string]string{"SKILLBOOK_DATA_DIR": dir}), &out, &out); err != nil {
		t.Fatalf("seed once the server stopped = %v (%s); want it to run", err, out.String())
	}
	if !strings.Contains(out.String(), "3 students") {
		t.Errorf("seed said %q", out.String())
	}
}

// TestSecondServeProcessExitsOne is the same with real processes: the
// built binary serves the directory, a second binary's serve exits 1 with
// one line on stderr naming the first's pid and command, every other
// command run here is refused naming it too, and after the first stops
// (SIGTERM, exit 0) a seed process on the directory exits 0.
func TestSecondServeProcessExitsOne(t *testing.T) {
	commands := secondCommands(t)
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "skillbook")
	if out, err := exec.Command("go", "build", "-o", bin, "skillbook/cmd/skillbook").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := filepath.Join(tmp, "data")
	environ := append(os.Environ(), "SKILLBOOK_DATA_DIR="+dir, "PORT=0", "HOST=127.0.0.1", "MONGODB_URI=",
		"FIREBASE_AUTH_EMULATOR_HOST="+authtest.Host(t), "FIREBASE_PROJECT_ID="+authtest.ProjectID, "NOTIFY_WORKER=false")

	first := exec.Command(bin, "serve")
	first.Env = environ
	logs, logw := io.Pipe()
	first.Stdout, first.Stderr = logw, logw
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() {
		err := first.Wait()
		logw.Close()
		exited <- err
	}()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = first.Process.Kill()
			<-exited
		}
	})
	select {
	case <-listening(logs):
	case err := <-exited:
		exited <- err
		t.Fatalf("the first serve exited before listening: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("the first serve did not listen within 60s")
	}
	holder := []string{fmt.Sprintf("pid %d on ", first.Process.Pid), bin + " serve", dir}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	second := exec.CommandContext(ctx, bin, "serve")
	second.Env = environ
	var stdout, stderr bytes.Buffer
	second.Stdout, second.Stderr = &stdout, &stderr
	err := second.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Errorf("a second serve process = %v; want exit status 1", err)
	}
	line := stderr.String()
	named := strings.HasPrefix(line, "skillbook: ")
	for _, h := range holder {
		named = named && strings.Contains(line, h)
	}
	if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") || !named {
		t.Errorf("a second serve process wrote %q to stderr; want one line naming the holder (%q)", line, holder)
	}
	t.Logf("a second serve process: %s", strings.TrimSpace(line))

	refusedInProcess(t, dir, commands, holder...)

	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Fatalf("the first serve after SIGTERM = %v; want exit status 0", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the first serve did not stop within 30s of SIGTERM")
	}
	seed := exec.CommandContext(ctx, bin, "seed", "--students", "3", "--cohorts", "1", "--out", filepath.Join(tmp, "manifest.json"))
	seed.Env = append(environ, "FIREBASE_AUTH_EMULATOR_HOST=")
	if out, err := seed.CombinedOutput(); err != nil || !strings.Contains(string(out), "3 students") {
		t.Errorf("a seed process once the server stopped = %v (%s); want exit status 0", err, out)
	}
}

// listening reads a server's JSON log lines and yields once the listening
// line has been written; it reads on to the end, so the server never
// blocks on its log.
func listening(logs io.Reader) <-chan struct{} {
	ch := make(chan struct{}, 1)
	go func() {
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			var line struct{ Msg string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				select {
				case ch <- struct{}{}:
				default:
				}
			}
		}
		io.Copy(io.Discard, logs)
	}()
	return ch
}
