package handlers_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"skillbook/handlers"
	"skillbook/handlers/apitest"
	"skillbook/webapp"
)

// TestWebAppServed checks how /app/ serves the embedded build: content
// types, caching (hashed assets for good, the page and the service worker
// revalidated), the app's own routes answered with index.html, missing
// assets 404, and the Firebase configuration the app signs in with.
func TestWebAppServed(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, func(d *handlers.Deps) {
		d.WebApp = handlers.WebAppConfig{ProjectID: "demo-skillbook", APIKey: "demo-api-key", AuthDomain: "demo-skillbook.firebaseapp.com", EmulatorHost: "127.0.0.1:9099"}
	})
	index, err := fs.ReadFile(webapp.Files(), "index.html")
	if err != nil {
		t.Fatalf("webapp/dist has no index.html: build it (scripts/webapp.sh --build): %v", err)
	}
	assets := regexp.MustCompile(`/app/assets/[^"]+`).FindAllString(string(index), -1)
	if len(assets) < 2 {
		t.Fatalf("index.html names %d assets, want its script and style sheet:\n%s", len(assets), index)
	}

	type want struct {
		path, contentType, cache string
	}
	cases := []want{
		{"/app/", "text/html; charset=utf-8", "no-cache"},
		{"/app/student", "text/html; charset=utf-8", "no-cache"},
		{"/app/grade/0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f", "text/html; charset=utf-8", "no-cache"},
		{"/app/sw.js", "text/javascript; charset=utf-8", "no-cache"},
		{"/app/manifest.webmanifest", "application/manifest+json", "no-cache"},
		{"/app/icon-192.png", "image/png", "public, max-age=86400"},
		{"/app/config.json", "application/json; charset=utf-8", "no-cache"},
	}
	for _, a := range assets {
		ct := "text/javascript; charset=utf-8"
		if strings.HasSuffix(a, ".css") {
			ct = "text/css; charset=utf-8"
		}
		cases = append(cases, want{a, ct, "public, max-age=31536000, immutable"})
	}
	for _, c := range cases {
		r := env.Get(t, c.path, "").WantStatus(t, http.StatusOK)
		if got := r.Header.Get("Content-Type"); got != c.contentType {
			t.Errorf("GET %s: Content-Type %q, want %q", c.path, got, c.contentType)
		}
		if got := r.Header.Get("Cache-Control"); got != c.cache {
			t.Errorf("GET %s: Cache-Control %q, want %q", c.path, got, c.cache)
		}
		if len(r.Body) == 0 {
			t.Errorf("GET %s: empty body", c.path)
		}
	}
	if r := env.Get(t, "/app/student", ""); string(r.Body) != string(index) {
		t.Errorf("GET /app/student is not index.html")
	}
	if csp := env.Get(t, "/app/", "").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "connect-src 'self' http://127.0.0.1:9099") {
		t.Errorf("the app's CSP %q should allow its own scripts and the emulator", csp)
	}

	// Text files go gzipped to clients that take it, the same bytes unzipped.
	for _, p := range append([]string{"/app/", "/app/sw.js"}, assets...) {
		plain := env.Get(t, p, "").WantStatus(t, http.StatusOK)
		z := env.Do(t, apitest.Request{Method: http.MethodGet, Path: p, Header: map[string]string{"Accept-Encoding": "gzip, br"}}).WantStatus(t, http.StatusOK)
		if z.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(z.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("GET %s with Accept-Encoding gzip: Content-Encoding %q, Vary %q", p, z.Header.Get("Content-Encoding"), z.Header.Get("Vary"))
			continue
		}
		r, err := gzip.NewReader(bytes.NewReader(z.Body))
		if err != nil {
			t.Fatal(err)
		}
		if b, err := io.ReadAll(r); err != nil || !bytes.Equal(b, plain.Body) {
			t.Errorf("GET %s: the gzipped body is not the file (%v)", p, err)
		}
	}

	var cfg map[string]string
	if err := json.Unmarshal(env.Get(t, "/app/config.json", "").Body, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg["projectId"] != "demo-skillbook" || cfg["apiKey"] != "demo-api-key" || cfg["emulatorHost"] != "127.0.0.1:9099" {
		t.Errorf("config.json = %v", cfg)
	}
	for _, k := range []string{"webPushKey", "appId", "messagingSenderId"} {
		if _, ok := cfg[k]; ok {
			t.Errorf("config.json without web push carries %s: %v", k, cfg)
		}
	}

	for _, p := range []string{"/app/assets/missing-0000.js", "/app/nope.png", "/app/assets/../../go.mod"} {
		env.Get(t, p, "").WantProblem(t, http.StatusNotFound, "not-found")
	}
	r := env.Get(t, "/app", "")
	if r.Status != http.StatusMovedPermanently || r.Header.Get("Location") != "/app/" {
		t.Errorf("GET /app: %d to %q, want 301 to /app/", r.Status, r.Header.Get("Location"))
	}
}

// TestWebAppPushConfig checks that a deployment with web push gives the
// app its VAPID key, app id and sender id, and lets it reach FCM.
func TestWebAppPushConfig(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, func(d *handlers.Deps) {
		d.WebApp = handlers.WebAppConfig{ProjectID: "p", APIKey: "k", AuthDomain: "p.firebaseapp.com",
			WebPushKey: "BVapidPublicKey", AppID: "1:42:web:abc", MessagingSenderID: "42"}
	})
	var cfg map[string]string
	if err := json.Unmarshal(env.Get(t, "/app/config.json", "").Body, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg["webPushKey"] != "BVapidPublicKey" || cfg["appId"] != "1:42:web:abc" || cfg["messagingSenderId"] != "42" {
		t.Errorf("config.json = %v; want the push fields", cfg)
	}
	if csp := env.Get(t, "/app/", "").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "https://fcmregistrations.googleapis.com") || !strings.Contains(csp, "https://firebaseinstallations.googleapis.com") {
		t.Errorf("the CSP %q should allow FCM's registration endpoints", csp)
	}
}
