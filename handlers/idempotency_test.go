package handlers_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/handlers"
	"skillbook/handlers/apitest"
	"skillbook/models"
)

// TestIdempotencyKeyExpires: a key is bound to its first request body for
// IdempotencyTTL by the API's clock, then forgotten.
func TestIdempotencyKeyExpires(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	env := apitest.NewWithClock(t, clk)
	p := env.Program(t)
	student := env.NewUser(t, p.ID, models.RoleStudent)
	key := map[string]string{"Idempotency-Key": "device-" + student.ID}
	register := func(token string) apitest.Response {
		return env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/me/devices", Token: student.Token, Header: key,
			Body: map[string]any{"token": token, "platform": "android", "appVersion": "3.2.0"}})
	}

	register("tok-first").WantStatus(t, http.StatusCreated)
	clk.Advance(models.IdempotencyTTL - time.Second)
	register("tok-second").WantProblem(t, http.StatusUnprocessableEntity, "idempotency-key-reused")
	clk.Advance(2 * time.Second)
	if r := register("tok-second").WantStatus(t, http.StatusCreated); r.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("the request after the key expired was a replay")
	}
}

// outlastingStore lets the first request it claims a key for outlive its
// deadline (it returns only once the request's context is done) and notes
// whether the key was then abandoned on a live context.
type outlastingStore struct {
	handlers.Store
	mu        sync.Mutex
	outlasted bool
	abandoned []error // ctx.Err() and the store's answer of each abandon
}

func (s *outlastingStore) BeginIdempotent(ctx context.Context, key, fingerprint string, now time.Time, lease time.Duration) (*models.StoredResponse, error) {
	stored, err := s.Store.BeginIdempotent(ctx, key, fingerprint, now, lease)
	s.mu.Lock()
	first := !s.outlasted
	s.outlasted = true
	s.mu.Unlock()
	if first {
		<-ctx.Done()
	}
	return stored, err
}

func (s *outlastingStore) AbandonIdempotent(ctx context.Context, key string) error {
	live := ctx.Err()
	err := s.Store.AbandonIdempotent(ctx, key)
	s.mu.Lock()
	s.abandoned = append(s.abandoned, live, err)
	s.mu.Unlock()
	return err
}

// TestIdempotencyAfterDeadline: a request whose deadline passed fails, and
// its key is still abandoned (on a context of its own), so the client's
// retry runs at once instead of meeting "in progress" until the lease ends.
func TestIdempotencyAfterDeadline(t *testing.T) {
	t.Parallel()
	var st *outlastingStore
	env := apitest.New(t, func(d *handlers.Deps) {
		st = &outlastingStore{Store: d.Store}
		d.Store = st
		d.RequestTimeout = 2 * time.Second
	})
	p := env.Program(t)
	student := env.NewUser(t, p.ID, models.RoleStudent)
	register := func() apitest.Response {
		return env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/me/devices", Token: student.Token,
			Header: map[string]string{"Idempotency-Key": "late-" + student.ID},
			Body:   map[string]any{"token": "tok-late", "platform": "android", "appVersion": "3.2.0"}})
	}

	if r := register(); r.Status < 500 {
		t.Fatalf("request past its deadline = %d; want a 5xx (body %s)", r.Status, r.Body)
	}
	st.mu.Lock()
	abandoned := slices.Clone(st.abandoned)
	st.mu.Unlock()
	if len(abandoned) != 2 || abandoned[0] != nil || abandoned[1] != nil {
		t.Fatalf("abandon after the deadline: (context error, result) = %v; want (nil, nil)", abandoned)
	}
	if r := register().WantStatus(t, http.StatusCreated); r.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("the retry was a replay of the failed request")
	}
}
