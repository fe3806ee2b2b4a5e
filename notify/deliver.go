package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"firebase.google.com/go/v4/errorutils"
	"firebase.google.com/go/v4/messaging"

	"skillbook/models"
)

// Keys the worker adds to every push's data payload. notificationId is
// stable across retries and workers, so the app drops a push it has seen.
const (
	dataNotificationID = "notificationId"
	dataCategory       = "category"
)

// maxSendEach is the most messages one SendEach takes.
const maxSendEach = 500

// settleTimeout bounds the store work around a send: reading devices and
// preferences before it, recording outcomes after it.
const settleTimeout = 20 * time.Second

// verdict is what to do after one push to one device.
type verdict int

const (
	delivered   verdict = iota
	retry               // a passing failure: try again later
	interrupted         // the worker is stopping: try again, no attempt spent
	dropToken           // FCM refused the token for good: remove the device
	fail                // a permanent failure for this device
)

// push is one message of a batch: notification p to one device.
type push struct {
	p     int // index of the notification in the batch
	token string
	msg   *messaging.Message
}

// result is the outcome of one push.
type result struct {
	verdict    verdict
	reason     string // FCM's code, for the record
	retryAfter time.Duration
	prune      string // pruning reason for dropToken
}

// DeliverOnce claims up to a batch of due notifications, pushes them and
// records each outcome; it reports how many it claimed. Run calls it in a
// loop; a test calls it after moving the clock.
func (w *Worker) DeliverOnce(ctx context.Context) (int, error) {
	owner := w.cfg.Name + "/" + randomID()
	batch, err := w.cfg.Store.ClaimPushes(ctx, owner, w.cfg.BatchSize, w.cfg.Lease)
	if len(batch) == 0 {
		return 0, err
	}
	// From here on the claim is settled even if ctx ends: what was
	// delivered must be recorded so it is not sent again.
	detached := context.WithoutCancel(ctx)
	for _, p := range batch {
		if p.Attempts == 0 {
			w.m.Queued.Inc()
		}
	}
	planCtx, cancelPlan := context.WithTimeout(detached, settleTimeout)
	outcomes, pushes, err := w.plan(planCtx, batch)
	cancelPlan()
	if err != nil {
		abandonCtx, cancel := context.WithTimeout(detached, settleTimeout)
		defer cancel()
		return len(batch), w.abandon(abandonCtx, owner, batch, err)
	}
	results := w.send(ctx, pushes)
	settle, cancel := context.WithTimeout(detached, settleTimeout)
	defer cancel()
	for i, r := range results {
		pu := pushes[i]
		o := &outcomes[pu.p]
		switch r.verdict {
		case delivered:
			o.delivered = append(o.delivered, pu.token)
			w.m.Sent.Inc()
		case dropToken:
			if _, err := w.cfg.Store.DropDevice(settle, pu.token); err != nil {
				w.log.Warn("drop device token", "error", err)
			} else {
				w.m.Pruned.WithLabelValues(r.prune).Inc()
			}
			o.dropped = append(o.dropped, r.reason)
		case fail:
			o.failed = append(o.failed, r.reason)
			w.m.Failed.Inc()
		case retry:
			o.retry = append(o.retry, r.reason)
			o.retryAfter = max(o.retryAfter, r.retryAfter)
			if r.retryAfter > 0 && r.reason == "QUOTA_EXCEEDED" {
				w.pauseFor(r.retryAfter)
			}
		case interrupted:
			o.interrupted = true
		}
	}
	var errs []error
	for i, p := range batch {
		o := w.outcome(p, &outcomes[i])
		if err := w.cfg.Store.FinishPush(settle, owner, p.ID, o); err != nil {
			errs = append(errs, err)
		}
	}
	return len(batch), errors.Join(errs...)
}

// tally collects the results of one notification's pushes.
type tally struct {
	muted       bool
	devices     int
	delivered   []string
	dropped     []string
	failed      []string
	retry       []string
	retryAfter  time.Duration
	interrupted bool
}

