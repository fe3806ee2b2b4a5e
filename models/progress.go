package models

import (
	"cmp"
	"slices"
	"time"
)

// SkillProgress is one student's standing on one assigned checklist.
type SkillProgress struct {
	ChecklistID      string      `json:"checklistId"`
	ChecklistVersion int         `json:"checklistVersion"`
	Title            string      `json:"title"`
	Area             Area        `json:"area"`
	Status           SkillStatus `json:"status"`
	DueDate          string      `json:"dueDate,omitempty"`
	// Practice counts logged practice attempts; RequiredPractice is how
	// many the rule asks for before an evaluation.
	Practice         int `json:"practice"`
	RequiredPractice int `json:"requiredPractice"`
	// Failed counts failed evaluations since the latest remediation, out
	// of MaxAttempts.
	Failed      int `json:"failed"`
	MaxAttempts int `json:"maxAttempts"`
	// Passed counts passed, signed evaluations, out of RequiredEvaluations.
	Passed              int `json:"passed"`
	RequiredEvaluations int `json:"requiredEvaluations"`
	// CompetentAt, Evaluator and EvaluatorCredential come from the signed
	// evaluation that made the student competent.
	CompetentAt         *time.Time `json:"competentAt,omitempty"`
	CompetentAttemptID  string     `json:"competentAttemptId,omitempty"`
	Evaluator           string     `json:"evaluator,omitempty"`
	EvaluatorCredential string     `json:"evaluatorCredential,omitempty"`
	// OpenRequestID is the evaluation request waiting in the queue.
	OpenRequestID string `json:"openRequestId,omitempty"`
	// Competencies are the accreditation codes the checklist evidences.
	Competencies []string `json:"competencies"`
}

// Completion counts competent skills among assigned ones.
type Completion struct {
	Assigned  int `json:"assigned"`
	Competent int `json:"competent"`
	// Percent is Competent out of Assigned, rounded down; 0 when nothing
	// is assigned.
	Percent int `json:"percent"`
}

// add counts one assigned skill.
func (c *Completion) add(competent bool) {
	c.Assigned++
	if competent {
		c.Competent++
	}
	c.Percent = c.Competent * 100 / c.Assigned
}

// AreaCompletion is the completion of one skill area.
type AreaCompletion struct {
	Area Area `json:"area"`
	Completion
}

// ProcedureProgress is a student's live procedures of one kind against
// the program's target; only successful confirmed ones count.
type ProcedureProgress struct {
	Kind   string `json:"kind"`
	Target int    `json:"target"`
	ProcedureCount
	Met bool `json:"met"`
}

// StudentProgress is one student's dashboard: every assigned skill, the
// completion by area and overall, the competency codes evidenced and the
// procedure counts.
type StudentProgress struct {
	StudentID   string `json:"studentId"`
	StudentName string `json:"studentName"`
	// AsOf is the date statuses were computed for (overdue is relative
	// to it).
	AsOf    string           `json:"asOf"`
	Overall Completion       `json:"overall"`
	Areas   []AreaCompletion `json:"areas"`
	Skills  []SkillProgress  `json:"skills"`
	// Competencies are the codes of the program's frameworks the student
	// has evidence of (EvidenceOf), in curriculum order; Evidence says,
	// per code, which signed completions (checklist version, attempt,
	// signer) make it up.
	Competencies []string            `json:"competencies"`
	Evidence     []CodeEvidence      `json:"evidence"`
	Procedures   []ProcedureProgress `json:"procedures"`

	// Practicum is the student's externship hours against the program's
	// requirement.
	Practicum PracticumProgress `json:"practicum"`
}

// ChecklistColumn is one checklist of a cohort's progress matrix.
type ChecklistColumn struct {
	ChecklistID string `json:"checklistId"`
	Title       string `json:"title"`
	Area        Area   `json:"area"`
}

// CohortProgress is one page of a cohort's progress matrix: its students
// (ordered by id) by the checklists assigned to any of them.
type CohortProgress struct {
	CohortID   string            `json:"cohortId"`
	CohortName string            `json:"cohortName"`
	AsOf       string            `json:"asOf"`
	Checklists []ChecklistColumn `json:"checklists"`
	Items      []StudentProgress `json:"items"`
	NextCursor string            `json:"nextCursor,omitempty"`
}

// ChecklistRef names one checklist version.
type ChecklistRef struct {
	ID      string
	Version int
}

