package fault_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"skillbook/models"
)

// outcome tallies the answers of one phase of the outage test.
type outcome struct {
	mu       sync.Mutex
	statuses map[int]int
	// other lists answers that are neither 2xx nor a 503 problem.
	other []string
}

func (o *outcome) add(route string, r answer) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case r.status >= 200 && r.status < 300:
	case r.status == http.StatusServiceUnavailable && r.problemType() == "/problems/unavailable",
		r.status == http.StatusServiceUnavailable && r.problemType() == "/problems/timeout":
	default:
		o.other = append(o.other, fmt.Sprintf("%s: %d %v %.200s", route, r.status, r.err, r.body))
	}
	o.statuses[r.status]++
}

// count is how many answers had status so far; the routes' goroutines may
// still be adding to o.
func (o *outcome) count(status int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.statuses[status]
}

// TestStoreOutageAndRecovery runs the MongoDB engine's store as its own
// process (the FerretDB stand-in, test/ferretdb), serves the API on it, and
// stops the store in the middle of a load: requests then get 503 problems
// and /readyz fails. When the store is started again, everything recovers
// without restarting the server.
func TestStoreOutageAndRecovery(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := build(t, dir)
	ferretBin := buildCommand(t, dir, "skillbook/test/ferretdb")
	dataDir := filepath.Join(dir, "data")
	dbDir := filepath.Join(dir, "store")
	dbLogs := logFile(t, dir, "db")
	db := start(t, ferretBin, []string{"--dir", dbDir, "--addr", "127.0.0.1:0"}, nil, dbLogs)
	addr := db.Addr
	env := environment(t, dataDir, "MONGODB_URI=mongodb://"+addr+"/", "REQUEST_TIMEOUT=10s")
	m := seedProgram(t, bin, env, 12, 2)
	srv := serve(t, bin, env, logFile(t, dir, "serve"))
	a := newAPI(srv.Addr)

	students := m.Of(models.RoleStudent)[:4]
	var studentTokens []string
	for _, s := range students {
		studentTokens = append(studentTokens, signIn(t, s))
	}
	teacher := signIn(t, m.Of(models.RoleInstructor)[0])

	// Students read their dashboards and assignments, an instructor the
	// queue, while phase says which tally the answers go to.
	var phaseMu sync.Mutex
	phase := &outcome{statuses: map[int]int{}}
	setPhase := func(o *outcome) {
		phaseMu.Lock()
		phase = o
		phaseMu.Unlock()
	}
	current := func() *outcome {
		phaseMu.Lock()
		defer phaseMu.Unlock()
		return phase
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	routes := []struct{ path, token string }{
		{"/v1/me/progress", studentTokens[0]}, {"/v1/me/assignments", studentTokens[1]},
		{"/v1/me/progress", studentTokens[2]}, {"/v1/queue", teacher},
	}
	for _, r := range routes {
		wg.Go(func() {
			// Paced: a request every 50 ms per route at most.
			pace := time.NewTicker(50 * time.Millisecond)
			defer pace.Stop()
			for {
				o := current()
				o.add("GET "+r.path, a.do(http.MethodGet, r.path, r.token, nil, nil))
				select {
				case <-ctx.Done():
					return
				case <-pace.C:
				}
			}
		})
	}
	readyz := func() answer { return a.do(http.MethodGet, "/readyz", "", nil, nil) }
	waitFor := func(what string, limit time.Duration, ok func() bool) {
		t.Helper()
		if !poll(limit, 100*time.Millisecond, ok) {
			t.Fatalf("%s: not within %s", what, limit)
		}
	}

	before := current()
	waitFor("answers before the outage", 2*time.Minute, func() bool { return before.count(http.StatusOK) >= 8 })
	if n := before.count(http.StatusServiceUnavailable); n > 0 {
		t.Errorf("%d answers were 503 before the outage", n)
	}

	// The store goes away.
	during := &outcome{statuses: map[int]int{}}
	setPhase(during)
	db.Kill()
	waitFor("/readyz failing with 503", 30*time.Second, func() bool {
		r := readyz()
		return r.status == http.StatusServiceUnavailable && r.problemType() == "/problems/unavailable"
	})
	waitFor("requests answered 503", 30*time.Second, func() bool { return during.count(http.StatusServiceUnavailable) >= 4 })

	// The store comes back on the same address and data; the server
	// reconnects by itself.
	after := &outcome{statuses: map[int]int{}}
	start(t, ferretBin, []string{"--dir", dbDir, "--addr", addr}, nil, dbLogs)
	waitFor("/readyz answering 200 again", time.Minute, func() bool { return readyz().status == http.StatusOK })
	setPhase(after)
	waitFor("requests answered 200 again", time.Minute, func() bool { return after.count(http.StatusOK) >= 8 })
	stop()
	wg.Wait()

	// Writes work again too: a request, and its sign-off.
	var skills models.List[models.SkillProgress]
	r := a.do(http.MethodGet, "/v1/me/assignments?limit=200", studentTokens[3], nil, nil)
	r.json(t, &skills)
	requested := false
	for _, sk := range skills.Items {
		if sk.Status != models.SkillNotStarted {
			continue
		}
		r := a.do(http.MethodPost, "/v1/attempts", studentTokens[3], map[string]any{"checklistId": sk.ChecklistID, "kind": "evaluation"}, nil)
		if r.status != http.StatusCreated {
			t.Fatalf("request an evaluation after the outage = %d %s", r.status, r.body)
		}
		requested = true
		break
	}
	if !requested {
		t.Fatal("no skill left to request an evaluation of")
	}

	for name, o := range map[string]*outcome{"before the outage": before, "during it": during, "after it": after} {
		t.Logf("%s: %v", name, o.statuses)
		if len(o.other) > 0 {
			t.Errorf("%s, %d answers were neither 2xx nor a 503 problem, the first: %s", name, len(o.other), o.other[0])
		}
	}
	select {
	case <-srv.Done():
		t.Fatal("the server exited during the outage")
	default:
	}
}
