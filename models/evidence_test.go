package models

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// evidenceChecklists are library-like checklists at version 1 (venipuncture
// also at 2, citing capillary puncture too) with the codes the shipped
// library cites.
func evidenceChecklists() map[ChecklistRef]Checklist {
	cl := func(id string, version int, codes ...string) (ChecklistRef, Checklist) {
		return ChecklistRef{id, version}, Checklist{ID: id, Version: version, Title: id, Competencies: codes}
	}
	out := map[ChecklistRef]Checklist{}
	for _, c := range []struct {
		id      string
		version int
		codes   []string
	}{
		{"intramuscular-injection", 1, []string{"MAERB-2015 I.P.5", "MAERB-2015 I.P.7"}},
		{"subcutaneous-injection", 1, []string{"MAERB-2015 I.P.5", "MAERB-2015 I.P.7"}},
		{"intradermal-injection", 1, []string{"MAERB-2015 I.P.7"}},
		{"venipuncture-evacuated-tube", 1, []string{"MAERB-2015 I.P.2.b"}},
		{"venipuncture-evacuated-tube", 2, []string{"MAERB-2015 I.P.2.b", "MAERB-2015 I.P.2.c"}},
		{"venipuncture-winged-set", 1, []string{"MAERB-2015 I.P.2.b"}},
		{"order-of-draw-labeling", 1, []string{"MAERB-2015 I.P.2.b"}},
		{"vial-withdrawal", 1, []string{"MAERB-2015 I.P.4.c"}},
		{"ampule-withdrawal", 1, []string{"MAERB-2015 I.P.4.c"}},
		{"oral-medication-rights", 1, []string{"MAERB-2015 I.P.4.c", "MAERB-2015 I.P.6"}},
		{"bp-manual", 1, []string{"MAERB-2015 I.P.1.a"}},
		{"local-check", 1, []string{"MAERB-2015 I.P.1.a"}},
	} {
		ref, c := cl(c.id, c.version, c.codes...)
		out[ref] = c
	}
	return out
}

// pass is a graded pass of version v of checklist, signed at day0 plus
// hours (unsigned when hours < 0).
type pass struct {
	checklist string
	version   int
	hours     int
}

func standingsOfPasses(passes ...pass) map[string]Standing {
	var attempts []Attempt
	for i, p := range passes {
		a := Attempt{ID: p.checklist + "-" + string(rune('a'+i)), ProgramID: "p1", StudentID: "s1", ChecklistID: p.checklist,
			ChecklistVersion: p.version, Kind: AttemptEvaluation, Status: StatusPassed,
			Evaluation: &Evaluation{EvaluatedAt: day0.Add(time.Duration(max(p.hours, 0)) * time.Hour), Outcome: OutcomePassed}}
		if p.hours >= 0 {
			a.Evaluation.Signature = &Signature{SignerName: "Ivy", SignerCredential: "CMA (AAMA)", SignedAt: a.Evaluation.EvaluatedAt}
		}
		attempts = append(attempts, a)
	}
	return StandingsOf(attempts)["s1"]
}

func evidencedCodes(ev []CodeEvidence) []string {
	out := []string{}
	for _, e := range ev {
		out = append(out, strings.TrimPrefix(e.Code, "MAERB-2015 "))
	}
	return out
}

func TestEvidenceRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		program Program
		passes  []pass
		want    []string
	}{
		{name: "nothing passed", want: []string{}},
		{name: "parenteral needs IM, SubQ and ID: ID alone",
			passes: []pass{{"intradermal-injection", 1, 1}}, want: []string{}},
		{name: "parenteral needs IM, SubQ and ID: IM and SubQ evidence sites only",
			passes: []pass{{"intramuscular-injection", 1, 1}, {"subcutaneous-injection", 1, 2}}, want: []string{"I.P.5"}},
		{name: "parenteral needs IM, SubQ and ID: all three",
			passes: []pass{{"intramuscular-injection", 1, 1}, {"subcutaneous-injection", 1, 2}, {"intradermal-injection", 1, 3}},
			want:   []string{"I.P.5", "I.P.7"}},
		{name: "venipuncture: labeling alone is not a needle skill",
			passes: []pass{{"order-of-draw-labeling", 1, 1}}, want: []string{}},
		{name: "venipuncture: a winged set is",
			passes: []pass{{"order-of-draw-labeling", 1, 1}, {"venipuncture-winged-set", 1, 2}}, want: []string{"I.P.2.b"}},
		{name: "right dose: vial and ampule withdrawal alone do not evidence it",
			passes: []pass{{"vial-withdrawal", 1, 1}, {"ampule-withdrawal", 1, 2}}, want: []string{}},
		{name: "right dose: the rights checklist does",
			passes: []pass{{"vial-withdrawal", 1, 1}, {"oral-medication-rights", 1, 2}}, want: []string{"I.P.4.c", "I.P.6"}},
		{name: "an unsigned pass is no evidence",
			passes: []pass{{"bp-manual", 1, -1}}, want: []string{}},
		{name: "the codes are the passed version's",
			passes: []pass{{"venipuncture-evacuated-tube", 2, 1}}, want: []string{"I.P.2.b", "I.P.2.c"}},
		{name: "a version no longer stored counts for nothing",
			passes: []pass{{"venipuncture-evacuated-tube", 9, 1}}, want: []string{}},
		{name: "two passes required: one is not enough",
			program: Program{Grading: Grading{RequiredEvaluations: 2}},
			passes:  []pass{{"bp-manual", 1, 1}}, want: []string{}},
		{name: "two passes required: two are",
			program: Program{Grading: Grading{RequiredEvaluations: 2}},
			passes:  []pass{{"bp-manual", 1, 1}, {"bp-manual", 1, 2}}, want: []string{"I.P.1.a"}},
		{name: "a program requires a second checklist for blood pressure",
			program: Program{EvidenceRules: []EvidenceRule{{Code: "MAERB-2015 I.P.1.a", Requires: []Requirement{{AnyOf: []string{"local-check"}}}}}},
			passes:  []pass{{"bp-manual", 1, 1}}, want: []string{}},
		{name: "a program's requirement met",
			program: Program{EvidenceRules: []EvidenceRule{{Code: "MAERB-2015 I.P.1.a", Requires: []Requirement{{AnyOf: []string{"local-check"}}}}}},
			passes:  []pass{{"bp-manual", 1, 1}, {"local-check", 1, 2}}, want: []string{"I.P.1.a"}},
		{name: "a program marks the winged set partial too: order of draw and winged set do not add up",
			program: Program{EvidenceRules: []EvidenceRule{{Code: "MAERB-2015 I.P.2.b", Partial: []string{"venipuncture-winged-set"}}}},
			passes:  []pass{{"order-of-draw-labeling", 1, 1}, {"venipuncture-winged-set", 1, 2}}, want: []string{}},
		{name: "a program cannot relax a default: a rule without the injections still needs them",
			program: Program{EvidenceRules: []EvidenceRule{{Code: "MAERB-2015 I.P.7", Partial: []string{"order-of-draw-labeling"}}}},
			passes:  []pass{{"intradermal-injection", 1, 1}}, want: []string{}},
		{name: "another framework chosen: no MAERB-2015 code reported",
			program: Program{Frameworks: []string{"NONE-1"}},
			passes:  []pass{{"bp-manual", 1, 1}}, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.program
			if p.Grading.RequiredEvaluations == 0 {
				p.Grading = DefaultGrading
			}
			got := evidencedCodes(EvidenceOf(p, standingsOfPasses(tt.passes...), evidenceChecklists()))
			if !slices.Equal(got, tt.want) {
				t.Errorf("EvidenceOf(%v) = %v; want %v", tt.passes, got, tt.want)
			}
		})
	}
}

