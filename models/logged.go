package models

import (
	"fmt"
	"time"
)

// Logged is a kind of record a student logs and an instructor (or an
// admin) then confirms or rejects, once: a live procedure, a day's
// practicum hours. The engines and the workflow keep one mechanism for
// every kind — stored once under a client-chosen id, decided once with a
// version guard — over these methods of *T; each kind adds its own
// fields, checks, review and totals.
type Logged[T any] interface {
	*T
	// Log points at the fields every logged record has.
	Log() LogFields
	// SameEntry reports whether the record and q record the same logging,
	// so a retried upload with the same id is recognised as a retry.
	SameEntry(q T) bool
	// Decide returns the record decided by reviewer at now with text (a
	// procedure's reason, hours' comment), one version on; deciding one
	// that is not pending is a conflict.
	Decide(reviewer User, status ProcedureStatus, text string, now time.Time) (T, error)
}

// LogFields are the fields every logged record has, as pointers into one
// record, and the words its kind is named with.
type LogFields struct {
	Kind                     LogKind
	ID, ProgramID, StudentID *string
	Status                   *ProcedureStatus
	Version                  *int64
	CreatedAt, UpdatedAt     *time.Time
	// Review is the record's review (a *ProcedureReview, a
	// *PracticumReview), nil while pending; SetReview replaces it with a
	// copy of one of the same type, and ReviewedAt points at its time
	// (nil while there is none).
	Review     any
	SetReview  func(review any)
	ReviewedAt *time.Time
}

// LogKind names a kind of logged record in messages: Noun "procedure",
// It "it" (or "they", with Is "are" and Was "were"), Other "another
// procedure", Logging "log procedure".
type LogKind struct {
	Noun, It, Is, Was, Other, Logging string
}

// NotAt is the failed precondition of deciding a record read at another
// version than the client's (If-Match).
func (k LogKind) NotAt(id string, now, want int64) error {
	return fmt.Errorf("%s %s %s at version %d, not %d: %w", k.Noun, id, k.Is, now, want, ErrPreconditionFailed)
}

// IDTaken is the conflict of logging under an id another record of the
// kind (or another program) holds.
func (k LogKind) IDTaken(id string) error {
	return fmt.Errorf("%s %s: %w: this id is already used by %s", k.Logging, id, ErrConflict, k.Other)
}

// Decided is the conflict of deciding a record that was already decided.
func (k LogKind) Decided(id string, status ProcedureStatus) error {
	return fmt.Errorf("review %s %s: %w: %s %s already %s", k.Noun, id, ErrConflict, k.It, k.Was, status)
}

// Changed is the conflict of deciding a record at a version it has left.
func (k LogKind) Changed(id string, version, now int64) error {
	return fmt.Errorf("review %s %s at version %d: %w: %s changed meanwhile (now version %d)", k.Noun, id, version, ErrConflict, k.It, now)
}

// decide returns p with status and review (by the reviewer at now), one
// version on. Only a pending record is decided, once: deciding another is
// a conflict.
func decide[T any, P Logged[T]](p T, status ProcedureStatus, review any, now time.Time) (T, error) {
	f := P(&p).Log()
	if *f.Status != ProcedurePending {
		var zero T
		return zero, f.Kind.Decided(*f.ID, *f.Status)
	}
	*f.Status = status
	f.SetReview(review)
	*f.Version++
	*f.UpdatedAt = now
	return p, nil
}

// TakeReview returns stored with decided's decision (status, review,
// version, time of the change) and nothing else of it.
func TakeReview[T any, P Logged[T]](stored, decided T) T {
	f, d := P(&stored).Log(), P(&decided).Log()
	*f.Status, *f.Version, *f.UpdatedAt = *d.Status, *d.Version, *d.UpdatedAt
	f.SetReview(d.Review)
	return stored
}

// ProcedureKind names procedures in messages.
var ProcedureKind = LogKind{Noun: "procedure", It: "it", Is: "is", Was: "was", Other: "another procedure", Logging: "log procedure"}

// Log points at p's common fields.
func (p *Procedure) Log() LogFields {
	f := LogFields{Kind: ProcedureKind, ID: &p.ID, ProgramID: &p.ProgramID, StudentID: &p.StudentID, Status: &p.Status,
		Version: &p.Version, CreatedAt: &p.CreatedAt, UpdatedAt: &p.UpdatedAt}
	return withReview(f, &p.Review, func(r *ProcedureReview) *time.Time { return &r.ReviewedAt })
}

// PracticumKind names practicum entries in messages.
var PracticumKind = LogKind{Noun: "practicum hours", It: "they", Is: "are", Was: "were", Other: "other hours", Logging: "log practicum hours"}

// Log points at p's common fields.
func (p *PracticumEntry) Log() LogFields {
	f := LogFields{Kind: PracticumKind, ID: &p.ID, ProgramID: &p.ProgramID, StudentID: &p.StudentID, Status: &p.Status,
		Version: &p.Version, CreatedAt: &p.CreatedAt, UpdatedAt: &p.UpdatedAt}
	return withReview(f, &p.Review, func(r *PracticumReview) *time.Time { return &r.ReviewedAt })
}

// withReview is f with the review a record keeps at *review, whose time
// at reviews.
func withReview[R any](f LogFields, review **R, at func(*R) *time.Time) LogFields {
	f.Review = *review
	f.SetReview = func(r any) {
		c := *r.(*R)
		*review = &c
	}
	if *review != nil {
		f.ReviewedAt = at(*review)
	}
	return f
}
