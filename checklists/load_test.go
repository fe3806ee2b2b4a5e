package checklists

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"skillbook/models"
)

// sample is a valid checklist file; the line numbers of its fields are
// what the tests below expect errors to point at.
const sample = `id: sample
version: 1
area: vital-signs
title: Measure a pulse
purpose: >-
  The student counts and records a radial pulse.
competencies:
  - MAERB-2015 I.P.1.c
equipment:
  - Watch with a second hand
steps:
  - id: hand-hygiene
    text: Perform hand hygiene.
    critical: true
  - id: count
    text: Count the pulse for 30 seconds and double it.
  - id: record
    text: Record the rate, rhythm and volume.
grading:
  min_score: 100
`

func TestLoadValid(t *testing.T) {
	c, err := Load("library/sample.yaml", []byte(sample))
	if err != nil {
		t.Fatalf("Load(sample) = %v; want nil", err)
	}
	if c.ID != "sample" || c.Version != 1 || len(c.Steps) != 3 || c.CriticalSteps() != 1 {
		t.Errorf("Load(sample) = %+v; want id sample, version 1, 3 steps, 1 critical", c)
	}
	if c.Purpose != "The student counts and records a radial pulse." {
		t.Errorf("Purpose = %q", c.Purpose)
	}
	if c.Grading.MinScore == nil || *c.Grading.MinScore != 100 || c.Grading.MaxAttempts != nil {
		t.Errorf("Grading = %+v; want only minScore 100", c.Grading)
	}
	if c.Digest != c.ContentDigest() || c.Status != models.ChecklistPublished || c.ProgramID != "" {
		t.Errorf("Load(sample) digest %q status %q program %q; want the content digest, published, no program", c.Digest, c.Status, c.ProgramID)
	}
}

