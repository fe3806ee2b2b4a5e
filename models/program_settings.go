package models

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	// A program's time zone must resolve on a host without a zoneinfo
	// database (a distroless image) as it does in tests.
	_ "time/tzdata"
)

// ChecklistPolicy is a program's own rule for evaluations of one
// checklist, over the checklist's grading: a maximum of failed attempts
// before remediation, the practice to log before asking, and whether
// attempts must be on different days.
type ChecklistPolicy struct {
	MaxAttempts      *int `json:"maxAttempts,omitempty" bson:"maxAttempts,omitempty" minimum:"1" maximum:"20" doc:"Failed evaluations that flag the skill for remediation (overrides the checklist's)."`
	RequiredPractice *int `json:"requiredPractice,omitempty" bson:"requiredPractice,omitempty" minimum:"0" maximum:"50" doc:"Practice attempts to log before requesting an evaluation (overrides the checklist's)."`
	DistinctDays     bool `json:"distinctDays,omitempty" bson:"distinctDays,omitempty" doc:"Evaluation attempts must be on different days (in the program's time zone): no request on the day of the last graded one."`
}

// IsZero reports whether p changes nothing.
func (p ChecklistPolicy) IsZero() bool {
	return p.MaxAttempts == nil && p.RequiredPractice == nil && !p.DistinctDays
}

// Apply returns g with p's overrides on top.
func (p ChecklistPolicy) Apply(g Grading) Grading {
	if p.MaxAttempts != nil {
		g.MaxAttempts = *p.MaxAttempts
	}
	if p.RequiredPractice != nil {
		g.RequiredPractice = *p.RequiredPractice
	}
	return g
}

// validate records p's out-of-range values under prefix.
func (p ChecklistPolicy) validate(prefix string, v *ValidationError) {
	if p.MaxAttempts != nil && (*p.MaxAttempts < 1 || *p.MaxAttempts > 20) {
		v.Add(prefix+".maxAttempts", "must be between 1 and 20")
	}
	if p.RequiredPractice != nil && (*p.RequiredPractice < 0 || *p.RequiredPractice > 50) {
		v.Add(prefix+".requiredPractice", "must be between 0 and 50")
	}
}

// GradingOf is the effective rule of checklist c in program p: the
// program's defaults, the checklist's own values, then the program's
// policy for it.
func (p Program) GradingOf(c *Checklist) Grading {
	return p.Policies[c.ID].Apply(c.Grading.Apply(p.Grading))
}

// Location is the program's time zone (UTC when it set none).
func (p Program) Location() *time.Location {
	if p.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		// Validated when set; a name a later tzdata dropped falls back.
		return time.UTC
	}
	return loc
}

// PracticumRequirement is the practicum the program requires, in hours.
func (p Program) PracticumRequirement() int {
	if p.PracticumHours <= 0 {
		return DefaultPracticumHours
	}
	return p.PracticumHours
}

