package handlers

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"skillbook/webapp"
)

// WebAppConfig is what the web app at /app/ needs to sign people in with
// Firebase Authentication's web SDK; GET /app/config.json serves it.
type WebAppConfig struct {
	ProjectID  string `json:"projectId"`
	APIKey     string `json:"apiKey"`
	AuthDomain string `json:"authDomain"`
	// EmulatorHost is FIREBASE_AUTH_EMULATOR_HOST: the app then signs in
	// against the emulator (connectAuthEmulator).
	EmulatorHost string `json:"emulatorHost,omitempty"`
	// WebPushKey (FCM's VAPID public key), AppID and MessagingSenderID are
	// set only where the deployment has web push: the app then offers to
	// register the browser's FCM token (POST /v1/me/devices).
	WebPushKey        string `json:"webPushKey,omitempty"`
	AppID             string `json:"appId,omitempty"`
	MessagingSenderID string `json:"messagingSenderId,omitempty"`
}

// csp is the app's policy: its own scripts and styles only; the API and
// Firebase Authentication's endpoints (or the emulator) to connect to, and
// FCM's where web push is set up.
func (w WebAppConfig) csp() string {
	connect := "'self' https://identitytoolkit.googleapis.com https://securetoken.googleapis.com"
	if w.EmulatorHost != "" {
		connect = "'self' http://" + w.EmulatorHost
	}
	if w.WebPushKey != "" {
		connect += " https://firebaseinstallations.googleapis.com https://fcmregistrations.googleapis.com"
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src " + connect +
		"; manifest-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

// mountWebApp serves the web app built into package webapp at /app/:
// hashed assets are cached for good, index.html and the service worker
// are revalidated on every load (so a new release is picked up), and any
// other /app/ path is the app's own route, answered with index.html.
func mountWebApp(app *fiber.App, cfg WebAppConfig) {
	files := webapp.Files()
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		// A build without the app (dist emptied) still serves the API.
		index = []byte("<!doctype html><title>Skillbook</title><p>The web app was not built into this binary.")
	}
	conf, err := json.Marshal(cfg)
	if err != nil {
		panic(err)
	}
	policy := cfg.csp()
	zipped := gzipAll(files)
	// send answers with the gzipped copy made at start when the client
	// takes gzip and it is smaller.
	send := func(c *fiber.Ctx, name string, b []byte) error {
		c.Vary(fiber.HeaderAcceptEncoding)
		if z, ok := zipped[name]; ok && strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
			c.Set(fiber.HeaderContentEncoding, "gzip")
			return c.Send(z)
		}
		return c.Send(b)
	}
	sendIndex := func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentSecurityPolicy, policy)
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return send(c, "index.html", index)
	}
	// Fiber's routing ignores a trailing slash: this route answers /app/
	// too, and sends /app there.
	app.Get("/app", func(c *fiber.Ctx) error {
		if c.Path() == "/app" {
			return c.Redirect("/app/", fiber.StatusMovedPermanently)
		}
		return sendIndex(c)
	})
	app.Get("/app/config.json", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.Send(conf)
	})
	app.Get("/app/*", func(c *fiber.Ctx) error {
		name := c.Params("*")
		if name == "" || name == "index.html" {
			return sendIndex(c)
		}
		clean := path.Clean(name)
		if clean != name || strings.HasPrefix(clean, ".") || !fs.ValidPath(clean) {
			return fiber.ErrNotFound
		}
		b, err := fs.ReadFile(files, clean)
		if err != nil {
			// A missing asset is a 404; anything else is a route of the
			// app, which index.html renders.
			if strings.HasPrefix(clean, "assets/") || path.Ext(clean) != "" {
				return fiber.ErrNotFound
			}
			return sendIndex(c)
		}
		ct := mime.TypeByExtension(path.Ext(clean))
		switch path.Ext(clean) {
		case ".webmanifest":
			ct = "application/manifest+json"
		case ".js":
			ct = "text/javascript; charset=utf-8"
		}
		if ct == "" {
			ct = fiber.MIMEOctetStream
		}
		c.Set(fiber.HeaderContentType, ct)
		c.Set(fiber.HeaderContentSecurityPolicy, policy)
		switch {
		case strings.HasPrefix(clean, "assets/"):
			c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		case clean == "sw.js" || clean == "manifest.webmanifest":
			c.Set(fiber.HeaderCacheControl, "no-cache")
		default:
			c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
		}
		return send(c, clean, b)
	})
}

// gzipAll compresses the app's text files once, at start: the script
// bundle is about a third of its size gzipped, and phones in a clinic
// have little signal.
func gzipAll(files fs.FS) map[string][]byte {
	out := map[string][]byte{}
	_ = fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch path.Ext(name) {
		case ".js", ".css", ".html", ".webmanifest", ".json", ".svg", ".txt":
		default:
			return nil
		}
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		var z bytes.Buffer
		w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		_, _ = w.Write(b)
		_ = w.Close()
		if z.Len() < len(b) {
			out[name] = z.Bytes()
		}
		return nil
	})
	return out
}