// TestLoadRejects holds one case per rule: each edit of sample must fail
// with an error naming the file, the line and the problem.
func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name string
		old  string // replaced in sample by new; "" replaces the whole file
		new  string
		want string // a substring of one error line
	}{
		{"empty file", "", "", "sample.yaml: is empty"},
		{"not a mapping", "", "- id: sample\n", "sample.yaml:1: must be a mapping"},
		{"syntax error", "title: Measure a pulse", "title: [Measure", "sample.yaml:5: found character that cannot start any token"},
		{"second document", "grading:", "---\nid: other\ngrading:", "sample.yaml:19: holds a second YAML document"},
		{"unknown field", "title:", "digest: abc\ntitle:", `sample.yaml:4: unknown field "digest"`},
		{"misspelt step field", "    critical: true", "    citical: true", `sample.yaml:14: unknown field "citical"`},
		{"misspelt grading field", "min_score: 100", "minimum_score: 100", `sample.yaml:20: unknown field "minimum_score"`},
		{"wrong type", "version: 1", "version: one", "sample.yaml:2: cannot unmarshal"},
		{"duplicate key", "area: vital-signs", "area: vital-signs\narea: phlebotomy", `sample.yaml:4: mapping key "area" already defined at line 3`},
		{"id not a slug", "id: sample", "id: Sample_1", "sample.yaml:1: id: must be a lower-case slug"},
		{"id not the file name", "id: sample", "id: other", `sample.yaml:1: id: is "other" but the file is sample.yaml`},
		{"version zero", "version: 1", "version: 0", "sample.yaml:2: version: must be between 1 and"},
		{"unknown area", "area: vital-signs", "area: vitals", "sample.yaml:3: area: must be one of vital-signs,"},
		{"missing area", "area: vital-signs\n", "", "sample.yaml:1: area: must be one of"},
		{"empty title", "title: Measure a pulse", `title: ""`, "sample.yaml:4: title: is required"},
		{"missing purpose", "purpose: >-\n  The student counts and records a radial pulse.\n", "", "sample.yaml:1: purpose: is required"},
		{"no competencies", "competencies:\n  - MAERB-2015 I.P.1.c", "competencies: []", "sample.yaml:7: competencies: must list at least one"},
		{"malformed competency", "- MAERB-2015 I.P.1.c", "- I.P.1.c", `sample.yaml:8: competencies[0]: "I.P.1.c" is not "<framework> <code>"`},
		{"unknown framework", "- MAERB-2015 I.P.1.c", "- MAERB-2022 I.P.1.c", `sample.yaml:8: competencies[0]: "MAERB-2022" names an unknown framework`},
		{"unknown competency", "- MAERB-2015 I.P.1.c", "- MAERB-2015 I.P.1.z", `sample.yaml:8: competencies[0]: "I.P.1.z" is not a MAERB-2015 code`},
		{"competency without part", "- MAERB-2015 I.P.1.c", "- MAERB-2015 I.P.1", "sample.yaml:8: competencies[0]: \"MAERB-2015 I.P.1\" has parts"},
		{"repeated competency", "- MAERB-2015 I.P.1.c", "- MAERB-2015 I.P.1.c\n  - MAERB-2015 I.P.1.c", `sample.yaml:9: competencies[1]: repeats`},
		{"no equipment", "equipment:\n  - Watch with a second hand", "equipment: []", "sample.yaml:9: equipment: must list at least one item"},
		{"empty equipment item", "  - Watch with a second hand", "  - Watch with a second hand\n  - \"\"", "sample.yaml:11: equipment[1]: is required"},
		{"no steps", "steps:\n  - id: hand-hygiene\n    text: Perform hand hygiene.\n    critical: true\n  - id: count\n    text: Count the pulse for 30 seconds and double it.\n  - id: record\n    text: Record the rate, rhythm and volume.\n", "steps: []\n", "sample.yaml:11: steps: must list at least one step"},
		{"duplicate step id", "  - id: record", "  - id: count", `sample.yaml:17: steps[2].id: repeats step id "count" of steps[1]`},
		{"empty step text", "    text: Count the pulse for 30 seconds and double it.", "    text: \"  \"", "sample.yaml:16: steps[1].text: is required"},
		{"missing step text", "    text: Count the pulse for 30 seconds and double it.\n", "", "sample.yaml:15: steps[1].text: is required"},
		{"step id not a slug", "  - id: count", "  - id: Count It", "sample.yaml:15: steps[1].id: must be a lower-case slug"},
		{"min score above 100", "min_score: 100", "min_score: 101", "sample.yaml:20: grading.minScore: must be between 0 and 100"},
		{"max attempts zero", "min_score: 100", "max_attempts: 0", "sample.yaml:20: grading.maxAttempts: must be between 1 and 20"},
		{"required evaluations too many", "min_score: 100", "required_evaluations: 11", "sample.yaml:20: grading.requiredEvaluations: must be between 1 and 10"},
		{"required practice negative", "min_score: 100", "required_practice: -1", "sample.yaml:20: grading.requiredPractice: must be between 0 and 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.new
			if tt.old != "" {
				if !strings.Contains(sample, tt.old) {
					t.Fatalf("sample does not contain %q", tt.old)
				}
				data = strings.Replace(sample, tt.old, tt.new, 1)
			}
			_, err := Load("sample.yaml", []byte(data))
			if err == nil {
				t.Fatalf("Load() = nil; want an error containing %q", tt.want)
			}
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("Load() = %v (%T); want Errors", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load() = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestLoadFSReportsEveryFile(t *testing.T) {
	fsys := fstest.MapFS{
		"sample.yaml": {Data: []byte(sample)},
		"broken.yaml": {Data: []byte(strings.Replace(sample, "id: sample", "id: broken\nversion: 2", 1))},
		"other.yaml":  {Data: []byte(strings.Replace(sample, "id: sample", "id: nope", 1))},
		"old.yml":     {Data: []byte(sample)},
		"README.md":   {Data: []byte("not a checklist")},
	}
	_, err := LoadFS(fsys)
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("LoadFS() = %v; want Errors", err)
	}
	for _, want := range []string{`broken.yaml:3: mapping key "version" already defined`, `other.yaml:1: id: is "nope"`, "old.yml: checklist files must end in .yaml"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("LoadFS() = %v; want an error containing %q", err, want)
		}
	}

	got, err := LoadFS(fstest.MapFS{"sample.yaml": {Data: []byte(sample)}, "notes.txt": {}})
	if err != nil || len(got) != 1 {
		t.Errorf("LoadFS(one valid file) = %d checklists, %v; want 1, nil", len(got), err)
	}
	if _, err := LoadFS(fstest.MapFS{}); err == nil {
		t.Errorf("LoadFS(empty) = nil; want an error")
	}
}

// TestLibrary loads every shipped checklist: the library must cover each
// area, every checklist must have a critical step (hand hygiene or patient
// identification at least) and the digests must differ.
func TestLibrary(t *testing.T) {
	lib, err := Library()
	if err != nil {
		t.Fatalf("Library() = %v", err)
	}
	if len(lib) < 50 {
		t.Errorf("Library() has %d checklists; want at least 50", len(lib))
	}
	perArea := map[models.Area]int{}
	digests := map[string]string{}
	for _, c := range lib {
		perArea[c.Area]++
		if c.CriticalSteps() == 0 {
			t.Errorf("%s has no critical step", c.ID)
		}
		if prev, ok := digests[c.Digest]; ok {
			t.Errorf("%s and %s have the same digest", prev, c.ID)
		}
		digests[c.Digest] = c.ID
		if c.Digest != c.ContentDigest() || len(c.Digest) != 64 {
			t.Errorf("%s digest %q; want its content digest", c.ID, c.Digest)
		}
		if len(c.Sources) == 0 {
			t.Errorf("%s cites no source", c.ID)
		}
	}
	for _, a := range models.Areas {
		if perArea[a] < 4 {
			t.Errorf("area %s has %d checklists; want at least 4", a, perArea[a])
		}
	}
	for i := 1; i < len(lib); i++ {
		if lib[i-1].ID >= lib[i].ID {
			t.Errorf("Library() not sorted by id: %s before %s", lib[i-1].ID, lib[i].ID)
		}
	}
}

func FuzzLoad(f *testing.F) {
	real, err := library.ReadFile("library/bp-manual.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(real)
	f.Add([]byte(sample))
	f.Add([]byte(strings.Replace(sample, "id: sample", "id: fuzz", 1)))
	f.Add([]byte("id: fuzz\nsteps: &a [*a]\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Load("fuzz.yaml", data)
		if err != nil {
			if err.Error() == "" {
				t.Errorf("Load() returned an error with no message")
			}
			return
		}
		if c.ID != "fuzz" {
			t.Errorf("Load(fuzz.yaml) accepted id %q", c.ID)
		}
		if verr := c.Validate(); verr != nil {
			t.Errorf("Load() accepted an invalid checklist: %v", verr)
		}
		if c.Digest != c.ContentDigest() {
			t.Errorf("Load() digest %q; want %q", c.Digest, c.ContentDigest())
		}
	})
}
