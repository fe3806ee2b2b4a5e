package fault_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"skillbook/models"
)

// signOff is one sign-off sent during the crash test and what came of it.
type signOff struct {
	attempt models.Attempt
	token   string
	key     string
	body    map[string]any
	passing bool
	// status is the answer (0: none, the server died first); stored is
	// the attempt the 2xx answer returned.
	status int
	stored models.Attempt
}

// TestSignOffsSurviveSIGKILL kills the server with SIGKILL while
// instructors are signing off evaluations, starts it again on the same
// data, and checks every sign-off that was answered 2xx: it is stored as
// answered, its digest verifies, its audit entry is there exactly once, and
// retrying it with the same Idempotency-Key does not make a second one.
// Sign-offs that got no answer may or may not have happened; retried with
// their key they happen once.
func TestSignOffsSurviveSIGKILL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := build(t, dir)
	env := environment(t, filepath.Join(dir, "data"))
	m := seedProgram(t, bin, env, 16, 2)
	logs := logFile(t, dir, "serve")
	srv := serve(t, bin, env, logs)
	a := newAPI(srv.Addr)

	// Students ask for evaluations of skills they have not started, so the
	// queue holds fresh requests; instructors sign them concurrently.
	teachers := teacherOf(m)
	tokens := map[string]string{}
	for c, in := range teachers {
		tokens[c] = signIn(t, in)
	}
	var mu sync.Mutex
	var work []*signOff
	var asking sync.WaitGroup
	// Two students at a time: the setup is not what this test measures,
	// and the embedded engine scans whole collections for these reads.
	slots := make(chan struct{}, 2)
	for _, st := range m.Of(models.RoleStudent) {
		tok := signIn(t, st)
		asking.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			var skills models.List[models.SkillProgress]
			r := a.do(http.MethodGet, "/v1/me/assignments?limit=200", tok, nil, nil)
			if r.status != http.StatusOK {
				t.Errorf("GET /v1/me/assignments = %d %s", r.status, r.body)
				return
			}
			r.json(t, &skills)
			asked := 0
			for _, sk := range skills.Items {
				if sk.Status != models.SkillNotStarted || asked == 4 {
					continue
				}
				var at models.Attempt
				r := a.do(http.MethodPost, "/v1/attempts", tok, map[string]any{"checklistId": sk.ChecklistID, "kind": "evaluation"}, nil)
				if r.status != http.StatusCreated {
					t.Errorf("request an evaluation = %d %s", r.status, r.body)
					return
				}
				r.json(t, &at)
				asked++
				mu.Lock()
				work = append(work, &signOff{attempt: at, token: tokens[at.CohortID], key: uuid.NewString()})
				mu.Unlock()
			}
		})
	}
	asking.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if len(work) < 30 {
		t.Fatalf("only %d evaluation requests to sign; want at least 30", len(work))
	}
	checklists := map[string]map[string]any{}
	for i, w := range work {
		w.passing = i%5 != 4
		key := fmt.Sprintf("%s/%d/%v", w.attempt.ChecklistID, w.attempt.ChecklistVersion, w.passing)
		if checklists[key] == nil {
			checklists[key] = grading(t, a, w, w.passing)
		}
		w.body = checklists[key]
	}

	// Sign off from 6 instructors' devices at once; kill the server once
	// a third have been answered.
	killAt := int64(len(work) / 3)
	var answered atomic.Int64
	var killOnce sync.Once
	queue := make(chan *signOff)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for w := range queue {
				r := a.do(http.MethodPost, "/v1/attempts/"+w.attempt.ID+"/evaluations", w.token, w.body,
					map[string]string{"Idempotency-Key": w.key})
				w.status = r.status
				if r.status >= 200 && r.status < 300 {
					r.json(t, &w.stored)
					if answered.Add(1) == killAt {
						killOnce.Do(func() { srv.Kill() })
					}
				}
			}
		})
	}
	for _, w := range work {
		queue <- w
	}
	close(queue)
	wg.Wait()
	killOnce.Do(func() { srv.Kill() })

	var acked, lost int
	for _, w := range work {
		switch {
		case w.status >= 200 && w.status < 300:
			acked++
		case w.status == 0:
			lost++
		default:
			t.Errorf("sign-off of %s answered %d before the crash; want 201 or no answer", w.attempt.ID, w.status)
		}
	}
	t.Logf("%d sign-offs: %d answered 2xx before SIGKILL, %d got no answer", len(work), acked, lost)
	if acked < int(killAt) || lost == 0 {
		t.Fatalf("the kill did not land mid-load: %d answered, %d unanswered", acked, lost)
	}

	srv = serve(t, bin, env, logs)
	a = newAPI(srv.Addr)
	admin := signIn(t, m.Of(models.RoleAdmin)[0])

	each(work, func(w *signOff) {
		if w.status == 0 {
			return
		}
		checkStored(t, a, w)
		// The same request again replays the stored answer (or, had the
		// answer not been stored, is refused as already evaluated).
		r := a.do(http.MethodPost, "/v1/attempts/"+w.attempt.ID+"/evaluations", w.token, w.body, map[string]string{"Idempotency-Key": w.key})
		var again models.Attempt
		switch r.status {
		case http.StatusCreated:
			r.json(t, &again)
			if again.Evaluation == nil || again.Evaluation.ID != w.stored.Evaluation.ID {
				t.Errorf("retry of the sign-off of %s made evaluation %v; want the replayed %s", w.attempt.ID, again.Evaluation, w.stored.Evaluation.ID)
			}
		case http.StatusConflict:
		default:
			t.Errorf("retry of the sign-off of %s = %d %s; want 201 (replayed) or 409", w.attempt.ID, r.status, r.body)
		}
		checkStored(t, a, w)
	})

	// Unanswered sign-offs, retried with their key, are evaluated once:
	// by the retry, or by the request the crash cut off.
	each(work, func(w *signOff) {
		if w.status != 0 {
			return
		}
		var retry answer
		// Retried while the cut-off request still holds the key's lease.
		poll(45*time.Second, time.Second, func() bool {
			retry = a.do(http.MethodPost, "/v1/attempts/"+w.attempt.ID+"/evaluations", w.token, w.body, map[string]string{"Idempotency-Key": w.key})
			return retry.status != http.StatusConflict || retry.problemType() != "/problems/idempotency-in-progress"
		})
		if retry.status != http.StatusCreated && retry.status != http.StatusConflict {
			t.Errorf("retry of the unanswered sign-off of %s = %d %s; want 201 or 409", w.attempt.ID, retry.status, retry.body)
		}
		var got models.Attempt
		r := a.do(http.MethodGet, "/v1/attempts/"+w.attempt.ID, w.token, nil, nil)
		r.json(t, &got)
		if got.Evaluation == nil || got.Status == models.StatusRequested {
			t.Errorf("after its retry, %s is %s with evaluation %v; want evaluated", w.attempt.ID, got.Status, got.Evaluation)
			return
		}
		w.stored = got
		w.passing = got.Status == models.StatusPassed
		checkStored(t, a, w)
	})

	// Every evaluation is in the audit trail exactly once, once the relay
	// has caught up with the events the crash left in their documents.
	want := map[string]bool{}
	for _, w := range work {
		if w.stored.Evaluation != nil {
			want[w.attempt.ID] = true
		}
	}
	missing := 0
	caughtUp := poll(60*time.Second, time.Second, func() bool {
		seen := auditCounts(t, a, admin)
		missing = 0
		var doubled []string
		for id := range want {
			switch n := seen[id]; {
			case n == 0:
				missing++
			case n > 1:
				doubled = append(doubled, fmt.Sprintf("%s×%d", id, n))
			}
		}
		if len(doubled) > 0 {
			t.Fatalf("evaluations audited more than once: %v", doubled)
		}
		return missing == 0
	})
	if !caughtUp {
		t.Fatalf("%d of %d evaluations have no audit entry 60s after the restart", missing, len(want))
	}
}

