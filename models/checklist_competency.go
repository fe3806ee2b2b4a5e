package models

import (
	"fmt"
	"slices"
	"strings"
)

// Competency is one accreditation competency a checklist gives evidence
// for. Code carries its framework and version ("MAERB-2015 I.P.1.a") so a
// program can map records to either curriculum.
type Competency struct {
	Code   string `json:"code"`
	Title  string `json:"title"`
	Domain Domain `json:"domain"`
	// Source names the framework's source its wording was checked against.
	Source string `json:"source"`
}

// Framework is a curriculum whose competency codes checklists may cite,
// as its data file under frameworks/ describes it.
type Framework struct {
	Name       string // e.g. "MAERB-2015"
	Title      string
	Accreditor string
	Edition    string
	Sources    map[string]FrameworkSource
	// Areas names the content areas by numeral ("I": "Anatomy &
	// Physiology"); Coverage says which part of the curriculum is shipped.
	Areas        map[string]string
	Coverage     string
	Competencies []Competency // every code checklists may cite, in curriculum order
}

// ContentArea is the content area a competency code belongs to: the
// numeral it starts with ("MAERB-2015 III.P.2" is "III").
func ContentArea(code string) string {
	_, local, ok := strings.Cut(code, " ")
	if !ok {
		local = code
	}
	area, _, _ := strings.Cut(local, ".")
	return area
}

// AreaTitle is content area area of f as people write it: "I. Anatomy &
// Physiology", or "Content area IV" when the data does not name it.
func (f Framework) AreaTitle(area string) string {
	if name := f.Areas[area]; name != "" {
		return area + ". " + name
	}
	return "Content area " + area
}

// Counts says how many codes of each domain f ships, and in which content
// areas, in curriculum order.
func (f Framework) Counts() (byDomain map[Domain]int, areas []string) {
	byDomain = map[Domain]int{}
	for _, c := range f.Competencies {
		byDomain[c.Domain]++
		if a := ContentArea(c.Code); !slices.Contains(areas, a) {
			areas = append(areas, a)
		}
	}
	return byDomain, areas
}

// CoverageText says in one line what f's data covers: "MAERB-2015: 32
// psychomotor and 0 affective codes shipped, in content areas I and III",
// then the data file's own account of what it leaves out.
func (f Framework) CoverageText() string {
	n, areas := f.Counts()
	list := strings.Join(areas, ", ")
	if i := strings.LastIndex(list, ", "); i >= 0 {
		list = list[:i] + " and " + list[i+2:]
	}
	s := fmt.Sprintf("%s: %d psychomotor and %d affective codes shipped, in content areas %s", f.Name, n[DomainPsychomotor], n[DomainAffective], list)
	if c := n[DomainCognitive]; c > 0 {
		s = fmt.Sprintf("%s: %d psychomotor, %d affective and %d cognitive codes shipped, in content areas %s", f.Name, n[DomainPsychomotor], n[DomainAffective], c, list)
	}
	return s + ". " + f.Coverage
}

// Frameworks is the one list of curricula and codes a checklist may cite,
// read from the shipped data files. A code with sub-parts must name the
// part (I.P.1.a, not I.P.1).
var Frameworks = catalog.Frameworks

// DefaultFrameworks are the frameworks a program reports against until it
// chooses: MAERB 2015, what every program used before frameworks could be
// chosen.
var DefaultFrameworks = []string{"MAERB-2015"}

// LookupCompetency returns the known competency with code.
func LookupCompetency(code string) (Competency, bool) { return catalog.Lookup(code) }

// LookupFramework returns the shipped framework named name.
func LookupFramework(name string) (Framework, bool) {
	for _, f := range catalog.Frameworks {
		if f.Name == name {
			return f, true
		}
	}
	return Framework{}, false
}

// FrameworkNames lists the shipped frameworks' names.
func FrameworkNames() []string {
	names := make([]string, len(catalog.Frameworks))
	for i, f := range catalog.Frameworks {
		names[i] = f.Name
	}
	return names
}

// CheckCompetency says what, if anything, is wrong with a competency code:
// it must be "<framework> <code>" with a shipped framework and a code that
// framework lists.
func CheckCompetency(code string) error { return catalog.Check(code) }

// Check says what, if anything, is wrong with a competency code against
// c's frameworks.
func (c *Catalog) Check(code string) error {
	if strings.TrimSpace(code) == "" {
		return fmt.Errorf("is empty; write a code such as \"MAERB-2015 I.P.1.a\"")
	}
	name, local, ok := strings.Cut(code, " ")
	if !ok || local == "" || strings.ContainsAny(local, " \t") {
		return fmt.Errorf("%q is not \"<framework> <code>\", such as \"MAERB-2015 I.P.1.a\"", code)
	}
	for _, f := range c.Frameworks {
		if f.Name != name {
			continue
		}
		if _, ok := c.index[code]; ok {
			return nil
		}
		if _, ok := c.index[code+".a"]; ok {
			return fmt.Errorf("%q has parts; cite each part, such as \"%s.a\"", code, code)
		}
		return fmt.Errorf("%q is not a %s code Skillbook knows", local, name)
	}
	names := make([]string, len(c.Frameworks))
	for i, f := range c.Frameworks {
		names[i] = f.Name
	}
	return fmt.Errorf("%q names an unknown framework; use one of %s", name, strings.Join(names, ", "))
}

// CompetencyMatches reports whether code is query or one of its sub-parts,
// so that "MAERB-2015 I.P.1" matches "MAERB-2015 I.P.1.a" but not
// "MAERB-2015 I.P.10".
func CompetencyMatches(code, query string) bool {
	return code == query || strings.HasPrefix(code, query+".")
}
