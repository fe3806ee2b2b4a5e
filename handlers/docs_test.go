package handlers_test

import (
	"context"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"skillbook/handlers/apitest"
)

// TestDocsRenderOffline loads /docs in headless Chromium with every host
// but the API's unreachable, and checks the viewer rendered the operations
// from the embedded assets. `chromium --dump-dom` rather than chromedp: one
// process run and a string search need no new module, and the virtual-time
// budget lets the page fetch /openapi.json and render before the DOM is
// printed. make test installs Debian's chromium when it is missing.
func TestDocsRenderOffline(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium not found (make test installs Debian's chromium package): %v", err)
	}
	env := apitest.New(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = env.App.Listener(ln) }()
	t.Cleanup(func() { _ = env.App.Shutdown() })

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url := "http://" + ln.Addr().String() + "/docs"
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--disable-extensions", "--disable-background-networking",
		"--user-data-dir="+t.TempDir(),
		// No network: any host other than the API's fails to resolve.
		"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--virtual-time-budget=20000", "--dump-dom", url)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom %s: %v", url, err)
	}
	dom := string(out)
	for _, want := range []string{
		`class="swagger-ui`,
		"opblock-summary-description",
		"Liveness: the process is up",
		"The caller&#39;s profile",
		"Log a practice attempt or request an evaluation",
	} {
		if !strings.Contains(dom, want) && !strings.Contains(dom, strings.ReplaceAll(want, "&#39;", "'")) {
			t.Errorf("the rendered /docs lacks %q; DOM starts %.2000s", want, dom)
		}
	}

	// The page names only this origin's assets, and they are served.
	page := env.Get(t, "/docs", "").WantStatus(t, http.StatusOK)
	if strings.Contains(string(page.Body), "https://") {
		t.Errorf("/docs still loads something from elsewhere:\n%s", page.Body)
	}
	for _, asset := range []string{"swagger-ui-bundle.js", "swagger-ui.css", "docs.js", "LICENSE"} {
		r := env.Get(t, "/docs/assets/5.31.1/"+asset, "").WantStatus(t, http.StatusOK)
		if len(r.Body) == 0 {
			t.Errorf("GET /docs/assets/5.31.1/%s is empty", asset)
		}
	}
	env.Get(t, "/docs/assets/5.31.1/..", "").WantProblem(t, http.StatusNotFound, "not-found")
}
