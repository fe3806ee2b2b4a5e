package export

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"skillbook/models"
)

// The Master Competency Checklist (MCC) is the form MAERB asks programs to
// track each student's competencies on: per content area, each
// psychomotor and affective competency with the course it was passed in,
// the grade, pass, the date and the instructor. Skillbook fills it from
// the signed records: a psychomotor code from its evidence (its evidence
// rule holding on signed passes, models.EvidenceOf), an affective code
// from the instructors' ratings on signed evaluations. It lists the codes
// of the program's frameworks as shipped, and says which part of the
// curriculum that is.

// MCCSheet is the name of the MCC workbook's first sheet.
const MCCSheet = "Master Competency Checklist"

// mccRow is one competency line of one student's MCC.
type mccRow struct {
	area      string // the content area's title ("I. Anatomy & Physiology")
	code      string // as the curriculum writes it ("I.P.1.a")
	framework string
	title     string
	domain    models.Domain
	// evidence names the checklist versions the competency was passed or
	// rated on ("bp-manual version 1").
	evidence   string
	date       string
	grade      string // the score of a psychomotor competency
	pass       string // Pass, Not met, or "" when not yet
	instructor string
	credential string
}

// mccFrameworks are the frameworks of c, from its catalog (nil: the
// shipped one).
func mccFrameworks(c Cohort) []models.Framework {
	names := c.Frameworks
	if len(names) == 0 {
		names = models.DefaultFrameworks
	}
	var out []models.Framework
	for _, name := range names {
		if c.Catalog != nil {
			if i := slices.IndexFunc(c.Catalog.Frameworks, func(f models.Framework) bool { return f.Name == name }); i >= 0 {
				out = append(out, c.Catalog.Frameworks[i])
			}
			continue
		}
		if f, ok := models.LookupFramework(name); ok {
			out = append(out, f)
		}
	}
	return out
}

// mccRows is student r's MCC: every psychomotor and affective code of
// frameworks, content area by content area (psychomotor before affective
// within each), with what the signed records show of it.
func mccRows(c Cohort, frameworks []models.Framework, r *models.StudentRecord) []mccRow {
	catalog := c.Catalog
	if catalog == nil {
		catalog = models.ShippedCatalog()
	}
	program := models.Program{EvidenceRules: c.EvidenceRules}
	evidence := map[string]models.CodeEvidence{}
	for _, e := range r.Progress.Evidence {
		evidence[e.Code] = e
	}
	graded := map[string]models.Attempt{}
	for _, a := range r.Evaluations {
		graded[a.ID] = a
	}
	var out []mccRow
	for _, f := range frameworks {
		_, areas := f.Counts()
		for _, area := range areas {
			for _, domain := range []models.Domain{models.DomainPsychomotor, models.DomainAffective} {
				for _, k := range f.Competencies {
					if k.Domain != domain || models.ContentArea(k.Code) != area {
						continue
					}
					row := mccRow{area: f.AreaTitle(area), framework: f.Name, code: strings.TrimPrefix(k.Code, f.Name+" "), title: k.Title, domain: domain}
					if domain == models.DomainPsychomotor {
						psychomotorRow(&row, evidence[k.Code], catalog.RuleOf(program, k.Code), graded, c.Location)
					} else {
						affectiveRow(&row, k.Code, r.Evaluations, c.Location)
					}
					out = append(out, row)
				}
			}
		}
	}
	return out
}

// psychomotorRow fills row from the code's evidence under rule: the
// signed passes that first made it hold. Without requirements that is the
// earliest completion of a citing checklist; with them, the earliest
// completion of each requirement. The date is the latest of theirs: the
// day the competency was passed.
func psychomotorRow(row *mccRow, e models.CodeEvidence, rule models.EvidenceRule, graded map[string]models.Attempt, loc *time.Location) {
	var sources []models.EvidenceSource
	for _, s := range e.Sources {
		if !s.Partial {
			sources = append(sources, s)
		}
	}
	if len(sources) == 0 {
		return
	}
	slices.SortStableFunc(sources, func(a, b models.EvidenceSource) int { return a.SignedAt.Compare(b.SignedAt) })
	picked := sources[:1]
	if len(rule.Requires) > 0 {
		picked = nil
		for _, req := range rule.Requires {
			i := slices.IndexFunc(sources, func(s models.EvidenceSource) bool { return slices.Contains(req.AnyOf, s.ChecklistID) })
			if i >= 0 && !slices.ContainsFunc(picked, func(s models.EvidenceSource) bool { return s.AttemptID == sources[i].AttemptID }) {
				picked = append(picked, sources[i])
			}
		}
		if len(picked) == 0 {
			picked = sources[:1]
		}
	}
	var evidence, grades, signers, credentials []string
	var last time.Time
	for _, s := range picked {
		a, ok := graded[s.AttemptID]
		evidence = append(evidence, checklistName(s.ChecklistID, a.ChecklistTitle, s.ChecklistVersion))
		if ok {
			grades = append(grades, fmt.Sprintf("%d%%", a.Evaluation.Score))
		}
		if s.Signer != "" && !slices.Contains(signers, s.Signer) {
			signers = append(signers, s.Signer)
			credentials = append(credentials, s.Credential)
		}
		if s.SignedAt.After(last) {
			last = s.SignedAt
		}
	}
	row.evidence, row.grade, row.pass = strings.Join(evidence, "; "), strings.Join(grades, "; "), "Pass"
	row.date = dayIn(&last, loc)
	row.instructor, row.credential = strings.Join(signers, "; "), strings.Join(credentials, "; ")
}

