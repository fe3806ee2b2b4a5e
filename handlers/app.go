// Package handlers is Skillbook's HTTP API: a Fiber app whose operations are
// described by huma, so the OpenAPI document is generated from the same Go
// types that decode requests and encode responses.
package handlers

import (
	"cmp"
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humafiber"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/prometheus/client_golang/prometheus"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/signing"
	"skillbook/workflow"
)

// TokenVerifier checks Firebase ID tokens.
type TokenVerifier interface {
	// Verify checks a token for an ordinary request.
	Verify(ctx context.Context, token string) (models.Identity, error)
	// VerifyFresh also asks the identity provider, now, whether the token
	// was revoked; sign-off uses it.
	VerifyFresh(ctx context.Context, token string) (models.Identity, error)
}

// Deps is what the API needs from the rest of the program.
type Deps struct {
	Store    Store
	Workflow *workflow.Workflow
	Clock    clock.Clock // expires idempotency keys; nil is the system clock
	Tokens   TokenVerifier
	Logger   *slog.Logger

	// BodyLimit is the largest request body accepted, in bytes.
	BodyLimit int
	// CORSOrigins lists the browser origins allowed to call the API.
	CORSOrigins []string
	// TrustedProxies lists proxy addresses (IPs or CIDRs) whose
	// X-Forwarded-For is believed; with none the peer address is the
	// client.
	TrustedProxies []string
	// RequestTimeout bounds each request's work.
	RequestTimeout time.Duration
	// Version is reported by the OpenAPI document.
	Version string
	// Metrics is served at GET /metrics (nil: none).
	Metrics prometheus.Gatherer
	// Keys are the public keys records are signed with, published at
	// /.well-known/skillbook-keys.json.
	Keys *signing.KeySet
	// WebApp is the Firebase configuration the web app at /app/ signs in
	// with.
	WebApp WebAppConfig
}

// server holds the dependencies every operation uses.
type server struct {
	store    Store
	app      *workflow.Workflow
	tokens   TokenVerifier
	log      *slog.Logger
	gatherer prometheus.Gatherer
	keys     *signing.KeySet
	clock    clock.Clock
}

// New returns the Fiber app serving the whole API.
func New(d Deps) *fiber.App {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.BodyLimit == 0 {
		d.BodyLimit = 1 << 20
	}
	if d.RequestTimeout == 0 {
		d.RequestTimeout = 15 * time.Second
	}
	if d.Version == "" {
		d.Version = "dev"
	}
	app := fiber.New(fiber.Config{
		AppName:                 "skillbook",
		BodyLimit:               d.BodyLimit,
		ReadTimeout:             d.RequestTimeout,
		WriteTimeout:            d.RequestTimeout + 5*time.Second,
		IdleTimeout:             2 * time.Minute,
		ErrorHandler:            errorHandler,
		DisableStartupMessage:   true,
		EnableTrustedProxyCheck: true,
		TrustedProxies:          d.TrustedProxies,
		ProxyHeader:             proxyHeader(d.TrustedProxies),
		ReadBufferSize:          16 << 10,
	})
	app.Use(requestContext(d.Logger, d.RequestTimeout), recoverPanics, securityHeaders)
	if len(d.CORSOrigins) > 0 {
		app.Use(cors.New(cors.Config{
			AllowOrigins:  strings.Join(d.CORSOrigins, ","),
			AllowHeaders:  "Authorization, Content-Type, Idempotency-Key, If-Match, X-Request-ID, Skillbook-Device",
			ExposeHeaders: "ETag, Location, X-Request-ID, Retry-After",
			MaxAge:        600,
		}))
	}

	cfg := huma.DefaultConfig("Skillbook API", d.Version)
	cfg.CreateHooks = nil // no $schema links in bodies
	cfg.DocsPath = ""     // served by mountDocs from embedded assets, not a CDN
	// Relative: the document describes the server that serves it.
	cfg.Servers = []*huma.Server{{URL: "/", Description: "The server this document was read from"}}
	cfg.RejectUnknownQueryParameters = true
	cfg.Info.Description = "Clinical competency records for medical-assistant programs. " +
		"Authenticate with a Firebase ID token: `Authorization: Bearer <token>`. " +
		"Errors are RFC 9457 problem details (`application/problem+json`)."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		bearerScheme: {Type: "http", Scheme: "bearer", BearerFormat: "Firebase ID token"},
	}
	mountDocs(app)
	mountWebApp(app, d.WebApp)
	api := humafiber.New(app, cfg)

	s := &server{store: d.Store, app: d.Workflow, tokens: d.Tokens, log: d.Logger, gatherer: d.Metrics, keys: d.Keys, clock: cmp.Or[clock.Clock](d.Clock, clock.System{})}
	app.Use("/v1", func(c *fiber.Ctx) error {
		if err := s.authenticate(c); err != nil {
			return err
		}
		return c.Next()
	}, s.idempotency(d.RequestTimeout+5*time.Second))
	api.UseMiddleware(s.authorize(api), refuseInvalidUTF8(api))
	s.routes(api)
	return app
}

func proxyHeader(trusted []string) string {
	if len(trusted) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}
