package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	_ "modernc.org/sqlite"

	"skillbook/auth/authtest"
	"skillbook/models"
)

// TestDemoWalkthrough runs `serve --demo` on a fresh data directory, runs
// it again on the same directory (the store is unchanged), then pastes the
// printed walkthrough into bash as a newcomer would, and checks what each
// step answered: the student signs in and requests an evaluation, the
// instructor signs in and signs it, the transcript downloads and its
// signatures verify.
func TestDemoWalkthrough(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the walkthrough needs %s: %v", tool, err)
		}
	}
	data := filepath.Join(t.TempDir(), "data")
	vars := map[string]string{
		"PORT":                        "0",
		"SKILLBOOK_DATA_DIR":          data,
		"FIREBASE_AUTH_EMULATOR_HOST": authtest.Host(t),
		"NOTIFY_WORKER":               "false",
	}
	first := startDemo(t, vars)
	if !strings.Contains(first.text, "Seeded: 24 students in 2 cohorts") {
		t.Errorf("the first run did not say what it seeded:\n%s", first.text)
	}
	first.stop(t)
	seeded := dumpStore(t, filepath.Join(data, "skillbook.db"))

	second := startDemo(t, vars)
	defer second.stop(t)
	if diff := cmp.Diff(seeded, dumpStore(t, filepath.Join(data, "skillbook.db"))); diff != "" {
		t.Errorf("serve --demo again changed the store (-first +second):\n%s", diff)
	}
	if strings.Contains(second.text, "Seeded:") {
		t.Errorf("the second run seeded again:\n%s", second.text)
	}
	for _, email := range []string{"admin@demo.skillbook.test", "instructor@demo.skillbook.test", "student1@demo.skillbook.test"} {
		if !strings.Contains(second.text, email) {
			t.Errorf("the sign-ins do not list %s:\n%s", email, second.text)
		}
	}

	// Practicum hours: the demo holds confirmed, waiting and rejected
	// ones, and the nearly-done student's progress counts their confirmed
	// hours against the 160 required.
	for _, status := range []string{"confirmed", "pending", "rejected"} {
		n := 0
		for _, row := range seeded["practicum"] {
			if strings.Contains(row, ` "`+status+`" `) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("the demo has no %s practicum hours (%d entries)", status, len(seeded["practicum"]))
		}
	}
	var progress struct {
		Practicum struct {
			Required, Confirmed, Pending float64
			Sites                        []struct{ Site string }
		}
	}
	demoGet(t, second.base+"/v1/me/progress", demoSignIn(t, vars["FIREBASE_AUTH_EMULATOR_HOST"], "student2@demo.skillbook.test"), &progress)
	if p := progress.Practicum; p.Required != 160 || p.Confirmed <= 0 || p.Confirmed >= p.Required+24 || len(p.Sites) == 0 {
		t.Errorf("Riley's practicum = %+v; want confirmed hours at their sites against the 160 required", p)
	}
	if !strings.Contains(second.text, "Practicum: Riley Student (nearly done) logged externship hours") {
		t.Errorf("the demo does not point at the practicum hours:\n%s", second.text)
	}

	steps := walkthroughSteps(t, second.text)
	if len(steps) != 6 {
		t.Fatalf("the walkthrough has %d steps; want the set-up and 5:\n%s", len(steps), second.text)
	}
	work := t.TempDir()
	out := runSteps(t, work, steps)

	if !strings.Contains(steps[0], "API="+second.base+"\n") {
		t.Errorf("the walkthrough calls another address than the server's %s:\n%s", second.base, steps[0])
	}
	me := func(step int, email, role string) {
		t.Helper()
		var u struct{ Email, Role string }
		if err := json.Unmarshal([]byte(out[step]), &u); err != nil || u.Email != email || u.Role != role {
			t.Errorf("step %d (sign in as %s) answered %q; want the %s", step, email, out[step], role)
		}
	}
	me(1, "student1@demo.skillbook.test", "student")
	m := regexp.MustCompile(`"id":"([0-9a-f-]{36})","checklistId":"([a-z0-9-]+)"`).FindStringSubmatch(steps[2])
	if m == nil {
		t.Fatalf("step 2 requests no evaluation:\n%s", steps[2])
	}
	attemptID, checklistID := m[1], m[2]
	var requested struct{ ID, ChecklistID, Status, Kind string }
	if err := json.Unmarshal([]byte(out[2]), &requested); err != nil || requested.ID != attemptID || requested.ChecklistID != checklistID ||
		requested.Status != "requested" || requested.Kind != "evaluation" {
		t.Errorf("step 2 (request an evaluation) answered %q; want attempt %s of %s requested", out[2], attemptID, checklistID)
	}
	me(3, "instructor@demo.skillbook.test", "instructor")
	var signed struct {
		ID, Status string
		Evaluation *struct {
			Outcome   string
			Signature *struct{ Digest string }
		}
	}
	if err := json.Unmarshal([]byte(out[4]), &signed); err != nil || signed.ID != attemptID || signed.Status != "passed" ||
		signed.Evaluation == nil || signed.Evaluation.Signature == nil || signed.Evaluation.Signature.Digest == "" {
		t.Errorf("step 4 (grade and sign) answered %q; want attempt %s passed and signed", out[4], attemptID)
	}
	if out[5] != "saved transcript.pdf" {
		t.Errorf("step 5 (download the transcript) printed %q", out[5])
	}
	pdf := filepath.Join(work, "transcript.pdf")
	if head, err := os.ReadFile(pdf); err != nil || !strings.HasPrefix(string(head), "%PDF-") {
		t.Fatalf("transcript.pdf: %.40q, %v; want a PDF", head, err)
	}
	// The transcript holds the evaluation just signed, and it verifies
	// against the server's published keys.
	var verified strings.Builder
	err := run(context.Background(), []string{"verify", "--keys", second.base + "/.well-known/skillbook-keys.json", pdf},
		env(map[string]string{"SKILLBOOK_DATA_DIR": t.TempDir()}), &verified, io.Discard)
	if err != nil || !strings.Contains(verified.String(), "verified: "+checklistID+" v") || !strings.Contains(verified.String(), "by Ian Instructor") {
		t.Errorf("skillbook verify transcript.pdf = %v:\n%s\nwant %s signed by Ian Instructor among the verified records", err, verified.String(), checklistID)
	}
}