// ValidTimeZone reports whether name is an IANA time zone a program may
// set ("UTC", "America/Chicago"); "Local", which depends on the server,
// and fixed offsets are not.
func ValidTimeZone(name string) bool {
	if name == "" || name == "Local" || len(name) > 64 || strings.ContainsAny(name, " \\") {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// SettingsPatch is a change of a program's settings: nil fields are left
// as they are. A policy given for a checklist replaces its policy; an
// empty one removes it.
type SettingsPatch struct {
	PINVoidHours   *int
	TimeZone       *string
	PracticumHours *int
	Policies       map[string]ChecklistPolicy
	// Competencies replaces the program's frameworks and its own evidence
	// rules, together.
	Competencies *CompetencySettings
}

// IsZero reports whether the patch changes nothing.
func (s SettingsPatch) IsZero() bool {
	return s.PINVoidHours == nil && s.TimeZone == nil && s.PracticumHours == nil && len(s.Policies) == 0 && s.Competencies == nil
}

// Validate checks every value the patch sets; fields are named as in the
// request body.
func (s SettingsPatch) Validate() error {
	var v ValidationError
	if s.PINVoidHours != nil {
		if err := ValidPINVoidHours("body.pinVoidWindowHours", *s.PINVoidHours); err != nil {
			return err
		}
	}
	if s.TimeZone != nil && !ValidTimeZone(*s.TimeZone) {
		v.Add("body.timeZone", "must be an IANA time zone name such as America/Chicago or UTC")
	}
	if s.PracticumHours != nil && (*s.PracticumHours < 1 || *s.PracticumHours > MaxPracticumRequirement) {
		v.Add("body.practicumHoursRequired", "must be between 1 and %d hours", MaxPracticumRequirement)
	}
	for _, id := range slices.Sorted(maps.Keys(s.Policies)) {
		field := "body.checklistPolicies." + id
		if !ValidSlug(id) {
			v.Add(field, "must be keyed by a checklist id, a lower-case slug such as bp-manual")
			continue
		}
		s.Policies[id].validate(field, &v)
	}
	if s.Competencies != nil {
		var c *ValidationError
		if err := s.Competencies.Validate(); errors.As(err, &c) {
			for _, p := range c.Problems {
				v.Add("body.competencies."+p.Field, "%s", p.Message)
			}
		}
	}
	return v.Err()
}

// Apply makes the patch's changes to p.
func (s SettingsPatch) Apply(p *Program) {
	if s.PINVoidHours != nil {
		p.PINVoidHours = *s.PINVoidHours
	}
	if s.TimeZone != nil {
		p.TimeZone = *s.TimeZone
	}
	if s.PracticumHours != nil {
		p.PracticumHours = *s.PracticumHours
	}
	for id, pol := range s.Policies {
		if pol.IsZero() {
			delete(p.Policies, id)
			continue
		}
		if p.Policies == nil {
			p.Policies = map[string]ChecklistPolicy{}
		}
		p.Policies[id] = pol
	}
	if c := s.Competencies; c != nil {
		p.Frameworks, p.EvidenceRules = c.Frameworks, c.EvidenceRules
	}
}

// Summary describes the patch for the audit trail.
func (s SettingsPatch) Summary() string {
	var parts []string
	if s.PINVoidHours != nil {
		parts = append(parts, fmt.Sprintf("the PIN void window to %d hours", *s.PINVoidHours))
	}
	if s.TimeZone != nil {
		parts = append(parts, "the time zone to "+*s.TimeZone)
	}
	if s.PracticumHours != nil {
		parts = append(parts, fmt.Sprintf("the practicum requirement to %d hours", *s.PracticumHours))
	}
	for _, id := range slices.Sorted(maps.Keys(s.Policies)) {
		parts = append(parts, "the policy of "+id+" to "+s.Policies[id].String())
	}
	if c := s.Competencies; c != nil {
		parts = append(parts, fmt.Sprintf("the competency frameworks to %s with %d evidence rules of its own", strings.Join(c.Frameworks, ", "), len(c.EvidenceRules)))
	}
	return "set " + strings.Join(parts, ", ")
}

// String describes the policy ("checklist defaults" for none).
func (p ChecklistPolicy) String() string {
	var parts []string
	if p.MaxAttempts != nil {
		parts = append(parts, fmt.Sprintf("at most %d failed attempts", *p.MaxAttempts))
	}
	if p.RequiredPractice != nil {
		parts = append(parts, fmt.Sprintf("%d practice attempts first", *p.RequiredPractice))
	}
	if p.DistinctDays {
		parts = append(parts, "attempts on different days")
	}
	if len(parts) == 0 {
		return "checklist defaults"
	}
	return strings.Join(parts, "; ")
}

// Date is t's calendar date in the program's time zone.
func (p Program) Date(t time.Time) string { return t.In(p.Location()).Format(DateLayout) }

// RequestRefusalUnder applies the rules for requesting an evaluation of
// checklist title under rule g (RequestRefusal), then policy p's
// different-days rule at now in loc: with DistinctDays, no request on the
// day of the latest graded (passed or failed) evaluation.
func (t SkillTally) RequestRefusalUnder(g Grading, p ChecklistPolicy, title string, now time.Time, loc *time.Location) error {
	if err := t.RequestRefusal(g, title); err != nil {
		return err
	}
	if p.DistinctDays && !t.LastAttemptAt.IsZero() {
		last, today := t.LastAttemptAt.In(loc).Format(DateLayout), now.In(loc).Format(DateLayout)
		if last >= today {
			return &RuleError{Code: "attempt-same-day", Detail: fmt.Sprintf("your program allows one evaluation attempt of %s a day: the last was graded on %s; request another from the next day", title, last)}
		}
	}
	return nil
}

// Today is the date progress is computed for at now: the date in the
// program's time zone, or, for a program that set none, the earliest date
// anywhere on Earth (ProgressDate).
func (p Program) Today(now time.Time) string {
	if p.TimeZone == "" {
		return ProgressDate(now)
	}
	return p.Date(now)
}
