package models

import (
	"strings"
	"time"
)

// Cohort is a group of students who start together, taught by a group of
// instructors (an instructor's CohortIDs are the cohorts they teach).
type Cohort struct {
	ID         string     `json:"id" bson:"_id"`
	ProgramID  string     `json:"programId" bson:"programId"`
	Name       string     `json:"name" bson:"name"`
	StartDate  string     `json:"startDate" bson:"startDate"`
	EndDate    string     `json:"endDate,omitempty" bson:"endDate,omitempty"`
	Archived   bool       `json:"archived" bson:"archived"`
	Version    int64      `json:"version" bson:"version"`
	CreatedAt  time.Time  `json:"createdAt" bson:"createdAt"`
	UpdatedAt  time.Time  `json:"updatedAt" bson:"updatedAt"`
	ArchivedAt *time.Time `json:"archivedAt,omitempty" bson:"archivedAt,omitempty"`
}

// DateLayout is the calendar-date format of the API (RFC 3339 full-date).
const DateLayout = "2006-01-02"

// Validate checks a cohort's fields.
func (c *Cohort) Validate() error {
	var v ValidationError
	if n := strings.TrimSpace(c.Name); n == "" || len(n) > 120 {
		v.Add("name", "is required, at most 120 characters")
	}
	start, err := time.Parse(DateLayout, c.StartDate)
	if err != nil {
		v.Add("startDate", "must be a date such as 2026-09-01")
	}
	if c.EndDate != "" {
		end, err := time.Parse(DateLayout, c.EndDate)
		switch {
		case err != nil:
			v.Add("endDate", "must be a date such as 2027-06-30")
		case !end.After(start):
			v.Add("endDate", "must be after startDate")
		}
	}
	return v.Err()
}
