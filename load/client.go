package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// CheckLoopback refuses any address that is not this machine: the load tool
// only ever drives a local server (and the local auth emulator).
func CheckLoopback(ctx context.Context, hostport string) error {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return fmt.Errorf("%s is not a loopback address: the load tool only targets this machine", hostport)
		}
		return nil
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil || len(ips) == 0 {
		return fmt.Errorf("%s does not resolve: %v", host, err)
	}
	for _, ip := range ips {
		if !ip.IP.IsLoopback() {
			return fmt.Errorf("%s resolves to %s, not a loopback address: the load tool only targets this machine", host, ip.IP)
		}
	}
	return nil
}

// client calls the API as one signed-in user and records every call.
type client struct {
	base  string
	http  *http.Client
	rec   *recorder
	token *token
}

// token is an ID token from the auth emulator, renewed before it expires.
type token struct {
	mu       sync.Mutex
	emulator string
	email    string
	password string
	value    string
	at       time.Time
}

// tokenLife is how long an emulator ID token is used: they last an hour.
const tokenLife = 50 * time.Minute

func (t *token) get(ctx context.Context, hc *http.Client) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.value != "" && time.Since(t.at) < tokenLife {
		return t.value, nil
	}
	v, err := SignIn(ctx, hc, t.emulator, t.email, t.password)
	if err != nil {
		return "", err
	}
	t.value, t.at = v, time.Now()
	return v, nil
}

// SignIn returns an ID token for email from the auth emulator at host.
func SignIn(ctx context.Context, hc *http.Client, host, email, password string) (string, error) {
	body, _ := json.Marshal(map[string]any{"email": email, "password": password, "returnSecureToken": true})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		"http://"+host+"/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=skillbook-load", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign in %s: %w", email, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var out struct {
		IDToken string `json:"idToken"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &out) != nil || out.IDToken == "" {
		return "", fmt.Errorf("sign in %s: %s: %.200s", email, resp.Status, data)
	}
	return out.IDToken, nil
}

// response is an API answer.
type response struct {
	status int
	body   []byte
}

// errNoAnswer is a request that got no HTTP answer (refused, reset,
// timed out).
var errNoAnswer = errors.New("no answer")

// call sends one request, records it under route, and decodes a 2xx JSON
// body into out when out is not nil. It returns the answer; a request with
// no answer is errNoAnswer. A context cancelled by the end of the run is
// not recorded.
func (c *client) call(ctx context.Context, route, method, path string, body any, header map[string]string, out any) (response, error) {
	tok, err := c.token.get(ctx, c.http)
	if err != nil {
		return response{}, err
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return response{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return response{}, ctx.Err()
		}
		c.rec.record(route, time.Since(start), 0)
		return response{}, fmt.Errorf("%s %s: %w: %v", method, path, errNoAnswer, err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return response{}, ctx.Err()
		}
		c.rec.record(route, elapsed, 0)
		return response{}, fmt.Errorf("%s %s: %w: %v", method, path, errNoAnswer, err)
	}
	c.rec.record(route, elapsed, resp.StatusCode)
	r := response{status: resp.StatusCode, body: data}
	if out != nil && r.status >= 200 && r.status < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return r, fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return r, nil
}

// escape is a path segment.
func escape(s string) string { return url.PathEscape(s) }
