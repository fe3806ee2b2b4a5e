//go:build linux

package fault_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sys/unix"
	_ "modernc.org/sqlite" // the integrity check reads the data directory's database

	"skillbook/models"
)

// diskWrite is one write sent while the database could not grow, and what
// came of it: a practice attempt (sign nil) or a sign-off.
type diskWrite struct {
	token string
	key   string
	path  string
	body  map[string]any
	// practice: the student and checklist of a practice attempt, and its
	// client-chosen id.
	student, checklist, id string
	sign                   *signOff
	status                 int
	problem                string
}

func (w *diskWrite) send(a *api) answer {
	r := w.retry(a)
	w.status, w.problem = r.status, r.problemType()
	return r
}

// retry sends w again, with its key if it has one.
func (w *diskWrite) retry(a *api) answer {
	var h map[string]string
	if w.key != "" {
		h = map[string]string{"Idempotency-Key": w.key}
	}
	return a.do(http.MethodPost, w.path, w.token, w.body, h)
}

func (w *diskWrite) String() string {
	if w.sign != nil {
		return "sign-off of " + w.sign.attempt.ID
	}
	return "practice attempt " + w.id
}

// TestWritesWhenTheDatabaseCannotGrow lowers the server's file size limit
// (RLIMIT_FSIZE) to about the size its database files already have, so
// that a write needing more room fails as on a full disk (EFBIG; Go
// ignores SIGXFSZ, so the process lives on). Such writes are answered 503
// problems while reads go on; once the limit is raised the same server
// writes again, the failed writes retried with their Idempotency-Key happen
// once, every write answered 2xx is stored, and the database is intact.
// Linux only: it sets another process's limit with prlimit(2).
func TestWritesWhenTheDatabaseCannotGrow(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := build(t, dir)
	dataDir := filepath.Join(dir, "data")
	env := environment(t, dataDir)
	m := seedProgram(t, bin, env, 8, 1)
	srv := serve(t, bin, env, logFile(t, dir, "serve"))
	a := newAPI(srv.Addr)

	// Before the limit: each student asks for two evaluations, for the
	// instructors to sign while the disk is full, and notes how many
	// practice attempts each skill has.
	teachers := teacherOf(m)
	var signs []*signOff
	type skill struct{ student, checklist string }
	practised := map[skill]int{}
	var skills []skill // practised while the disk is full
	tokens := map[string]string{}
	var students []string
	for _, st := range m.Of(models.RoleStudent) {
		tok := signIn(t, st)
		tokens[st.UserID], students = tok, append(students, st.UserID)
		in := teachers[st.CohortIDs[0]]
		if tokens[in.UserID] == "" {
			tokens[in.UserID] = signIn(t, in)
		}
		teacher := tokens[in.UserID]
		asked := 0
		for _, sk := range assignments(t, a, tok) {
			practised[skill{st.UserID, sk.ChecklistID}] = sk.Practice
			if sk.Status != models.SkillNotStarted || asked == 2 {
				if sk.Status != models.SkillCompetent {
					skills = append(skills, skill{st.UserID, sk.ChecklistID})
				}
				continue
			}
			var at models.Attempt
			r := a.do(http.MethodPost, "/v1/attempts", tok, map[string]any{"checklistId": sk.ChecklistID, "kind": "evaluation"}, nil)
			if r.status != http.StatusCreated {
				t.Fatalf("request an evaluation = %d %s", r.status, r.body)
			}
			r.json(t, &at)
			signs = append(signs, &signOff{attempt: at, token: teacher, key: uuid.NewString(), passing: true})
			asked++
		}
	}
	if len(signs) < 8 {
		t.Fatalf("only %d evaluation requests to sign; want at least 8", len(signs))
	}
	for _, s := range signs {
		s.body = grading(t, a, s, s.passing)
	}
	if len(skills) == 0 {
		t.Fatal("no skill left to practise")
	}

	// No file may grow past the larger of the database and its WAL now:
	// the WAL has what room the larger leaves it, the database none, so a
	// few writes still fit and then the next needs room it cannot have.
	var sizes []int64
	limit := int64(0)
	for _, suffix := range []string{"", "-wal"} {
		fi, err := os.Stat(filepath.Join(dataDir, "skillbook.db"+suffix))
		if err != nil {
			t.Fatal(err)
		}
		sizes, limit = append(sizes, fi.Size()), max(limit, fi.Size())
	}
	pid := srv.Cmd.Process.Pid
	var was unix.Rlimit
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, nil, &was); err != nil {
		t.Fatalf("read the server's file size limit: %v", err)
	}
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: uint64(limit), Max: was.Max}, nil); err != nil {
		t.Fatalf("lower the server's file size limit: %v", err)
	}
	t.Logf("files limited to %d bytes (database and WAL: %v)", limit, sizes)

	// Practice attempts, and now and then a sign-off, every other one
	// without an Idempotency-Key (so that the failing write is the use
	// case's own, not the key's), until each kind has failed both ways; a
	// read after each failure.
	var writes []*diskWrite
	failed := map[string]int{}
	for i := 0; len(failed) < 4; i++ {
		if i == 3000 {
			t.Fatalf("%d writes, failures %v; the limit did not bite", i, failed)
		}
		sk := skills[i%len(skills)]
		id := uuid.Must(uuid.NewV7()).String() // attempts take a client's UUIDv7
		w := &diskWrite{token: tokens[sk.student], key: uuid.NewString(), path: "/v1/attempts",
			student: sk.student, checklist: sk.checklist, id: id,
			body: map[string]any{"id": id, "checklistId": sk.checklist, "kind": "practice", "note": "Practised while the disk was full."}}
		if n := len(writes); n%5 == 4 && n/5 < len(signs) {
			s := signs[n/5]
			w = &diskWrite{token: s.token, key: s.key, path: "/v1/attempts/" + s.attempt.ID + "/evaluations", body: s.body, sign: s}
		}
		if len(writes)%2 == 1 {
			w.key = ""
		}
		writes = append(writes, w)
		r := w.send(a)
		if r.status == http.StatusCreated {
			if w.sign != nil {
				r.json(t, &w.sign.stored)
			}
			continue
		}
		if r.status != http.StatusServiceUnavailable || w.problem != "/problems/unavailable" {
			t.Fatalf("%s while the disk is full = %d %v %s; want 201 or a 503 problem of type /problems/unavailable", w, r.status, r.err, r.body)
		}
		failed[fmt.Sprintf("%s, key %v", map[bool]string{true: "sign-off", false: "practice"}[w.sign != nil], w.key != "")]++
		// Reads go on.
		if r := a.do(http.MethodGet, "/v1/me/assignments", tokens[sk.student], nil, nil); r.status != http.StatusOK {
			t.Fatalf("GET /v1/me/assignments while the disk is full = %d %s", r.status, r.body)
		}
		if r := a.do(http.MethodGet, "/v1/attempts/"+signs[0].attempt.ID, signs[0].token, nil, nil); r.status != http.StatusOK {
			t.Fatalf("GET /v1/attempts/%s while the disk is full = %d %s", signs[0].attempt.ID, r.status, r.body)
		}
	}
	acked := 0
	for _, w := range writes {
		if w.status == http.StatusCreated {
			acked++
		}
	}
	t.Logf("%d writes while the files could not grow: %d answered 201; 503s: %v", len(writes), acked, failed)

	// Room again: the same server writes without a restart.
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, &was, nil); err != nil {
		t.Fatalf("raise the server's file size limit: %v", err)
	}
	sk := skills[0]
	id := uuid.Must(uuid.NewV7()).String() // attempts take a client's UUIDv7
	fresh := &diskWrite{token: tokens[sk.student], key: uuid.NewString(), path: "/v1/attempts", student: sk.student, checklist: sk.checklist, id: id,
		body: map[string]any{"id": id, "checklistId": sk.checklist, "kind": "practice", "note": "Practised after the disk was freed."}}
	if r := fresh.send(a); r.status != http.StatusCreated {
		t.Fatalf("a practice attempt once the files may grow = %d %s; want 201", r.status, r.body)
	}
	writes = append(writes, fresh)

	// Every write again: a failed one happens now (once its key's lease
	// has passed, if the failure could not release the key either); an
	// answered one is replayed, or found done (the same attempt id; an
	// evaluated request) without doing it again.
	for _, w := range writes {
		before := w.status
		var r answer
		// A failed write whose key could not be released either (that is
		// a write too) holds the key for the request timeout (15 s) and 5 s.
		poll(time.Minute, 500*time.Millisecond, func() bool {
			r = w.retry(a)
			return r.status != http.StatusConflict || r.problemType() != "/problems/idempotency-in-progress"
		})
		replayed := r.header.Get("Idempotent-Replayed") == "true"
		switch {
		case before != http.StatusCreated && r.status == http.StatusCreated && !replayed:
			if w.sign != nil {
				r.json(t, &w.sign.stored)
			}
			w.status = r.status
		case before == http.StatusCreated && r.status == http.StatusCreated && replayed,
			before == http.StatusCreated && w.sign == nil && r.status == http.StatusOK,
			before == http.StatusCreated && w.sign != nil && r.status == http.StatusConflict:
		default:
			t.Errorf("retry of %s (first %d) = %d (replayed %v) %s", w, before, r.status, replayed, r.body)
		}
	}

	// Every write is stored, once.
	want := map[skill]int{}
	for k, n := range practised {
		want[k] = n
	}
	for _, w := range writes {
		if w.sign != nil {
			checkStored(t, a, w.sign)
			continue
		}
		want[skill{w.student, w.checklist}]++
		var got models.Attempt
		r := a.do(http.MethodGet, "/v1/attempts/"+w.id, w.token, nil, nil)
		if r.status != http.StatusOK {
			t.Errorf("GET the answered practice attempt %s = %d %s", w.id, r.status, r.body)
			continue
		}
		if r.json(t, &got); got.Kind != models.AttemptPractice || got.ChecklistID != w.checklist {
			t.Errorf("practice attempt %s is a %s of %s; want a practice of %s", w.id, got.Kind, got.ChecklistID, w.checklist)
		}
	}
	for _, st := range students {
		for _, sk := range assignments(t, a, tokens[st]) {
			if n := want[skill{st, sk.ChecklistID}]; sk.Practice != n {
				t.Errorf("student %s has %d practice attempts of %s; want %d", st, sk.Practice, sk.ChecklistID, n)
			}
		}
	}

	select {
	case <-srv.Done():
		t.Fatal("the server exited while its files could not grow")
	default:
	}
	if err := srv.Stop(time.Minute); err != nil {
		t.Errorf("stop the server: %v", err)
	}
	backup := exec.Command(bin, "backup", "--out", filepath.Join(dir, "backup.db"))
	backup.Env = append(os.Environ(), env...)
	if out, err := backup.CombinedOutput(); err != nil {
		t.Errorf("skillbook backup after the full disk: %v\n%s", err, out)
	}
	integrityCheck(t, filepath.Join(dataDir, "skillbook.db"))
}

// assignments is a student's skills.
func assignments(t *testing.T, a *api, token string) []models.SkillProgress {
	t.Helper()
	var skills models.List[models.SkillProgress]
	r := a.do(http.MethodGet, "/v1/me/assignments?limit=200", token, nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET /v1/me/assignments = %d %s", r.status, r.body)
	}
	r.json(t, &skills)
	return skills.Items
}

// integrityCheck runs SQLite's integrity check on the database file.
func integrityCheck(t *testing.T, file string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), "PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("integrity check: %v", err)
	}
	defer rows.Close()
	var verdict []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		verdict = append(verdict, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("integrity check: %v", err)
	}
	if fmt.Sprint(verdict) != "[ok]" {
		t.Errorf("integrity check of %s = %v; want ok", file, verdict)
	}
}
