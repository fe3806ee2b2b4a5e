package handlers_test

import (
	"net/http"
	"testing"
	"time"

	"skillbook/clock"
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