func TestEvidenceNamesTheCompletingVersion(t *testing.T) {
	t.Parallel()
	program := Program{Grading: DefaultGrading}
	// Passed on version 1, then again on version 2 after the checklist was
	// replaced: the first signed pass completed it, on version 1.
	st := standingsOfPasses(pass{"order-of-draw-labeling", 1, 1}, pass{"venipuncture-evacuated-tube", 1, 2}, pass{"venipuncture-evacuated-tube", 2, 3})
	got := EvidenceOf(program, st, evidenceChecklists())
	at := day0.Add(2 * time.Hour)
	want := []CodeEvidence{{Code: "MAERB-2015 I.P.2.b", Title: "Perform venipuncture", Sources: []EvidenceSource{
		{ChecklistID: "order-of-draw-labeling", ChecklistVersion: 1, AttemptID: "order-of-draw-labeling-a", SignedAt: day0.Add(time.Hour),
			Signer: "Ivy", Credential: "CMA (AAMA)", Partial: true},
		{ChecklistID: "venipuncture-evacuated-tube", ChecklistVersion: 1, AttemptID: "venipuncture-evacuated-tube-b", SignedAt: at,
			Signer: "Ivy", Credential: "CMA (AAMA)"},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EvidenceOf mismatch (-want +got):\n%s", diff)
	}
}

func TestEvidenceSurvivesUnassignment(t *testing.T) {
	t.Parallel()
	// The student passed bp-manual (signed) while it was assigned; the
	// assignment is gone and a new version replaced the checklist.
	r := &ProgressRecords{Program: Program{ID: "p1", Grading: DefaultGrading}, Checklists: evidenceChecklists()}
	r.Standings = Standings{"s1": standingsOfPasses(pass{"bp-manual", 1, 1})}
	if refs := r.NeededChecklists(); !slices.Contains(refs, ChecklistRef{"bp-manual", 1}) {
		t.Fatalf("NeededChecklists() = %v; want the passed version bp-manual 1 among them", refs)
	}
	got := StudentProgressOf(student, r, "2026-03-10")
	if !slices.Equal(got.Competencies, []string{"MAERB-2015 I.P.1.a"}) || len(got.Skills) != 0 {
		t.Errorf("progress without assignments: competencies %v, skills %v; want I.P.1.a from the signed pass, no skills", got.Competencies, got.Skills)
	}
	if len(got.Evidence) != 1 || got.Evidence[0].Sources[0].ChecklistVersion != 1 {
		t.Errorf("Evidence = %+v; want I.P.1.a from bp-manual version 1", got.Evidence)
	}
}

// testCatalog is a catalog with a second framework crosswalked from
// MAERB-2015 and a rule on it.
var testCatalogFiles = fstest.MapFS{
	"old.json": {Data: []byte(`{"name": "OLD-1", "title": "Old", "accreditor": "A", "edition": "1", "coverage": "Two codes.",
		"sources": {"s": {"title": "Old curriculum", "urls": ["https://example.test/old"]}},
		"competencies": [
			{"code": "1.a", "title": "Measure blood pressure", "domain": "psychomotor", "source": "s"},
			{"code": "2", "title": "Give injections", "domain": "psychomotor", "source": "s"}]}`)},
	"new.json": {Data: []byte(`{"name": "NEW-2", "title": "New", "accreditor": "A", "edition": "2", "coverage": "Two codes.",
		"areas": {"V": "Vital signs"},
		"sources": {"s": {"title": "New curriculum", "urls": ["https://example.test/new"]}},
		"competencies": [
			{"code": "V.1", "title": "Measure and record vital signs", "domain": "psychomotor", "source": "s"},
			{"code": "A.1", "title": "Show respect", "domain": "affective", "source": "s"}]}`)},
	"crosswalk-old-new.json": {Data: []byte(`{"from": "OLD-1", "to": "NEW-2", "map": {"1.a": ["V.1"]}}`)},
	"evidence-rules.json":    {Data: []byte(`{"rules": [{"code": "NEW-2 V.1", "requires": [{"anyOf": ["pulse"]}]}]}`)},
}

func TestCatalogCrosswalk(t *testing.T) {
	t.Parallel()
	c, err := LoadCatalog(testCatalogFiles)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"OLD-1 1.a", "NEW-2 V.1", "NEW-2 A.1"} {
		if err := c.Check(code); err != nil {
			t.Errorf("Check(%q) = %v; want nil", code, err)
		}
	}
	if k, _ := c.Lookup("NEW-2 A.1"); k.Domain != DomainAffective {
		t.Errorf("Lookup(NEW-2 A.1).Domain = %q; want affective", k.Domain)
	}
	checklists := map[ChecklistRef]Checklist{
		{"bp", 1}:    {ID: "bp", Version: 1, Competencies: []string{"OLD-1 1.a"}},
		{"pulse", 1}: {ID: "pulse", Version: 1, Competencies: []string{"OLD-1 1.a"}},
	}
	program := Program{Grading: DefaultGrading, Frameworks: []string{"NEW-2"}}
	for _, tt := range []struct {
		passes []pass
		want   []string
	}{
		{[]pass{{"bp", 1, 1}}, []string{}},                             // the rule wants pulse too
		{[]pass{{"bp", 1, 1}, {"pulse", 1, 2}}, []string{"NEW-2 V.1"}}, // an OLD-1 code evidences its NEW-2 code
	} {
		got := []string{}
		for _, e := range c.Evidence(program, standingsOfPasses(tt.passes...), checklists) {
			got = append(got, e.Code)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Evidence(%v) under NEW-2 = %v; want %v", tt.passes, got, tt.want)
		}
	}
}

func TestLoadCatalogRefuses(t *testing.T) {
	t.Parallel()
	framework := func(competency string) string {
		return `{"name": "X-1", "title": "X", "accreditor": "A", "edition": "1", "coverage": "One code.",
			"sources": {"s": {"title": "X", "urls": ["https://example.test/x"]}, "nourl": {"title": "X", "urls": []}},
			"competencies": [` + competency + `]}`
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no framework", map[string]string{}, "no framework"},
		{"no coverage", map[string]string{"x.json": strings.Replace(framework(`{"code": "1", "title": "T", "domain": "cognitive", "source": "s"}`),
			`"coverage": "One code.",`, "", 1)}, "coverage is required"},
		{"unknown domain", map[string]string{"x.json": framework(`{"code": "1", "title": "T", "domain": "spiritual", "source": "s"}`)}, "domain"},
		{"source without a URL", map[string]string{"x.json": framework(`{"code": "1", "title": "T", "domain": "cognitive", "source": "nourl"}`)}, "source"},
		{"uncited code", map[string]string{"x.json": framework(`{"code": "1", "title": "T", "domain": "cognitive"}`)}, "source"},
		{"code listed twice", map[string]string{"x.json": framework(`{"code": "1", "title": "T", "domain": "cognitive", "source": "s"},
			{"code": "1", "title": "T", "domain": "cognitive", "source": "s"}`)}, "twice"},
		{"unknown field", map[string]string{"x.json": framework(`{"code": "1", "title": "T", "domain": "cognitive", "source": "s", "wording": "?"}`)}, "unknown field"},
		{"crosswalk to an unshipped code", map[string]string{
			"x.json":           framework(`{"code": "1", "title": "T", "domain": "cognitive", "source": "s"}`),
			"crosswalk-x.json": `{"from": "X-1", "to": "Y-2", "map": {"1": ["9"]}}`}, "not a shipped code"},
		{"rule on an unshipped code", map[string]string{
			"x.json":              framework(`{"code": "1", "title": "T", "domain": "cognitive", "source": "s"}`),
			"evidence-rules.json": `{"rules": [{"code": "X-1 2", "partial": ["a"]}]}`}, "not a shipped code"},
		{"rule with an empty requirement", map[string]string{
			"x.json":              framework(`{"code": "1", "title": "T", "domain": "cognitive", "source": "s"}`),
			"evidence-rules.json": `{"rules": [{"code": "X-1 1", "requires": [{"anyOf": []}]}]}`}, "at least one checklist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{}
			for name, data := range tt.files {
				fsys[name] = &fstest.MapFile{Data: []byte(data)}
			}
			_, err := LoadCatalog(fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadCatalog = %v; want an error about %q", err, tt.want)
			}
		})
	}
}

