// Package apitest runs the real API against a fresh database for HTTP
// scenario tests. New verifies tokens with a fake that knows the users it
// made (no emulator, no network); NewE2E uses the real Firebase Auth
// emulator, for the end-to-end suite.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillbook/auth"
	"skillbook/auth/authtest"
	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/handlers"
	"skillbook/models"
	"skillbook/signing"
	"skillbook/store/storetest"
	"skillbook/workflow"
)

// Env is one API on its own database.
type Env struct {
	App   *fiber.App
	Store storetest.Store
	// Verifier checks the API's tokens: a *Tokens (New) or the emulator's
	// *auth.Verifier (NewE2E).
	Verifier handlers.TokenVerifier
	// Key signs the API's records; its public key is the one published.
	Key *signing.LocalKey

	// contract, once CheckResponses is called, checks every response
	// against the API's document.
	contract *Contract
}

// CheckResponses has every later request of e fail the test when its
// response is not what /openapi.json documents for it (see Contract).
func (e *Env) CheckResponses(tb testing.TB) {
	tb.Helper()
	e.contract = NewContract(tb, e)
}

// New starts an API on a fresh database whose tokens are checked by a
// fake verifier (see Tokens). Extra settings can be changed by the
// optional configure function before the app is built.
func New(tb testing.TB, configure ...func(*handlers.Deps)) *Env {
	tb.Helper()
	return NewWithClock(tb, clock.System{}, configure...)
}

// NewWithClock is New with the store, the use cases and the API on clk,
// for tests that move time instead of waiting for it.
func NewWithClock(tb testing.TB, clk clock.Clock, configure ...func(*handlers.Deps)) *Env {
	tb.Helper()
	return start(tb, NewTokens(), clk, configure)
}

// NewE2E is New with the real verifier against the Firebase Auth emulator
// (FIREBASE_AUTH_EMULATOR_HOST): users sign up there and carry genuine ID
// tokens. The end-to-end tests use it; every response they get is checked
// against the API's document (CheckResponses).
func NewE2E(tb testing.TB, configure ...func(*handlers.Deps)) *Env {
	tb.Helper()
	v, err := auth.NewVerifier(context.Background(), auth.Config{ProjectID: authtest.ProjectID, EmulatorHost: authtest.Host(tb)})
	if err != nil {
		tb.Fatalf("verifier: %v", err)
	}
	env := start(tb, v, clock.System{}, configure)
	env.CheckResponses(tb)
	return env
}

func start(tb testing.TB, v handlers.TokenVerifier, clk clock.Clock, configure []func(*handlers.Deps)) *Env {
	tb.Helper()
	st := storetest.Engine(tb, clk)
	// Like serve, start with the shipped checklist library in the store,
	// with the superseded versions older records name.
	lib, err := checklists.Versions()
	if err != nil {
		tb.Fatalf("load checklist library: %v", err)
	}
	if _, err := st.UpsertLibrary(context.Background(), lib); err != nil {
		tb.Fatalf("upsert checklist library: %v", err)
	}
	// PIN sign-off asks the verifier about instructors' accounts, as
	// serve wires it.
	if fake, ok := v.(*Tokens); ok {
		fake.clock = clk
	}
	var opts []workflow.Option
	if accounts, ok := v.(workflow.Accounts); ok {
		opts = append(opts, workflow.WithAccounts(accounts))
	}
	key := signing.Ephemeral()
	deps := handlers.Deps{
		Store:          st,
		Workflow:       workflow.New(st, clk, workflow.Signing{Key: key, Keys: key.KeySet()}, opts...),
		Keys:           key.KeySet(),
		Clock:          clk,
		Tokens:         v,
		Logger:         testLogger(),
		RequestTimeout: 30 * time.Second,
	}
	for _, c := range configure {
		c(&deps)
	}
	return &Env{App: handlers.New(deps), Store: st, Verifier: v, Key: key}
}

// Tokens returns the fake verifier of an Env made by New, nil for NewE2E.
func (e *Env) Tokens() *Tokens {
	t, _ := e.Verifier.(*Tokens)
	return t
}

// Program creates a program.
func (e *Env) Program(tb testing.TB) models.Program {
	tb.Helper()
	p, err := e.Store.CreateProgram(context.Background(), "Program "+newID()[24:])
	if err != nil {
		tb.Fatalf("create program: %v", err)
	}
	return p
}

// User is a stored user with a sign-in and its ID token.
type User struct {
	models.User
	Token string
	UID   string
}

