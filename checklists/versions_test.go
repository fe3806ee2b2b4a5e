package checklists

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"skillbook/models"
)

// cited is sample with the sources every shipped checklist must have.
const cited = sample + `sources:
  - publisher: CDC
    title: Hand Hygiene in Healthcare Settings
    url: https://www.cdc.gov/clean-hands/hcp/
`

func TestLoadVersionedFile(t *testing.T) {
	v2 := strings.Replace(cited, "version: 1", "version: 2", 1)
	if c, err := Load("sample.v2.yaml", []byte(v2)); err != nil || c.ID != "sample" || c.Version != 2 {
		t.Fatalf("Load(sample.v2.yaml) = %s v%d, %v; want sample version 2", c.ID, c.Version, err)
	}
	tests := []struct {
		name, file, data, want string
	}{
		{"version not the file's", "sample.v2.yaml", cited, "sample.v2.yaml:2: version: is 1 but the file is sample.v2.yaml"},
		{"id not the file's", "other.v1.yaml", cited, `other.v1.yaml:1: id: is "sample" but the file is other.v1.yaml; the id must be the file name without .v<version>.yaml`},
		{"version zero in the name", "sample.v0.yaml", cited, `sample.v0.yaml:1: id: is "sample" but the file is sample.v0.yaml`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.file, []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load(%s) = %v; want an error containing %q", tt.file, err, tt.want)
			}
		})
	}
}

func TestLoadFSRefusesAVersionTwice(t *testing.T) {
	_, err := LoadFS(fstest.MapFS{"sample.yaml": {Data: []byte(cited)}, "sample.v1.yaml": {Data: []byte(cited)}})
	if err == nil || !strings.Contains(err.Error(), "sample version 1 is also in") {
		t.Errorf("LoadFS(one version in two files) = %v; want an error naming both", err)
	}
	got, err := LoadFS(fstest.MapFS{"sample.yaml": {Data: []byte(strings.Replace(cited, "version: 1", "version: 2", 1))}, "sample.v1.yaml": {Data: []byte(cited)}})
	if err != nil || len(got) != 2 || got[0].Version != 1 || got[1].Version != 2 {
		t.Errorf("LoadFS(versions 1 and 2) = %v, %v; want both, oldest first", got, err)
	}
}

// TestShippedChecklistsCiteSources: a program's own files may leave
// sources out; the shipped library may not, and a citation must be one a
// reader can follow.
func TestShippedChecklistsCiteSources(t *testing.T) {
	if _, err := LoadFS(fstest.MapFS{"sample.yaml": {Data: []byte(sample)}}); err != nil {
		t.Errorf("LoadFS(no sources) = %v; want nil outside the shipped library", err)
	}
	_, err := loadFS(fstest.MapFS{"sample.yaml": {Data: []byte(sample)}}, true)
	var errs Errors
	if !errors.As(err, &errs) || !strings.Contains(err.Error(), "sample.yaml:1: sources: must cite at least one source") {
		t.Errorf("loadFS(shipped, no sources) = %v; want a sources error", err)
	}
	if _, err := loadFS(fstest.MapFS{"sample.yaml": {Data: []byte(cited)}}, true); err != nil {
		t.Errorf("loadFS(shipped, cited) = %v; want nil", err)
	}
	for _, tt := range []struct{ old, new, want string }{
		{"    url: https://www.cdc.gov/clean-hands/hcp/", "    url: www.cdc.gov", "sample.yaml:24: sources[0].url: must be an absolute http or https URL"},
		{"  - publisher: CDC\n", "  - publisher: \"\"\n", "sample.yaml:22: sources[0].publisher: is required"},
		{"    title: Hand Hygiene in Healthcare Settings\n", "", "sample.yaml:22: sources[0].title: is required"},
		{"    critical: true", "    critical: true\n    may_not_apply: true", "sample.yaml:15: steps[0].mayNotApply: cannot be set on a critical step"},
	} {
		_, err := loadFS(fstest.MapFS{"sample.yaml": {Data: []byte(strings.Replace(cited, tt.old, tt.new, 1))}}, true)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("loadFS(%q) = %v; want an error containing %q", tt.new, err, tt.want)
		}
	}
}

