// Package export writes Skillbook's exports over an io.Writer: the cohort
// competency matrix (CSV, XLSX), student transcripts (PDF, one per student
// or a ZIP of a cohort's), the accreditation summary (CSV, PDF) and the
// program archive (gzipped newline-delimited JSON). Writers take their
// data through small callbacks that yield one record at a time and write
// as they go, so memory does not grow with the size of the program. It
// knows nothing of HTTP or the database. PDFs embed the DejaVu fonts of
// fonts/ (see fonts/README.md for what they cover and how text they
// cannot draw is shown).
package export

import (
	"strconv"
	"strings"
	"time"

	"skillbook/models"
)

// Students yields student records one at a time, in the order they are to
// be written; an error from fn stops it and is returned.
type Students func(fn func(*models.StudentRecord) error) error

// Cohort describes a cohort export.
type Cohort struct {
	ProgramName string
	CohortName  string
	// Columns are the checklists assigned in the cohort, in curriculum
	// order (models.ProgressColumns order).
	Columns     []models.ChecklistColumn
	Filter      models.ExportFilter
	GeneratedAt time.Time
	// Frameworks are the program's competency frameworks, whose codes the
	// accreditation summary lists (none: models.DefaultFrameworks).
	Frameworks []string
	// Catalog is where the frameworks and default evidence rules are read
	// (nil: the shipped one).
	Catalog *models.Catalog
	// EvidenceRules are the program's own evidence rules (they add to the
	// defaults).
	EvidenceRules []models.EvidenceRule

	// Location is the program's time zone, which dates are written in
	// (nil: UTC).
	Location *time.Location
	// ProcedureKinds are the live procedures the program counts, sorted:
	// the matrix has columns for each.
	ProcedureKinds []string
}

// Transcript describes what every transcript of one export shares.
type Transcript struct {
	ProgramName string
	GeneratedAt time.Time
	Filter      models.ExportFilter
	// Staff names evaluators by user id; an evaluation carries only the
	// evaluator's id unless it is signed.
	Staff map[string]models.User

	// Location is the program's time zone, which dates are written in
	// (nil: UTC).
	Location *time.Location
}

// areaName is an area as people write it ("vital-signs" → "Vital signs").
func areaName(a models.Area) string {
	s := strings.ReplaceAll(string(a), "-", " ")
	if s == "" {
		return "Other"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// statusName is a skill standing as people write it.
func statusName(s models.SkillStatus) string {
	if s == "" {
		return ""
	}
	w := strings.ReplaceAll(string(s), "-", " ")
	return strings.ToUpper(w[:1]) + w[1:]
}

// dayIn formats t as a calendar date in loc (nil: UTC), "" for nil or
// zero.
func dayIn(t *time.Time, loc *time.Location) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(orUTC(loc)).Format(models.DateLayout)
}

// stampIn formats a generation or signing time in loc (nil: UTC), naming
// the zone.
func stampIn(t time.Time, loc *time.Location) string {
	return t.In(orUTC(loc)).Format("2006-01-02 15:04 MST")
}

func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// hoursText writes hours as people do: 8, 7.5, 7.25.
func hoursText(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }

// periodText describes a filter for a title line.
func periodText(f models.ExportFilter) string {
	var parts []string
	if f.Area != "" {
		parts = append(parts, "area "+areaName(f.Area))
	}
	switch {
	case f.From != "" && f.To != "":
		parts = append(parts, "attempts from "+f.From+" to "+f.To)
	case f.From != "":
		parts = append(parts, "attempts from "+f.From)
	case f.To != "":
		parts = append(parts, "attempts up to "+f.To)
	}
	return strings.Join(parts, ", ")
}
