package models

import (
	"strings"
	"testing"
)

func validChecklist() Checklist {
	return Checklist{
		ID:           "bp-manual",
		Version:      1,
		Area:         AreaVitalSigns,
		Title:        "Measure blood pressure",
		Purpose:      "The student measures and records blood pressure.",
		Competencies: []string{"MAERB-2015 I.P.1.a"},
		Equipment:    []string{"Sphygmomanometer", "Stethoscope"},
		Steps: []Step{
			{ID: "hand-hygiene", Text: "Perform hand hygiene.", Critical: true},
			{ID: "identify-patient", Text: "Identify the patient with two identifiers.", Critical: true},
			{ID: "record", Text: "Record the reading."},
		},
	}
}

func intp(n int) *int { return &n }

func validSource() Source {
	return Source{Publisher: "CDC", Title: "Hand Hygiene in Healthcare Settings", URL: "https://www.cdc.gov/clean-hands/hcp/"}
}

func TestChecklistValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(c *Checklist)
		field  string // "" means valid
		phrase string
	}{
		{"valid", func(c *Checklist) {}, "", ""},
		{"no critical step is valid", func(c *Checklist) {
			for i := range c.Steps {
				c.Steps[i].Critical = false
			}
		}, "", ""},
		{"grading override in range", func(c *Checklist) {
			c.Grading = GradingOverride{MinScore: intp(100), RequiredEvaluations: intp(2), MaxAttempts: intp(3), RequiredPractice: intp(0)}
		}, "", ""},
		{"id empty", func(c *Checklist) { c.ID = "" }, "id", "slug"},
		{"id upper case", func(c *Checklist) { c.ID = "BP-manual" }, "id", "slug"},
		{"id double hyphen", func(c *Checklist) { c.ID = "bp--manual" }, "id", "slug"},
		{"id trailing hyphen", func(c *Checklist) { c.ID = "bp-" }, "id", "slug"},
		{"id with space", func(c *Checklist) { c.ID = "bp manual" }, "id", "slug"},
		{"id too long", func(c *Checklist) { c.ID = strings.Repeat("a", MaxChecklistIDLen+1) }, "id", "slug"},
		{"version zero", func(c *Checklist) { c.Version = 0 }, "version", "between 1 and"},
		{"version negative", func(c *Checklist) { c.Version = -3 }, "version", "between 1 and"},
		{"unknown area", func(c *Checklist) { c.Area = "cardiology" }, "area", "must be one of"},
		{"empty title", func(c *Checklist) { c.Title = "  " }, "title", "is required"},
		{"long title", func(c *Checklist) { c.Title = strings.Repeat("t", MaxTitleLen+1) }, "title", "at most"},
		{"empty purpose", func(c *Checklist) { c.Purpose = "" }, "purpose", "is required"},
		{"no competencies", func(c *Checklist) { c.Competencies = nil }, "competencies", "at least one"},
		{"competency without framework", func(c *Checklist) { c.Competencies = []string{"I.P.1.a"} }, "competencies[0]", "<framework> <code>"},
		{"competency unknown framework", func(c *Checklist) { c.Competencies = []string{"ABHES-2020 I.P.1.a"} }, "competencies[0]", "unknown framework"},
		{"competency unknown code", func(c *Checklist) { c.Competencies = []string{"MAERB-2015 IX.P.99"} }, "competencies[0]", "not a MAERB-2015 code"},
		{"competency without its part", func(c *Checklist) { c.Competencies = []string{"MAERB-2015 I.P.1"} }, "competencies[0]", "has parts"},
		{"competency empty", func(c *Checklist) { c.Competencies = []string{""} }, "competencies[0]", "is empty"},
		{"competency lower case framework", func(c *Checklist) { c.Competencies = []string{"maerb-2015 I.P.1.a"} }, "competencies[0]", "unknown framework"},
		{"competency repeated", func(c *Checklist) {
			c.Competencies = []string{"MAERB-2015 I.P.1.a", "MAERB-2015 I.P.1.a"}
		}, "competencies[1]", "repeats"},
		{"no equipment", func(c *Checklist) { c.Equipment = []string{} }, "equipment", "at least one"},
		{"empty equipment item", func(c *Checklist) { c.Equipment = []string{"Cuff", ""} }, "equipment[1]", "is required"},
		{"no steps", func(c *Checklist) { c.Steps = nil }, "steps", "at least one step"},
		{"too many steps", func(c *Checklist) {
			c.Steps = nil
			for i := 0; i <= MaxSteps; i++ {
				c.Steps = append(c.Steps, Step{ID: "s" + strings.Repeat("x", i%50) + string(rune('a'+i%26)), Text: "x"})
			}
		}, "steps", "at most"},
		{"duplicate step id", func(c *Checklist) { c.Steps[2].ID = "hand-hygiene" }, "steps[2].id", `repeats step id "hand-hygiene" of steps[0]`},
		{"step id not a slug", func(c *Checklist) { c.Steps[1].ID = "Identify Patient" }, "steps[1].id", "slug"},
		{"empty step text", func(c *Checklist) { c.Steps[1].Text = " \n" }, "steps[1].text", "is required"},
		{"min score above 100", func(c *Checklist) { c.Grading.MinScore = intp(101) }, "grading.minScore", "between 0 and 100"},
		{"min score negative", func(c *Checklist) { c.Grading.MinScore = intp(-1) }, "grading.minScore", "between 0 and 100"},
		{"required evaluations zero", func(c *Checklist) { c.Grading.RequiredEvaluations = intp(0) }, "grading.requiredEvaluations", "between 1 and 10"},
		{"max attempts too many", func(c *Checklist) { c.Grading.MaxAttempts = intp(21) }, "grading.maxAttempts", "between 1 and 20"},
		{"required practice too many", func(c *Checklist) { c.Grading.RequiredPractice = intp(51) }, "grading.requiredPractice", "between 0 and 50"},
		{"a plain step that may not apply", func(c *Checklist) { c.Steps[2].MayNotApply = true }, "", ""},
		{"a critical step that may not apply", func(c *Checklist) { c.Steps[1].MayNotApply = true }, "steps[1].mayNotApply", "critical step always applies"},
		{"sources cited", func(c *Checklist) { c.Sources = []Source{validSource()} }, "", ""},
		{"source without publisher", func(c *Checklist) { c.Sources = []Source{validSource(), {Title: "T", URL: "https://www.cdc.gov/"}} }, "sources[1].publisher", "is required"},
		{"source without title", func(c *Checklist) { c.Sources = []Source{{Publisher: "CDC", URL: "https://www.cdc.gov/"}} }, "sources[0].title", "is required"},
		{"source without url", func(c *Checklist) { c.Sources = []Source{{Publisher: "CDC", Title: "T"}} }, "sources[0].url", "is required"},
		{"source url relative", func(c *Checklist) { c.Sources = []Source{{Publisher: "CDC", Title: "T", URL: "/hand-hygiene"}} }, "sources[0].url", "absolute http or https URL"},
		{"source url not web", func(c *Checklist) { c.Sources = []Source{{Publisher: "CDC", Title: "T", URL: "javascript:alert(1)"}} }, "sources[0].url", "absolute http or https URL"},
		{"too many sources", func(c *Checklist) {
			for range MaxSources + 1 {
				c.Sources = append(c.Sources, validSource())
			}
		}, "sources", "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validChecklist()
			tt.edit(&c)
			err := c.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v; want nil", err)
				}
				return
			}
			ve, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("Validate() = %v (%T); want *ValidationError", err, err)
			}
			for _, p := range ve.Problems {
				if p.Field == tt.field && strings.Contains(p.Message, tt.phrase) {
					return
				}
			}
			t.Errorf("Validate() = %v; want a problem with %s containing %q", err, tt.field, tt.phrase)
		})
	}
}

