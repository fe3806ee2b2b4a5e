package models

import (
	"fmt"
	"strings"
)

// Competency is one accreditation competency a checklist gives evidence
// for. Code carries its framework and version ("MAERB-2015 I.P.1.a") so a
// program can map records to either curriculum.
type Competency struct {
	Code  string `json:"code"`
	Title string `json:"title"`
}

// Framework is a curriculum whose competency codes checklists may cite.
type Framework struct {
	Name         string       // e.g. "MAERB-2015"
	Competencies []Competency // every code checklists may cite, in curriculum order
}

// Frameworks is the one list of curricula and codes a checklist may cite.
// MAERB 2015 psychomotor codes of the five skill areas are verified; a code
// with sub-parts must name the part (I.P.1.a, not I.P.1). The 2022
// curriculum is not listed until its numbering is verified.
var Frameworks = []Framework{
	{Name: "MAERB-2015", Competencies: []Competency{
		{"MAERB-2015 I.P.1.a", "Measure and record blood pressure"},
		{"MAERB-2015 I.P.1.b", "Measure and record temperature"},
		{"MAERB-2015 I.P.1.c", "Measure and record pulse"},
		{"MAERB-2015 I.P.1.d", "Measure and record respirations"},
		{"MAERB-2015 I.P.1.e", "Measure and record height"},
		{"MAERB-2015 I.P.1.f", "Measure and record weight"},
		{"MAERB-2015 I.P.1.g", "Measure and record length (infant)"},
		{"MAERB-2015 I.P.1.h", "Measure and record head circumference (infant)"},
		{"MAERB-2015 I.P.1.i", "Measure and record pulse oximetry"},
		{"MAERB-2015 I.P.2.a", "Perform electrocardiography"},
		{"MAERB-2015 I.P.2.b", "Perform venipuncture"},
		{"MAERB-2015 I.P.2.c", "Perform capillary puncture"},
		{"MAERB-2015 I.P.2.d", "Perform pulmonary function testing"},
		{"MAERB-2015 I.P.4.a", "Verify the rules of medication administration: right patient"},
		{"MAERB-2015 I.P.4.b", "Verify the rules of medication administration: right medication"},
		{"MAERB-2015 I.P.4.c", "Verify the rules of medication administration: right dose"},
		{"MAERB-2015 I.P.4.d", "Verify the rules of medication administration: right route"},
		{"MAERB-2015 I.P.4.e", "Verify the rules of medication administration: right time"},
		{"MAERB-2015 I.P.4.f", "Verify the rules of medication administration: right documentation"},
		{"MAERB-2015 I.P.5", "Select proper sites for administering parenteral medication"},
		{"MAERB-2015 I.P.6", "Administer oral medications"},
		{"MAERB-2015 I.P.7", "Administer parenteral (excluding IV) medications"},
		{"MAERB-2015 III.P.2", "Select appropriate barrier/personal protective equipment"},
		{"MAERB-2015 III.P.3", "Perform handwashing"},
		{"MAERB-2015 III.P.4", "Prepare items for autoclaving"},
		{"MAERB-2015 III.P.5", "Perform sterilization procedures"},
		{"MAERB-2015 III.P.6", "Prepare a sterile field"},
		{"MAERB-2015 III.P.7", "Perform within a sterile field"},
		{"MAERB-2015 III.P.8", "Perform wound care"},
		{"MAERB-2015 III.P.9", "Perform dressing change"},
		{"MAERB-2015 III.P.10.a", "Dispose of biohazardous material: sharps"},
		{"MAERB-2015 III.P.10.b", "Dispose of biohazardous material: regulated wastes"},
	}},
}

// competencyIndex maps every known code to its competency.
var competencyIndex = func() map[string]Competency {
	m := make(map[string]Competency)
	for _, f := range Frameworks {
		for _, c := range f.Competencies {
			m[c.Code] = c
		}
	}
	return m
}()

// LookupCompetency returns the known competency with code.
func LookupCompetency(code string) (Competency, bool) {
	c, ok := competencyIndex[code]
	return c, ok
}

// CheckCompetency says what, if anything, is wrong with a competency code:
// it must be "<framework> <code>" with a known framework and a code that
// framework lists.
func CheckCompetency(code string) error {
	if strings.TrimSpace(code) == "" {
		return fmt.Errorf("is empty; write a code such as \"MAERB-2015 I.P.1.a\"")
	}
	name, local, ok := strings.Cut(code, " ")
	if !ok || local == "" || strings.ContainsAny(local, " \t") {
		return fmt.Errorf("%q is not \"<framework> <code>\", such as \"MAERB-2015 I.P.1.a\"", code)
	}
	for _, f := range Frameworks {
		if f.Name != name {
			continue
		}
		if _, ok := competencyIndex[code]; ok {
			return nil
		}
		if _, ok := competencyIndex[code+".a"]; ok {
			return fmt.Errorf("%q has parts; cite each part, such as \"%s.a\"", code, code)
		}
		return fmt.Errorf("%q is not a %s code Skillbook knows", local, name)
	}
	names := make([]string, len(Frameworks))
	for i, f := range Frameworks {
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
