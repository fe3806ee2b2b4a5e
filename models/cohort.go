package models

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
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

// Validate checks a cohort's fields and puts its name in NFC.
func (c *Cohort) Validate() error {
	var v ValidationError
	if n := strings.TrimSpace(c.Name); n == "" || len(n) > 120 {
		v.Add("name", "is required, at most 120 characters")
	} else {
		v.Text("name", &c.Name, Line)
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

// CohortNameKey is the form in which cohort names are unique in a program
// and looked up: "Fall 2026" and "fall  2026" are one name, and so are its
// NFC and NFD spellings (a roster file may hold either).
func CohortNameKey(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(name)), " "))
}

// CohortFilter selects cohorts of a program.
type CohortFilter struct {
	// Archived keeps archived cohorts (true) or active ones (false).
	Archived bool
	// IDs, when not nil, keeps only these cohorts (a member's own).
	IDs []string
}

// CheckCohortsOpen checks that every id names a cohort of programID, in
// cohorts, that is not archived: a user joins only such cohorts (and keeps
// archived ones they were in).
func CheckCohortsOpen(programID string, ids []string, cohorts map[string]Cohort) error {
	var v ValidationError
	for _, id := range ids {
		c, ok := cohorts[id]
		switch {
		case !ok || c.ProgramID != programID:
			v.Add("cohortIds", "no cohort %s in this program", id)
		case c.Archived:
			v.Add("cohortIds", "cohort %q is archived", c.Name)
		}
	}
	return v.Err()
}

// CohortCreatedEvent records the creation of c.
func CohortCreatedEvent(actor Actor, c Cohort, at time.Time) Event {
	return Event{
		Type: EventCohortCreated, ProgramID: c.ProgramID, Actor: actor, At: at, Subject: "cohort", SubjectID: c.ID,
		Summary: fmt.Sprintf("created cohort %q", c.Name),
		Data:    map[string]string{"name": c.Name, "startDate": c.StartDate, "endDate": c.EndDate},
	}
}

// CohortChangedEvent records what changed from before to after of a
// cohort's name and dates; ok is false when nothing did.
func CohortChangedEvent(actor Actor, before, after Cohort, at time.Time) (e Event, ok bool) {
	data := map[string]string{}
	if before.Name != after.Name {
		recordChange(data, "name", before.Name, after.Name)
	}
	if before.StartDate != after.StartDate {
		recordChange(data, "startDate", before.StartDate, after.StartDate)
	}
	if before.EndDate != after.EndDate {
		recordChange(data, "endDate", before.EndDate, after.EndDate)
	}
	if len(data) == 0 {
		return Event{}, false
	}
	e = Event{
		Type: EventCohortUpdated, ProgramID: before.ProgramID, Actor: actor, At: at, Subject: "cohort", SubjectID: before.ID,
		Summary: fmt.Sprintf("changed cohort %q", after.Name), Data: data,
	}
	if before.Name != after.Name {
		e.Summary = fmt.Sprintf("renamed cohort %q to %q", before.Name, after.Name)
	}
	return e, true
}

// CohortArchivedEvent records archiving (archived true) or unarchiving a
// cohort.
func CohortArchivedEvent(actor Actor, before Cohort, archived bool, at time.Time) Event {
	verb, typ := "archived", EventCohortArchived
	if !archived {
		verb, typ = "unarchived", EventCohortUnarchived
	}
	return Event{
		Type: typ, ProgramID: before.ProgramID, Actor: actor, At: at, Subject: "cohort", SubjectID: before.ID,
		Summary: fmt.Sprintf("%s cohort %q", verb, before.Name),
		Data:    map[string]string{"oldArchived": fmt.Sprint(before.Archived), "newArchived": fmt.Sprint(archived)},
	}
}

// SetArchived archives the cohort at (it keeps its records, leaves the
// default lists and takes no new members) or, archived false, brings it
// back.
func (c *Cohort) SetArchived(archived bool, at time.Time) {
	c.Archived = archived
	c.ArchivedAt = nil
	if archived {
		c.ArchivedAt = &at
	}
	c.UpdatedAt = at
}
