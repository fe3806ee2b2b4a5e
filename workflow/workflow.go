// Package workflow is what people do with Skillbook: log practice, request
// an evaluation, grade and sign it, amend it, import a roster, export the
// records. Each use case is one method with typed input and output; it
// checks the rules (with models), stamps time from one clock, and asks the
// store for exactly what it needs through small interfaces declared beside
// it. handlers translate HTTP into these calls; the store engines implement
// the interfaces.
package workflow

import (
	"skillbook/clock"
	"skillbook/models"
	"skillbook/signing"
)

// Store is everything the use cases ask of an engine: the union of the
// small interfaces each group of use cases declares beside itself.
type Store interface {
	evaluationStores
	peopleStores
	skillStores
	noticeStores
	exportStores
}

// Workflow groups the use cases; each group depends only on its own store
// interfaces, so its tests give it an in-memory fake of just those.
type Workflow struct {
	Evaluations *Evaluations
	People      *People
	Skills      *Skills
	Notices     *Notices
	Exports     *Exports
}

// Signing is the key records are signed with and the published keys they
// are checked against (package signing).
type Signing struct {
	Key  models.RecordSigner
	Keys models.SignatureVerifier
}

// Option changes how New builds the use cases.
type Option func(*Workflow)

// WithAccounts has PIN sign-off ask accounts about the instructor's
// sign-in account; without it PIN sign-off is unavailable (it fails
// closed rather than trust a PIN whose account may be disabled).
func WithAccounts(accounts Accounts) Option {
	return func(w *Workflow) { w.Evaluations.accounts = accounts }
}

// New returns the use cases over store, telling time by clk and signing
// records with sig.
func New(store Store, clk clock.Clock, sig Signing, opts ...Option) *Workflow {
	w := &Workflow{
		Evaluations: newEvaluations(store, clk, sig),
		People:      newPeople(store, clk),
		Skills:      newSkills(store, clk),
		Notices:     newNotices(store, clk, sig),
		Exports:     newExports(store, clk),
	}
	for _, o := range opts {
		o(w)
	}
	return w
}

// Caller is the signed-in user a use case acts for, with the id of the
// request that carries it, so every audit entry names both.
type Caller struct {
	models.User
	RequestID string
}

// Actor is the caller as the audit trail records it.
func (c Caller) Actor() models.Actor { return models.ActorOf(c.User, c.RequestID) }

// EphemeralSigning signs with a key generated for this process alone:
// for tests and benchmarks, whose records outlive nothing.
func EphemeralSigning() Signing {
	k := signing.Ephemeral()
	return Signing{Key: k, Keys: k.KeySet()}
}