// demoSignIn signs in to the auth emulator at host as email with the demo
// password and returns the ID token.
func demoSignIn(t *testing.T, host, email string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"email": email, "password": demoPassword, "returnSecureToken": true})
	resp, err := http.Post("http://"+host+"/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ IDToken string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.IDToken == "" {
		t.Fatalf("sign in as %s: %s, %v", email, resp.Status, err)
	}
	return out.IDToken
}

// demoGet reads url with token into out, failing unless it answers 200.
func demoGet(t *testing.T, url, token string, out any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, out) != nil {
		t.Fatalf("GET %s = %s %s", url, resp.Status, b)
	}
}

// demoServer is a running `serve --demo`.
type demoServer struct {
	base string // http://host:port it listens on
	text string // what it printed for people: sign-ins and walkthrough
	stop func(testing.TB)
}

// startDemo runs `serve --demo` in this process until stop, and returns
// once it listens and has printed its walkthrough.
func startDemo(t *testing.T, vars map[string]string) demoServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	logs, logw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--demo"}, env(vars), logw, io.Discard)
		logw.Close()
	}()
	type started struct{ addr, text string }
	ready := make(chan started, 1)
	go func() {
		var s started
		var text strings.Builder
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			switch {
			case json.Unmarshal(sc.Bytes(), &line) == nil:
				if line.Msg == "listening" {
					s.addr = line.Addr
				}
			case s.addr != "" && s.text == "":
				text.WriteString(sc.Text() + "\n")
				if strings.HasPrefix(sc.Text(), "API description:") {
					s.text = text.String()
					ready <- s
				}
			}
		}
		// Drained to the end, so the server never blocks on its logs.
	}()
	stop := func(tb testing.TB) {
		tb.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Errorf("serve --demo after cancel = %v; want nil", err)
			}
		case <-time.After(30 * time.Second):
			tb.Fatal("serve --demo did not stop within 30s of cancel")
		}
	}
	select {
	case s := <-ready:
		return demoServer{base: "http://" + s.addr, text: s.text, stop: stop}
	case err := <-done:
		t.Fatalf("serve --demo returned before printing its walkthrough: %v", err)
	case <-time.After(2 * time.Minute):
		cancel()
		t.Fatal("serve --demo printed no walkthrough within 2 minutes")
	}
	return demoServer{}
}

