package models

import (
	"maps"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Limits on a practicum entry and on an evaluation's externship fields.
const (
	MaxPreceptorLen  = 200
	MaxCredentialLen = 100
	// MaxPracticumHours is the most one entry (one day at one site) may
	// log.
	MaxPracticumHours = 24
	// DefaultPracticumHours is the practicum a program requires unless it
	// sets its own: CAAHEP/MAERB Standard III.C asks for at least 160
	// contact hours.
	DefaultPracticumHours = 160
	// MaxPracticumRequirement bounds the requirement a program may set.
	MaxPracticumRequirement = 2000
)

// PracticumEntry is the hours a student spent on one day at one
// externship site under a preceptor. It counts toward the program's
// practicum requirement once an instructor (or admin) of the student's
// cohort records the preceptor's confirmation; confirming and rejecting
// are one version-guarded write each, allowed only while it is pending.
type PracticumEntry struct {
	// ID may be chosen by the client (a UUIDv7 made when the hours were
	// logged offline), so a retried upload stores them once.
	ID                  string          `json:"id" bson:"_id"`
	ProgramID           string          `json:"programId" bson:"programId"`
	StudentID           string          `json:"studentId" bson:"studentId"`
	StudentName         string          `json:"studentName" bson:"studentName"`
	Date                string          `json:"date" bson:"date"`
	Hours               float64         `json:"hours" bson:"hours"`
	Site                string          `json:"site" bson:"site"`
	Preceptor           string          `json:"preceptor" bson:"preceptor"`
	PreceptorCredential string          `json:"preceptorCredential,omitempty" bson:"preceptorCredential,omitempty"`
	Note                string          `json:"note,omitempty" bson:"note,omitempty"`
	Status              ProcedureStatus `json:"status" bson:"status"`
	// Review is set once it was confirmed or rejected.
	Review    *PracticumReview `json:"review,omitempty" bson:"review,omitempty"`
	Version   int64            `json:"version" bson:"version"`
	CreatedAt time.Time        `json:"createdAt" bson:"createdAt"`
	UpdatedAt time.Time        `json:"updatedAt" bson:"updatedAt"`
}

// PracticumReview records who entered the preceptor's decision on logged
// hours, with their name and credential as they were, and its comment
// (required for a rejection).
type PracticumReview struct {
	ReviewerID         string    `json:"reviewerId" bson:"reviewerId"`
	ReviewerName       string    `json:"reviewerName" bson:"reviewerName"`
	ReviewerCredential string    `json:"reviewerCredential,omitempty" bson:"reviewerCredential,omitempty"`
	ReviewedAt         time.Time `json:"reviewedAt" bson:"reviewedAt"`
	Comment            string    `json:"comment,omitempty" bson:"comment,omitempty"`
}

// ValidateNew checks hours a student logs at time now, and puts the text
// fields in NFC. Hours are counted in quarter hours, more than 0 and at
// most a day.
func (p *PracticumEntry) ValidateNew(now time.Time) error {
	var v ValidationError
	if p.ID != "" {
		if id, err := uuid.Parse(p.ID); err != nil || id.Version() != 7 || id.String() != p.ID {
			v.Add("body.id", "must be a lower-case UUIDv7 made by the client")
		} else if sec, _ := id.Time().UnixTime(); time.Unix(sec, 0).After(now.Add(24 * time.Hour)) {
			v.Add("body.id", "is a UUIDv7 dated in the future")
		}
	}
	if d, err := time.Parse(DateLayout, p.Date); err != nil || d.Format(DateLayout) != p.Date {
		v.Add("body.date", "must be a date such as 2026-03-14")
	} else if p.Date > LatestDate(now) {
		v.Add("body.date", "must not be in the future")
	} else if p.Date < EarliestProcedureDate {
		v.Add("body.date", "must be on or after %s", EarliestProcedureDate)
	}
	if !ValidHours(p.Hours) {
		v.Add("body.hours", "must be more than 0 and at most %d, in quarter hours (such as 7.5)", MaxPracticumHours)
	}
	required := []struct {
		field string
		s     *string
		max   int
		kind  TextKind
		need  bool
	}{
		{"body.site", &p.Site, MaxProcedureSiteLen, Line, true},
		{"body.preceptor", &p.Preceptor, MaxPreceptorLen, Line, true},
		{"body.preceptorCredential", &p.PreceptorCredential, MaxCredentialLen, Line, false},
		{"body.note", &p.Note, MaxProcedureNoteLen, Lines, false},
	}
	for _, f := range required {
		switch {
		case f.need && *f.s == "":
			v.Add(f.field, "is required")
		case len(*f.s) > f.max:
			v.Add(f.field, "must be at most %d characters", f.max)
		default:
			v.Text(f.field, f.s, f.kind)
		}
	}
	return v.Err()
}

// ValidHours reports whether h is a loggable number of hours: more than 0,
// at most MaxPracticumHours, a whole number of quarter hours (so sums stay
// exact).
func ValidHours(h float64) bool {
	q := h * 4
	return h > 0 && h <= MaxPracticumHours && q == math.Trunc(q)
}

// SameEntry reports whether p and q record the same logged hours, so a
// retried upload with the same id is recognised as a retry.
func (p *PracticumEntry) SameEntry(q PracticumEntry) bool {
	return p.StudentID == q.StudentID && p.Date == q.Date && p.Hours == q.Hours && p.Site == q.Site &&
		p.Preceptor == q.Preceptor && p.PreceptorCredential == q.PreceptorCredential && p.Note == q.Note
}

// Decide returns p confirmed or rejected by reviewer at now with comment,
// one version on. Only pending hours are decided, once: deciding others
// is a conflict.
func (p PracticumEntry) Decide(reviewer User, status ProcedureStatus, comment string, now time.Time) (PracticumEntry, error) {
	return decide(p, status, &PracticumReview{ReviewerID: reviewer.ID, ReviewerName: reviewer.Name,
		ReviewerCredential: reviewer.Credential, ReviewedAt: now, Comment: comment}, now)
}

// PracticumFilter selects practicum entries.
type PracticumFilter struct {
	// StudentIDs keeps these students' entries; nil keeps every
	// student's, an empty non-nil slice none.
	StudentIDs []string
	// Status keeps one status; empty keeps all.
	Status ProcedureStatus
}

// HoursCount is how many hours a student logged, by status.
type HoursCount struct {
	Confirmed float64 `json:"confirmed"`
	Pending   float64 `json:"pending"`
	Rejected  float64 `json:"rejected"`
}

// Add counts h hours of status s.
func (c *HoursCount) Add(s ProcedureStatus, h float64) {
	switch s {
	case ProcedureConfirmed:
		c.Confirmed += h
	case ProcedurePending:
		c.Pending += h
	case ProcedureRejected:
		c.Rejected += h
	}
}

// SiteHours is a student's hours at one site.
type SiteHours struct {
	Site string `json:"site"`
	HoursCount
}

// PracticumProgress is a student's practicum against the program's
// requirement: only confirmed hours count.
type PracticumProgress struct {
	Required float64 `json:"required" doc:"The practicum hours the program requires (160 unless it set its own)."`
	HoursCount
	Met bool `json:"met" doc:"Whether the confirmed hours reach the requirement."`
	// Sites are the hours by site, sorted by site.
	Sites []SiteHours `json:"sites"`
}

// PracticumProgressOf sums a student's hours by site (sites, keyed by
// site) against required hours.
func PracticumProgressOf(sites map[string]HoursCount, required int) PracticumProgress {
	p := PracticumProgress{Required: float64(required), Sites: []SiteHours{}}
	for _, site := range slices.Sorted(maps.Keys(sites)) {
		c := sites[site]
		p.Sites = append(p.Sites, SiteHours{Site: site, HoursCount: c})
		p.Confirmed += c.Confirmed
		p.Pending += c.Pending
		p.Rejected += c.Rejected
	}
	p.Met = p.Confirmed >= p.Required
	return p
}
