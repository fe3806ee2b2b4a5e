package export_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"skillbook/export"
)

func TestMatrixCSV(t *testing.T) {
	t.Parallel()
	f := newFixture()
	var buf bytes.Buffer
	if err := export.MatrixCSV(&buf, f.cohort, f.students); err != nil {
		t.Fatalf("MatrixCSV = %v", err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v", err)
	}
	want := [][]string{
		{"student id", "student", "email", "competent", "assigned", "percent",
			"bp-manual: status", "bp-manual: date signed", "bp-manual: evaluator", "bp-manual: credential", "bp-manual: attempts",
			"venipuncture-evacuated-tube: status", "venipuncture-evacuated-tube: date signed", "venipuncture-evacuated-tube: evaluator",
			"venipuncture-evacuated-tube: credential", "venipuncture-evacuated-tube: attempts",
			"venipuncture: successful", "venipuncture: confirmed", "practicum hours confirmed", "practicum hours required"},
		{"u-ann", "Ann Archer", "ann@example.com", "1", "2", "50",
			"competent", "2026-10-02", "Ivy Instructor", "CMA (AAMA)", "1",
			"needs-remediation", "", "", "", "1", "10", "12", "40.5", "160"},
		{"u-bob", "Bob Baker", "bob@example.com", "0", "2", "0",
			"not-started", "", "", "", "0",
			"not-started", "", "", "", "0", "0", "0", "0", "160"},
		{"u-eve", "'=cmd|' /C calc'!A0", "eve@example.com", "0", "2", "0",
			"not-started", "", "", "", "0",
			"not-started", "", "", "", "0", "0", "0", "0", "160"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("MatrixCSV rows (-want +got):\n%s", diff)
	}
}

func TestMatrixXLSX(t *testing.T) {
	t.Parallel()
	f := newFixture()
	var buf bytes.Buffer
	if err := export.MatrixXLSX(&buf, f.cohort, f.students); err != nil {
		t.Fatalf("MatrixXLSX = %v", err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer x.Close()
	if got, want := x.GetSheetList(), []string{export.MatrixSheet, export.SummarySheet}; !slices.Equal(got, want) {
		t.Errorf("sheets = %v; want %v", got, want)
	}
	if got := x.GetSheetName(x.GetActiveSheetIndex()); got != export.MatrixSheet {
		t.Errorf("the workbook opens on %q; want the matrix", got)
	}
	rows, err := x.GetRows(export.MatrixSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 {
		t.Fatalf("matrix has %d rows; want 2 header rows and 3 students: %q", len(rows), rows)
	}
	if rows[0][0] != "Fall 2026" || rows[0][6] != "Manual blood pressure (bp-manual)" || rows[0][11] != "Venipuncture (venipuncture-evacuated-tube)" {
		t.Errorf("title row = %q", rows[0])
	}
	if got := rows[1][6:11]; !slices.Equal(got, []string{"status", "date signed", "evaluator", "credential", "attempts"}) {
		t.Errorf("field row = %q", rows[1])
	}
	wantAnn := []string{"u-ann", "Ann Archer", "ann@example.com", "1", "2", "50", "competent", "2026-10-02", "Ivy Instructor", "CMA (AAMA)", "1", "needs-remediation", "", "", "", "1",
		"10", "12", "40.5", "160"}
	if diff := cmp.Diff(wantAnn, rows[2]); diff != "" {
		t.Errorf("Ann's row (-want +got):\n%s", diff)
	}
	if rows[3][1] != "Bob Baker" || rows[3][6] != "not-started" || rows[3][10] != "0" {
		t.Errorf("Bob's row = %q", rows[3])
	}
	if rows[4][1] != "'=cmd|' /C calc'!A0" {
		t.Errorf("injected name = %q; want it neutralised", rows[4][1])
	}
	if formula, _ := x.GetCellFormula(export.MatrixSheet, "B5"); formula != "" {
		t.Errorf("B5 holds formula %q", formula)
	}
	panes, err := x.GetPanes(export.MatrixSheet)
	if err != nil || !panes.Freeze || panes.XSplit != 2 || panes.YSplit != 2 {
		t.Errorf("panes = %+v, %v; want the two header rows and two student columns frozen", panes, err)
	}
	if w, _ := x.GetColWidth(export.MatrixSheet, "B"); w < 20 {
		t.Errorf("student column width = %v; want a readable width", w)
	}
	merged, _ := x.GetMergeCells(export.MatrixSheet)
	if len(merged) != 2 {
		t.Errorf("merged cells = %d; want one title per checklist", len(merged))
	}
	summary, err := x.GetRows(export.SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"area", "checklist", "title", "students assigned", "competent", "percent competent", "awaiting evaluation", "remediation flagged", "not started"},
		{"Vital signs", "bp-manual", "Manual blood pressure", "3", "1", "33", "0", "0", "2"},
		{"Phlebotomy", "venipuncture-evacuated-tube", "Venipuncture", "3", "0", "0", "0", "0", "2"},
	}
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}