// each runs f on every sign-off, six at a time.
func each(work []*signOff, f func(w *signOff)) {
	sem := make(chan struct{}, 6)
	var wg sync.WaitGroup
	for _, w := range work {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			f(w)
		})
	}
	wg.Wait()
}

// grading is a grading of every step of w's checklist: all passed, or one
// critical step failed.
func grading(t *testing.T, a *api, w *signOff, pass bool) map[string]any {
	t.Helper()
	var c models.Checklist
	r := a.do(http.MethodGet, fmt.Sprintf("/v1/checklists/%s/versions/%d", w.attempt.ChecklistID, w.attempt.ChecklistVersion), w.token, nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET checklist = %d %s", r.status, r.body)
	}
	r.json(t, &c)
	var steps []models.StepGrade
	failed := pass
	for _, s := range c.Steps {
		g := models.StepGrade{StepID: s.ID, Result: models.StepPass}
		if !failed && s.Critical {
			g, failed = models.StepGrade{StepID: s.ID, Result: models.StepFail, Comment: "Missed: " + s.Text}, true
		}
		steps = append(steps, g)
	}
	if !pass && !failed {
		// A checklist without critical steps: pass it instead.
		w.passing = true
	}
	return map[string]any{"steps": steps, "setting": "skills-lab", "attest": true, "comment": "Crash test."}
}

