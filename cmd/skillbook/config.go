package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"skillbook/signing"
	"slices"
	"strconv"
	"strings"
	"time"
)

// config is every setting the server takes, all from the environment.
type config struct {
	Host      string
	Port      int
	MongoURI  string
	Database  string
	DataDir   string
	ProjectID string
	// WebAPIKey and AuthDomain are the Firebase web configuration the
	// web app at /app/ signs in with.
	WebAPIKey  string
	AuthDomain string
	// WebPushKey, WebAppID and MessagingSenderID turn on web push in the
	// web app (FCM's VAPID public key; firebase/messaging also needs the
	// web app's id and the sender id). All three or none.
	WebPushKey        string
	WebAppID          string
	MessagingSenderID string
	Credentials       string
	EmulatorHost      string
	LogLevel          slog.Level
	CORSOrigins       []string
	BodyLimit         int
	TrustedProxies    []string
	RequestTimeout    time.Duration
	ShutdownTimeout   time.Duration
	// FCMEndpoint overrides FCM's address (a local test server).
	FCMEndpoint string
	// NotifyWorker runs the notification delivery worker in this process.
	NotifyWorker bool
	// ExportRetention is how long a finished export job's file is kept.
	ExportRetention time.Duration
	// MetricsAddr, when set, serves /metrics and /debug/pprof on their own
	// listener (host:port) and not on the API's.
	MetricsAddr string
	// Signing says where the key that signs records is (package signing).
	Signing signing.Config
	// AuditCheckpointInterval is how often the audit chains' heads are
	// signed (a checkpoint per program whose head moved).
	AuditCheckpointInterval time.Duration
}

// configError is a bad setting; the process exits with status 2.
type configError struct{ msg string }

func (e *configError) Error() string { return "configuration: " + e.msg }