func TestShippedCatalog(t *testing.T) {
	t.Parallel()
	c := ShippedCatalog()
	if !slices.Equal(FrameworkNames(), []string{"MAERB-2015"}) {
		t.Errorf("FrameworkNames() = %v; want MAERB-2015 alone (MAERB 2022 and ABHES wording is not verified yet)", FrameworkNames())
	}
	f, _ := LookupFramework("MAERB-2015")
	if len(f.Competencies) != 32 {
		t.Errorf("MAERB-2015 has %d codes; want the 32 shipped before frameworks were data", len(f.Competencies))
	}
	for _, k := range f.Competencies {
		if k.Domain != DomainPsychomotor || len(f.Sources[k.Source].URLs) == 0 {
			t.Errorf("%s: domain %q, source %q; want psychomotor with a cited source", k.Code, k.Domain, k.Source)
		}
	}
	for _, code := range []string{"MAERB-2015 I.P.7", "MAERB-2015 I.P.2.b", "MAERB-2015 I.P.4.c"} {
		if r := c.Rules[code]; r.Why == "" || (len(r.Requires) == 0 && len(r.Partial) == 0) {
			t.Errorf("default rule for %s = %+v; want conditions and a reason", code, r)
		}
	}
}

func TestCompetencySettingsValidate(t *testing.T) {
	t.Parallel()
	ok := func(s *CompetencySettings) {}
	tests := []struct {
		name   string
		change func(*CompetencySettings)
		field  string
	}{
		{"valid", ok, ""},
		{"no framework", func(s *CompetencySettings) { s.Frameworks = nil }, "frameworks"},
		{"unknown framework", func(s *CompetencySettings) { s.Frameworks = []string{"MAERB-2015", "ABHES-2020"} }, "frameworks[1]"},
		{"framework twice", func(s *CompetencySettings) { s.Frameworks = []string{"MAERB-2015", "MAERB-2015"} }, "frameworks[1]"},
		{"rule for an unknown code", func(s *CompetencySettings) { s.EvidenceRules[0].Code = "MAERB-2015 IX.P.1" }, "evidenceRules[0].code"},
		{"rule for a code with parts", func(s *CompetencySettings) { s.EvidenceRules[0].Code = "MAERB-2015 I.P.1" }, "evidenceRules[0].code"},
		{"rule adding nothing", func(s *CompetencySettings) { s.EvidenceRules[0].Requires, s.EvidenceRules[0].Partial = nil, nil }, "evidenceRules[0]"},
		{"two rules for a code", func(s *CompetencySettings) { s.EvidenceRules = append(s.EvidenceRules, s.EvidenceRules[0]) }, "evidenceRules[1].code"},
		{"empty requirement", func(s *CompetencySettings) { s.EvidenceRules[0].Requires = []Requirement{{}} }, "evidenceRules[0].requires[0].anyOf"},
		{"blank checklist id", func(s *CompetencySettings) { s.EvidenceRules[0].Partial = []string{" "} }, "evidenceRules[0].partial[0]"},
		{"long reason", func(s *CompetencySettings) { s.EvidenceRules[0].Why = strings.Repeat("x", 501) }, "evidenceRules[0].why"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := CompetencySettings{Frameworks: []string{"MAERB-2015"}, EvidenceRules: []EvidenceRule{
				{Code: "MAERB-2015 I.P.2.c", Requires: []Requirement{{AnyOf: []string{"capillary-puncture"}}}, Partial: []string{"order-of-draw-labeling"}, Why: "two sticks"}}}
			tt.change(&s)
			err := s.Validate()
			if tt.field == "" {
				if err != nil {
					t.Errorf("Validate() = %v; want nil", err)
				}
				return
			}
			var v *ValidationError
			if !errors.As(err, &v) || !slices.ContainsFunc(v.Problems, func(f FieldProblem) bool { return f.Field == tt.field }) {
				t.Errorf("Validate() = %v; want a problem with %s", err, tt.field)
			}
		})
	}
}