// plan looks up the devices and preferences of the batch's recipients and
// returns the pushes to make: one per device the notification has not yet
// reached, none for a muted category.
func (w *Worker) plan(ctx context.Context, batch []models.Push) ([]tally, []push, error) {
	users := make([]string, 0, len(batch))
	for _, p := range batch {
		if !slices.Contains(users, p.UserID) {
			users = append(users, p.UserID)
		}
	}
	muted, err := w.cfg.Store.MutedCategories(ctx, users)
	if err != nil {
		return nil, nil, err
	}
	devices, err := w.cfg.Store.DevicesOf(ctx, users)
	if err != nil {
		return nil, nil, err
	}
	outcomes := make([]tally, len(batch))
	var pushes []push
	for i, p := range batch {
		if slices.Contains(muted[p.UserID], p.Category) {
			outcomes[i].muted = true
			w.m.Muted.Inc()
			continue
		}
		for _, d := range devices {
			if d.UserID != p.UserID || slices.Contains(p.Delivered, d.Token) {
				continue
			}
			outcomes[i].devices++
			pushes = append(pushes, push{p: i, token: d.Token, msg: message(p, d)})
		}
	}
	return outcomes, pushes, nil
}

// message is the FCM message of notification p for device d.
func message(p models.Push, d models.Device) *messaging.Message {
	data := maps.Clone(p.Data)
	if data == nil {
		data = map[string]string{}
	}
	data[dataNotificationID] = p.ID
	data[dataCategory] = p.Category
	return &messaging.Message{
		Token:        d.Token,
		Notification: &messaging.Notification{Title: p.Title, Body: p.Body},
		Data:         data,
		Android:      &messaging.AndroidConfig{Priority: "high"},
		// iOS shows a duplicate in place of the first.
		APNS: &messaging.APNSConfig{Headers: map[string]string{"apns-collapse-id": p.ID}},
	}
}

// send pushes every message, at most maxSendEach per SendEach call, and
// classifies each outcome.
func (w *Worker) send(ctx context.Context, pushes []push) []result {
	out := make([]result, 0, len(pushes))
	sendCtx, cancel := context.WithTimeout(ctx, w.cfg.SendTimeout)
	defer cancel()
	for chunk := range slices.Chunk(pushes, maxSendEach) {
		msgs := make([]*messaging.Message, len(chunk))
		for i, pu := range chunk {
			msgs[i] = pu.msg
		}
		resp, err := w.cfg.Sender.SendEach(sendCtx, msgs)
		for i := range chunk {
			switch {
			case err != nil:
				// The call as a whole is refused only for a message the
				// SDK finds invalid before sending anything.
				out = append(out, result{verdict: fail, reason: "refused by the SDK: " + truncate(err.Error(), 200)})
			case resp.Responses[i].Success:
				out = append(out, result{verdict: delivered})
			default:
				out = append(out, w.classify(ctx, resp.Responses[i].Error))
			}
		}
	}
	return out
}

// classify turns the error of one push into what to do next. ctx is the
// worker's: an error because it ended is an interruption, not a failure.
func (w *Worker) classify(ctx context.Context, err error) result {
	code := messagingCode(err)
	resp := errorutils.HTTPResponse(err)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	switch {
	case messaging.IsUnregistered(err):
		return result{verdict: dropToken, reason: "UNREGISTERED", prune: pruneUnregistered}
	case messaging.IsInvalidArgument(err) && invalidToken(err, resp):
		return result{verdict: dropToken, reason: "INVALID_ARGUMENT: invalid registration token", prune: pruneInvalid}
	case messaging.IsUnavailable(err), messaging.IsInternal(err), messaging.IsQuotaExceeded(err),
		status == http.StatusTooManyRequests, status == http.StatusInternalServerError, status == http.StatusServiceUnavailable:
		return result{verdict: retry, reason: cmp.Or(code, http.StatusText(status)), retryAfter: retryAfter(resp, w.clock.Now())}
	case resp == nil && ctx.Err() != nil:
		return result{verdict: interrupted, reason: "interrupted"}
	case resp == nil:
		// No answer at all: the network, or our own send timeout.
		return result{verdict: retry, reason: truncate(err.Error(), 200)}
	}
	return result{verdict: fail, reason: cmp.Or(code, http.StatusText(status)) + ": " + truncate(err.Error(), 200)}
}

