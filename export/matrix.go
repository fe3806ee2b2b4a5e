package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"skillbook/models"
)

// matrixFields are the columns of each checklist's group.
var matrixFields = []string{"status", "date signed", "evaluator", "credential", "attempts"}

// matrixLead are the columns before the checklist groups.
var matrixLead = []string{"student id", "student", "email", "competent", "assigned", "percent"}

// matrixTail are the columns after the checklist groups: per procedure
// kind the successful and the confirmed count, then the practicum hours.
func matrixTail(kinds []string) []string {
	var out []string
	for _, k := range kinds {
		out = append(out, k+": successful", k+": confirmed")
	}
	return append(out, "practicum hours confirmed", "practicum hours required")
}

// tailValues are a student's values of the matrixTail columns.
func tailValues(kinds []string, p *models.StudentProgress) []any {
	counts := map[string]models.ProcedureCount{}
	for _, pp := range p.Procedures {
		counts[pp.Kind] = pp.ProcedureCount
	}
	var out []any
	for _, k := range kinds {
		out = append(out, counts[k].Successful, counts[k].Confirmed)
	}
	return append(out, p.Practicum.Confirmed, p.Practicum.Required)
}

// matrixCell is one student's standing on one checklist.
type matrixCell struct {
	assigned   bool
	status     models.SkillStatus
	signed     string
	evaluator  string
	credential string
	attempts   int
}

// matrixRow is one student's row.
type matrixRow struct {
	id, name, email string
	overall         models.Completion
	cells           []matrixCell
}

func newMatrixRow(cols []models.ChecklistColumn, r *models.StudentRecord, loc *time.Location) matrixRow {
	row := matrixRow{id: r.Student.ID, name: r.Student.Name, email: r.Student.Email,
		overall: r.Progress.Overall, cells: make([]matrixCell, len(cols))}
	skills := make(map[string]*models.SkillProgress, len(r.Progress.Skills))
	for i := range r.Progress.Skills {
		skills[r.Progress.Skills[i].ChecklistID] = &r.Progress.Skills[i]
	}
	for i, c := range cols {
		sp := skills[c.ChecklistID]
		if sp == nil {
			continue
		}
		row.cells[i] = matrixCell{assigned: true, status: sp.Status, signed: dayIn(sp.CompetentAt, loc),
			evaluator: sp.Evaluator, credential: sp.EvaluatorCredential, attempts: r.GradedAttempts(c.ChecklistID)}
	}
	return row
}

