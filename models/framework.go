package models

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// The competency frameworks, their crosswalks and the default evidence
// rules are data, not code: JSON files under frameworks/, embedded in the
// binary and read once. Adding a framework or a code is a data change with
// a source cited per code.
//
//go:embed frameworks/*.json
var frameworkFiles embed.FS

// Domain is the learning domain a competency belongs to.
type Domain string

// The domains of the MAERB curriculum.
const (
	DomainPsychomotor Domain = "psychomotor"
	DomainAffective   Domain = "affective"
	DomainCognitive   Domain = "cognitive"
)

// FrameworkSource is a public document a framework's wording was checked against.
type FrameworkSource struct {
	Title string   `json:"title"`
	URLs  []string `json:"urls"`
	// Note says what the source does not settle, if anything.
	Note string `json:"note,omitempty"`
}

// frameworkFile is one framework as its data file holds it: codes without
// the framework name, each naming its source.
type frameworkFile struct {
	Name       string                     `json:"name"`
	Title      string                     `json:"title"`
	Accreditor string                     `json:"accreditor"`
	Edition    string                     `json:"edition"`
	Sources    map[string]FrameworkSource `json:"sources"`
	// Areas names the curriculum's content areas by the numeral codes
	// start with ("I": "Anatomy & Physiology").
	Areas map[string]string `json:"areas,omitempty"`
	// Coverage says which part of the curriculum the file ships and what
	// it leaves out, for the exports that report against it.
	Coverage     string `json:"coverage"`
	Competencies []struct {
		Code   string `json:"code"`
		Title  string `json:"title"`
		Domain Domain `json:"domain"`
		Source string `json:"source"`
	} `json:"competencies"`
}

// crosswalkFile maps the codes of one framework to another's.
type crosswalkFile struct {
	Note string              `json:"note"`
	From string              `json:"from"`
	To   string              `json:"to"`
	Map  map[string][]string `json:"map"`
}

// evidenceFile holds the default evidence rules.
type evidenceFile struct {
	Note  string         `json:"note"`
	Rules []EvidenceRule `json:"rules"`
}

// Catalog is every framework, crosswalk and default evidence rule Skillbook
// ships.
type Catalog struct {
	Frameworks []Framework
	// Crosswalk maps a code to the codes of other frameworks it counts
	// for.
	Crosswalk map[string][]string
	// Rules are the default evidence rules by code.
	Rules map[string]EvidenceRule
	index map[string]Competency
}

// LoadCatalog reads the frameworks (every other *.json file), crosswalks
// (crosswalk-*.json) and evidence rules (evidence-rules.json) at the root
// of fsys and checks them: every
// code unique, with a known domain and a cited source; every crosswalk and
// rule naming shipped codes.
func LoadCatalog(fsys fs.FS) (Catalog, error) {
	c := Catalog{Crosswalk: map[string][]string{}, Rules: map[string]EvidenceRule{}, index: map[string]Competency{}}
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return c, err
	}
	slices.Sort(names)
	var crosswalks, rules []string
	for _, name := range names {
		switch {
		case strings.HasPrefix(name, "crosswalk-"):
			crosswalks = append(crosswalks, name)
		case name == "evidence-rules.json":
			rules = append(rules, name)
		default:
			if err := c.addFramework(fsys, name); err != nil {
				return c, fmt.Errorf("framework %s: %w", name, err)
			}
		}
	}
	for _, name := range crosswalks {
		var f crosswalkFile
		if err := readJSON(fsys, name, &f); err != nil {
			return c, err
		}
		for from, tos := range f.Map {
			code := f.From + " " + from
			if _, ok := c.index[code]; !ok {
				return c, fmt.Errorf("crosswalk %s: %q is not a shipped code", name, code)
			}
			for _, to := range tos {
				if _, ok := c.index[f.To+" "+to]; !ok {
					return c, fmt.Errorf("crosswalk %s: %q is not a shipped code", name, f.To+" "+to)
				}
				c.Crosswalk[code] = append(c.Crosswalk[code], f.To+" "+to)
			}
		}
	}
	for _, name := range rules {
		var f evidenceFile
		if err := readJSON(fsys, name, &f); err != nil {
			return c, err
		}
		for i, r := range f.Rules {
			if err := c.checkRule(r); err != nil {
				return c, fmt.Errorf("%s: rules[%d]: %w", name, i, err)
			}
			if _, dup := c.Rules[r.Code]; dup {
				return c, fmt.Errorf("%s: rules[%d]: a second rule for %s", name, i, r.Code)
			}
			c.Rules[r.Code] = r
		}
	}
	if len(c.Frameworks) == 0 {
		return c, fmt.Errorf("no framework files found")
	}
	return c, nil
}

