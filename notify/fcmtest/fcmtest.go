// Package fcmtest is a local stand-in for the FCM HTTP v1 API
// (POST /v1/projects/{project}/messages:send) for tests: the Admin SDK's
// real messaging client is pointed at it with option.WithEndpoint. It
// records every message it accepts and can fail on purpose, the way FCM
// does: 503 UNAVAILABLE, 500 INTERNAL, 429 QUOTA_EXCEEDED with
// Retry-After, 404 UNREGISTERED, 400 INVALID_ARGUMENT, for the next N
// calls or for one token.
package fcmtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/messaging"
	"google.golang.org/api/option"

	"skillbook/clock"
)

// ProjectID is the project the test server answers for.
const ProjectID = "demo-skillbook"

// Message is one message the server accepted.
type Message struct {
	Token string
	Title string
	Body  string
	Data  map[string]string
	// APNSHeaders are the message's apns.headers.
	APNSHeaders map[string]string
	At          time.Time
}

// Call is one request the server answered, accepted or not.
type Call struct {
	Token  string
	Status int
	At     time.Time
}

// Failure is an error answer in FCM's format.
type Failure struct {
	// HTTP is the status code, Status the google.rpc status name and Code
	// the FcmError errorCode.
	HTTP    int
	Status  string
	Code    string
	Message string
	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter string
	// Token marks an invalid-token INVALID_ARGUMENT (a field violation
	// on message.token).
	Token bool
}

// The failures FCM answers with.
var (
	Unavailable = Failure{HTTP: http.StatusServiceUnavailable, Status: "UNAVAILABLE", Code: "UNAVAILABLE", Message: "The service is currently unavailable."}
	Internal    = Failure{HTTP: http.StatusInternalServerError, Status: "INTERNAL", Code: "INTERNAL", Message: "Internal error encountered."}
	// Unregistered: the app was uninstalled or the token expired.
	Unregistered = Failure{HTTP: http.StatusNotFound, Status: "NOT_FOUND", Code: "UNREGISTERED", Message: "Requested entity was not found."}
	// InvalidToken: the token is not a registration token at all.
	InvalidToken = Failure{HTTP: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Code: "INVALID_ARGUMENT",
		Message: "The registration token is not a valid FCM registration token", Token: true}
	// InvalidMessage: the message itself is wrong (not the token's fault).
	InvalidMessage = Failure{HTTP: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Code: "INVALID_ARGUMENT",
		Message: "Message payload too big"}
)

// QuotaExceeded is a 429 asking the sender to wait retryAfter (seconds, or
// an HTTP date) before sending again.
func QuotaExceeded(retryAfter string) Failure {
	return Failure{HTTP: http.StatusTooManyRequests, Status: "RESOURCE_EXHAUSTED", Code: "QUOTA_EXCEEDED",
		Message: "Quota exceeded for quota metric 'Send requests'.", RetryAfter: retryAfter}
}

// Server is a running test server.
type Server struct {
	srv   *httptest.Server
	clock clock.Clock

	mu       sync.Mutex
	messages []Message
	calls    []Call
	next     []Failure
	tokens   map[string]Failure
	held     map[string]chan struct{}
	answered int
	read     int // answers the client has read in full
	arrived  chan struct{}
}

// New starts a server, closed when the test ends; it dates messages and
// calls by the system clock.
func New(tb testing.TB) *Server {
	tb.Helper()
	return NewWithClock(tb, clock.System{})
}

// NewWithClock is New dating messages and calls by clk, the clock of the
// worker under test.
func NewWithClock(tb testing.TB, clk clock.Clock) *Server {
	tb.Helper()
	s := &Server{clock: clk, tokens: map[string]Failure{}, held: map[string]chan struct{}{}, arrived: make(chan struct{}, 1)}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(func() {
		s.mu.Lock()
		for tok, ch := range s.held {
			close(ch)
			delete(s.held, tok)
		}
		s.mu.Unlock()
		s.srv.Close()
	})
	return s
}

// Endpoint is the base URL to give option.WithEndpoint (the SDK appends
// /projects/{project}/messages:send).
func (s *Server) Endpoint() string { return s.srv.URL + "/v1" }

// Client returns the Admin SDK's real messaging client, pointed at s with
// no credentials. Its transport tells s when it has read an answer (see
// WaitRead).
func (s *Server) Client(tb testing.TB) *messaging.Client {
	tb.Helper()
	ctx := context.Background()
	hc := &http.Client{Transport: readCounter{base: http.DefaultTransport, s: s}}
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: ProjectID},
		option.WithEndpoint(s.Endpoint()), option.WithHTTPClient(hc))
	if err != nil {
		tb.Fatalf("firebase app: %v", err)
	}
	c, err := app.Messaging(ctx)
	if err != nil {
		tb.Fatalf("messaging client: %v", err)
	}
	return c
}

// FailNext answers the next n calls with f.
func (s *Server) FailNext(n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.next = append(s.next, f)
	}
}

// FailToken answers every call for token with f until Clear.
func (s *Server) FailToken(token string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = f
}

// Clear stops failing calls for token.
func (s *Server) Clear(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

// Hold makes calls for token hang after the message is accepted (and
// recorded, as FCM would have delivered it) until release is called or
// the caller gives up: the answer is lost, as when a sender dies with the
// send in flight.
func (s *Server) Hold(token string) (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.held[token] = ch
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.held[token] == ch {
				delete(s.held, token)
				close(ch)
			}
		})
	}
}

// Messages returns every accepted message, in arrival order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// MessagesTo returns the accepted messages for token.
func (s *Server) MessagesTo(token string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		if m.Token == token {
			out = append(out, m)
		}
	}
	return out
}