// ProgressRecords is everything progress is computed from, loaded in bulk
// for one or more students.
type ProgressRecords struct {
	Program     Program
	Assignments []Assignment
	// Standings hold the students' attempts as progress reads them.
	Standings Standings
	// Remediations reopen a skill: failures before the latest one do not
	// count.
	Remediations []Remediation
	// Checklists holds the assigned versions and those the students'
	// signed passes were graded on (NeededChecklists).
	Checklists map[ChecklistRef]Checklist
	// Procedures counts each student's procedures by kind.
	Procedures map[string]map[string]ProcedureCount

	// Practicum sums each student's practicum hours by site:
	// Practicum[studentID][site].
	Practicum map[string]map[string]HoursCount
}

// ChecklistRefs lists the checklist versions assignments name, once each.
func ChecklistRefs(assignments []Assignment) []ChecklistRef {
	seen := make(map[ChecklistRef]bool, len(assignments))
	var refs []ChecklistRef
	for _, a := range assignments {
		r := ChecklistRef{a.ChecklistID, a.ChecklistVersion}
		if !seen[r] {
			seen[r] = true
			refs = append(refs, r)
		}
	}
	return refs
}

// NeededChecklists lists the checklist versions progress needs, once
// each: the assigned ones, and those the standings' signed passes were
// graded on (evidence reads their codes, assigned or not).
func (r *ProgressRecords) NeededChecklists() []ChecklistRef {
	refs := ChecklistRefs(r.Assignments)
	seen := make(map[ChecklistRef]bool, len(refs))
	for _, ref := range refs {
		seen[ref] = true
	}
	for _, of := range r.Standings {
		for id, st := range of {
			for _, p := range st.signedPasses() {
				if ref := (ChecklistRef{id, p.Version}); !seen[ref] {
					seen[ref] = true
					refs = append(refs, ref)
				}
			}
		}
	}
	return refs
}

// assignedSkill is one checklist assigned to a student, however many
// assignments name it.
type assignedSkill struct {
	ref  ChecklistRef
	area Area
	due  string
}

// assignedSkills merges the assignments that apply to student by
// checklist: the earliest due date wins (none only when none has one), and
// the highest assigned version is the one shown.
func assignedSkills(student User, assignments []Assignment) []assignedSkill {
	byID := map[string]*assignedSkill{}
	var order []string
	for i := range assignments {
		a := &assignments[i]
		if a.ProgramID != student.ProgramID || !a.AppliesTo(student) {
			continue
		}
		s, ok := byID[a.ChecklistID]
		if !ok {
			s = &assignedSkill{ref: ChecklistRef{a.ChecklistID, a.ChecklistVersion}, area: a.Area, due: a.DueDate}
			byID[a.ChecklistID] = s
			order = append(order, a.ChecklistID)
			continue
		}
		if a.DueDate != "" && (s.due == "" || a.DueDate < s.due) {
			s.due = a.DueDate
		}
		if a.ChecklistVersion > s.ref.Version {
			s.ref.Version, s.area = a.ChecklistVersion, a.Area
		}
	}
	out := make([]assignedSkill, len(order))
	for i, id := range order {
		out[i] = *byID[id]
	}
	return out
}

