// Package load drives a running Skillbook API the way its users do, with
// real ID tokens from the auth emulator and the accounts a seeded program's
// manifest lists: students read their dashboard and assignments, log
// practice and request evaluations; instructors read the queue and grade
// and sign; admins read cohort progress and the audit trail and export. It
// measures every request and reports, per route, throughput, latency
// percentiles and errors. It only ever targets this machine.
package load

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"skillbook/models"
	"skillbook/seed"
)

// Mix is the share of virtual users in each role, as weights.
type Mix struct {
	Students, Instructors, Admins int
}

// ParseMix reads "students=80,instructors=15,admins=5".
func ParseMix(s string) (Mix, error) {
	var m Mix
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 0 {
			return m, fmt.Errorf("mix: %q is not role=weight", part)
		}
		switch k {
		case "students":
			m.Students = n
		case "instructors":
			m.Instructors = n
		case "admins":
			m.Admins = n
		default:
			return m, fmt.Errorf("mix: unknown role %q (students, instructors, admins)", k)
		}
	}
	if m.Students+m.Instructors+m.Admins == 0 {
		return m, errors.New("mix: every weight is zero")
	}
	return m, nil
}

func (m Mix) String() string {
	return fmt.Sprintf("students=%d,instructors=%d,admins=%d", m.Students, m.Instructors, m.Admins)
}

// split shares n users among the roles by weight; every role with a
// weight gets at least one user when there are enough.
func (m Mix) split(n int) (students, instructors, admins int) {
	weights := []int{m.Students, m.Instructors, m.Admins}
	total := m.Students + m.Instructors + m.Admins
	counts := make([]int, 3)
	given := 0
	for i, w := range weights {
		counts[i] = n * w / total
		if w > 0 && counts[i] == 0 && n >= 3 {
			counts[i] = 1
		}
		given += counts[i]
	}
	for i := 0; given < n; i = (i + 1) % 3 {
		if weights[i] > 0 {
			counts[i]++
			given++
		}
	}
	for i := 0; given > n; i = (i + 1) % 3 {
		if counts[i] > 1 {
			counts[i]--
			given--
		}
	}
	return counts[0], counts[1], counts[2]
}

// Config is one run.
type Config struct {
	// Target is the API's base URL, on this machine.
	Target   string
	Manifest seed.Manifest
	// Emulator is the auth emulator's host:port (default: the manifest's);
	// Password signs the accounts in (default: the manifest's).
	Emulator string
	Password string
	Users    int
	Mix      Mix
	// The run ends after Duration, or after Requests requests when that is
	// not zero, whichever comes first.
	Duration time.Duration
	Requests int
	// Think is the mean pause between one user's requests (none: each user
	// sends its next request as soon as the last is answered).
	Think time.Duration
	// FailShare is the share of sign-offs that fail a critical step.
	FailShare float64
	Seed      uint64
	// Log receives progress lines.
	Log io.Writer
}

