package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

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
	// MayNotApply marks a step that genuinely may not apply to a patient
	// (one who wears no glasses): the only kind an evaluator may grade not
	// applicable. Never set on a critical step. Omitted when false, so
	// versions published before it keep their digests.
	MayNotApply bool `json:"mayNotApply,omitempty" bson:"mayNotApply,omitempty" yaml:"may_not_apply,omitempty"`
}

// Source is a public reference a checklist's content follows: a guideline,
// standard, regulation or manufacturer's instructions.
type Source struct {
	// Publisher is who issued it, such as "CDC", "CLSI", "OSHA" or a
	// manufacturer.
	Publisher string `json:"publisher" bson:"publisher" yaml:"publisher"`
	Title     string `json:"title" bson:"title" yaml:"title"`
	URL       string `json:"url" bson:"url" yaml:"url"`
}

// Checklist is one version of a skill checklist. (ID, Version) names it
// for ever: an evaluation records both, and a published version never
// changes.
type Checklist struct {
	ID           string   `json:"id" bson:"checklistId" yaml:"id"`
	Version      int      `json:"version" bson:"version" yaml:"version"`
	ProgramID    string   `json:"programId,omitempty" bson:"programId" yaml:"-"`
	Area         Area     `json:"area" bson:"area" yaml:"area"`
	Title        string   `json:"title" bson:"title" yaml:"title"`
	Purpose      string   `json:"purpose" bson:"purpose" yaml:"purpose"`
	Competencies []string `json:"competencies" bson:"competencies" yaml:"competencies"`
	// Affective are the affective competencies (MAERB's behaviours) an
	// evaluation of this checklist rates, each met or not met
	// (RateAffective). Part of the digest only when declared, so versions
	// published before it keep theirs.
	Affective []string        `json:"affective,omitempty" bson:"affective,omitempty" yaml:"affective,omitempty"`
	Equipment []string        `json:"equipment" bson:"equipment" yaml:"equipment"`
	Steps     []Step          `json:"steps" bson:"steps" yaml:"steps"`
	Grading   GradingOverride `json:"grading" bson:"grading" yaml:"grading,omitempty"`
	// Sources cite what the content follows. Every shipped checklist cites
	// at least one (the library loader checks); a program's own may.
	// Citations are not part of the digest: adding one to a published
	// version changes nothing a student is graded against.
	Sources []Source        `json:"sources,omitempty" bson:"sources,omitempty" yaml:"sources,omitempty"`
	Status  ChecklistStatus `json:"status" bson:"status" yaml:"-"`
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

// Limits on a checklist's content. They bound what a program admin can
// store and what every later screen has to show.
const (
	MaxChecklistIDLen   = 64
	MaxChecklistVersion = 10000
	MaxTitleLen         = 200
	MaxPurposeLen       = 2000
	MaxCompetencies     = 20
	MaxEquipment        = 50
	MaxEquipmentLen     = 300
	MaxSteps            = 100
	MaxStepIDLen        = 64
	MaxStepTextLen      = 1000
	MaxSources          = 20
	MaxSourceTitleLen   = 300
	MaxSourceURLLen     = 500
)

// ValidSlug reports whether s is a lower-case slug such as "bp-manual":
// letters a–z and digits in runs joined by single hyphens, at most
// MaxChecklistIDLen long.
func ValidSlug(s string) bool {
	if s == "" || len(s) > MaxChecklistIDLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// Validate checks the content of a checklist, shipped or drafted by a
// program: every problem is reported under its JSON field path
// ("steps[3].text"), so callers can point at it. A checklist without
// critical steps is valid: it is graded on its score alone. Its texts are
// put in NFC (CleanText).
func (c *Checklist) Validate() error {
	var v ValidationError
	if !ValidSlug(c.ID) {
		v.Add("id", "must be a lower-case slug of letters, digits and single hyphens, at most %d characters, such as \"bp-manual\"", MaxChecklistIDLen)
	}
	if c.Version < 1 || c.Version > MaxChecklistVersion {
		v.Add("version", "must be between 1 and %d", MaxChecklistVersion)
	}
	if !c.Area.Valid() {
		v.Add("area", "must be one of %s", joinAreas())
	}
	requireText(&v, "title", &c.Title, MaxTitleLen, Line)
	requireText(&v, "purpose", &c.Purpose, MaxPurposeLen, Lines)

	switch n := len(c.Competencies); {
	case n == 0:
		v.Add("competencies", "must list at least one competency code, such as \"MAERB-2015 I.P.1.a\"")
	case n > MaxCompetencies:
		v.Add("competencies", "must list at most %d codes", MaxCompetencies)
	}
	seenCodes := make(map[string]bool, len(c.Competencies))
	for i, code := range c.Competencies {
		field := fmt.Sprintf("competencies[%d]", i)
		if err := CheckCompetency(code); err != nil {
			v.Add(field, "%v", err)
		} else if seenCodes[code] {
			v.Add(field, "repeats %q", code)
		}
		seenCodes[code] = true
	}
	checkAffective(&v, c.Affective)

	switch n := len(c.Equipment); {
	case n == 0:
		v.Add("equipment", "must list at least one item")
	case n > MaxEquipment:
		v.Add("equipment", "must list at most %d items", MaxEquipment)
	}
	for i := range c.Equipment {
		requireText(&v, fmt.Sprintf("equipment[%d]", i), &c.Equipment[i], MaxEquipmentLen, Line)
	}

	switch n := len(c.Steps); {
	case n == 0:
		v.Add("steps", "must list at least one step")
	case n > MaxSteps:
		v.Add("steps", "must list at most %d steps", MaxSteps)
	}
	seenSteps := make(map[string]int, len(c.Steps))
	for i, s := range c.Steps {
		field := fmt.Sprintf("steps[%d]", i)
		switch first, dup := seenSteps[s.ID]; {
		case !ValidSlug(s.ID) || len(s.ID) > MaxStepIDLen:
			v.Add(field+".id", "must be a lower-case slug of letters, digits and single hyphens, at most %d characters", MaxStepIDLen)
		case dup:
			v.Add(field+".id", "repeats step id %q of steps[%d]", s.ID, first)
		default:
			seenSteps[s.ID] = i
		}
		requireText(&v, field+".text", &c.Steps[i].Text, MaxStepTextLen, Line)
		if s.Critical && s.MayNotApply {
			v.Add(field+".mayNotApply", "cannot be set on a critical step: a critical step always applies")
		}
	}

	if len(c.Sources) > MaxSources {
		v.Add("sources", "must list at most %d sources", MaxSources)
	}
	for i := range c.Sources {
		checkSource(&v, fmt.Sprintf("sources[%d]", i), &c.Sources[i])
	}

	if err := c.Grading.Apply(DefaultGrading).Validate("grading."); err != nil {
		var gv *ValidationError
		if errors.As(err, &gv) {
			v.Problems = append(v.Problems, gv.Problems...)
		}
	}
	return v.Err()
}

// checkSource checks that a citation names its publisher and title and
// gives an absolute http(s) URL a reader can follow.
func checkSource(v *ValidationError, field string, s *Source) {
	requireText(v, field+".publisher", &s.Publisher, MaxSourceTitleLen, Line)
	requireText(v, field+".title", &s.Title, MaxSourceTitleLen, Line)
	switch u, err := url.Parse(s.URL); {
	case strings.TrimSpace(s.URL) == "":
		v.Add(field+".url", "is required")
	case len(s.URL) > MaxSourceURLLen:
		v.Add(field+".url", "must be at most %d characters", MaxSourceURLLen)
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s.URL, " \t\n"):
		v.Add(field+".url", "must be an absolute http or https URL, such as \"https://www.cdc.gov/\"")
	}
}

// requireText checks that *s is given, at most max bytes and clean text of
// kind, and puts it in NFC.
func requireText(v *ValidationError, field string, s *string, max int, kind TextKind) {
	switch {
	case strings.TrimSpace(*s) == "":
		v.Add(field, "is required")
	case len(*s) > max:
		v.Add(field, "must be at most %d characters", max)
	default:
		v.Text(field, s, kind)
	}
}

func joinAreas() string {
	names := make([]string, len(Areas))
	for i, a := range Areas {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// ContentDigest returns the hex SHA-256 of the checklist's content: id,
// version, area, title, purpose, competencies, equipment, steps, grading
// and the affective competencies it rates (when it declares any), in that
// order, as JSON. Program, status, dates and revision are
// bookkeeping and sources are citations; none is part of it, so the same
// content always has the same digest wherever it is stored.
func (c *Checklist) ContentDigest() string {
	content := struct {
		ID           string          `json:"id"`
		Version      int             `json:"version"`
		Area         Area            `json:"area"`
		Title        string          `json:"title"`
		Purpose      string          `json:"purpose"`
		Competencies []string        `json:"competencies"`
		Equipment    []string        `json:"equipment"`
		Steps        []Step          `json:"steps"`
		Grading      GradingOverride `json:"grading"`
		Affective    []string        `json:"affective,omitempty"`
	}{c.ID, c.Version, c.Area, c.Title, c.Purpose, nonNil(c.Competencies), nonNil(c.Equipment), nonNil(c.Steps), c.Grading, c.Affective}
	b, err := json.Marshal(content)
	if err != nil {
		// Strings, ints and bools always encode.
		panic("models: encode checklist content: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// nonNil makes an absent list and an empty one digest alike.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ChecklistFilter narrows a list of checklists. Filters apply to each
// checklist's current version.
type ChecklistFilter struct {
	// Area keeps one area; empty keeps all.
	Area Area
	// Competency keeps checklists citing this code or one of its parts
	// ("MAERB-2015 I.P.1" matches "MAERB-2015 I.P.1.a").
	Competency string
	// Text keeps checklists whose title holds every word of it, in any case.
	Text string
	// Page is the page wanted; items are ordered by checklist id.
	Page Page
}

// Matches reports whether c passes the filter (its page aside).
func (f ChecklistFilter) Matches(c Checklist) bool {
	if f.Area != "" && c.Area != f.Area {
		return false
	}
	if f.Competency != "" && !slices.ContainsFunc(c.Competencies, func(code string) bool { return CompetencyMatches(code, f.Competency) }) {
		return false
	}
	title := strings.ToLower(c.Title)
	for _, w := range strings.Fields(strings.ToLower(f.Text)) {
		if !strings.Contains(title, w) {
			return false
		}
	}
	return true
}
