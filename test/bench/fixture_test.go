package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/event"
	mongodriver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/auth"
	"skillbook/auth/authtest"
	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/handlers"
	"skillbook/load"
	"skillbook/models"
	"skillbook/seed"
	"skillbook/signing"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
	"skillbook/workflow"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// password signs in every seeded account of these tests.
const password = "bench-password-1"

// command is one command the API sent to the database, as sent.
type command struct {
	name string
	cmd  bson.Raw
}

// recorder keeps the commands sent to one database while it is on.
type recorder struct {
	mu   sync.Mutex
	db   string
	on   bool
	cmds []command
}

func (r *recorder) started(_ context.Context, e *event.CommandStartedEvent) {
	if e.DatabaseName != r.db {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.on {
		r.cmds = append(r.cmds, command{e.CommandName, bson.Raw(slices.Clone(e.Command))})
	}
}

func (r *recorder) start() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on, r.cmds = true, nil
}

func (r *recorder) stop() []command {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.cmds
}

// fixture is a seeded program in a database of its own, the real API
// serving it on a loopback port, and a second, unobserved driver client
// on the same database for replays and restores.
type fixture struct {
	st      *mongo.Store
	rec     *recorder
	raw     *mongodriver.Database
	base    string
	http    *http.Client
	program models.Program
	res     seed.Result
	lib     []models.Checklist
	emu     string
	// attempted marks the student/checklist pairs with an attempt.
	attempted map[string]bool
}