// superseded pins the digest of every version the library keeps for the
// records signed against it, as it was published: editing one fails here
// before it fails a deployment's start-up.
var superseded = map[string]string{
	"capillary-puncture v1":          "501e7f286ea5601676601a0bac332d8b1bbeb8d540b64706d9a545672a94665b",
	"intradermal-injection v1":       "a227ef894da26bf51925c812ea09a69212314427125730723f72793856b4f751",
	"order-of-draw-labeling v1":      "146fd7b6615b38c2f56c303556e7399244b6edc1b9daec390e8c2b9a2bd7f0fe",
	"pulse-oximetry v1":              "d09c8933e9ef2801e4d58f5fabf36cf24923e2c6ce04b10348c70866c2e4b96d",
	"staple-removal v1":              "13f7de2339bd7e7d5c7f406651f83119d81d03ca85eadcceefbec0cf0f5dd4b9",
	"sterile-dressing-change v1":     "a97e558be686b8930af2b0abccac038f50abda76d37b9a2791fb778910a6c0da",
	"suture-removal v1":              "7847eff2bdcba40c6f227b842060e3a96c255193710359df058997fa0fef182c",
	"venipuncture-evacuated-tube v1": "35a9bb0c07913da844a9a3eee3a6c974c7a0fcb724e5912d8dbe6bfc6e88e718",
	"venipuncture-winged-set v1":     "728d2842f4db06b8c6e4edbcb6f21638612ae3fcd90d9ee804469f89c633f106",
	"vial-withdrawal v1":             "aeaa7ce81a8020f7f13329c8b000b6202c3dc8a25789a1cabe02ee01c3106e67",
}

func TestVersions(t *testing.T) {
	all, err := Versions()
	if err != nil {
		t.Fatalf("Versions() = %v", err)
	}
	lib, err := Library()
	if err != nil {
		t.Fatal(err)
	}
	current := map[string]int{}
	for _, c := range lib {
		current[c.ID] = c.Version
	}
	kept := 0
	for i, c := range all {
		if i > 0 && (all[i-1].ID > c.ID || all[i-1].ID == c.ID && all[i-1].Version >= c.Version) {
			t.Errorf("Versions() not sorted by id then version: %s v%d before %s v%d", all[i-1].ID, all[i-1].Version, c.ID, c.Version)
		}
		if c.Version == current[c.ID] {
			continue
		}
		kept++
		key := fmt.Sprintf("%s v%d", c.ID, c.Version)
		if want, ok := superseded[key]; !ok || c.Digest != want {
			t.Errorf("superseded %s has digest %s; want %s as published", key, c.Digest, want)
		}
		if c.Version > current[c.ID] {
			t.Errorf("superseded %s is newer than the current version %d", key, current[c.ID])
		}
	}
	if kept != len(superseded) || len(all) != len(lib)+kept {
		t.Errorf("Versions() keeps %d superseded versions of %d; want %d, and every current one", kept, len(all), len(superseded))
	}
}