// checkStored checks that w's attempt holds the evaluation w was answered
// with, and that a signed one verifies.
func checkStored(t *testing.T, a *api, w *signOff) {
	t.Helper()
	var got models.Attempt
	r := a.do(http.MethodGet, "/v1/attempts/"+w.attempt.ID, w.token, nil, nil)
	if r.status != http.StatusOK {
		t.Errorf("GET /v1/attempts/%s = %d %s", w.attempt.ID, r.status, r.body)
		return
	}
	r.json(t, &got)
	e, want := got.Evaluation, w.stored.Evaluation
	switch {
	case e == nil || want == nil:
		t.Errorf("%s: stored evaluation %v; answered %v", w.attempt.ID, e, want)
		return
	case e.ID != want.ID || e.Outcome != want.Outcome || e.Score != want.Score:
		t.Errorf("%s: stored evaluation %s %s %d; answered %s %s %d", w.attempt.ID, e.ID, e.Outcome, e.Score, want.ID, want.Outcome, want.Score)
	case w.passing && (e.Signature == nil || want.Signature == nil || e.Signature.Digest != want.Signature.Digest):
		t.Errorf("%s: stored signature %v; answered %v", w.attempt.ID, e.Signature, want.Signature)
	}
	var v struct {
		Signed bool `json:"signed"`
		Intact bool `json:"intact"`
	}
	r = a.do(http.MethodGet, "/v1/attempts/"+w.attempt.ID+"/verification", w.token, nil, nil)
	if r.status != http.StatusOK {
		t.Errorf("verification of %s = %d %s", w.attempt.ID, r.status, r.body)
		return
	}
	r.json(t, &v)
	// Passes and failures alike are signed.
	if !v.Intact || !v.Signed {
		t.Errorf("verification of %s = %+v; want intact and signed", w.attempt.ID, v)
	}
}

// auditCounts counts the evaluation entries of the audit trail by attempt.
func auditCounts(t *testing.T, a *api, admin string) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for _, typ := range []string{"evaluation.signed", "evaluation.failed"} {
		cursor := ""
		for {
			var page models.List[models.Event]
			r := a.do(http.MethodGet, "/v1/audit?limit=200&type="+typ+cursor, admin, nil, nil)
			if r.status != http.StatusOK {
				t.Fatalf("GET /v1/audit = %d %s", r.status, r.body)
			}
			r.json(t, &page)
			for _, e := range page.Items {
				seen[e.SubjectID]++
			}
			if page.NextCursor == "" {
				break
			}
			cursor = "&cursor=" + page.NextCursor
		}
	}
	return seen
}
