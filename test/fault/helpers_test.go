package fault_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"skillbook/auth/authtest"
	"skillbook/load"
	"skillbook/models"
	"skillbook/seed"
)

// password signs in every seeded account of these tests.
const password = "fault-password-1"

// build compiles the skillbook binary into dir.
func build(t *testing.T, dir string) string {
	t.Helper()
	return buildCommand(t, dir, "skillbook/cmd/skillbook")
}

// buildCommand compiles the command pkg into dir and returns its path.
func buildCommand(t *testing.T, dir, pkg string) string {
	t.Helper()
	bin := filepath.Join(dir, path.Base(pkg))
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// environment is the settings of a child process on dataDir, with the
// test's auth emulator; extra settings come last and win.
func environment(t *testing.T, dataDir string, extra ...string) []string {
	t.Helper()
	return append([]string{
		"SKILLBOOK_DATA_DIR=" + dataDir,
		"FIREBASE_AUTH_EMULATOR_HOST=" + authtest.Host(t),
		"FIREBASE_PROJECT_ID=" + authtest.ProjectID,
		"HOST=127.0.0.1",
		"PORT=0",
		"LOG_LEVEL=info",
		"MONGODB_URI=",
	}, extra...)
}

// logFile collects a child process's output; the test prints its end when
// it fails.
func logFile(t *testing.T, dir, name string) io.Writer {
	t.Helper()
	path := filepath.Join(dir, name+".log")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		f.Close()
		if t.Failed() {
			data, _ := os.ReadFile(path)
			if len(data) > 6000 {
				data = data[len(data)-6000:]
			}
			t.Logf("last lines of %s:\n%s", name, data)
		}
	})
	return &lockedWriter{w: f}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// start runs the binary with args and waits for it to listen; the test
// kills it when it ends.
func start(t *testing.T, bin string, args, env []string, logs io.Writer) *load.Process {
	t.Helper()
	p, err := load.Start(context.Background(), bin, args, env, logs, 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-p.Done():
		default:
			p.Kill()
		}
	})
	return p
}

// serve starts the API and waits until /readyz answers 200.
func serve(t *testing.T, bin string, env []string, logs io.Writer) *load.Process {
	t.Helper()
	p := start(t, bin, []string{"serve"}, env, logs)
	if _, err := p.WaitReady(context.Background(), 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	return p
}

// poll calls ok every interval until it holds or limit has passed, and
// reports whether it held. The server under test is another process on the
// real clock, with its own background work (the lease of a request a crash
// cut off, the event relay, reconnecting to a store that came back): no
// event in this process tells when that work is done, so asking again
// after a pause is the honest wait, and the only sleep these tests have.
func poll(limit, interval time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(interval) // another process's real time: see above
	}
	return true
}

// seedProgram runs `skillbook seed` and returns its manifest.
func seedProgram(t *testing.T, bin string, env []string, students, cohorts int) seed.Manifest {
	t.Helper()
	out := filepath.Join(t.TempDir(), "manifest.json")
	cmd := exec.Command(bin, "seed", "--students", fmt.Sprint(students), "--cohorts", fmt.Sprint(cohorts),
		"--password", password, "--out", out, "--program", "Fault "+t.Name())
	cmd.Env = append(os.Environ(), env...)
	if data, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("skillbook seed: %v\n%s", err, data)
	}
	m, err := seed.ReadManifest(out)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// api is a client of one server address.
type api struct {
	addr string
	http *http.Client
}

func newAPI(addr string) *api {
	return &api{addr: addr, http: &http.Client{Timeout: 30 * time.Second}}
}

// answer is a response, or no response (status 0, err set).
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func (a *api) do(method, path, token string, body any, header map[string]string) answer {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://"+a.addr+path, rd)
	if err != nil {
		return answer{err: err}
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: data, err: err}
}

// json decodes the body into v.
func (r answer) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// problemType is the type of a problem+json body, or "".
func (r answer) problemType() string {
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
		return ""
	}
	var p struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(r.body, &p)
	return p.Type
}

// signIn returns an ID token for a seeded account.
func signIn(t *testing.T, a seed.Account) string {
	t.Helper()
	tok, err := load.SignIn(context.Background(), &http.Client{Timeout: 30 * time.Second}, authtest.Host(t), a.Email, password)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// teacherOf returns, for each cohort, an instructor who teaches it.
func teacherOf(m seed.Manifest) map[string]seed.Account {
	out := map[string]seed.Account{}
	for _, a := range m.Of(models.RoleInstructor) {
		for _, c := range a.CohortIDs {
			if _, ok := out[c]; !ok {
				out[c] = a
			}
		}
	}
	return out
}