// MatrixCSV writes a cohort's competency matrix as CSV: a header row, then
// one row per student with, per checklist, the standing, the date the
// competency was signed, the evaluator, their credential and the number
// of graded attempts. A checklist not assigned to a student is left blank.
func MatrixCSV(w io.Writer, c Cohort, students Students) error {
	cw := csv.NewWriter(w)
	header := append([]string(nil), matrixLead...)
	for _, col := range c.Columns {
		for _, f := range matrixFields {
			header = append(header, SafeCell(col.ChecklistID+": "+f))
		}
	}
	for _, h := range matrixTail(c.ProcedureKinds) {
		header = append(header, SafeCell(h))
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	record := make([]string, 0, len(header))
	err := students(func(r *models.StudentRecord) error {
		row := newMatrixRow(c.Columns, r, c.Location)
		record = append(record[:0], SafeCell(row.id), SafeCell(row.name), SafeCell(row.email),
			strconv.Itoa(row.overall.Competent), strconv.Itoa(row.overall.Assigned), strconv.Itoa(row.overall.Percent))
		for _, cell := range row.cells {
			if !cell.assigned {
				record = append(record, "", "", "", "", "")
				continue
			}
			record = append(record, string(cell.status), cell.signed, SafeCell(cell.evaluator), SafeCell(cell.credential), strconv.Itoa(cell.attempts))
		}
		for _, v := range tailValues(c.ProcedureKinds, &r.Progress) {
			if h, ok := v.(float64); ok {
				record = append(record, hoursText(h))
			} else {
				record = append(record, fmt.Sprint(v))
			}
		}
		return cw.Write(record)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// Sheet names of the XLSX matrix.
const (
	MatrixSheet  = "Matrix"
	SummarySheet = "Summary"
)

// columnSummary counts the standings of one checklist across the cohort.
type columnSummary struct {
	assigned, competent, awaiting, flagged, notStarted int
}

// MatrixXLSX writes a cohort's competency matrix as an XLSX workbook with
// the same columns as MatrixCSV: a first header row naming each
// checklist over its group, a second naming the fields, both frozen with
// the student columns; then a Summary sheet with the completion of each
// checklist. Rows are streamed (excelize keeps at most 16 MiB of a sheet
// in memory and spills the rest to a temporary file).
func MatrixXLSX(w io.Writer, c Cohort, students Students) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", MatrixSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(MatrixSheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	lead := len(matrixLead)
	widths := []float64{38, 28, 32, 11, 10, 9}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	groupWidths := []float64{20, 12, 22, 14, 9}
	for g := range c.Columns {
		for i, wd := range groupWidths {
			col := lead + g*len(matrixFields) + i + 1
			if err := sw.SetColWidth(col, col, wd); err != nil {
				return err
			}
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight"}); err != nil {
		return err
	}

	title := make([]any, lead, lead+len(c.Columns)*len(matrixFields))
	names := make([]any, 0, cap(title))
	for i, h := range matrixLead {
		title[i] = excelize.Cell{StyleID: bold, Value: ""}
		names = append(names, excelize.Cell{StyleID: bold, Value: h})
	}
	title[0] = excelize.Cell{StyleID: bold, Value: SafeCell(c.CohortName)}
	for _, col := range c.Columns {
		for i, fld := range matrixFields {
			v := ""
			if i == 0 {
				v = SafeCell(col.Title + " (" + col.ChecklistID + ")")
			}
			title = append(title, excelize.Cell{StyleID: bold, Value: v})
			names = append(names, excelize.Cell{StyleID: bold, Value: fld})
		}
	}
	for _, h := range matrixTail(c.ProcedureKinds) {
		title = append(title, excelize.Cell{StyleID: bold, Value: ""})
		names = append(names, excelize.Cell{StyleID: bold, Value: SafeCell(h)})
	}
	if err := sw.SetRow("A1", title, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	if err := sw.SetRow("A2", names); err != nil {
		return err
	}
	for g := range c.Columns {
		from, _ := excelize.CoordinatesToCellName(lead+g*len(matrixFields)+1, 1)
		to, _ := excelize.CoordinatesToCellName(lead+(g+1)*len(matrixFields), 1)
		if err := sw.MergeCell(from, to); err != nil {
			return err
		}
	}

	summary := make([]columnSummary, len(c.Columns))
	rowNum := 2
	values := make([]any, 0, len(names))
	err = students(func(r *models.StudentRecord) error {
		rowNum++
		row := newMatrixRow(c.Columns, r, c.Location)
		values = append(values[:0], SafeCell(row.id), SafeCell(row.name), SafeCell(row.email),
			row.overall.Competent, row.overall.Assigned, row.overall.Percent)
		for i, cell := range row.cells {
			if !cell.assigned {
				values = append(values, nil, nil, nil, nil, nil)
				continue
			}
			s := &summary[i]
			s.assigned++
			switch cell.status {
			case models.SkillCompetent:
				s.competent++
			case models.SkillAwaitingEvaluation:
				s.awaiting++
			case models.SkillFlagged:
				s.flagged++
			case models.SkillNotStarted:
				s.notStarted++
			}
			values = append(values, string(cell.status), cell.signed, SafeCell(cell.evaluator), SafeCell(cell.credential), cell.attempts)
		}
		values = append(values, tailValues(c.ProcedureKinds, &r.Progress)...)
		cellName, _ := excelize.CoordinatesToCellName(1, rowNum)
		return sw.SetRow(cellName, values)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := writeSummarySheet(f, c, summary, bold); err != nil {
		return err
	}
	// The matrix, the workbook's first sheet, is the active one already;
	// SetActiveSheet would parse the whole streamed sheet back into memory.
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write workbook: %w", err)
	}
	return nil
}

// summaryHeader are the columns of the Summary sheet.
var summaryHeader = []string{"area", "checklist", "title", "students assigned", "competent", "percent competent",
	"awaiting evaluation", "remediation flagged", "not started"}

func writeSummarySheet(f *excelize.File, c Cohort, summary []columnSummary, bold int) error {
	if _, err := f.NewSheet(SummarySheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(SummarySheet)
	if err != nil {
		return err
	}
	for i, wd := range []float64{24, 30, 40, 12, 12, 12, 12, 12, 12} {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(summaryHeader))
	for i, h := range summaryHeader {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, col := range c.Columns {
		s := summary[i]
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		err := sw.SetRow(cell, []any{areaName(col.Area), SafeCell(col.ChecklistID), SafeCell(col.Title), s.assigned, s.competent,
			models.PercentOf(s.competent, s.assigned), s.awaiting, s.flagged, s.notStarted})
		if err != nil {
			return err
		}
	}
	return sw.Flush()
}
