package models

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// EvidenceRule says when a competency code counts as evidenced for a
// student. Without a rule, a signed completion of any checklist citing the
// code evidences it. Skillbook ships default rules (frameworks/
// evidence-rules.json); a program's own rules add to them and never relax
// them (EvidenceRuleOf).
type EvidenceRule struct {
	Code string `json:"code" bson:"code"`
	// Requires are requirements that must all hold.
	Requires []Requirement `json:"requires,omitempty" bson:"requires,omitempty"`
	// Partial are checklists that support the code but never evidence it
	// alone: another citing checklist must be completed too.
	Partial []string `json:"partial,omitempty" bson:"partial,omitempty"`
	// Why says, for the people reading an export, why the rule exists.
	Why string `json:"why,omitempty" bson:"why,omitempty"`
}

// Requirement is met by a signed completion of any one of its checklists
// (by id). It is an object, not a bare list, because lists of lists are
// beyond some MongoDB-compatible stores.
type Requirement struct {
	AnyOf []string `json:"anyOf" bson:"anyOf"`
}

// EvidenceSource is one signed completion that counts toward a code: the
// checklist version the completing pass was graded on, and its signature.
type EvidenceSource struct {
	ChecklistID      string    `json:"checklistId"`
	ChecklistVersion int       `json:"checklistVersion"`
	AttemptID        string    `json:"attemptId"`
	SignedAt         time.Time `json:"signedAt"`
	Signer           string    `json:"signer,omitempty"`
	Credential       string    `json:"credential,omitempty"`
	// Partial marks a checklist that supports the code without
	// evidencing it alone.
	Partial bool `json:"partial,omitempty"`
}

// CodeEvidence is a code a student has evidence of, with the completions
// that make it up.
type CodeEvidence struct {
	Code    string           `json:"code"`
	Title   string           `json:"title,omitempty"`
	Sources []EvidenceSource `json:"sources"`
}

// completion is a checklist a student completed with signed passes, and
// the codes its completing version cites (with their crosswalks).
type completion struct {
	EvidenceSource
	codes []string
}

// completionsOf lists the checklists a student's standings (any checklist
// they have attempts at, assigned or not) show completed with signed
// passes: as many as the rule of the latest signed pass's version asks
// for. A pass counts only once signed. The completing pass is the
// required-th by signing time; its version's codes are what it evidences.
// A version missing from checklists counts for nothing.
func (c *Catalog) completionsOf(program Program, standings map[string]Standing, checklists map[ChecklistRef]Checklist) []completion {
	var out []completion
	for id, st := range standings {
		passes := st.signedPasses()
		if len(passes) == 0 {
			continue
		}
		latest, ok := checklists[ChecklistRef{id, passes[len(passes)-1].Version}]
		if !ok {
			continue
		}
		required := max(latest.Grading.Apply(program.Grading).RequiredEvaluations, 1)
		if len(passes) < required {
			continue
		}
		p := passes[required-1]
		graded, ok := checklists[ChecklistRef{id, p.Version}]
		if !ok {
			continue
		}
		k := completion{EvidenceSource: EvidenceSource{ChecklistID: id, ChecklistVersion: p.Version, AttemptID: p.AttemptID,
			SignedAt: *p.SignedAt, Signer: p.Signer, Credential: p.Credential}}
		for _, code := range graded.Competencies {
			k.codes = append(k.codes, code)
			k.codes = append(k.codes, c.Crosswalk[code]...)
		}
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b completion) int { return cmp.Compare(a.ChecklistID, b.ChecklistID) })
	return out
}

// signedPasses are the standing's passed evaluations that carry a
// signature, in signing order.
func (s Standing) signedPasses() []*GradedAttempt {
	var out []*GradedAttempt
	for i := range s.Graded {
		if g := &s.Graded[i]; g.Status == StatusPassed && g.SignedAt != nil && g.Version > 0 {
			out = append(out, g)
		}
	}
	slices.SortStableFunc(out, func(a, b *GradedAttempt) int {
		return cmp.Or(a.SignedAt.Compare(*b.SignedAt), cmp.Compare(a.AttemptID, b.AttemptID))
	})
	return out
}

// EvidenceOf is the one place evidence is decided: the codes of program's
// frameworks a student has evidence of, in curriculum order, from their
// standings at every checklist (assigned now or not: a signed pass stays
// evidence when its checklist is unassigned or replaced) and the checklist
// versions those passes were graded on. A code is evidenced when at least
// one completed checklist citing it (or a code crosswalked to it) is not
// partial for it, and every requirement of its rule is met.
func EvidenceOf(program Program, standings map[string]Standing, checklists map[ChecklistRef]Checklist) []CodeEvidence {
	return catalog.Evidence(program, standings, checklists)
}

// Evidence is EvidenceOf under c's frameworks, crosswalks and rules.
func (c *Catalog) Evidence(program Program, standings map[string]Standing, checklists map[ChecklistRef]Checklist) []CodeEvidence {
	done := c.completionsOf(program, standings, checklists)
	out := []CodeEvidence{}
	for _, name := range program.CompetencyFrameworks() {
		for _, f := range c.Frameworks {
			if f.Name != name {
				continue
			}
			for _, comp := range f.Competencies {
				if e, ok := evidence(comp, c.RuleOf(program, comp.Code), done); ok {
					out = append(out, e)
				}
			}
		}
	}
	return out
}