// newFixture seeds a program of students in cohorts and starts the API.
func newFixture(tb testing.TB, students, cohorts int) *fixture {
	tb.Helper()
	ctx := context.Background()
	uri := storetest.URI(tb)
	name := "bench_" + mongo.NewID()[24:]
	f := &fixture{rec: &recorder{db: name}, http: &http.Client{Timeout: time.Minute}, emu: authtest.Host(tb)}
	client, err := mongodriver.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(5 * time.Second).
		SetMonitor(&event.CommandMonitor{Started: f.rec.started}))
	if err != nil {
		tb.Fatal(err)
	}
	rawClient, err := mongodriver.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(5 * time.Second))
	if err != nil {
		tb.Fatal(err)
	}
	f.raw = rawClient.Database(name)
	f.st = mongo.New(client, name, time.Minute, nil)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = f.st.Drop(ctx)
		_ = client.Disconnect(ctx)
		_ = rawClient.Disconnect(ctx)
	})
	if err := f.st.Init(ctx); err != nil {
		tb.Fatal(err)
	}
	lib, err := checklists.Library()
	if err != nil {
		tb.Fatal(err)
	}
	f.lib = lib
	if _, err := f.st.UpsertLibrary(ctx, lib); err != nil {
		tb.Fatal(err)
	}
	f.res, err = seed.Program(ctx, f.st, "Bench "+name, lib,
		seed.Options{Key: signing.Ephemeral(), Students: students, Cohorts: cohorts, Seed: 7, Now: time.Now(), Bind: seed.UID})
	if err != nil {
		tb.Fatal(err)
	}
	f.program = f.res.Program
	if err := seed.CreateSignIns(ctx, f.emu, authtest.ProjectID, password, f.res.Accounts); err != nil {
		tb.Fatal(err)
	}
	verifier, err := auth.NewVerifier(ctx, auth.Config{ProjectID: authtest.ProjectID, EmulatorHost: f.emu})
	if err != nil {
		tb.Fatal(err)
	}
	app := handlers.New(handlers.Deps{Store: f.st, Workflow: workflow.New(f.st, clock.System{}, workflow.EphemeralSigning()), Tokens: verifier, RequestTimeout: 2 * time.Minute,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	tb.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	f.base = "http://" + ln.Addr().String()
	return f
}

// token signs a seeded account in.
func (f *fixture) token(tb testing.TB, a seed.Account) string {
	tb.Helper()
	t, err := load.SignIn(context.Background(), f.http, f.emu, a.Email, password)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// do sends one request and returns its status, body and latency.
func (f *fixture) do(tb testing.TB, method, path, token string, body any) (int, []byte, time.Duration) {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, f.base+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := f.http.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, data, took
}

// busiestStudent is the active student with the most attempts.
func (f *fixture) busiestStudent(tb testing.TB) (seed.Account, int) {
	tb.Helper()
	cur, err := f.raw.Collection("attempts").Find(context.Background(), bson.M{"programId": f.program.ID},
		options.Find().SetProjection(bson.M{"studentId": 1}))
	if err != nil {
		tb.Fatal(err)
	}
	var docs []struct {
		StudentID string `bson:"studentId"`
	}
	if err := cur.All(context.Background(), &docs); err != nil {
		tb.Fatal(err)
	}
	n := map[string]int{}
	for _, d := range docs {
		n[d.StudentID]++
	}
	var best seed.Account
	for _, a := range f.res.Accounts {
		if a.Role == models.RoleStudent && a.Active && (best.UserID == "" || n[a.UserID] > n[best.UserID]) {
			best = a
		}
	}
	return best, n[best.UserID]
}

// instructorOf is an instructor who teaches cohort.
func (f *fixture) instructorOf(tb testing.TB, cohort string) seed.Account {
	tb.Helper()
	for _, a := range f.res.Accounts {
		if a.Role == models.RoleInstructor && slices.Contains(a.CohortIDs, cohort) {
			return a
		}
	}
	tb.Fatalf("no instructor teaches %s", cohort)
	return seed.Account{}
}

// freshRequest makes an evaluation request of a student in cohort for a
// checklist the student never attempted, and returns it.
func (f *fixture) freshRequest(tb testing.TB, cohort string) models.Attempt {
	tb.Helper()
	ctx := context.Background()
	if f.attempted == nil {
		f.attempted = map[string]bool{}
		cur, err := f.raw.Collection("attempts").Find(ctx, bson.M{"programId": f.program.ID},
			options.Find().SetProjection(bson.M{"studentId": 1, "checklistId": 1}))
		if err != nil {
			tb.Fatal(err)
		}
		var docs []struct {
			StudentID   string `bson:"studentId"`
			ChecklistID string `bson:"checklistId"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			tb.Fatal(err)
		}
		for _, d := range docs {
			f.attempted[d.StudentID+"/"+d.ChecklistID] = true
		}
	}
	for _, a := range f.res.Accounts {
		if a.Role != models.RoleStudent || !a.Active || !slices.Contains(a.CohortIDs, cohort) {
			continue
		}
		for _, c := range f.lib {
			if f.attempted[a.UserID+"/"+c.ID] {
				continue
			}
			f.attempted[a.UserID+"/"+c.ID] = true
			student := models.User{ID: a.UserID, Name: a.Name, Role: a.Role, ProgramID: f.program.ID}
			at, _, err := f.st.CreateAttempt(ctx, models.Attempt{ID: mongo.NewID(), ProgramID: f.program.ID,
				StudentID: a.UserID, StudentName: a.Name, CohortID: cohort, ChecklistID: c.ID, ChecklistVersion: c.Version,
				ChecklistTitle: c.Title, Area: c.Area, Kind: models.AttemptEvaluation, Status: models.StatusRequested,
				RequestedAt: time.Now().UTC().Truncate(time.Millisecond)}, models.Event{Type: models.EventEvaluationRequested,
				ProgramID: f.program.ID, Actor: models.ActorOf(student, ""), Subject: "attempt", StudentID: a.UserID})
			if err != nil {
				tb.Fatal(err)
			}
			return at
		}
	}
	tb.Fatalf("no student of cohort %s has a checklist left to request", cohort)
	return models.Attempt{}
}

// grades is a grading of every step of a's checklist: all passed, or the
// first critical step failed.
func (f *fixture) grades(tb testing.TB, a models.Attempt, fail bool) map[string]any {
	tb.Helper()
	c, err := f.st.Checklist(context.Background(), f.program.ID, a.ChecklistID, a.ChecklistVersion)
	if err != nil {
		tb.Fatal(err)
	}
	var steps []models.StepGrade
	failed := false
	for _, s := range c.Steps {
		g := models.StepGrade{StepID: s.ID, Result: models.StepPass}
		if fail && s.Critical && !failed {
			g = models.StepGrade{StepID: s.ID, Result: models.StepFail, Comment: "Missed: " + s.Text}
			failed = true
		}
		steps = append(steps, g)
	}
	if fail && !failed {
		tb.Fatalf("%s has no critical step", c.ID)
	}
	return map[string]any{"steps": steps, "setting": models.SettingSkillsLab, "attest": true}
}

// names lists the commands' names.
func names(cmds []command) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		coll := ""
		if v, err := c.cmd.Index(0).ValueErr(); err == nil {
			coll, _ = v.StringValueOK()
		}
		out[i] = fmt.Sprintf("%s %s", c.name, coll)
	}
	return out
}