// NewUser invites a user with role into program and gives them a sign-in
// with a verified email (a fake one, or an emulator account for NewE2E);
// the first request binds the two. Change fields of the invitation with
// edit.
func (e *Env) NewUser(tb testing.TB, programID string, role models.Role, edit ...func(*models.User)) User {
	tb.Helper()
	email := fmt.Sprintf("%s-%s@test.skillbook.test", role, strings.ReplaceAll(newID(), "-", "")[16:])
	u := models.User{ProgramID: programID, Email: email, Name: "Test " + string(role), Role: role}
	if role == models.RoleInstructor {
		u.Credential = "CMA (AAMA)"
	}
	for _, f := range edit {
		f(&u)
	}
	stored, err := e.Store.CreateUser(context.Background(), models.SystemActor, u)
	if err != nil {
		tb.Fatalf("create user: %v", err)
	}
	if fake := e.Tokens(); fake != nil {
		id := fake.SignUp(stored.Email, true)
		return User{User: stored, Token: fake.SignIn(id.UID), UID: id.UID}
	}
	acct := authtest.SignUp(tb, email, true)
	return User{User: stored, Token: acct.Token, UID: acct.UID}
}

// Revoke invalidates every token issued to u so far, in the fake or the
// emulator.
func (e *Env) Revoke(tb testing.TB, u User) {
	tb.Helper()
	if fake := e.Tokens(); fake != nil {
		fake.Revoke(u.UID)
		return
	}
	authtest.Revoke(tb, u.UID)
}

// Disable disables u's sign-in, in the fake or the emulator.
func (e *Env) Disable(tb testing.TB, u User) {
	tb.Helper()
	if fake := e.Tokens(); fake != nil {
		fake.Disable(u.UID)
		return
	}
	authtest.Disable(tb, u.UID)
}

// Response is what the API answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Request describes one call; zero fields are left out.
type Request struct {
	Method string
	Path   string
	Token  string
	// Body is sent as JSON unless it is a string or []byte, sent as is.
	Body        any
	ContentType string
	Header      map[string]string
}

// Do sends r to the API.
func (e *Env) Do(tb testing.TB, r Request) Response {
	tb.Helper()
	var body io.Reader
	contentType := r.ContentType
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			tb.Fatalf("encode body: %v", err)
		}
		body = bytes.NewReader(data)
		if contentType == "" {
			contentType = "application/json"
		}
	}
	req := httptest.NewRequest(r.Method, r.Path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	resp, err := e.App.Test(req, -1)
	if err != nil {
		tb.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", r.Method, r.Path, err)
	}
	out := Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
	if e.contract != nil {
		e.contract.Check(tb, r.Method, r.Path, out)
	}
	return out
}

// Get is Do for a GET.
func (e *Env) Get(tb testing.TB, path, token string) Response {
	tb.Helper()
	return e.Do(tb, Request{Method: http.MethodGet, Path: path, Token: token})
}

// Post is Do for a POST with a JSON body.
func (e *Env) Post(tb testing.TB, path, token string, body any) Response {
	tb.Helper()
	return e.Do(tb, Request{Method: http.MethodPost, Path: path, Token: token, Body: body})
}

// JSON decodes the body into v, failing the test if it is not JSON.
func (r Response) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Problem is the part of an RFC 9457 body tests look at.
type Problem struct {
	Type     string                `json:"type"`
	Title    string                `json:"title"`
	Status   int                   `json:"status"`
	Detail   string                `json:"detail"`
	Instance string                `json:"instance"`
	Errors   []models.FieldProblem `json:"errors"`
}

// WantProblem fails the test unless r is a problem+json body with status
// and a type ending in "/"+typeSlug.
func (r Response) WantProblem(tb testing.TB, status int, typeSlug string) Problem {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("status = %d; want %d (body %s)", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		tb.Fatalf("Content-Type = %q; want application/problem+json (body %s)", ct, r.Body)
	}
	var p Problem
	r.JSON(tb, &p)
	if !strings.HasSuffix(p.Type, "/"+typeSlug) {
		tb.Fatalf("problem type = %q; want …/%s (body %s)", p.Type, typeSlug, r.Body)
	}
	if p.Status != status {
		tb.Fatalf("problem status = %d; want %d", p.Status, status)
	}
	return p
}

// WantStatus fails the test unless r has status.
func (r Response) WantStatus(tb testing.TB, status int) Response {
	tb.Helper()
	if r.Status != status {
		tb.Fatalf("status = %d; want %d (body %s)", r.Status, status, r.Body)
	}
	return r
}

// testLogger discards logs unless SKILLBOOK_TEST_LOG is set, when warnings
// and errors (with the real error behind a 500) go to stderr.
func testLogger() *slog.Logger {
	if os.Getenv("SKILLBOOK_TEST_LOG") == "" {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