func (c *Catalog) addFramework(fsys fs.FS, name string) error {
	var f frameworkFile
	if err := readJSON(fsys, name, &f); err != nil {
		return err
	}
	if f.Name == "" || strings.ContainsAny(f.Name, " \t") {
		return fmt.Errorf("name %q must be one word, such as MAERB-2015", f.Name)
	}
	if slices.ContainsFunc(c.Frameworks, func(g Framework) bool { return g.Name == f.Name }) {
		return fmt.Errorf("%s is defined twice", f.Name)
	}
	if strings.TrimSpace(f.Coverage) == "" {
		return fmt.Errorf("coverage is required: say which part of the curriculum the file ships and what it leaves out")
	}
	fw := Framework{Name: f.Name, Title: f.Title, Accreditor: f.Accreditor, Edition: f.Edition, Sources: f.Sources,
		Areas: f.Areas, Coverage: f.Coverage}
	for i, k := range f.Competencies {
		code := f.Name + " " + k.Code
		src, ok := f.Sources[k.Source]
		switch {
		case k.Code == "" || strings.ContainsAny(k.Code, " \t") || k.Title == "":
			return fmt.Errorf("competencies[%d]: a code without spaces and a title are required", i)
		case k.Domain != DomainPsychomotor && k.Domain != DomainAffective && k.Domain != DomainCognitive:
			return fmt.Errorf("%s: domain %q is not psychomotor, affective or cognitive", code, k.Domain)
		case !ok || len(src.URLs) == 0:
			return fmt.Errorf("%s: source %q is not one of the file's sources with a URL", code, k.Source)
		}
		if _, dup := c.index[code]; dup {
			return fmt.Errorf("%s is listed twice", code)
		}
		comp := Competency{Code: code, Title: k.Title, Domain: k.Domain, Source: k.Source}
		c.index[code] = comp
		fw.Competencies = append(fw.Competencies, comp)
	}
	c.Frameworks = append(c.Frameworks, fw)
	return nil
}

// checkRule says what is wrong with an evidence rule, if anything.
func (c *Catalog) checkRule(r EvidenceRule) error {
	if _, ok := c.index[r.Code]; !ok {
		return fmt.Errorf("%q is not a shipped code", r.Code)
	}
	for _, g := range r.Requires {
		if len(g.AnyOf) == 0 || slices.Contains(g.AnyOf, "") {
			return fmt.Errorf("%s: every requirement names at least one checklist id", r.Code)
		}
	}
	if slices.Contains(r.Partial, "") {
		return fmt.Errorf("%s: partial lists an empty checklist id", r.Code)
	}
	return nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path.Base(name), err)
	}
	return nil
}

// Lookup returns the shipped competency with code.
func (c *Catalog) Lookup(code string) (Competency, bool) {
	k, ok := c.index[code]
	return k, ok
}

// catalog is the shipped catalog, read once; it never changes.
var catalog = func() Catalog {
	sub, err := fs.Sub(frameworkFiles, "frameworks")
	if err == nil {
		var c Catalog
		if c, err = LoadCatalog(sub); err == nil {
			return c
		}
	}
	panic("models: shipped competency frameworks: " + err.Error())
}()

// ShippedCatalog returns the frameworks, crosswalks and default evidence
// rules Skillbook ships.
func ShippedCatalog() *Catalog { return &catalog }