// evidence applies rule to the completions done.
func evidence(comp Competency, rule EvidenceRule, done []completion) (CodeEvidence, bool) {
	e := CodeEvidence{Code: comp.Code, Title: comp.Title}
	whole := false
	for _, k := range done {
		if !slices.Contains(k.codes, comp.Code) {
			continue
		}
		s := k.EvidenceSource
		s.Partial = slices.Contains(rule.Partial, k.ChecklistID)
		whole = whole || !s.Partial
		e.Sources = append(e.Sources, s)
	}
	if !whole {
		return e, false
	}
	for _, req := range rule.Requires {
		i := slices.IndexFunc(done, func(k completion) bool { return slices.Contains(req.AnyOf, k.ChecklistID) })
		if i < 0 {
			return e, false
		}
		if !slices.ContainsFunc(e.Sources, func(s EvidenceSource) bool { return s.ChecklistID == done[i].ChecklistID }) {
			e.Sources = append(e.Sources, done[i].EvidenceSource)
		}
	}
	slices.SortFunc(e.Sources, func(a, b EvidenceSource) int { return cmp.Compare(a.ChecklistID, b.ChecklistID) })
	return e, true
}

// EvidenceRuleOf is the rule for code in program: the shipped default with
// the program's own rule for it added (its requirements and partial
// checklists join the default's, so a program can only tighten).
func EvidenceRuleOf(program Program, code string) EvidenceRule { return catalog.RuleOf(program, code) }

// RuleOf is EvidenceRuleOf under c's default rules.
func (c *Catalog) RuleOf(program Program, code string) EvidenceRule {
	r := c.Rules[code]
	r.Code = code
	r.Requires = slices.Clone(r.Requires)
	r.Partial = slices.Clone(r.Partial)
	for _, own := range program.EvidenceRules {
		if own.Code != code {
			continue
		}
		r.Requires = append(r.Requires, own.Requires...)
		for _, id := range own.Partial {
			if !slices.Contains(r.Partial, id) {
				r.Partial = append(r.Partial, id)
			}
		}
		if own.Why != "" {
			r.Why = strings.TrimSpace(r.Why + " " + own.Why)
		}
	}
	return r
}

// DefaultEvidenceRules lists the shipped evidence rules, by code.
func DefaultEvidenceRules() []EvidenceRule {
	out := make([]EvidenceRule, 0, len(catalog.Rules))
	for _, r := range catalog.Rules {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b EvidenceRule) int { return cmp.Compare(a.Code, b.Code) })
	return out
}

// CompetencyFrameworks are the frameworks the program reports against:
// its choice, or DefaultFrameworks.
func (p Program) CompetencyFrameworks() []string {
	if len(p.Frameworks) == 0 {
		return DefaultFrameworks
	}
	return p.Frameworks
}

// CompetencySettings is what a program chooses about competencies: the
// frameworks it reports against and evidence rules of its own.
type CompetencySettings struct {
	Frameworks    []string       `json:"frameworks"`
	EvidenceRules []EvidenceRule `json:"evidenceRules"`
}

// Limits on a program's competency settings.
const (
	maxEvidenceRules    = 200
	maxRuleRequirements = 10
	maxRuleChecklists   = 20
	maxRuleWhy          = 500
)

// Validate checks the settings: shipped frameworks, each once; rules for
// shipped codes of those frameworks, each code once, each adding a
// requirement or a partial checklist.
func (s CompetencySettings) Validate() error {
	var v ValidationError
	if len(s.Frameworks) == 0 {
		v.Add("frameworks", "choose at least one framework: %s", strings.Join(FrameworkNames(), ", "))
	}
	seen := map[string]bool{}
	for i, name := range s.Frameworks {
		f := fmt.Sprintf("frameworks[%d]", i)
		switch {
		case seen[name]:
			v.Add(f, "is listed twice")
		case !slices.Contains(FrameworkNames(), name):
			v.Add(f, "%q is not a framework Skillbook ships; use one of %s", name, strings.Join(FrameworkNames(), ", "))
		}
		seen[name] = true
	}
	if len(s.EvidenceRules) > maxEvidenceRules {
		v.Add("evidenceRules", "at most %d rules", maxEvidenceRules)
		return v.Err()
	}
	codes := map[string]bool{}
	for i, r := range s.EvidenceRules {
		f := fmt.Sprintf("evidenceRules[%d]", i)
		name, _, _ := strings.Cut(r.Code, " ")
		if err := CheckCompetency(r.Code); err != nil {
			v.Add(f+".code", "%s", err)
		} else if !seen[name] {
			v.Add(f+".code", "%q is not in a framework the program chose", r.Code)
		}
		if codes[r.Code] {
			v.Add(f+".code", "has a rule already; put its conditions in one rule")
		}
		codes[r.Code] = true
		if len(r.Requires) == 0 && len(r.Partial) == 0 {
			v.Add(f, "add a requirement or a partial checklist: a rule can only tighten the default")
		}
		if len(r.Requires) > maxRuleRequirements {
			v.Add(f+".requires", "at most %d requirements", maxRuleRequirements)
		}
		for j, req := range r.Requires {
			checkRuleIDs(&v, fmt.Sprintf("%s.requires[%d].anyOf", f, j), req.AnyOf, 1)
		}
		checkRuleIDs(&v, f+".partial", r.Partial, 0)
		if len(r.Why) > maxRuleWhy {
			v.Add(f+".why", "at most %d characters", maxRuleWhy)
		}
	}
	return v.Err()
}

// checkRuleIDs checks a list of checklist ids in a rule.
func checkRuleIDs(v *ValidationError, field string, ids []string, least int) {
	if len(ids) < least || len(ids) > maxRuleChecklists {
		v.Add(field, "list %d to %d checklist ids", max(least, 1), maxRuleChecklists)
	}
	for k, id := range ids {
		if id == "" || id != strings.TrimSpace(id) || len(id) > 64 || strings.ContainsAny(id, " \t\n") {
			v.Add(fmt.Sprintf("%s[%d]", field, k), "must be a checklist id, such as \"intramuscular-injection\"")
		}
	}
}
