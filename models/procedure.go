package models

import (
	"slices"
	"strings"
	"time"
)

// ProcedureStatus is where a logged live procedure is.
type ProcedureStatus string

// A procedure is pending until an instructor who teaches the student
// confirms it (it then counts toward the program's targets) or rejects it.
const (
	ProcedurePending   ProcedureStatus = "pending"
	ProcedureConfirmed ProcedureStatus = "confirmed"
	ProcedureRejected  ProcedureStatus = "rejected"
)

// Valid reports whether s is a known status.
func (s ProcedureStatus) Valid() bool {
	return s == ProcedurePending || s == ProcedureConfirmed || s == ProcedureRejected
}

// Limits on a logged procedure's free text.
const (
	MaxProcedureSiteLen   = 200
	MaxProcedureNoteLen   = 1000
	MaxProcedureReasonLen = 1000
)

// EarliestProcedureDate is the earliest performedAt accepted.
const EarliestProcedureDate = "2000-01-01"

// Procedure is one live procedure (a venipuncture, a capillary stick) a
// student performed on a person, counted toward certification targets once
// an instructor confirms it. Confirming and rejecting are one
// version-guarded write each, allowed only while it is pending.
type Procedure struct {
	// ID may be chosen by the client (a UUIDv7 made when the procedure was
	// logged offline), so a retried upload stores it once.
	ID          string          `json:"id" bson:"_id"`
	ProgramID   string          `json:"programId" bson:"programId"`
	StudentID   string          `json:"studentId" bson:"studentId"`
	StudentName string          `json:"studentName" bson:"studentName"`
	Kind        string          `json:"kind" bson:"kind"`
	PerformedAt string          `json:"performedAt" bson:"performedAt"`
	Site        string          `json:"site,omitempty" bson:"site,omitempty"`
	Note        string          `json:"note,omitempty" bson:"note,omitempty"`
	Status      ProcedureStatus `json:"status" bson:"status"`
	// Review is set once an instructor confirmed or rejected it.
	Review    *ProcedureReview `json:"review,omitempty" bson:"review,omitempty"`
	Version   int64            `json:"version" bson:"version"`
	CreatedAt time.Time        `json:"createdAt" bson:"createdAt"`
	UpdatedAt time.Time        `json:"updatedAt" bson:"updatedAt"`

	// Successful says whether the stick (or other procedure) succeeded;
	// nil on procedures logged before it was recorded, which count as
	// successful (see Success).
	Successful *bool `json:"successful,omitempty" bson:"successful,omitempty" doc:"Whether the procedure succeeded (true for procedures logged before this was recorded); only successful confirmed ones count toward the targets."`
}

// Success reports whether p succeeded: a procedure logged before success
// was recorded did.
func (p *Procedure) Success() bool { return p.Successful == nil || *p.Successful }

// WithSuccess returns p with Successful set, true when it was not
// recorded, as clients are shown it.
func (p Procedure) WithSuccess() Procedure {
	ok := p.Success()
	p.Successful = &ok
	return p
}

// ProcedureReview is an instructor's decision on a logged procedure, with
// their name and credential as they were at the time.
type ProcedureReview struct {
	ReviewerID         string    `json:"reviewerId" bson:"reviewerId"`
	ReviewerName       string    `json:"reviewerName" bson:"reviewerName"`
	ReviewerCredential string    `json:"reviewerCredential,omitempty" bson:"reviewerCredential,omitempty"`
	ReviewedAt         time.Time `json:"reviewedAt" bson:"reviewedAt"`
	// Reason says why a procedure was rejected.
	Reason string `json:"reason,omitempty" bson:"reason,omitempty"`
}

// LatestDate is the latest calendar date anywhere on Earth at now
// (UTC+14): a date after it is in the future for every user.
func LatestDate(now time.Time) string {
	return now.UTC().Add(14 * time.Hour).Format(DateLayout)
}

// ValidateNew checks a procedure a student logs in a program with targets
// (the kinds it counts) at time now, and puts its site and note in NFC.
func (p *Procedure) ValidateNew(targets map[string]int, now time.Time) error {
	var v ValidationError
	v.ClientID("id", &p.ID, now)
	if _, ok := targets[p.Kind]; !ok {
		v.Add("kind", "must be one of the procedures the program counts: %s", strings.Join(ProcedureKinds(targets), ", "))
	}
	if d, err := time.Parse(DateLayout, p.PerformedAt); err != nil || d.Format(DateLayout) != p.PerformedAt {
		v.Add("performedAt", "must be a date such as 2026-03-14")
	} else if p.PerformedAt > LatestDate(now) {
		v.Add("performedAt", "must not be in the future")
	} else if p.PerformedAt < EarliestProcedureDate {
		v.Add("performedAt", "must be on or after %s", EarliestProcedureDate)
	}
	if len(p.Site) > MaxProcedureSiteLen {
		v.Add("site", "must be at most %d characters", MaxProcedureSiteLen)
	} else {
		v.Text("site", &p.Site, Line)
	}
	if len(p.Note) > MaxProcedureNoteLen {
		v.Add("note", "must be at most %d characters", MaxProcedureNoteLen)
	} else {
		v.Text("note", &p.Note, Lines)
	}
	return v.Err()
}

// SameEntry reports whether p and q record the same logged procedure, so a
// retried upload with the same id is recognised as a retry.
func (p *Procedure) SameEntry(q Procedure) bool {
	return p.StudentID == q.StudentID && p.Kind == q.Kind && p.PerformedAt == q.PerformedAt &&
		p.Site == q.Site && p.Note == q.Note && p.Success() == q.Success()
}

// ProcedureKinds lists the kinds of targets, sorted.
func ProcedureKinds(targets map[string]int) []string {
	kinds := make([]string, 0, len(targets))
	for k := range targets {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// ProcedureCount is how many procedures of one kind a student has logged,
// by status; Successful counts the confirmed ones that succeeded (what
// targets count).
type ProcedureCount struct {
	Confirmed int `json:"confirmed"`
	Pending   int `json:"pending"`
	Rejected  int `json:"rejected"`

	Successful int `json:"successful" doc:"Confirmed procedures that succeeded: what the target counts."`
}

// Add counts n procedures of status s that succeeded (ok) or not.
func (c *ProcedureCount) Add(s ProcedureStatus, ok bool, n int) {
	switch s {
	case ProcedureConfirmed:
		c.Confirmed += n
		if ok {
			c.Successful += n
		}
	case ProcedurePending:
		c.Pending += n
	case ProcedureRejected:
		c.Rejected += n
	}
}

// ProcedureFilter selects procedures.
type ProcedureFilter struct {
	// StudentIDs keeps these students' procedures; nil keeps every
	// student's, an empty non-nil slice none.
	StudentIDs []string
	// Status keeps one status; empty keeps all.
	Status ProcedureStatus
}

// Decide returns p confirmed (reason "") or rejected (with reason) by
// reviewer at now, one version on. Only a pending procedure is decided,
// once: deciding another is a conflict.
func (p Procedure) Decide(reviewer User, status ProcedureStatus, reason string, now time.Time) (Procedure, error) {
	return decide(p, status, &ProcedureReview{ReviewerID: reviewer.ID, ReviewerName: reviewer.Name,
		ReviewerCredential: reviewer.Credential, ReviewedAt: now, Reason: reason}, now)
}