// Calls returns every request answered, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// WaitMessages waits until at least n messages were accepted, failing the
// test after timeout, and returns them.
func (s *Server) WaitMessages(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	return s.wait(tb, timeout, fmt.Sprintf("%d accepted messages", n), func() bool { return len(s.messages) >= n }, s.Messages)
}

// WaitFor waits until cond (called with the accepted messages) holds.
func (s *Server) WaitFor(tb testing.TB, timeout time.Duration, what string, cond func([]Message) bool) []Message {
	tb.Helper()
	return s.wait(tb, timeout, what, func() bool { return cond(s.messages) }, s.Messages)
}

func (s *Server) wait(tb testing.TB, timeout time.Duration, what string, cond func() bool, result func() []Message) []Message {
	tb.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		ok := cond()
		s.mu.Unlock()
		if ok {
			return result()
		}
		select {
		case <-s.arrived:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			tb.Fatalf("fcmtest: no %s within %s; got %d messages, %d calls", what, timeout, len(s.Messages()), len(s.Calls()))
			return nil
		}
	}
}

// wire is the part of a v1 send request the server reads.
type wire struct {
	Message struct {
		Token        string            `json:"token"`
		Data         map[string]string `json:"data"`
		Notification *struct {
			Title string `json:"title"`
			Body  string `json:"body"`
		} `json:"notification"`
		APNS *struct {
			Headers map[string]string `json:"headers"`
		} `json:"apns"`
	} `json:"message"`
	ValidateOnly bool `json:"validate_only"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	project, ok := strings.CutPrefix(r.URL.Path, "/v1/projects/")
	project, ok2 := strings.CutSuffix(project, "/messages:send")
	if !ok || !ok2 || r.Method != http.MethodPost || project == "" {
		writeError(w, Failure{HTTP: http.StatusNotFound, Status: "NOT_FOUND", Message: "no such method: " + r.Method + " " + r.URL.Path})
		return
	}
	var req wire
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Message.Token == "" {
		writeError(w, Failure{HTTP: http.StatusBadRequest, Status: "INVALID_ARGUMENT", Code: "INVALID_ARGUMENT", Message: "invalid JSON payload or no token"})
		return
	}
	tok := req.Message.Token
	now := s.clock.Now()

	s.mu.Lock()
	f, fail := s.tokens[tok]
	if !fail && len(s.next) > 0 {
		f, fail = s.next[0], true
		s.next = s.next[1:]
	}
	if fail {
		s.calls = append(s.calls, Call{Token: tok, Status: f.HTTP, At: now})
		s.mu.Unlock()
		s.signal()
		writeError(w, f)
		return
	}
	m := Message{Token: tok, Data: req.Message.Data, At: now}
	if n := req.Message.Notification; n != nil {
		m.Title, m.Body = n.Title, n.Body
	}
	if a := req.Message.APNS; a != nil {
		m.APNSHeaders = a.Headers
	}
	if !req.ValidateOnly {
		s.messages = append(s.messages, m)
	}
	s.calls = append(s.calls, Call{Token: tok, Status: http.StatusOK, At: now})
	hold := s.held[tok]
	id := len(s.calls)
	s.mu.Unlock()
	s.signal()

	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"name":"projects/%s/messages/%d"}`, project, id)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	s.mu.Lock()
	s.answered++
	s.mu.Unlock()
	s.signal()
}

// WaitAnswered waits until n accepted messages were answered (the answer
// written to the connection), failing the test after timeout.
func (s *Server) WaitAnswered(tb testing.TB, n int, timeout time.Duration) {
	tb.Helper()
	s.wait(tb, timeout, fmt.Sprintf("%d answered messages", n), func() bool { return s.answered >= n }, s.Messages)
}

// WaitRead waits until the client has read n answers in full, whatever
// their status, failing the test after timeout: from then on the SDK holds
// those outcomes, and stopping the sender no longer loses them.
func (s *Server) WaitRead(tb testing.TB, n int, timeout time.Duration) {
	tb.Helper()
	s.wait(tb, timeout, fmt.Sprintf("%d answers read by the client", n), func() bool { return s.read >= n }, s.Messages)
}

// readCounter is the client's transport: it counts the answers the client
// has read and closed.
type readCounter struct {
	base http.RoundTripper
	s    *Server
}

func (rc readCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rc.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &countedBody{ReadCloser: resp.Body, s: rc.s}
	return resp, nil
}

// countedBody counts itself read when the client closes it (the SDK reads
// every body to its end, then closes it).
type countedBody struct {
	io.ReadCloser
	s    *Server
	once sync.Once
}

func (b *countedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(func() {
		b.s.mu.Lock()
		b.s.read++
		b.s.mu.Unlock()
		b.s.signal()
	})
	return err
}

func (s *Server) signal() {
	select {
	case s.arrived <- struct{}{}:
	default:
	}
}

func writeError(w http.ResponseWriter, f Failure) {
	details := []map[string]any{}
	if f.Code != "" {
		details = append(details, map[string]any{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": f.Code})
	}
	if f.Token {
		details = append(details, map[string]any{"@type": "type.googleapis.com/google.rpc.BadRequest",
			"fieldViolations": []map[string]string{{"field": "message.token", "description": "Invalid registration token"}}})
	}
	body := map[string]any{"error": map[string]any{"code": f.HTTP, "message": f.Message, "status": f.Status, "details": details}}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	w.WriteHeader(f.HTTP)
	_ = json.NewEncoder(w).Encode(body)
}