// outcome is what one attempt at notification p achieved.
func (w *Worker) outcome(p models.Push, t *tally) models.PushOutcome {
	o := models.PushOutcome{Attempts: p.Attempts + 1, Delivered: t.delivered}
	reached := len(p.Delivered) + len(t.delivered)
	switch {
	case t.muted:
		o.State, o.Attempts = models.PushMuted, p.Attempts
	case t.interrupted || len(t.retry) > 0:
		if t.interrupted && len(t.retry) == 0 {
			// Stopped before FCM answered: free it for the next claim.
			o.State, o.Attempts, o.NextAttemptAt = models.PushPending, p.Attempts, w.clock.Now()
			return o
		}
		o.Error = "attempt " + strconv.Itoa(o.Attempts) + ": " + strings.Join(t.retry, "; ")
		if o.Attempts >= w.cfg.MaxAttempts {
			o.State = models.PushFailed
			o.Error = fmt.Sprintf("gave up after %d attempts; last: %s", o.Attempts, strings.Join(t.retry, "; "))
			w.m.Failed.Add(float64(len(t.retry)))
			break
		}
		o.State, o.NextAttemptAt = models.PushPending, w.clock.Now().Add(w.backoff(o.Attempts, t.retryAfter))
		w.m.Retried.Add(float64(len(t.retry)))
	case reached > 0:
		o.State = models.PushSent
		o.Error = strings.Join(append(t.dropped, t.failed...), "; ")
	case len(t.failed) > 0:
		o.State, o.Error = models.PushFailed, strings.Join(append(t.failed, t.dropped...), "; ")
	case len(t.dropped) > 0:
		o.State, o.Error = models.PushNoDevice, "every device token was refused: "+strings.Join(t.dropped, "; ")
	default:
		o.State, o.Attempts = models.PushNoDevice, p.Attempts
	}
	return o
}

// backoff is the delay before attempt+1: exponential with equal jitter,
// and never shorter than FCM's Retry-After.
func (w *Worker) backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := w.cfg.BackoffBase
	for i := 1; i < attempt && d < w.cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, w.cfg.BackoffMax)
	d = d/2 + rand.N(d/2+1)
	if retryAfter > 0 {
		// Waited out in full, plus a little so instances do not return
		// all at once.
		d = max(d, retryAfter+rand.N(retryAfter/10+1))
	}
	return d
}

// abandon frees a claim the worker could not work on.
func (w *Worker) abandon(ctx context.Context, owner string, batch []models.Push, cause error) error {
	errs := []error{cause}
	for _, p := range batch {
		o := models.PushOutcome{State: models.PushPending, Attempts: p.Attempts, NextAttemptAt: w.clock.Now().Add(w.cfg.PollInterval)}
		if err := w.cfg.Store.FinishPush(ctx, owner, p.ID, o); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// messagingCode is FCM's errorCode of err, if any.
func messagingCode(err error) string {
	for _, c := range []struct {
		is   func(error) bool
		code string
	}{
		{messaging.IsUnavailable, "UNAVAILABLE"}, {messaging.IsInternal, "INTERNAL"},
		{messaging.IsQuotaExceeded, "QUOTA_EXCEEDED"}, {messaging.IsInvalidArgument, "INVALID_ARGUMENT"},
		{messaging.IsSenderIDMismatch, "SENDER_ID_MISMATCH"}, {messaging.IsThirdPartyAuthError, "THIRD_PARTY_AUTH_ERROR"},
		{messaging.IsUnregistered, "UNREGISTERED"},
	} {
		if c.is(err) {
			return c.code
		}
	}
	return ""
}

// invalidToken tells an INVALID_ARGUMENT about the registration token
// (remove it) from one about the message (a bug of ours: keep the token).
func invalidToken(err error, resp *http.Response) bool {
	if strings.Contains(strings.ToLower(err.Error()), "registration token") {
		return true
	}
	if resp == nil || resp.Body == nil {
		return false
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return strings.Contains(string(body), `"message.token"`)
}

// retryAfter reads a Retry-After header (seconds or an HTTP date).
func retryAfter(resp *http.Response, now time.Time) time.Duration {
	if resp == nil {
		return 0
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