// affectiveRow fills row from the ratings of code on the student's signed
// evaluations (voided ones do not count): the latest rating of met, or,
// when none is met, the latest rating of not met.
func affectiveRow(row *mccRow, code string, evals []models.Attempt, loc *time.Location) {
	var found *models.Attempt
	var result models.AffectiveResult
	for i := range evals {
		a := &evals[i]
		e := a.Evaluation
		if e == nil || e.Signature == nil || (a.Status != models.StatusPassed && a.Status != models.StatusFailed) {
			continue
		}
		for _, rt := range e.Affective {
			// Evaluations come oldest first: a later rating replaces an
			// earlier one, but never a met one with a not met.
			if rt.Code == code && (rt.Result == models.AffectiveMet || result != models.AffectiveMet) {
				found, result = a, rt.Result
			}
		}
	}
	if found == nil {
		return
	}
	sig := found.Evaluation.Signature
	row.evidence = checklistName(found.ChecklistID, found.ChecklistTitle, found.ChecklistVersion)
	row.date = dayIn(&found.Evaluation.EvaluatedAt, loc)
	row.instructor, row.credential = sig.SignerName, sig.SignerCredential
	// Affective competencies are graded pass or not met, with no score.
	row.pass = "Not met"
	if result == models.AffectiveMet {
		row.pass = "Pass"
	}
}

// checklistName names a checklist version as the MCC's course column does:
// its title when the evaluation is at hand ("Manual blood pressure,
// version 1"), else its id.
func checklistName(id, title string, version int) string {
	if title == "" {
		title = id
	}
	return fmt.Sprintf("%s, version %d", title, version)
}

// mccTally counts the rows passed of each domain.
func mccTally(rows []mccRow) (passed, total map[models.Domain]int) {
	passed, total = map[models.Domain]int{}, map[models.Domain]int{}
	for _, r := range rows {
		total[r.domain]++
		if r.pass == "Pass" {
			passed[r.domain]++
		}
	}
	return passed, total
}

// mccColumns are the widths of the PDF's table.
var mccColumns = []float64{0.29, 0.22, 0.08, 0.09, 0.13, 0.19}

// mccTableHeader heads the PDF's table on every page it runs over.
var mccTableHeader = []string{"Competency", "Checklist (version)", "Grade", "Pass", "Date", "Instructor"}

// CompetencyChecklistPDF writes the Master Competency Checklist of each
// student students yields (a cohort's, or one student's), each starting
// on a page of its own: per content area, every psychomotor and affective
// competency the program's frameworks ship, with the checklist version
// that evidenced it, the grade, pass, the date (in the program's time
// zone) and the instructor who signed it; then what part of the
// curriculum the list covers.
func CompetencyChecklistPDF(w io.Writer, c Cohort, students Students) error {
	frameworks := mccFrameworks(c)
	subject := c.CohortName
	title := "Master Competency Checklist"
	if subject != "" {
		title += " - " + subject
	}
	d := newDoc(title, title+" - "+c.ProgramName, stampIn(c.GeneratedAt, c.Location))
	first := true
	err := students(func(r *models.StudentRecord) error {
		if !first {
			d.AddPage()
		}
		first = false
		mccStudent(d, c, frameworks, r)
		return nil
	})
	if err != nil {
		return err
	}
	if first {
		d.heading("Master Competency Checklist", 16)
		d.para("I", 10, "No students to list.")
	}
	return d.output(w)
}

