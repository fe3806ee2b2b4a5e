package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"skillbook/models"
)

// problemBase prefixes every problem type. Types are stable identifiers a
// client can switch on; the relative URI resolves to this API's own docs.
const problemBase = "/problems/"

// Problem is an RFC 9457 problem details body. It is the only error shape
// the API writes.
type Problem struct {
	Type     string                `json:"type" doc:"Stable, machine-readable problem type."`
	Title    string                `json:"title" doc:"Short summary of the problem type."`
	Status   int                   `json:"status" doc:"HTTP status code."`
	Detail   string                `json:"detail,omitempty" doc:"What went wrong with this request."`
	Instance string                `json:"instance,omitempty" doc:"The request id, to quote when reporting a problem."`
	Errors   []models.FieldProblem `json:"errors,omitempty" doc:"Each invalid field and what is wrong with it."`

	headers http.Header
}

func (p *Problem) Error() string { return p.Type + ": " + p.Detail }

// GetStatus lets huma write the right status code.
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes huma send problems as application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" || ct == "" {
		return "application/problem+json"
	}
	return ct
}

// GetHeaders lets huma send WWW-Authenticate, Retry-After and the like.
func (p *Problem) GetHeaders() http.Header { return p.headers }

// slugs names the problem type of each status the API uses.
var slugs = map[int]string{
	http.StatusBadRequest:            "malformed-request",
	http.StatusUnauthorized:          "unauthenticated",
	http.StatusForbidden:             "forbidden",
	http.StatusNotFound:              "not-found",
	http.StatusMethodNotAllowed:      "method-not-allowed",
	http.StatusNotAcceptable:         "not-acceptable",
	http.StatusRequestTimeout:        "request-timeout",
	http.StatusConflict:              "conflict",
	http.StatusPreconditionFailed:    "precondition-failed",
	http.StatusPreconditionRequired:  "precondition-required",
	http.StatusRequestEntityTooLarge: "body-too-large",
	http.StatusUnsupportedMediaType:  "unsupported-media-type",
	http.StatusUnprocessableEntity:   "validation-failed",
	http.StatusTooManyRequests:       "too-many-requests",
	http.StatusInternalServerError:   "internal",
	http.StatusServiceUnavailable:    "unavailable",
	http.StatusGatewayTimeout:        "timeout",
}

// newProblem builds the problem for status with the given detail.
func newProblem(status int, detail string) *Problem {
	slug, ok := slugs[status]
	if !ok {
		slug = strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "-"))
	}
	return &Problem{Type: problemBase + slug, Title: http.StatusText(status), Status: status, Detail: detail}
}

// huma builds its own errors through these package-level hooks. They are
// set once, here, and never per app: two apps built at once (parallel tests)
// would otherwise race on them. Routing them through humaError keeps one
// problem shape for the whole API.
func init() {
	huma.NewError = humaError
	huma.NewErrorWithContext = func(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
		p := humaError(status, msg, errs...).(*Problem)
		p.Instance = requestIDFrom(hctx.Context())
		return p
	}
}

// humaError replaces huma.NewError so that huma's own errors (validation,
// malformed bodies, unknown parameters) come out in the same shape and
// types as ours.
func humaError(status int, msg string, errs ...error) huma.StatusError {
	p := newProblem(status, msg)
	for _, err := range errs {
		var d *huma.ErrorDetail
		if errors.As(err, &d) {
			p.Errors = append(p.Errors, models.FieldProblem{Field: d.Location, Message: d.Message})
			continue
		}
		if err != nil {
			p.Errors = append(p.Errors, models.FieldProblem{Message: err.Error()})
		}
	}
	if status == http.StatusUnprocessableEntity && msg == "validation failed" && len(p.Errors) > 0 {
		p.Detail = "validation failed: " + p.Errors[0].Field + " " + p.Errors[0].Message
	}
	return p
}

// problemFor maps an error from our own packages to the problem a client
// sees. It is the one place errors become HTTP: a 5xx never shows internals
// and is logged once here with the request id.
func problemFor(ctx context.Context, err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	var se huma.StatusError
	if errors.As(err, &se) {
		return newProblem(se.GetStatus(), se.Error())
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		p = newProblem(http.StatusUnprocessableEntity, ve.Error())
		p.Errors = ve.Problems
		return p
	}
	var refusal *models.Refusal
	if errors.As(err, &refusal) {
		p = newProblem(http.StatusForbidden, refusal.Detail)
		p.Type = problemBase + refusal.Code
		return p
	}
	var limited *models.Limited
	if errors.As(err, &limited) {
		p = newProblem(http.StatusTooManyRequests, limited.Detail)
		p.Type = problemBase + limited.Code
		p.headers = http.Header{"Retry-After": {retryAfterSeconds(limited.RetryAfter)}}
		return p
	}
	var re *models.RuleError
	if errors.As(err, &re) {
		p = newProblem(http.StatusUnprocessableEntity, re.Detail)
		p.Type = problemBase + re.Code
		return p
	}
	switch {
	case errors.Is(err, models.ErrIdempotencyInFlight), errors.Is(err, models.ErrIdempotencyMismatch), errors.Is(err, models.ErrIdempotencyApplied):
		// A run of the same key committed first (SQLite's request unit).
		var p *Problem
		errors.As(idempotencyRefusal(err), &p)
		return p
	case errors.Is(err, models.ErrNotFound):
		return newProblem(http.StatusNotFound, "no such resource")
	case errors.Is(err, models.ErrConflict):
		return newProblem(http.StatusConflict, detailAfter(err, models.ErrConflict, "the request conflicts with the current state of the resource"))
	case errors.Is(err, models.ErrPreconditionFailed):
		return newProblem(http.StatusPreconditionFailed, "the resource changed since you read it; fetch it again and retry")
	case errors.Is(err, models.ErrForbidden):
		return newProblem(http.StatusForbidden, detailAfter(err, models.ErrForbidden, "you may not do this"))
	case errors.Is(err, models.ErrUnauthenticated):
		p = newProblem(http.StatusUnauthorized, detailAfter(err, models.ErrUnauthenticated, "a valid Firebase ID token is required"))
		p.headers = http.Header{"WWW-Authenticate": {`Bearer realm="skillbook"`}}
		return p
	case errors.Is(err, models.ErrUnavailable):
		logFrom(ctx).Warn("dependency unavailable", "error", err)
		p = newProblem(http.StatusServiceUnavailable, "a service Skillbook depends on is unavailable; retry shortly")
		p.headers = http.Header{"Retry-After": {"5"}}
		return p
	case errors.Is(err, context.DeadlineExceeded):
		logFrom(ctx).Warn("request deadline exceeded", "error", err)
		return newProblem(http.StatusServiceUnavailable, "the request took too long; retry shortly")
	case errors.Is(err, context.Canceled):
		return newProblem(499, "the request was cancelled")
	}
	logFrom(ctx).Error("internal error", "error", err)
	return newProblem(http.StatusInternalServerError, "an unexpected error occurred; quote the instance id when reporting it")
}

// detailAfter returns the words our packages put after a sentinel
// ("conflict: attempt already signed"), which are meant for the client, or
// fallback when there are none. Text before the sentinel is internal context.
func detailAfter(err, sentinel error, fallback string) string {
	msg, prefix := err.Error(), sentinel.Error()+": "
	if i := strings.LastIndex(msg, prefix); i >= 0 {
		return msg[i+len(prefix):]
	}
	return fallback
}

// retryAfterSeconds words a wait as Retry-After's whole seconds, rounded
// up and at least one, so a client that waits that long is let in.
func retryAfterSeconds(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10)
}
