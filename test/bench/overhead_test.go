package bench_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// benchSize is the program BenchmarkOverhead seeds: SKILLBOOK_BENCH_STUDENTS
// students (default 100) in SKILLBOOK_BENCH_COHORTS cohorts (default 4).
func benchSize(tb testing.TB) (students, cohorts int) {
	tb.Helper()
	get := func(name string, def int) int {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			tb.Fatalf("%s=%q: want a whole number above zero", name, v)
		}
		return n
	}
	return get("SKILLBOOK_BENCH_STUDENTS", 100), get("SKILLBOOK_BENCH_COHORTS", 4)
}

// scenario is one request of the API, ready to be sent again and again.
type scenario struct {
	name string
	// send makes the request and checks its answer.
	send func(tb testing.TB) time.Duration
	// restore, when set, undoes what the request and its replay wrote.
	restore func(tb testing.TB, cmds []command)
}

// scenarios are the dashboard of the student with the most history, the
// queue of an instructor teaching that student's cohort, and a passing
// sign-off of a request in the queue, undone after each run so the next
// run does the same work.
func scenarios(tb testing.TB, f *fixture) []scenario {
	tb.Helper()
	student, _ := f.busiestStudent(tb)
	cohort := f.res.Cohorts[len(f.res.Cohorts)-1].ID
	teacher := f.instructorOf(tb, cohort)
	studentToken, teacherToken := f.token(tb, student), f.token(tb, teacher)
	request := f.freshRequest(tb, cohort)
	body := f.grades(tb, request, false)
	before := snapshot(tb, f.raw, "attempts", request.ID)
	expect := func(tb testing.TB, method, path, token string, body any, want int) time.Duration {
		status, data, took := f.do(tb, method, path, token, body)
		if status != want {
			tb.Fatalf("%s %s = %d %s; want %d", method, path, status, data, want)
		}
		return took
	}
	return []scenario{
		{name: "dashboard", send: func(tb testing.TB) time.Duration {
			return expect(tb, http.MethodGet, "/v1/me/progress", studentToken, nil, http.StatusOK)
		}},
		{name: "queue", send: func(tb testing.TB) time.Duration {
			return expect(tb, http.MethodGet, "/v1/queue", teacherToken, nil, http.StatusOK)
		}},
		{name: "sign-off", send: func(tb testing.TB) time.Duration {
			return expect(tb, http.MethodPost, "/v1/attempts/"+request.ID+"/evaluations", teacherToken, body, http.StatusCreated)
		}, restore: func(tb testing.TB, cmds []command) {
			undo(tb, f.raw, cmds, "attempts", request.ID, before)
		}},
	}
}

// BenchmarkOverhead times each scenario through the API and then the same
// commands replayed straight through the driver, alternately in one run,
// and reports both, their ratio and the round trips per request:
//
//	api-ms/op    the request as a client sees it (HTTP on loopback)
//	store-ms/op  the same database commands without the API
//	api/store    how many times longer the request takes than its queries
//	trips/op     database round trips per request
func BenchmarkOverhead(b *testing.B) {
	students, cohorts := benchSize(b)
	f := newFixture(b, students, cohorts)
	for _, sc := range scenarios(b, f) {
		b.Run(sc.name, func(b *testing.B) {
			// One untimed run warms the connection pools and the token cache.
			f.rec.start()
			sc.send(b)
			if sc.restore != nil {
				sc.restore(b, f.rec.stop())
			}
			f.rec.stop()
			var api, direct time.Duration
			var last []command
			n := 0
			for b.Loop() {
				f.rec.start()
				api += sc.send(b)
				cmds := f.rec.stop()
				if sc.restore != nil {
					sc.restore(b, cmds)
				}
				direct += replay(b, f.raw, cmds)
				if sc.restore != nil {
					sc.restore(b, cmds)
				}
				last, n = cmds, n+1
			}
			b.Logf("%s: %d round trips %v", sc.name, len(last), names(last))
			b.ReportMetric(float64(api.Nanoseconds())/float64(n), "ns/op")
			b.ReportMetric(float64(api.Microseconds())/1000/float64(n), "api-ms/op")
			b.ReportMetric(float64(direct.Microseconds())/1000/float64(n), "store-ms/op")
			b.ReportMetric(float64(api)/float64(max(direct, 1)), "api/store")
			b.ReportMetric(float64(len(last)), "trips/op")
		})
	}
}