// loadConfig reads and checks every setting. It is the only place that
// knows the variable names; the README's table mirrors it.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		MongoURI:     getenv("MONGODB_URI"),
		Credentials:  getenv("GOOGLE_APPLICATION_CREDENTIALS"),
		EmulatorHost: getenv("FIREBASE_AUTH_EMULATOR_HOST"),
		Host:         getenv("HOST"),
	}
	var errs []string
	bad := func(name, format string, args ...any) {
		errs = append(errs, name+" "+fmt.Sprintf(format, args...))
	}
	str := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	integer := func(name string, def, min, max int) int {
		v := getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < min || n > max {
			bad(name, "must be a whole number from %d to %d, not %q", min, max, v)
			return def
		}
		return n
	}
	duration := func(name string, def time.Duration) time.Duration {
		v := getenv(name)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 || d > time.Hour {
			bad(name, "must be a duration such as 15s, above zero and at most 1h, not %q", v)
			return def
		}
		return d
	}
	list := func(name string) []string {
		var out []string
		for _, part := range strings.Split(getenv(name), ",") {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
		return out
	}

	c.Port = integer("PORT", 8080, 0, 65535)
	c.Database = str("SKILLBOOK_DATABASE", "skillbook")
	c.DataDir = str("SKILLBOOK_DATA_DIR", "./data")
	c.ProjectID = str("FIREBASE_PROJECT_ID", "demo-skillbook")
	// The emulator takes any API key; a real project's web app needs its own.
	c.WebAPIKey = str("FIREBASE_WEB_API_KEY", "demo-api-key")
	c.AuthDomain = str("FIREBASE_AUTH_DOMAIN", c.ProjectID+".firebaseapp.com")
	c.WebPushKey = str("FIREBASE_WEB_PUSH_KEY", "")
	c.WebAppID = str("FIREBASE_WEB_APP_ID", "")
	c.MessagingSenderID = str("FIREBASE_MESSAGING_SENDER_ID", "")
	if set := len(slices.DeleteFunc([]string{c.WebPushKey, c.WebAppID, c.MessagingSenderID}, func(v string) bool { return v == "" })); set != 0 && set != 3 {
		bad("FIREBASE_WEB_PUSH_KEY, FIREBASE_WEB_APP_ID and FIREBASE_MESSAGING_SENDER_ID", "turn on web push together (the VAPID public key, the web app's appId and messagingSenderId); %d of 3 are set", set)
	}
	c.BodyLimit = integer("BODY_LIMIT", 1<<20, 1<<10, 64<<20)
	c.RequestTimeout = duration("REQUEST_TIMEOUT", 15*time.Second)
	c.ShutdownTimeout = duration("SHUTDOWN_TIMEOUT", 20*time.Second)
	c.CORSOrigins = list("CORS_ORIGINS")
	c.TrustedProxies = list("TRUSTED_PROXIES")
	c.FCMEndpoint = strings.TrimSpace(getenv("FCM_ENDPOINT"))
	c.Signing = signing.Config{
		KeyFile:     strings.TrimSpace(getenv("SIGNING_KEY_FILE")),
		Key:         strings.TrimSpace(getenv("SIGNING_KEY")),
		KMSKey:      strings.TrimSpace(getenv("SIGNING_KMS_KEY")),
		KMSEndpoint: strings.TrimSpace(getenv("SIGNING_KMS_ENDPOINT")),
		RetiredFile: strings.TrimSpace(getenv("SIGNING_RETIRED_KEYS")),
	}
	if n := len(slices.DeleteFunc([]string{c.Signing.KeyFile, c.Signing.Key, c.Signing.KMSKey}, func(v string) bool { return v == "" })); n > 1 {
		bad("SIGNING_KEY_FILE, SIGNING_KEY and SIGNING_KMS_KEY", "name one signing key; %d are set", n)
	}
	// Only an emulator run (demo data, tests) may sign with a key
	// generated into the data directory.
	if c.EmulatorHost != "" {
		c.Signing.DemoDir = c.DataDir
	}
	c.MetricsAddr = strings.TrimSpace(getenv("METRICS_ADDR"))
	if c.MetricsAddr != "" {
		if host, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || (host != "" && host != "localhost" && net.ParseIP(host) == nil) {
			bad("METRICS_ADDR", "must be host:port such as 127.0.0.1:9090, not %q", c.MetricsAddr)
		} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			bad("METRICS_ADDR", "must be host:port such as 127.0.0.1:9090, not %q", c.MetricsAddr)
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(getenv("NOTIFY_WORKER"))); v {
	case "", "true", "1", "on", "yes":
		c.NotifyWorker = true
	case "false", "0", "off", "no":
	default:
		bad("NOTIFY_WORKER", "must be true or false, not %q", getenv("NOTIFY_WORKER"))
	}

	c.ExportRetention = 24 * time.Hour
	if v := strings.TrimSpace(getenv("EXPORT_RETENTION")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > 30*24*time.Hour {
			bad("EXPORT_RETENTION", "must be a duration such as 24h, from 1m to 720h, not %q", v)
		} else {
			c.ExportRetention = d
		}
	}
	c.AuditCheckpointInterval = time.Hour
	if v := strings.TrimSpace(getenv("AUDIT_CHECKPOINT_INTERVAL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > 24*time.Hour {
			bad("AUDIT_CHECKPOINT_INTERVAL", "must be a duration such as 1h, from 1m to 24h, not %q", v)
		} else {
			c.AuditCheckpointInterval = d
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(str("LOG_LEVEL", "info"))); err != nil {
		bad("LOG_LEVEL", "must be debug, info, warn or error, not %q", getenv("LOG_LEVEL"))
	}
	if strings.ContainsAny(c.Database, "/\\. \"$") || len(c.Database) > 63 {
		bad("SKILLBOOK_DATABASE", "must be a MongoDB database name without / \\ . space \" or $, not %q", c.Database)
	}
	if c.MongoURI != "" {
		if u, err := url.Parse(c.MongoURI); err != nil || (u.Scheme != "mongodb" && u.Scheme != "mongodb+srv") {
			bad("MONGODB_URI", "must be a mongodb:// or mongodb+srv:// URI")
		}
	}
	if c.FCMEndpoint != "" {
		if u, err := url.Parse(c.FCMEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("FCM_ENDPOINT", "must be an http:// or https:// URL such as http://127.0.0.1:9399/v1, not %q", c.FCMEndpoint)
		}
	}
	for _, o := range c.CORSOrigins {
		if u, err := url.Parse(o); o != "*" && (err != nil || u.Scheme == "" || u.Host == "" || u.Path != "") {
			bad("CORS_ORIGINS", "must list origins such as https://app.example.com, not %q", o)
		}
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				bad("TRUSTED_PROXIES", "must list IP addresses or CIDR ranges, not %q", p)
			}
		}
	}
	if c.EmulatorHost != "" {
		// The SDK skips signature checks against the emulator, so a real
		// project id there would accept forged tokens for real users.
		if !strings.HasPrefix(c.ProjectID, "demo-") {
			bad("FIREBASE_PROJECT_ID", "must be an emulator-only demo-… project while FIREBASE_AUTH_EMULATOR_HOST is set, not %q", c.ProjectID)
		}
		switch {
		case c.Host == "":
			c.Host = "127.0.0.1"
		case !isLoopback(c.Host) && getenv("EMULATOR_ANY_INTERFACE") != "true":
			bad("HOST", "must be a loopback address while FIREBASE_AUTH_EMULATOR_HOST is set, not %q (inside a container whose port is published on loopback only, set EMULATOR_ANY_INTERFACE=true)", c.Host)
		}
	}
	if c.Host != "" && net.ParseIP(c.Host) == nil && c.Host != "localhost" {
		bad("HOST", "must be an IP address or localhost, not %q", c.Host)
	}
	if len(errs) > 0 {
		return config{}, &configError{msg: strings.Join(errs, "; ")}
	}
	return c, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// addr is the listen address.
func (c config) addr() string {
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}
