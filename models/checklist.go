package models

import "time"

// Area is one of the five skill areas of the MA curriculum.
type Area string

// The skill areas.
const (
	AreaVitalSigns    Area = "vital-signs"
	AreaPhlebotomy    Area = "phlebotomy"
	AreaSterilization Area = "sterilization"
	AreaWoundCare     Area = "wound-care"
	AreaMedication    Area = "medication-administration"
)

// Areas lists every area in curriculum order.
var Areas = []Area{AreaVitalSigns, AreaPhlebotomy, AreaSterilization, AreaWoundCare, AreaMedication}

// Valid reports whether a is a known area.
func (a Area) Valid() bool {
	for _, x := range Areas {
		if a == x {
			return true
		}
	}
	return false
}

// ChecklistStatus is where a checklist version is in its life.
type ChecklistStatus string

// A draft can change; a published version never does; a retired one stays
// readable for the records that used it but takes no new assignments.
const (
	ChecklistDraft     ChecklistStatus = "draft"
	ChecklistPublished ChecklistStatus = "published"
	ChecklistRetired   ChecklistStatus = "retired"
)

// Step is one observable action of a procedure.
type Step struct {
	ID       string `json:"id" bson:"id" yaml:"id"`
	Text     string `json:"text" bson:"text" yaml:"text"`
	Critical bool   `json:"critical" bson:"critical" yaml:"critical,omitempty"`
}

// Checklist is one version of a skill checklist. (ID, Version) names it
// for ever: an evaluation records both, and a published version never
// changes.
type Checklist struct {
	ID           string          `json:"id" bson:"checklistId" yaml:"id"`
	Version      int             `json:"version" bson:"version" yaml:"version"`
	ProgramID    string          `json:"programId,omitempty" bson:"programId" yaml:"-"`
	Area         Area            `json:"area" bson:"area" yaml:"area"`
	Title        string          `json:"title" bson:"title" yaml:"title"`
	Purpose      string          `json:"purpose" bson:"purpose" yaml:"purpose"`
	Competencies []string        `json:"competencies" bson:"competencies" yaml:"competencies"`
	Equipment    []string        `json:"equipment" bson:"equipment" yaml:"equipment"`
	Steps        []Step          `json:"steps" bson:"steps" yaml:"steps"`
	Grading      GradingOverride `json:"grading" bson:"grading" yaml:"grading,omitempty"`
	Status       ChecklistStatus `json:"status" bson:"status" yaml:"-"`
	// Digest is a SHA-256 over the content; a shipped file edited without a
	// version bump is caught by comparing it.
	Digest      string     `json:"digest" bson:"digest" yaml:"-"`
	PublishedAt *time.Time `json:"publishedAt,omitempty" bson:"publishedAt,omitempty" yaml:"-"`
	CreatedAt   time.Time  `json:"createdAt" bson:"createdAt" yaml:"-"`
	UpdatedAt   time.Time  `json:"updatedAt" bson:"updatedAt" yaml:"-"`
	// Revision guards draft edits (If-Match / ETag).
	Revision int64 `json:"revision" bson:"revision" yaml:"-"`
}

// CriticalSteps counts the steps that fail an attempt when missed.
func (c *Checklist) CriticalSteps() int {
	n := 0
	for _, s := range c.Steps {
		if s.Critical {
			n++
		}
	}
	return n
}

// Step returns the step with id.
func (c *Checklist) Step(id string) (Step, bool) {
	for _, s := range c.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}
