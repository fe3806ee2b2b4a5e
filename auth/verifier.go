// Package auth verifies Firebase ID tokens with the Admin SDK and turns them
// into the identity our handlers resolve against the user records we keep.
// Roles never come from the token: only who the caller is.
package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	firebase "firebase.google.com/go/v4"
	fbauth "firebase.google.com/go/v4/auth"
	"google.golang.org/api/option"

	"skillbook/models"
)

// revocationTTL is how long a user's revocation state is trusted before it
// is asked again. A revoked session can live this long on ordinary reads;
// sign-off always asks afresh (VerifyFresh).
const revocationTTL = time.Minute

// maxCachedUsers bounds the revocation cache; past it the cache starts over.
const maxCachedUsers = 50_000

// Verifier checks Firebase ID tokens.
type Verifier struct {
	client   *fbauth.Client
	emulator bool

	mu    sync.Mutex
	users map[string]revocation
	now   func() time.Time
}

type revocation struct {
	validAfterMillis int64
	disabled         bool
	fetched          time.Time
}

// Config says which Firebase project tokens must be issued for.
type Config struct {
	ProjectID string
	// CredentialsFile is a service-account JSON file; empty uses the
	// environment's default credentials (or none, against the emulator).
	CredentialsFile string
	// EmulatorHost is FIREBASE_AUTH_EMULATOR_HOST; the SDK reads the
	// variable itself, this only tells the verifier it is in that mode.
	EmulatorHost string
}

// NewVerifier returns a verifier for cfg.ProjectID.
func NewVerifier(ctx context.Context, cfg Config) (*Verifier, error) {
	var opts []option.ClientOption
	switch {
	case cfg.CredentialsFile != "":
		opts = append(opts, option.WithCredentialsFile(cfg.CredentialsFile))
	case cfg.EmulatorHost != "" || strings.HasPrefix(cfg.ProjectID, "demo-"):
		// The emulator needs no credentials, and a demo- project exists
		// nowhere else.
		opts = append(opts, option.WithoutAuthentication())
	}
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: cfg.ProjectID}, opts...)
	if err != nil {
		return nil, fmt.Errorf("firebase app: %w", err)
	}
	client, err := app.Auth(ctx)
	if err != nil {
		return nil, fmt.Errorf("firebase auth: %w", err)
	}
	return &Verifier{
		client:   client,
		emulator: cfg.EmulatorHost != "",
		users:    make(map[string]revocation),
		now:      time.Now,
	}, nil
}

// Client is the underlying Admin SDK client, for administration tasks such
// as creating demo accounts.
func (v *Verifier) Client() *fbauth.Client { return v.client }

// Verify checks token's signature, project, expiry, and (from a cache of at
// most a minute) that it was not revoked and its user is not disabled.
func (v *Verifier) Verify(ctx context.Context, token string) (models.Identity, error) {
	t, err := v.client.VerifyIDToken(ctx, token)
	if err != nil {
		return models.Identity{}, classify(err)
	}
	if !v.emulator { // the SDK already checked revocation in emulator mode
		if err := v.checkRevoked(ctx, t); err != nil {
			return models.Identity{}, err
		}
	}
	return identity(t), nil
}

// VerifyFresh is Verify with the revocation check made now, for acts such
// as signing an evaluation.
func (v *Verifier) VerifyFresh(ctx context.Context, token string) (models.Identity, error) {
	t, err := v.client.VerifyIDTokenAndCheckRevoked(ctx, token)
	if err != nil {
		return models.Identity{}, classify(err)
	}
	return identity(t), nil
}

func (v *Verifier) checkRevoked(ctx context.Context, t *fbauth.Token) error {
	v.mu.Lock()
	r, ok := v.users[t.UID]
	v.mu.Unlock()
	if !ok || v.now().Sub(r.fetched) > revocationTTL {
		u, err := v.client.GetUser(ctx, t.UID)
		if err != nil {
			return classify(err)
		}
		r = revocation{validAfterMillis: u.TokensValidAfterMillis, disabled: u.Disabled, fetched: v.now()}
		v.mu.Lock()
		if len(v.users) >= maxCachedUsers {
			clear(v.users)
		}
		v.users[t.UID] = r
		v.mu.Unlock()
	}
	if r.disabled {
		return fmt.Errorf("%w: account disabled", models.ErrUnauthenticated)
	}
	if t.IssuedAt*1000 < r.validAfterMillis {
		return fmt.Errorf("%w: token revoked", models.ErrUnauthenticated)
	}
	return nil
}

func identity(t *fbauth.Token) models.Identity {
	id := models.Identity{UID: t.UID}
	if email, ok := t.Claims["email"].(string); ok {
		id.Email = email
	}
	if verified, ok := t.Claims["email_verified"].(bool); ok {
		id.EmailVerified = verified
	}
	return id
}

// classify separates a bad token (401) from an auth service we could not
// reach (503): signing a student out because Google was slow would be wrong.
func classify(err error) error {
	switch {
	case fbauth.IsIDTokenExpired(err):
		return fmt.Errorf("%w: token expired", models.ErrUnauthenticated)
	case fbauth.IsIDTokenRevoked(err):
		return fmt.Errorf("%w: token revoked", models.ErrUnauthenticated)
	case fbauth.IsUserDisabled(err):
		return fmt.Errorf("%w: account disabled", models.ErrUnauthenticated)
	case fbauth.IsUserNotFound(err):
		return fmt.Errorf("%w: account no longer exists", models.ErrUnauthenticated)
	case fbauth.IsIDTokenInvalid(err), fbauth.IsTenantIDMismatch(err):
		return fmt.Errorf("%w: %s", models.ErrUnauthenticated, reason(err))
	case fbauth.IsCertificateFetchFailed(err):
		return fmt.Errorf("verify token: %w: %v", models.ErrUnavailable, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	return fmt.Errorf("verify token: %w: %v", models.ErrUnavailable, err)
}

// reason shortens the SDK's message to the part a client can act on.
func reason(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ";"); i > 0 {
		msg = msg[:i]
	}
	return msg
}

// AccountStatus asks the identity provider, now, about uid's account, for
// the use of a signing PIN: models.ErrNotFound when it no longer exists,
// models.ErrUnavailable when the provider cannot be reached.
func (v *Verifier) AccountStatus(ctx context.Context, uid string) (models.AccountStatus, error) {
	u, err := v.client.GetUser(ctx, uid)
	switch {
	case fbauth.IsUserNotFound(err):
		return models.AccountStatus{}, fmt.Errorf("account %s: %w", uid, models.ErrNotFound)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return models.AccountStatus{}, err
	case err != nil:
		return models.AccountStatus{}, fmt.Errorf("account %s: %w: %v", uid, models.ErrUnavailable, err)
	}
	return models.AccountStatus{Disabled: u.Disabled, SessionsValidAfter: time.UnixMilli(u.TokensValidAfterMillis).UTC()}, nil
}