// mccStudent writes one student's checklist.
func mccStudent(d *doc, c Cohort, frameworks []models.Framework, r *models.StudentRecord) {
	rows := mccRows(c, frameworks, r)
	d.heading("Master Competency Checklist", 16)
	for _, f := range frameworks {
		d.para("B", 10, f.Title)
	}
	d.para("", 9.5, "Institution: "+c.ProgramName)
	d.para("B", 10.5, "Student: "+r.Student.Name)
	if len(r.CohortNames) > 0 {
		d.para("", 9.5, "Cohort: "+strings.Join(r.CohortNames, ", "))
	}
	line := "Records as of " + r.Progress.AsOf
	if p := periodText(c.Filter); p != "" {
		line += " (" + p + ")"
	}
	d.para("", 9, line+"; generated "+stampIn(c.GeneratedAt, c.Location)+".")
	passed, total := mccTally(rows)
	affective := fmt.Sprintf("Affective competencies passed: %d of %d.", passed[models.DomainAffective], total[models.DomainAffective])
	if total[models.DomainAffective] == 0 {
		affective = "Affective competencies: none are in Skillbook's framework data; they are tracked outside Skillbook (see What this checklist covers)."
	}
	d.para("B", 9.5, fmt.Sprintf("Psychomotor competencies passed: %d of %d. %s", passed[models.DomainPsychomotor], total[models.DomainPsychomotor], affective))
	d.Ln(2)
	area := ""
	for _, row := range rows {
		if row.area != area {
			area = row.area
			d.needs(24)
			d.Ln(1.5)
			d.heading(area, 11)
			d.wrapRow("B", 8, mccColumns, mccTableHeader, true, nil)
		}
		code := row.code
		if row.domain == models.DomainAffective {
			code += " (affective)"
		}
		pass := row.pass
		if pass == "" {
			pass = "not yet"
		}
		d.wrapRow("", 8, mccColumns, []string{code + " " + row.title, row.evidence, row.grade, pass, row.date,
			withCredential(row.instructor, row.credential)}, false, mccTableHeader)
	}
	d.Ln(3)
	d.needs(30)
	d.heading("What this checklist covers", 10)
	for _, f := range frameworks {
		d.para("", 8, f.CoverageText())
		d.Ln(1)
	}
	d.para("I", 7.5, "A psychomotor competency is passed when its evidence rule holds on the student's signed, passed evaluations "+
		"(the checklist versions listed; a rule may ask for several, such as intramuscular, subcutaneous and intradermal for parenteral medications); "+
		"the date is the latest of their signatures. An affective competency is passed when an instructor rated it met on a signed evaluation "+
		"of a checklist declaring it; the rating is part of that evaluation's signed record. Dates are in the program's time zone. "+
		"Every sign-off can be checked with skillbook verify against the program's published keys.")
}

// wrapRow writes one table row whose cells wrap within their widths
// (fractions of the printable width), with a hairline under it. A row
// that does not fit on this page starts the next one, under header when
// given.
func (d *doc) wrapRow(style string, pt float64, widths []float64, cells []string, fill bool, header []string) {
	d.font(style, pt)
	lh := pt * 0.45
	lines := make([][]string, len(cells))
	height := 1
	for i, c := range cells {
		w := widths[i]*d.width - 1.5
		lines[i] = d.SplitText(d.tr(c), w)
		if len(lines[i]) == 0 {
			lines[i] = []string{""}
		}
		height = max(height, len(lines[i]))
	}
	h := float64(height)*lh + 1.5
	if _, pageH := d.GetPageSize(); d.GetY()+h+2 > pageH-20 {
		d.AddPage()
		if header != nil {
			d.wrapRow("B", pt, widths, header, true, nil)
		}
		d.font(style, pt)
	}
	x, y := d.GetX(), d.GetY()
	if fill {
		d.SetFillColor(232, 236, 241)
		d.Rect(x, y, d.width, h, "F")
	}
	cx := x
	for i := range cells {
		w := widths[i] * d.width
		for k, l := range lines[i] {
			d.SetXY(cx+0.5, y+0.75+float64(k)*lh)
			d.CellFormat(w-1, lh, l, "", 0, "L", false, 0, "")
		}
		cx += w
	}
	d.SetDrawColor(205, 205, 205)
	d.Line(x, y+h, x+d.width, y+h)
	d.SetXY(x, y+h)
}

// mccHeader are the columns of the MCC sheet.
var mccHeader = []string{"student id", "student", "framework", "content area", "code", "domain", "competency",
	"evidenced by (checklist version)", "date", "grade", "pass", "instructor", "credential"}

// CompetencyChecklistXLSX writes the same checklist as
// CompetencyChecklistPDF as a workbook: one row per student and
// competency on its first sheet, and a Coverage sheet saying which part of
// the curriculum the codes are.
func CompetencyChecklistXLSX(w io.Writer, c Cohort, students Students) (err error) {
	frameworks := mccFrameworks(c)
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", MCCSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(MCCSheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, wd := range []float64{38, 26, 12, 24, 11, 12, 50, 34, 11, 10, 9, 24, 14} {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(mccHeader))
	for i, h := range mccHeader {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	n := 1
	err = students(func(r *models.StudentRecord) error {
		for _, row := range mccRows(c, frameworks, r) {
			n++
			cell, _ := excelize.CoordinatesToCellName(1, n)
			err := sw.SetRow(cell, []any{SafeCell(r.Student.ID), SafeCell(r.Student.Name), row.framework, row.area, row.code, string(row.domain),
				SafeCell(row.title), SafeCell(row.evidence), row.date, row.grade, row.pass, SafeCell(row.instructor), SafeCell(row.credential)})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.NewSheet(CoverageSheet); err != nil {
		return err
	}
	if err := f.SetColWidth(CoverageSheet, "A", "A", 14); err != nil {
		return err
	}
	if err := f.SetColWidth(CoverageSheet, "B", "B", 120); err != nil {
		return err
	}
	for i, fw := range frameworks {
		if err := f.SetSheetRow(CoverageSheet, fmt.Sprintf("A%d", i+1), &[]any{fw.Name, fw.CoverageText()}); err != nil {
			return err
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// CoverageSheet is the MCC workbook's sheet saying what its codes cover.
const CoverageSheet = "Coverage"
