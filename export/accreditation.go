package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"skillbook/models"
)

// codeRow is the accreditation summary of one competency code.
type codeRow struct {
	code, title string
	checklists  []string
	assigned    int
	evidenced   int
	missing     []string
	// versions counts, per checklist version ("id version 2"), the students
	// whose evidence of the code it is part of.
	versions []versionCount
}

// versionCount is how many students' evidence a checklist version is part
// of.
type versionCount struct {
	version  string
	students int
}

// accreditation collects, student by student, which codes each has
// evidence for. It keeps per student only a name and two bit sets, so
// memory grows with the cohort's size by a few dozen bytes a student.
type accreditation struct {
	codes      []string
	index      map[string]int
	checklists []map[string]bool
	versions   []map[string]int
	students   []studentCodes
}

type studentCodes struct {
	name                string
	assigned, evidenced []uint64
}

// newAccreditation lists the codes of frameworks (the program's) first,
// in curriculum order.
func newAccreditation(frameworks []string) *accreditation {
	a := &accreditation{index: map[string]int{}}
	if len(frameworks) == 0 {
		frameworks = models.DefaultFrameworks
	}
	for _, name := range frameworks {
		f, _ := models.LookupFramework(name)
		for _, c := range f.Competencies {
			a.code(c.Code)
		}
	}
	return a
}

func (a *accreditation) code(code string) int {
	if i, ok := a.index[code]; ok {
		return i
	}
	a.index[code] = len(a.codes)
	a.codes = append(a.codes, code)
	a.checklists = append(a.checklists, map[string]bool{})
	a.versions = append(a.versions, map[string]int{})
	return len(a.codes) - 1
}

func setBit(bits []uint64, i int) []uint64 {
	for len(bits) <= i/64 {
		bits = append(bits, 0)
	}
	bits[i/64] |= 1 << (i % 64)
	return bits
}

func hasBit(bits []uint64, i int) bool { return i/64 < len(bits) && bits[i/64]&(1<<(i%64)) != 0 }

func (a *accreditation) add(r *models.StudentRecord) {
	s := studentCodes{name: r.Student.Name}
	for _, sp := range r.Progress.Skills {
		for _, c := range sp.Competencies {
			i := a.code(c)
			a.checklists[i][sp.ChecklistID] = true
			s.assigned = setBit(s.assigned, i)
		}
	}
	for _, e := range r.Progress.Evidence {
		i := a.code(e.Code)
		s.evidenced = setBit(s.evidenced, i)
		for _, src := range e.Sources {
			a.versions[i][fmt.Sprintf("%s version %d", src.ChecklistID, src.ChecklistVersion)]++
		}
	}
	a.students = append(a.students, s)
}

// rows lists every code in curriculum order (codes outside the known
// frameworks last): how many students have it assigned, how many have
// evidence of competency, and who has not.
func (a *accreditation) rows() []codeRow {
	out := make([]codeRow, len(a.codes))
	for i, code := range a.codes {
		r := codeRow{code: code}
		if c, ok := models.LookupCompetency(code); ok {
			r.title = c.Title
		}
		for id := range a.checklists[i] {
			r.checklists = append(r.checklists, id)
		}
		slices.Sort(r.checklists)
		for v, n := range a.versions[i] {
			r.versions = append(r.versions, versionCount{v, n})
		}
		slices.SortFunc(r.versions, func(x, y versionCount) int { return strings.Compare(x.version, y.version) })
		for _, s := range a.students {
			if hasBit(s.assigned, i) {
				r.assigned++
			}
			if hasBit(s.evidenced, i) {
				r.evidenced++
			} else {
				r.missing = append(r.missing, s.name)
			}
		}
		out[i] = r
	}
	return out
}

// accreditationHeader are the columns of the CSV summary.
var accreditationHeader = []string{"competency", "title", "checklists", "students", "students assigned",
	"students with evidence", "percent with evidence", "students without evidence", "evidenced by checklist versions"}

// versionsText is "id version 2 (3 students); other version 1 (1 student)":
// the checklist versions whose signed passes make up the code's evidence,
// with how many students each.
func (r codeRow) versionsText() string {
	parts := make([]string, len(r.versions))
	for i, v := range r.versions {
		unit := "students"
		if v.students == 1 {
			unit = "student"
		}
		parts[i] = fmt.Sprintf("%s (%d %s)", v.version, v.students, unit)
	}
	return strings.Join(parts, "; ")
}