// StudentProgressOf computes student's progress from records (which may
// hold other students' records too) on date today (DateLayout).
func StudentProgressOf(student User, r *ProgressRecords, today string) StudentProgress {
	standings := r.Standings[student.ID]
	reopened := map[string]time.Time{}
	for _, m := range r.Remediations {
		if m.StudentID == student.ID && m.ProgramID == student.ProgramID && m.CreatedAt.After(reopened[m.ChecklistID]) {
			reopened[m.ChecklistID] = m.CreatedAt
		}
	}

	p := StudentProgress{StudentID: student.ID, StudentName: student.Name, AsOf: today,
		Areas: []AreaCompletion{}, Skills: []SkillProgress{}, Competencies: []string{}, Procedures: []ProcedureProgress{}}
	areas := map[Area]*Completion{}
	for _, as := range assignedSkills(student, r.Assignments) {
		c, ok := r.Checklists[as.ref]
		if !ok {
			// The version is gone from the store: show what the
			// assignment says under the program's rule.
			c = Checklist{ID: as.ref.ID, Version: as.ref.Version, Area: as.area, Title: as.ref.ID}
		}
		sp := skillProgress(c, r.Program.GradingOf(&c), standings[as.ref.ID], reopened[as.ref.ID], as.due, today)
		p.Skills = append(p.Skills, sp)
		competent := sp.Status == SkillCompetent
		if areas[sp.Area] == nil {
			areas[sp.Area] = &Completion{}
		}
		areas[sp.Area].add(competent)
		p.Overall.add(competent)
	}
	slices.SortFunc(p.Skills, func(a, b SkillProgress) int {
		return cmp.Or(cmp.Compare(areaRank(a.Area), areaRank(b.Area)), cmp.Compare(a.Title, b.Title), cmp.Compare(a.ChecklistID, b.ChecklistID))
	})
	for _, a := range Areas {
		if c := areas[a]; c != nil {
			p.Areas = append(p.Areas, AreaCompletion{Area: a, Completion: *c})
		}
	}
	p.Evidence = EvidenceOf(r.Program, standings, r.Checklists)
	for _, e := range p.Evidence {
		p.Competencies = append(p.Competencies, e.Code)
	}
	counts := r.Procedures[student.ID]
	for _, kind := range ProcedureKinds(r.Program.ProcedureTargets) {
		pp := ProcedureProgress{Kind: kind, Target: r.Program.ProcedureTargets[kind], ProcedureCount: counts[kind]}
		pp.Met = pp.Successful >= pp.Target
		p.Procedures = append(p.Procedures, pp)
	}
	p.Practicum = PracticumProgressOf(r.Practicum[student.ID], r.Program.PracticumRequirement())
	return p
}

// skillProgress is the standing on checklist c under rule g, from the
// student's standing at it (any version), failures before reopenedAt not
// counting.
func skillProgress(c Checklist, g Grading, st Standing, reopenedAt time.Time, due, today string) SkillProgress {
	t := st.Tally(reopenedAt)
	sp := SkillProgress{
		ChecklistID: c.ID, ChecklistVersion: c.Version, Title: c.Title, Area: c.Area,
		Status: t.Status(g, due, today), DueDate: due,
		Practice: t.Practice, RequiredPractice: g.RequiredPractice,
		Failed: t.Failed, MaxAttempts: g.MaxAttempts,
		Passed: t.Passed, RequiredEvaluations: g.RequiredEvaluations,
		Competencies: c.Competencies, OpenRequestID: t.Open,
	}
	if sp.Competencies == nil {
		sp.Competencies = []string{}
	}
	if sp.Status == SkillCompetent {
		if p := st.completingPass(g.RequiredEvaluations); p != nil {
			at := p.passedAt()
			sp.CompetentAt, sp.CompetentAttemptID = &at, p.AttemptID
			sp.Evaluator, sp.EvaluatorCredential = p.Signer, p.Credential
		}
	}
	return sp
}

// areaRank orders areas as the curriculum does; unknown ones go last.
func areaRank(a Area) int {
	if i := slices.Index(Areas, a); i >= 0 {
		return i
	}
	return len(Areas)
}

// ProgressColumns lists the checklists of a set of progress rows, once
// each, in curriculum order.
func ProgressColumns(rows []StudentProgress) []ChecklistColumn {
	seen := map[string]bool{}
	cols := []ChecklistColumn{}
	for _, r := range rows {
		for _, s := range r.Skills {
			if !seen[s.ChecklistID] {
				seen[s.ChecklistID] = true
				cols = append(cols, ChecklistColumn{ChecklistID: s.ChecklistID, Title: s.Title, Area: s.Area})
			}
		}
	}
	slices.SortFunc(cols, func(a, b ChecklistColumn) int {
		return cmp.Or(cmp.Compare(areaRank(a.Area), areaRank(b.Area)), cmp.Compare(a.Title, b.Title), cmp.Compare(a.ChecklistID, b.ChecklistID))
	})
	return cols
}

// ProgressDate is the date progress is computed for at now: overdue means
// a due date before it. Programs keep no time zone, so it is the earliest
// date anywhere on Earth (UTC-12): a skill is overdue only once its due
// date has passed everywhere.
func ProgressDate(now time.Time) string { return now.UTC().Add(-12 * time.Hour).Format(DateLayout) }

// CohortProgressPage is one page of a cohort's students (ordered by id)
// with the records their progress is computed from.
type CohortProgressPage struct {
	Students List[User]
	Records  ProgressRecords
}
