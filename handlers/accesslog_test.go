package handlers_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"skillbook/handlers"
	"skillbook/handlers/apitest"
	"skillbook/models"
)

// lockedBuffer collects log output; the app may log from more than one
// goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestAccessLog runs requests, the removal of a device among them, and reads
// the access log: each authenticated line says who made the request, and
// the device's token appears nowhere.
func TestAccessLog(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	env := apitest.New(t, func(d *handlers.Deps) {
		d.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	program := env.Program(t)
	admin := env.NewUser(t, program.ID, models.RoleAdmin)
	token := "fcm-secret-" + strings.Repeat("Ab9_", 30)

	env.Get(t, "/v1/me", admin.Token).WantStatus(t, http.StatusOK)
	env.Post(t, "/v1/me/devices", admin.Token, map[string]any{"token": token, "platform": "android"}).WantStatus(t, http.StatusCreated)
	env.Do(t, apitest.Request{Method: http.MethodDelete, Path: "/v1/me/devices/" + token, Token: admin.Token}).WantStatus(t, http.StatusNoContent)
	env.Do(t, apitest.Request{Method: http.MethodDelete, Path: "/v1/me/devices/" + token, Token: admin.Token}).WantStatus(t, http.StatusNotFound)
	env.Do(t, apitest.Request{Method: http.MethodDelete, Path: "/v1/me/devices/" + token}).WantStatus(t, http.StatusUnauthorized)

	out := logs.String()
	if strings.Contains(out, token) || strings.Contains(out, "fcm-secret") {
		t.Errorf("the logs hold the device token:\n%s", out)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 5 {
		t.Fatalf("access log has %d request lines; want 5:\n%s", len(lines), out)
	}
	for i, m := range lines[:4] {
		if m["userId"] != admin.ID || m["uid"] != admin.UID || m["role"] != string(models.RoleAdmin) {
			t.Errorf("line %d = %v; want userId %s, uid %s, role admin", i, m, admin.ID, admin.UID)
		}
	}
	if _, ok := lines[4]["userId"]; ok {
		t.Errorf("the unauthenticated request's line names a user: %v", lines[4])
	}
	for _, i := range []int{2, 3, 4} {
		if p := lines[i]["path"]; p != "/v1/me/devices/[redacted]" {
			t.Errorf("line %d path = %v; want /v1/me/devices/[redacted]", i, p)
		}
	}
}