// AccreditationCSV writes, per competency code of the program's frameworks
// (and any other code the cohort's checklists cite), how many of the
// cohort's students have evidence of competency (its evidence rule holds
// on their signed passes, models.EvidenceOf), names those who have not,
// and says which checklist versions the evidence comes from.
func AccreditationCSV(w io.Writer, c Cohort, students Students) error {
	a := newAccreditation(c.Frameworks)
	if err := students(func(r *models.StudentRecord) error { a.add(r); return nil }); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(accreditationHeader); err != nil {
		return err
	}
	total := len(a.students)
	for _, r := range a.rows() {
		missing := make([]string, len(r.missing))
		for i, m := range r.missing {
			missing[i] = strings.ReplaceAll(m, ";", ",")
		}
		err := cw.Write([]string{SafeCell(r.code), SafeCell(r.title), SafeCell(strings.Join(r.checklists, "; ")), strconv.Itoa(total),
			strconv.Itoa(r.assigned), strconv.Itoa(r.evidenced), strconv.Itoa(models.PercentOf(r.evidenced, total)),
			SafeCell(strings.Join(missing, "; ")), SafeCell(r.versionsText())})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// AccreditationPDF writes the same summary as AccreditationCSV as a PDF:
// a table of codes, then, per code with students lacking evidence, their
// names.
func AccreditationPDF(w io.Writer, c Cohort, students Students) error {
	a := newAccreditation(c.Frameworks)
	if err := students(func(r *models.StudentRecord) error { a.add(r); return nil }); err != nil {
		return err
	}
	d := newDoc("Accreditation summary - "+c.CohortName, "Accreditation summary - "+c.CohortName+" - "+c.ProgramName, stampIn(c.GeneratedAt, c.Location))
	d.heading("Competency evidence summary", 16)
	d.para("", 10, "Program: "+c.ProgramName)
	d.para("B", 10, "Cohort: "+c.CohortName)
	line := fmt.Sprintf("%d students; generated %s.", len(a.students), stampIn(c.GeneratedAt, c.Location))
	if p := periodText(c.Filter); p != "" {
		line = p + "; " + line
	}
	d.para("", 9, line)
	d.para("", 8.5, "A student has evidence of a competency when its evidence rule holds on their signed, passed evaluations: "+
		"a checklist citing the code completed (a part-skill such as order of draw alone does not count) and every checklist the rule requires "+
		"(parenteral medications: intramuscular, subcutaneous and intradermal). Evidence stays when a checklist is later unassigned or replaced; "+
		"the checklist versions it comes from are listed after the table.")
	d.Ln(1)
	d.para("B", 8.5, "Part of the curriculum covered")
	for _, f := range mccFrameworks(c) {
		d.para("", 8.5, f.CoverageText())
	}
	d.Ln(2)
	widths := []float64{0.2, 0.46, 0.12, 0.12, 0.1}
	d.row("B", 8.5, widths, []string{"Competency", "Title", "Assigned", "Evidenced", "Percent"}, true)
	rows := a.rows()
	total := len(a.students)
	for _, r := range rows {
		d.needs(6)
		d.row("", 8.5, widths, []string{r.code, r.title, strconv.Itoa(r.assigned),
			fmt.Sprintf("%d of %d", r.evidenced, total), strconv.Itoa(models.PercentOf(r.evidenced, total)) + "%"}, false)
	}
	d.Ln(3)
	d.heading("Checklist versions the evidence comes from", 12)
	listedVersions := false
	for _, r := range rows {
		if len(r.versions) == 0 {
			continue
		}
		listedVersions = true
		d.needs(10)
		d.para("B", 8.5, r.code+" "+r.title)
		d.para("", 8.5, r.versionsText())
	}
	if !listedVersions {
		d.para("I", 9, "No student has evidence of any competency yet.")
	}
	d.Ln(3)
	d.heading("Students without evidence", 12)
	listed := false
	for _, r := range rows {
		if len(r.missing) == 0 || r.assigned == 0 {
			continue
		}
		listed = true
		d.needs(14)
		d.para("B", 9, fmt.Sprintf("%s %s (%d)", r.code, r.title, len(r.missing)))
		d.para("", 8.5, strings.Join(r.missing, "; "))
		d.Ln(1.5)
	}
	if !listed {
		d.para("I", 9, "Every student has evidence of every competency their checklists cite.")
	}
	var uncovered []string
	for _, r := range rows {
		if r.assigned == 0 {
			uncovered = append(uncovered, r.code)
		}
	}
	if len(uncovered) > 0 {
		d.Ln(2)
		d.heading("Codes no assigned checklist cites", 12)
		d.para("", 8.5, strings.Join(uncovered, ", "))
	}
	return d.output(w)
}
