// Package authtest signs people up and in through the real Firebase Auth
// emulator's REST API, for tests that need genuine ID tokens. The emulator
// is started by the test command (firebase emulators:exec); a test that
// needs it fails, never skips, when it is missing.
package authtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// ProjectID is the emulator-only project the tests use.
const ProjectID = "demo-skillbook"

// Password is the password of every test account.
const Password = "test-password-1"

var client = &http.Client{Timeout: 10 * time.Second}

// Host returns the emulator's host:port, failing the test when the
// emulator is not running.
func Host(tb testing.TB) string {
	tb.Helper()
	h := os.Getenv("FIREBASE_AUTH_EMULATOR_HOST")
	if h == "" {
		tb.Fatal("FIREBASE_AUTH_EMULATOR_HOST is not set: run the tests with the README's test command (make test), which starts the Firebase Auth emulator")
	}
	return h
}

// Account is an emulator user and a current ID token for it.
type Account struct {
	UID   string
	Email string
	Token string
}

// SignUp creates an email/password account; verified says whether its
// email is marked verified (an invitation binds only to a verified email).
// The returned token reflects that.
func SignUp(tb testing.TB, email string, verified bool) Account {
	tb.Helper()
	var out struct {
		LocalID string `json:"localId"`
		IDToken string `json:"idToken"`
	}
	call(tb, "/identitytoolkit.googleapis.com/v1/accounts:signUp?key=test", "",
		map[string]any{"email": email, "password": Password, "returnSecureToken": true}, &out)
	a := Account{UID: out.LocalID, Email: email, Token: out.IDToken}
	if verified {
		Verify(tb, a.UID)
		a.Token = SignIn(tb, email)
	}
	return a
}

// Verify marks the account's email verified; tokens issued after say so.
func Verify(tb testing.TB, uid string) {
	tb.Helper()
	call(tb, "/identitytoolkit.googleapis.com/v1/projects/"+ProjectID+"/accounts:update", "owner",
		map[string]any{"localId": uid, "emailVerified": true}, nil)
}

// SignIn returns a fresh ID token for an existing account.
func SignIn(tb testing.TB, email string) string {
	tb.Helper()
	var out struct {
		IDToken string `json:"idToken"`
	}
	call(tb, "/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=test", "",
		map[string]any{"email": email, "password": Password, "returnSecureToken": true}, &out)
	return out.IDToken
}

// Disable marks the account disabled in the emulator.
func Disable(tb testing.TB, uid string) {
	tb.Helper()
	call(tb, "/identitytoolkit.googleapis.com/v1/projects/"+ProjectID+"/accounts:update", "owner",
		map[string]any{"localId": uid, "disableUser": true}, nil)
}

// Revoke invalidates every token issued to uid before now. Firebase keeps
// revocation at one-second resolution, so it waits out the current second
// to make the revocation apply to tokens issued in it.
func Revoke(tb testing.TB, uid string) {
	tb.Helper()
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	call(tb, "/identitytoolkit.googleapis.com/v1/projects/"+ProjectID+"/accounts:update", "owner",
		map[string]any{"localId": uid, "validSince": fmt.Sprint(time.Now().Unix())}, nil)
}

// WithClaims returns token with its payload claims replaced by edit's
// result. The emulator's tokens are unsigned, and the Admin SDK in emulator
// mode checks claims, not signatures, so this makes expired or
// wrong-project tokens for tests.
func WithClaims(tb testing.TB, token string, edit func(map[string]any)) string {
	tb.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		tb.Fatalf("WithClaims: token has %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		tb.Fatalf("WithClaims: %v", err)
	}
	claims := map[string]any{}
	if err := json.Unmarshal(raw, &claims); err != nil {
		tb.Fatalf("WithClaims: %v", err)
	}
	edit(claims)
	raw, err = json.Marshal(claims)
	if err != nil {
		tb.Fatalf("WithClaims: %v", err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(raw)
	return strings.Join(parts, ".")
}

func call(tb testing.TB, path, bearer string, body any, out any) {
	tb.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+Host(tb)+path, bytes.NewReader(b))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := client.Do(req)
	if err != nil {
		tb.Fatalf("auth emulator %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("auth emulator %s: %s: %s", path, resp.Status, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			tb.Fatalf("auth emulator %s: decode: %v", path, err)
		}
	}
}