// FuzzCompetencySettings decodes competency settings as a client sends
// them: validation never panics, and settings it accepts only ever tighten
// the shipped rules (every default requirement and partial checklist
// stays).
func FuzzCompetencySettings(f *testing.F) {
	f.Add(`{"frameworks": ["MAERB-2015"], "evidenceRules": [{"code": "MAERB-2015 I.P.7", "partial": ["x"]}]}`)
	f.Add(`{"frameworks": ["MAERB-2015"], "evidenceRules": [{"code": "MAERB-2015 I.P.2.b", "requires": [{"anyOf": ["a", "b"]}], "why": "w"}]}`)
	f.Add(`{"frameworks": [], "evidenceRules": [{"code": "", "requires": [{"anyOf": [""]}]}]}`)
	f.Fuzz(func(t *testing.T, body string) {
		var s CompetencySettings
		if json.Unmarshal([]byte(body), &s) != nil || s.Validate() != nil {
			return
		}
		p := Program{Frameworks: s.Frameworks, EvidenceRules: s.EvidenceRules}
		for _, own := range s.EvidenceRules {
			def, got := ShippedCatalog().Rules[own.Code], EvidenceRuleOf(p, own.Code)
			if len(got.Requires) < len(def.Requires)+len(own.Requires) {
				t.Fatalf("EvidenceRuleOf(%s) = %+v; lost requirements of %+v or %+v", own.Code, got, def, own)
			}
			for _, id := range append(slices.Clone(def.Partial), own.Partial...) {
				if !slices.Contains(got.Partial, id) {
					t.Fatalf("EvidenceRuleOf(%s) partial %v; lost %q", own.Code, got.Partial, id)
				}
			}
		}
	})
}
