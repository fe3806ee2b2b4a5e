package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"skillbook/auth/authtest"
	"skillbook/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestRunServesUntilCancelled starts the whole program on port 0 with its
// metrics on a listener of their own, asks /readyz and the metrics, and
// checks that cancelling shuts it down cleanly.
func TestRunServesUntilCancelled(t *testing.T) {
	vars := map[string]string{
		"PORT":                        "0",
		"MONGODB_URI":                 storetest.URI(t),
		"SKILLBOOK_DATABASE":          "run_" + strings.ReplaceAll(t.Name(), "/", "_"),
		"FIREBASE_AUTH_EMULATOR_HOST": authtest.Host(t),
		"METRICS_ADDR":                "127.0.0.1:0",
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs, logw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve"}, env(vars), logw, io.Discard)
		logw.Close()
	}()

	addr, metricsAddr := make(chan string, 1), make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil {
				switch line.Msg {
				case "listening":
					addr <- line.Addr
				case "metrics listening":
					metricsAddr <- line.Addr
				}
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("run returned before listening: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("no listening line within 60s")
	}

	// The listening line comes after the store is open and the socket is
	// bound, so the first /readyz is answered (the kernel holds the
	// connection until the app accepts it): no polling.
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(base + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /readyz = %d; want 200", resp.StatusCode)
	}
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := client.Get(url)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	// The metrics line comes before the API's listening line.
	metricsBase := "http://" + <-metricsAddr
	if code, body := get(metricsBase + "/metrics"); code != http.StatusOK || !strings.Contains(body, "go_goroutines") {
		t.Errorf("GET /metrics on METRICS_ADDR = %d, go_goroutines in it: %v", code, strings.Contains(body, "go_goroutines"))
	}
	if code, _ := get(metricsBase + "/debug/pprof/"); code != http.StatusOK {
		t.Errorf("GET /debug/pprof/ on METRICS_ADDR = %d; want 200", code)
	}
	if code, _ := get(base + "/metrics"); code != http.StatusNotFound {
		t.Errorf("GET /metrics on the API's address with METRICS_ADDR set = %d; want 404", code)
	}
	if code, _ := get(base + "/debug/pprof/"); code != http.StatusNotFound {
		t.Errorf("GET /debug/pprof/ on the API's address = %d; want 404", code)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after cancel = %v; want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not stop within 30s of cancel")
	}
}

func TestRunRejectsBadConfigAndCommands(t *testing.T) {
	err := run(context.Background(), []string{"serve"}, env(map[string]string{"PORT": "x"}), io.Discard, io.Discard)
	if code := exitCode(err, io.Discard); code != 2 {
		t.Errorf("exit code for a bad PORT = %d; want 2", code)
	}
	err = run(context.Background(), []string{"frobnicate"}, env(nil), io.Discard, io.Discard)
	if code := exitCode(err, io.Discard); code != 2 {
		t.Errorf("exit code for an unknown command = %d; want 2", code)
	}
}