func TestChecklistContentDigest(t *testing.T) {
	a := validChecklist()
	b := validChecklist()
	b.ProgramID, b.Status, b.Revision = "p1", ChecklistDraft, 7
	if a.ContentDigest() != b.ContentDigest() {
		t.Errorf("ContentDigest differs for the same content with other bookkeeping")
	}
	if len(a.ContentDigest()) != 64 {
		t.Errorf("ContentDigest() = %q; want 64 hex digits", a.ContentDigest())
	}
	a.Equipment, b.Equipment = nil, []string{}
	if a.ContentDigest() != b.ContentDigest() {
		t.Errorf("ContentDigest differs for nil and empty equipment")
	}
	edits := map[string]func(c *Checklist){
		"step text":     func(c *Checklist) { c.Steps[0].Text += "." },
		"critical":      func(c *Checklist) { c.Steps[2].Critical = true },
		"step order":    func(c *Checklist) { c.Steps[0], c.Steps[1] = c.Steps[1], c.Steps[0] },
		"version":       func(c *Checklist) { c.Version = 2 },
		"grading":       func(c *Checklist) { c.Grading.MinScore = intp(100) },
		"competency":    func(c *Checklist) { c.Competencies = append(c.Competencies, "MAERB-2015 I.P.1.c") },
		"purpose":       func(c *Checklist) { c.Purpose = "Other." },
		"equipment":     func(c *Checklist) { c.Equipment = []string{"Cuff"} },
		"area":          func(c *Checklist) { c.Area = AreaPhlebotomy },
		"title":         func(c *Checklist) { c.Title = "Other" },
		"grading nil":   func(c *Checklist) { c.Grading.RequiredPractice = intp(0) },
		"may not apply": func(c *Checklist) { c.Steps[2].MayNotApply = true },
	}
	// The digest of a version published before steps could be marked as
	// ones that may not apply, and before sources, is what it was then: a
	// stored version must not look edited.
	base := validChecklist()
	const published = "4dda8ad62218ed4f4d44839b0d8987f7d3a0e3a7f01f50b2374c66d861a7acb8"
	if got := base.ContentDigest(); got != published {
		t.Errorf("ContentDigest() = %s; want %s, as before", got, published)
	}
	cited := validChecklist()
	cited.Sources = []Source{validSource()}
	if cited.ContentDigest() != published {
		t.Errorf("ContentDigest changed when a source was cited; sources are not content")
	}
	for name, edit := range edits {
		c := validChecklist()
		edit(&c)
		if c.ContentDigest() == base.ContentDigest() {
			t.Errorf("ContentDigest unchanged after changing %s", name)
		}
	}
}

func TestCheckCompetencyKnowsEveryListedCode(t *testing.T) {
	for _, f := range Frameworks {
		for _, c := range f.Competencies {
			if err := CheckCompetency(c.Code); err != nil {
				t.Errorf("CheckCompetency(%q) = %v; want nil", c.Code, err)
			}
			if !strings.HasPrefix(c.Code, f.Name+" ") {
				t.Errorf("code %q is listed under framework %s", c.Code, f.Name)
			}
		}
	}
}

func TestCompetencyMatches(t *testing.T) {
	tests := []struct {
		code, query string
		want        bool
	}{
		{"MAERB-2015 I.P.1.a", "MAERB-2015 I.P.1.a", true},
		{"MAERB-2015 I.P.1.a", "MAERB-2015 I.P.1", true},
		{"MAERB-2015 III.P.10.a", "MAERB-2015 III.P.1", false},
		{"MAERB-2015 I.P.1.a", "MAERB-2015 I.P.2", false},
	}
	for _, tt := range tests {
		if got := CompetencyMatches(tt.code, tt.query); got != tt.want {
			t.Errorf("CompetencyMatches(%q, %q) = %v; want %v", tt.code, tt.query, got, tt.want)
		}
	}
}