// Run drives the API at cfg.Target until the duration or the request count
// is reached and reports what it measured.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	if cfg.Emulator == "" {
		cfg.Emulator = cfg.Manifest.EmulatorHost
	}
	if cfg.Password == "" {
		cfg.Password = cfg.Manifest.Password
	}
	if cfg.Users < 1 || cfg.Duration <= 0 {
		return Report{}, errors.New("load: users and duration must be above zero")
	}
	if cfg.Emulator == "" || cfg.Password == "" {
		return Report{}, errors.New("load: the manifest has no emulator sign-ins; seed with FIREBASE_AUTH_EMULATOR_HOST set, or give the emulator and password")
	}
	u, err := url.Parse(cfg.Target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Report{}, fmt.Errorf("load: target %q is not an http(s) URL", cfg.Target)
	}
	if err := CheckLoopback(ctx, u.Host); err != nil {
		return Report{}, fmt.Errorf("load: target: %w", err)
	}
	if err := CheckLoopback(ctx, cfg.Emulator); err != nil {
		return Report{}, fmt.Errorf("load: emulator: %w", err)
	}
	base := strings.TrimRight(cfg.Target, "/")
	hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		MaxIdleConns: cfg.Users * 2, MaxIdleConnsPerHost: cfg.Users * 2, IdleConnTimeout: time.Minute,
	}}
	if err := ready(ctx, hc, base); err != nil {
		return Report{}, err
	}
	exports := offersExports(ctx, hc, base)

	rec := newRecorder()
	users, err := cast(ctx, cfg, hc, base, rec, exports)
	if err != nil {
		return Report{}, err
	}
	ns, ni, na := cfg.Mix.split(cfg.Users)
	fmt.Fprintf(cfg.Log, "load: %d users signed in (%d students, %d instructors, %d admins); running for %s%s\n",
		len(users), ns, ni, na, cfg.Duration, map[bool]string{true: fmt.Sprintf(" or %d requests", cfg.Requests)}[cfg.Requests > 0])

	runCtx, stop := context.WithTimeout(ctx, cfg.Duration)
	defer stop()
	started := time.Now()
	var wg sync.WaitGroup
	var failMu sync.Mutex
	var firstErr error
	for i, vu := range users {
		rnd := rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1000))
		wg.Go(func() {
			for runCtx.Err() == nil {
				err := vu.act(runCtx)
				if err != nil && runCtx.Err() == nil && !errors.Is(err, errNoAnswer) {
					failMu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					failMu.Unlock()
				}
				if cfg.Requests > 0 && rec.count() >= cfg.Requests {
					stop()
				}
				if cfg.Think > 0 {
					pause := time.Duration(float64(cfg.Think) * (0.5 + rnd.Float64()))
					select {
					case <-runCtx.Done():
					case <-time.After(pause):
					}
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(started)
	total, routes := rec.report(elapsed)
	rep := Report{Target: base, Users: len(users), Mix: cfg.Mix.String(), Started: started.UTC(),
		Duration: round(elapsed.Seconds()), Total: total, Routes: routes}
	if firstErr != nil {
		fmt.Fprintf(cfg.Log, "load: a client-side problem (not counted as a request): %v\n", firstErr)
	}
	return rep, nil
}

// ready checks the API answers /readyz before anything is measured.
func ready(ctx context.Context, hc *http.Client, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("load: %s/readyz: %w", base, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("load: %s/readyz answered %s", base, resp.Status)
	}
	return nil
}

// offersExports reports whether the API's description has POST /v1/exports.
func offersExports(ctx context.Context, hc *http.Client, base string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/openapi.json", nil)
	if err != nil {
		return false
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if json.NewDecoder(resp.Body).Decode(&doc) != nil {
		return false
	}
	_, ok := doc.Paths["/v1/exports"]["post"]
	return ok
}

// cast picks distinct accounts for the users of each role and signs them
// in before the clock starts.
func cast(ctx context.Context, cfg Config, hc *http.Client, base string, rec *recorder, exports bool) ([]user, error) {
	rnd := rand.New(rand.NewPCG(cfg.Seed, 1))
	ns, ni, na := cfg.Mix.split(cfg.Users)
	lib := &library{byID: map[string]models.Checklist{}}
	var cohorts []string
	for _, c := range cfg.Manifest.Cohorts {
		cohorts = append(cohorts, c.ID)
	}
	var users []user
	var clients []*client
	for _, want := range []struct {
		role models.Role
		n    int
	}{{models.RoleStudent, ns}, {models.RoleInstructor, ni}, {models.RoleAdmin, na}} {
		pool := accountsOf(cfg.Manifest, want.role)
		if want.n > len(pool) {
			return nil, fmt.Errorf("load: %d %ss wanted, the manifest has %d", want.n, want.role, len(pool))
		}
		rnd.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		for _, a := range pool[:want.n] {
			c := &client{base: base, http: hc, rec: rec, token: &token{emulator: cfg.Emulator, email: a.Email, password: cfg.Password}}
			clients = append(clients, c)
			vrnd := rand.New(rand.NewPCG(cfg.Seed, uint64(len(users))+1))
			switch want.role {
			case models.RoleStudent:
				users = append(users, &student{c: c, rnd: vrnd})
			case models.RoleInstructor:
				users = append(users, &instructor{c: c, rnd: vrnd, library: lib, failShare: cfg.FailShare})
			default:
				if len(cohorts) == 0 {
					return nil, errors.New("load: the manifest lists no cohorts")
				}
				users = append(users, &admin{c: c, rnd: vrnd, cohorts: cohorts, exports: exports})
			}
		}
	}
	sem := make(chan struct{}, 8)
	errs := make(chan error, len(clients))
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if _, err := c.token.get(ctx, hc); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	return users, nil
}
