package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"skillbook/models"
	"skillbook/workflow"
)

// etag is the entity tag of a record at version v. Every versioned record
// of the API uses it, and parseIfMatch reads it back.
func etag(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }

// parseIfMatch reads an If-Match header as the record version it names:
// 0 when the header is absent or "*" (any version). A tag this API did not
// issue matches no version, so it is a failed precondition (RFC 9110
// 13.1.1), not a malformed request. Weak tags (W/"3") are read as strong.
func parseIfMatch(h string) (int64, error) {
	h = strings.TrimPrefix(strings.TrimSpace(h), "W/")
	if h == "" || h == "*" {
		return 0, nil
	}
	if len(h) >= 3 && h[0] == '"' && h[len(h)-1] == '"' {
		if n, err := strconv.ParseInt(h[1:len(h)-1], 10, 64); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("If-Match %q: %w", h, models.ErrPreconditionFailed)
}

// requireIfMatch is parseIfMatch for edits that must name the version they
// change: without the header the answer is 428, so an edit never
// overwrites one its author has not seen.
func requireIfMatch(h, what string) (int64, error) {
	if strings.TrimSpace(h) == "" {
		return 0, newProblem(http.StatusPreconditionRequired,
			fmt.Sprintf("send If-Match with the ETag you read the %s with, so your change cannot overwrite one you have not seen", what))
	}
	return parseIfMatch(h)
}

// callerOf is the request's signed-in user as the use cases take it.
func callerOf(ctx context.Context) workflow.Caller {
	return workflow.Caller{User: callerFrom(ctx), RequestID: requestIDFrom(ctx)}
}
