package apitest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"skillbook/clock"
	"skillbook/models"

	"github.com/google/uuid"
)

// Tokens is a fake handlers.TokenVerifier: it knows the sign-ins and tokens
// it issued and answers as the real verifier does, with the identity of a
// good token and models.ErrUnauthenticated otherwise. Revocation and
// disabling take effect at once. Its methods are safe for concurrent use.
type Tokens struct {
	mu     sync.Mutex
	seq    int
	tokens map[string]issued // by token
	users  map[string]*account
	// clock stamps sign-ups and revocations (AccountStatus); nil is the
	// system clock.
	clock clock.Clock
}

type issued struct {
	uid string
	seq int
}

type account struct {
	id models.Identity
	// validFrom is the first token sequence number Verify accepts;
	// freshFrom the first VerifyFresh accepts (see RevokeFresh).
	validFrom, freshFrom int
	disabled             bool
	// validAfter is when the account was made or its sessions last
	// revoked, as AccountStatus reports it.
	validAfter time.Time
}

// NewTokens returns a fake verifier with no sign-ins.
func NewTokens() *Tokens {
	return &Tokens{tokens: map[string]issued{}, users: map[string]*account{}}
}

// SignUp creates a sign-in for email with a new uid; verified says whether
// its email is verified (an invitation binds only to a verified email).
func (f *Tokens) SignUp(email string, verified bool) models.Identity {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := models.Identity{UID: "fake-" + strings.ReplaceAll(newID(), "-", ""), Email: email, EmailVerified: verified}
	f.users[id.UID] = &account{id: id, validAfter: f.now()}
	return id
}

// VerifyEmail marks uid's email verified; its tokens say so from now on.
func (f *Tokens) VerifyEmail(uid string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.account(uid).id.EmailVerified = true
}

// SignIn returns a new token for uid.
func (f *Tokens) SignIn(uid string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.account(uid)
	f.seq++
	token := fmt.Sprintf("fake-token-%d-%s", f.seq, uid)
	f.tokens[token] = issued{uid: uid, seq: f.seq}
	return token
}

// Revoke refuses every token issued to uid so far.
func (f *Tokens) Revoke(uid string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.account(uid)
	a.validFrom, a.freshFrom = f.seq+1, f.seq+1
	a.validAfter = f.now()
}

// RevokeFresh refuses uid's tokens so far to VerifyFresh only, as when
// the real verifier's Verify still answers from its cache.
func (f *Tokens) RevokeFresh(uid string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.account(uid).freshFrom = f.seq + 1
}

// Disable refuses every token of uid.
func (f *Tokens) Disable(uid string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.account(uid).disabled = true
}

// account returns uid's account; f.mu is held. An unknown uid is a bug in
// the test.
func (f *Tokens) account(uid string) *account {
	a, ok := f.users[uid]
	if !ok {
		panic("apitest: no fake sign-in " + uid)
	}
	return a
}

// now is the time of the fake's clock.
func (f *Tokens) now() time.Time {
	if f.clock == nil {
		return time.Now().UTC()
	}
	return f.clock.Now().UTC()
}

// AccountStatus implements workflow.Accounts as the real verifier does:
// an unknown uid is models.ErrNotFound.
func (f *Tokens) AccountStatus(ctx context.Context, uid string) (models.AccountStatus, error) {
	if err := ctx.Err(); err != nil {
		return models.AccountStatus{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.users[uid]
	if !ok {
		return models.AccountStatus{}, fmt.Errorf("account %s: %w", uid, models.ErrNotFound)
	}
	return models.AccountStatus{Disabled: a.disabled, SessionsValidAfter: a.validAfter}, nil
}

// Verify implements handlers.TokenVerifier.
func (f *Tokens) Verify(ctx context.Context, token string) (models.Identity, error) {
	return f.check(ctx, token, false)
}

// VerifyFresh implements handlers.TokenVerifier.
func (f *Tokens) VerifyFresh(ctx context.Context, token string) (models.Identity, error) {
	return f.check(ctx, token, true)
}

func (f *Tokens) check(ctx context.Context, token string, fresh bool) (models.Identity, error) {
	if err := ctx.Err(); err != nil {
		return models.Identity{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tokens[token]
	if !ok {
		return models.Identity{}, fmt.Errorf("%w: not a token the fake verifier issued", models.ErrUnauthenticated)
	}
	a := f.users[t.uid]
	from := a.validFrom
	if fresh {
		from = a.freshFrom
	}
	switch {
	case a.disabled:
		return models.Identity{}, fmt.Errorf("%w: account disabled", models.ErrUnauthenticated)
	case t.seq < from:
		return models.Identity{}, fmt.Errorf("%w: token revoked", models.ErrUnauthenticated)
	}
	return a.id, nil
}

// newID is a fresh random id for names and emails a test makes up.
func newID() string { return uuid.Must(uuid.NewV7()).String() }