// walkthroughSteps cuts the printed walkthrough into its steps: the
// set-up lines, then one step per "# N." comment.
func walkthroughSteps(t *testing.T, text string) []string {
	t.Helper()
	_, block, ok := strings.Cut(text, "\n"+demoWalkthrough)
	if !ok {
		t.Fatalf("no walkthrough (%q) in:\n%s", demoWalkthrough, text)
	}
	lines := strings.Split(block, "\n")[1:]
	steps := []string{""}
	for _, l := range lines {
		if l == "" {
			break
		}
		if !strings.HasPrefix(l, "  ") {
			t.Fatalf("walkthrough line %q is not indented", l)
		}
		if strings.HasPrefix(l, "  # ") {
			steps = append(steps, "")
		}
		steps[len(steps)-1] += l + "\n"
	}
	return steps
}

// runSteps pastes the steps, in order, into one bash in dir, and returns
// what each printed (trimmed). A failing command fails the test.
func runSteps(t *testing.T, dir string, steps []string) []string {
	t.Helper()
	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for i, s := range steps {
		fmt.Fprintf(&script, "%s\necho '@@ end of step %d'\n", s, i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Dir = dir
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	parts := regexp.MustCompile(`(?m)^@@ end of step \d+\n`).Split(stdout.String(), -1)
	if err != nil || len(parts) != len(steps)+1 {
		t.Fatalf("the walkthrough failed after %d of %d steps: %v\nstdout:\n%s\nstderr:\n%s", len(parts)-1, len(steps), err, stdout.String(), stderr.String())
	}
	out := make([]string, len(steps))
	for i := range steps {
		out[i] = strings.TrimSpace(parts[i])
	}
	return out
}

// dumpStore reads every row of every table of the SQLite database at
// path, sorted, one string per row.
func dumpStore(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Query(fmt.Sprintf("SELECT * FROM %q", table))
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		out[table] = []string{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], fmt.Sprintf("%q", vals))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(out[table])
	}
	return out
}

// TestDemoTourPrint checks what the walkthrough is printed with: a server
// listening on every interface is called on loopback, and with no skill
// left to request there is no walkthrough but a reason.
func TestDemoTourPrint(t *testing.T) {
	tour := demoTour{program: models.Program{Name: "Demo"}, users: map[string]models.User{}}
	for _, du := range demoUsers {
		tour.users[du.email] = models.User{ID: "id-" + du.email, Name: du.name, Email: du.email}
	}
	var b strings.Builder
	tour.print(&b, "127.0.0.1:9199", &net.TCPAddr{IP: net.IPv4zero, Port: 8090})
	if got := b.String(); strings.Contains(got, demoWalkthrough) || !strings.Contains(got, "No assigned skill is left for Sam Student") ||
		!strings.Contains(got, "http://127.0.0.1:8090/openapi.json") || !strings.Contains(got, "auth emulator at 127.0.0.1:9199") {
		t.Errorf("print without a skill wrote:\n%s", got)
	}
	tour.skill = &models.Checklist{ID: "hand-washing", Title: "Hand washing", Steps: []models.Step{{ID: "wet"}, {ID: "lather"}}}
	b.Reset()
	tour.print(&b, "127.0.0.1:9199", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8090})
	steps := walkthroughSteps(t, b.String())
	if len(steps) != 6 || !strings.Contains(steps[0], "API=http://127.0.0.1:8090\n") || !strings.Contains(steps[0], "'http://127.0.0.1:9199/") ||
		!strings.Contains(steps[4], `{"stepId":"wet","result":"pass"},{"stepId":"lather","result":"pass"}]}'`) {
		t.Errorf("print with a skill wrote:\n%s", b.String())
	}
}
