package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillbook/models"
	"skillbook/store/mongo"
)

type ctxKey int

const (
	loggerKey ctxKey = iota
	requestIDKey
	callerKey
	clientIPKey
)

// requestIDHeader carries the request id in and out.
const requestIDHeader = "X-Request-ID"

// logFrom returns the request's logger (with its request id), or the
// default logger outside a request.
func logFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// validRequestID accepts a client's id only when it is short and plain, so
// it can go into logs and headers as it is.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		ok := r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

// requestContext gives each request an id, a logger carrying it, and a
// deadline on the context everything below uses (Fiber's default user
// context has none), then writes one access log line: who made the request
// (once authenticated) and its path with any secret in it redacted.
func requestContext(log *slog.Logger, timeout time.Duration) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		id := c.Get(requestIDHeader)
		if !validRequestID(id) {
			id = mongo.NewID()
		}
		c.Set(requestIDHeader, id)
		reqLog := log.With("requestId", id)
		ctx := context.WithValue(context.Background(), requestIDKey, id)
		ctx = context.WithValue(ctx, loggerKey, reqLog)
		// The client's address (X-Forwarded-For only from a trusted
		// proxy), copied: Fiber reuses the string it hands out.
		ctx = context.WithValue(ctx, clientIPKey, strings.Clone(c.IP()))
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		c.SetUserContext(ctx)

		err := c.Next()
		if err != nil {
			// Write the error now so the access log sees the final status.
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				reqLog.Error("write error response", "error", herr)
			}
		}
		status := c.Response().StatusCode()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := []slog.Attr{
			slog.String("method", c.Method()),
			slog.String("path", loggedPath(c.Path())),
			slog.Int("status", status),
			slog.Float64("ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("ip", c.IP()),
			slog.Int("bytes", len(c.Response().Body())),
		}
		// authenticate left the caller on the user context.
		if u, ok := c.UserContext().Value(callerKey).(models.User); ok {
			attrs = append(attrs, slog.String("userId", u.ID), slog.String("uid", u.UID), slog.String("role", string(u.Role)))
		}
		reqLog.LogAttrs(context.Background(), level, "request", attrs...)
		return nil
	}
}

// secretPathPrefixes are the paths whose next segment is a secret: a
// device's FCM registration token (DELETE /v1/me/devices/{token}), which
// lets anyone who holds it push to that phone.
var secretPathPrefixes = []string{"/v1/me/devices/"}

// loggedPath is path as the access log shows it, each secret segment
// replaced by "[redacted]". Prefixes match in any case, as routes do.
func loggedPath(path string) string {
	for _, prefix := range secretPathPrefixes {
		if len(path) <= len(prefix) || !strings.EqualFold(path[:len(prefix)], prefix) {
			continue
		}
		redacted := path[:len(prefix)] + "[redacted]"
		if _, rest, ok := strings.Cut(path[len(prefix):], "/"); ok {
			redacted += "/" + rest
		}
		return redacted
	}
	return path
}

// recoverPanics turns a panic into a logged 500 problem; the process goes on.
func recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			logFrom(c.UserContext()).Error("panic", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = newProblem(http.StatusInternalServerError, "an unexpected error occurred; quote the instance id when reporting it")
		}
	}()
	return c.Next()
}

// securityHeaders sets the headers a JSON API should always send. The docs
// page runs its viewer (served from this origin), so it gets a looser policy.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	if c.Path() == "/docs" {
		c.Set("Content-Security-Policy", docsCSP)
	} else {
		c.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	}
	return c.Next()
}

// errorHandler is Fiber's last word: routing errors (404, 405), oversize
// bodies (413), timeouts and panics become problems like every other error.
func errorHandler(c *fiber.Ctx, err error) error {
	ctx := c.UserContext()
	var p *Problem
	var fe *fiber.Error
	switch {
	case errors.As(err, &p):
	case errors.As(err, &fe):
		detail := fe.Message
		switch fe.Code {
		case http.StatusNotFound:
			detail = fmt.Sprintf("no route %s %s", c.Method(), c.Path())
		case http.StatusMethodNotAllowed:
			detail = fmt.Sprintf("%s is not allowed on %s", c.Method(), c.Path())
		case http.StatusRequestEntityTooLarge:
			detail = "the request body is larger than this server accepts"
		}
		p = newProblem(fe.Code, detail)
	default:
		p = problemFor(ctx, err)
	}
	return writeProblem(c, p)
}

func writeProblem(c *fiber.Ctx, p *Problem) error {
	if p.Instance == "" {
		p.Instance = requestIDFrom(c.UserContext())
	}
	for k, vs := range p.headers {
		for _, v := range vs {
			c.Set(k, v)
		}
	}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.Status(p.Status).Send(body)
}