// TestFixedChecklists checks each finding of the content review against
// the current version: the steps whose failure made an unsafe attempt pass
// are critical now, and the wording it found wrong is gone.
func TestFixedChecklists(t *testing.T) {
	lib, err := Library()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]models.Checklist{}
	for _, c := range lib {
		byID[c.ID] = c
	}
	critical := map[string][]string{
		"venipuncture-evacuated-tube": {"insert-needle", "fill-tubes", "invert-tubes"},
		"venipuncture-winged-set":     {"discard-tube", "fill-tubes", "invert-tubes"},
		"capillary-puncture":          {"puncture-site", "fill-containers"},
		"sterile-dressing-change":     {"put-on-clean-gloves"},
		"suture-removal":              {"put-on-gloves"},
		"staple-removal":              {"put-on-gloves"},
		"order-of-draw-labeling":      {"hand-hygiene-before", "put-on-gloves", "remove-gloves-hand-hygiene"},
		"vial-withdrawal":             {"clean-medication-area"},
	}
	g := models.DefaultGrading
	for id, steps := range critical {
		c := byID[id]
		if c.Version < 2 {
			t.Errorf("%s is version %d; a fixed checklist needs a new version", id, c.Version)
		}
		for _, s := range steps {
			if st, ok := c.Step(s); !ok || !st.Critical {
				t.Errorf("%s step %s is missing or not critical", id, s)
			}
		}
		// Failing only these steps passed before; now it fails whatever the score.
		grades := make([]models.StepGrade, len(c.Steps))
		for i, st := range c.Steps {
			grades[i] = models.StepGrade{StepID: st.ID, Result: models.StepPass}
			if slices.Contains(steps, st.ID) {
				grades[i] = models.StepGrade{StepID: st.ID, Result: models.StepFail, Comment: "Missed"}
			}
		}
		if _, out, _, err := models.Grade(&c, c.Grading.Apply(g), grades); err != nil || out != models.OutcomeFailed {
			t.Errorf("%s with %v failed = %s, %v; want failed", id, steps, out, err)
		}
	}
	// Clean gloves go on before the soiled dressing comes off.
	for id, order := range map[string][2]string{
		"sterile-dressing-change": {"put-on-clean-gloves", "remove-tape"},
		"suture-removal":          {"put-on-gloves", "remove-dressing"},
		"staple-removal":          {"put-on-gloves", "remove-dressing"},
	} {
		steps := byID[id].Steps
		glove := slices.IndexFunc(steps, func(s models.Step) bool { return s.ID == order[0] })
		dressing := slices.IndexFunc(steps, func(s models.Step) bool { return s.ID == order[1] })
		if glove < 0 || dressing < 0 || glove > dressing {
			t.Errorf("%s: %s at %d, %s at %d; want gloves first", id, order[0], glove, order[1], dressing)
		}
	}
	text := func(id, step string) string {
		c := byID[id]
		s, _ := c.Step(step)
		return s.Text
	}
	for _, tt := range []struct {
		id, step, has, hasNot string
	}{
		{"intradermal-injection", "insert-needle", "5 to 15 degree", "10 to 15"},
		{"pulse-oximetry", "report-low", "provider's order", "95 percent"},
		{"suture-removal", "dispose-waste", "reusable scissors and forceps in the container for instrument reprocessing, not in the sharps container", "Discard the suture scissors in the sharps container"},
		{"vial-withdrawal", "clean-medication-area", "never keep or enter a multi-dose vial in the immediate patient treatment area", ""},
	} {
		got := text(tt.id, tt.step)
		if !strings.Contains(got, tt.has) || (tt.hasNot != "" && strings.Contains(got, tt.hasNot)) {
			t.Errorf("%s step %s = %q; want %q and not %q", tt.id, tt.step, got, tt.has, tt.hasNot)
		}
	}
	if strings.Contains(byID["intradermal-injection"].Purpose, "10 to 15") {
		t.Errorf("intradermal-injection purpose still says 10 to 15 degrees")
	}
}

// TestLibraryCoversTheSkills: every checklist the review found missing is
// in the library, and no shipped step is both critical and one that may
// not apply.
func TestLibraryCoversTheSkills(t *testing.T) {
	lib, err := Library()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range lib {
		ids[c.ID] = true
		for _, s := range c.Steps {
			if s.Critical && s.MayNotApply {
				t.Errorf("%s step %s is critical and may not apply", c.ID, s.ID)
			}
		}
	}
	for _, id := range []string{
		"temperature-axillary", "temperature-rectal", "orthostatic-vital-signs", "bp-automated", "pediatric-vital-signs",
		"pain-assessment", "bmi-calculation", "venipuncture-syringe-transfer", "blood-culture-collection", "centrifuge-aliquot",
		"sterile-gloving", "blood-spill-cleanup", "high-level-disinfection", "dressing-nonsterile", "skin-closure-strips",
		"dosage-calculation", "tb-skin-test-reading", "insulin-pen", "insulin-mixing", "eye-medication", "ear-medication",
		"nasal-medication", "topical-transdermal", "sublingual-medication", "inhaled-medication", "eye-irrigation",
		"ear-irrigation", "ekg-12-lead", "spirometry",
	} {
		if !ids[id] {
			t.Errorf("the library has no %s checklist", id)
		}
	}
	// The codes the library claims include electrocardiography and
	// pulmonary function testing, so a checklist must cover each.
	for _, code := range []string{"MAERB-2015 I.P.2.a", "MAERB-2015 I.P.2.d"} {
		if !slices.ContainsFunc(lib, func(c models.Checklist) bool { return slices.Contains(c.Competencies, code) }) {
			t.Errorf("no checklist cites %s", code)
		}
	}
}