// TestRoundTripsAreConstant counts the database round trips of the
// dashboard, the queue and sign-off (passed and failed) in a small program
// and in one with more than ten times the students, history and waiting
// requests: they must be the same.
func TestRoundTripsAreConstant(t *testing.T) {
	t.Parallel()
	type counts map[string][]string
	measure := func(t *testing.T, students, cohorts, requests int) (counts, string) {
		f := newFixture(t, students, cohorts)
		student, attempts := f.busiestStudent(t)
		// Requests are made in the newest cohort, whose students have the
		// most skills left.
		cohort := f.res.Cohorts[len(f.res.Cohorts)-1].ID
		teacher := f.instructorOf(t, cohort)
		studentToken, teacherToken := f.token(t, student), f.token(t, teacher)
		// The queue holds more than a page of requests in the large
		// program: a page of 50 and their histories pass the 101
		// documents of a first reply.
		for range requests {
			f.freshRequest(t, cohort)
		}
		pass, fail := f.freshRequest(t, cohort), f.freshRequest(t, cohort)
		out := counts{}
		count := func(name, method, path, token string, body any, want int) {
			f.rec.start()
			status, data, _ := f.do(t, method, path, token, body)
			cmds := f.rec.stop()
			if status != want {
				t.Fatalf("%s: %s %s = %d %s; want %d", name, method, path, status, data, want)
			}
			out[name] = names(cmds)
		}
		// First requests bind nothing (seeded users are bound) but warm
		// the verifier's cache; count the second.
		f.do(t, http.MethodGet, "/v1/me", studentToken, nil)
		f.do(t, http.MethodGet, "/v1/me", teacherToken, nil)
		count("GET /v1/me/progress", http.MethodGet, "/v1/me/progress", studentToken, nil, http.StatusOK)
		count("GET /v1/queue", http.MethodGet, "/v1/queue", teacherToken, nil, http.StatusOK)
		count("POST /v1/attempts/{id}/evaluations (pass)", http.MethodPost, "/v1/attempts/"+pass.ID+"/evaluations", teacherToken, f.grades(t, pass, false), http.StatusCreated)
		count("POST /v1/attempts/{id}/evaluations (first fail)", http.MethodPost, "/v1/attempts/"+fail.ID+"/evaluations", teacherToken, f.grades(t, fail, true), http.StatusCreated)
		var queue struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(f.mustGet(t, "/v1/queue?limit=200", teacherToken), &queue); err != nil {
			t.Fatal(err)
		}
		return out, fmt.Sprintf("%d students, the busiest with %d attempts, %d requests in the instructor's queue, %d records seeded",
			students, attempts, len(queue.Items), f.res.Written)
	}
	var small, large counts
	var smallDesc, largeDesc string
	t.Run("small", func(t *testing.T) { small, smallDesc = measure(t, 8, 2, 2) })
	t.Run("large", func(t *testing.T) { large, largeDesc = measure(t, 24, 2, 60) })
	if small == nil || large == nil {
		t.FailNow()
	}
	t.Logf("small program: %s", smallDesc)
	t.Logf("large program: %s", largeDesc)
	keys := make([]string, 0, len(small))
	for k := range small {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t.Logf("%s: %d round trips %v", k, len(large[k]), large[k])
		if len(small[k]) != len(large[k]) {
			t.Errorf("%s: %d round trips in the small program %v, %d in the large one %v; want the same",
				k, len(small[k]), small[k], len(large[k]), large[k])
		}
	}
}

// mustGet is the body of a GET that must answer 200.
func (f *fixture) mustGet(tb testing.TB, path, token string) []byte {
	tb.Helper()
	status, data, _ := f.do(tb, http.MethodGet, path, token, nil)
	if status != http.StatusOK {
		tb.Fatalf("GET %s = %d %s", path, status, data)
	}
	return data
}
