package export_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"io"
	"slices"
	"strings"
	"testing"

	"skillbook/export"
	"skillbook/export/pdftext"
	"skillbook/models"
)

func wantText(tb testing.TB, text string, want ...string) {
	tb.Helper()
	// The extractor joins a wrapped line to the next without the space
	// the wrap replaced, so a phrase may come back with one missing.
	unspaced := strings.ReplaceAll(text, " ", "")
	for _, w := range want {
		if !strings.Contains(text, w) && !strings.Contains(unspaced, strings.ReplaceAll(w, " ", "")) {
			tb.Errorf("text lacks %q:\n%s", w, text)
		}
	}
}

func TestTranscriptPDF(t *testing.T) {
	t.Parallel()
	f := newFixture()
	var buf bytes.Buffer
	if err := export.TranscriptPDF(&buf, f.transcript(), f.ann); err != nil {
		t.Fatalf("TranscriptPDF = %v", err)
	}
	text := pdftext.Of(t, buf.Bytes())
	wantText(t, text, "Skills transcript", "Valley College MA", "Ann Archer <ann@example.com>", "Cohort: Fall 2026",
		"Competent in 1 of 2 assigned skills (50%).",
		"Vital signs", "Manual blood pressure (bp-manual, version 1) - Competent",
		"competent since 2026-10-02, signed by Ivy Instructor, CMA (AAMA)",
		"Evidenced by: bp-manual version 1, signed 2026-10-02 by Ivy Instructor, CMA (AAMA)",
		"2026-10-02", "Skills lab", "Passed", "100%",
		"Sign-off digest: "+annDigest,
		"Amendment 2026-10-04 14:00 UTC by Ivy Instructor, CMA (AAMA): Wrong arm recorded", "Correction: Left arm, seated",
		"Amendment digest: "+amendmentDigest,
		"Phlebotomy", "Venipuncture (venipuncture-evacuated-tube, version 2) - Needs remediation",
		"2026-10-05", "Clinical site", "Failed", "80%", "Comment: =HYPERLINK",
		"Competency codes evidenced", "MAERB-2015 I.P.1.a - Measure and record blood pressure",
		"Page 1 of", "generated 2026-11-20 09:30 UTC")
	if strings.Contains(text, "MAERB-2015 I.P.2.b - ") {
		t.Errorf("venipuncture's code is listed as evidenced though it was failed")
	}
}

func TestTranscriptPDFOfStudentWithoutRecords(t *testing.T) {
	t.Parallel()
	f := newFixture()
	var buf bytes.Buffer
	if err := export.TranscriptPDF(&buf, f.transcript(), f.bob); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdftext.Of(t, buf.Bytes()), "Bob Baker", "Competent in 0 of 2 assigned skills (0%).", "Not started", "No graded evaluations.", "None yet.")

	nothing := &models.StudentRecord{Student: models.User{ID: "u-new", Name: "Nia New", Email: "nia@example.com"},
		Progress: models.StudentProgress{AsOf: "2026-11-20"}}
	buf.Reset()
	if err := export.TranscriptPDF(&buf, f.transcript(), nothing); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdftext.Of(t, buf.Bytes()), "Nia New", "Competent in 0 of 0 assigned skills (0%).", "No skills are assigned to this student.", "None yet.")
}

func TestTranscriptsZIP(t *testing.T) {
	t.Parallel()
	f := newFixture()
	var buf bytes.Buffer
	if err := export.TranscriptsZIP(&buf, f.transcript(), f.students); err != nil {
		t.Fatalf("TranscriptsZIP = %v", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i, zf := range zr.File {
		names = append(names, zf.Name)
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		wantText(t, pdftext.Of(t, b), f.records[i].Student.Name)
	}
	want := "ann-archer-u-ann.pdf bob-baker-u-bob.pdf cmd-c-calc-a0-u-eve.pdf"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("entries = %s; want %s", got, want)
	}
}

func TestAccreditationCSV(t *testing.T) {
	t.Parallel()
	f := newFixture()
	var buf bytes.Buffer
	if err := export.AccreditationCSV(&buf, f.cohort, f.students); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string][]string{}
	for _, r := range rows[1:] {
		byCode[r[0]] = r
	}
	if len(rows)-1 != len(models.Frameworks[0].Competencies) {
		t.Errorf("%d codes; want every MAERB-2015 code", len(rows)-1)
	}
	check := func(code string, want ...string) {
		t.Helper()
		got := byCode[code]
		if got == nil || strings.Join(got[2:], "|") != strings.Join(want, "|") {
			t.Errorf("row %s = %q; want … %q", code, got, want)
		}
	}
	check("MAERB-2015 I.P.1.a", "bp-manual", "3", "3", "1", "33", "Bob Baker; =cmd|' /C calc'!A0", "bp-manual version 1 (1 student)")
	check("MAERB-2015 I.P.2.b", "venipuncture-evacuated-tube", "3", "3", "0", "0", "Ann Archer; Bob Baker; =cmd|' /C calc'!A0", "")
	check("MAERB-2015 I.P.6", "", "3", "0", "0", "0", "Ann Archer; Bob Baker; =cmd|' /C calc'!A0", "")
	if byCode["MAERB-2015 I.P.1.a"][1] != "Measure and record blood pressure" {
		t.Errorf("title = %q", byCode["MAERB-2015 I.P.1.a"][1])
	}
}

func TestAccreditationCSVListsTheProgramsFrameworks(t *testing.T) {
	t.Parallel()
	f := newFixture()
	// A program reporting against a framework Skillbook does not ship (or
	// no longer does) still sees every code its checklists cite, and no
	// MAERB-2015 code they do not.
	f.cohort.Frameworks = []string{"RETIRED-1"}
	var buf bytes.Buffer
	if err := export.AccreditationCSV(&buf, f.cohort, f.students); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, r := range rows[1:] {
		codes = append(codes, r[0])
	}
	if want := []string{"MAERB-2015 I.P.1.a", "MAERB-2015 I.P.2.b"}; !slices.Equal(codes, want) {
		t.Errorf("codes = %v; want only those the assigned checklists cite, %v", codes, want)
	}
}

func TestAccreditationPDF(t *testing.T) {
	t.Parallel()
	f := newFixture()
	var buf bytes.Buffer
	if err := export.AccreditationPDF(&buf, f.cohort, f.students); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdftext.Of(t, buf.Bytes()), "Competency evidence summary", "Cohort: Fall 2026", "3 students",
		"MAERB-2015 I.P.1.a", "1 of 3", "33%", "Students without evidence",
		"MAERB-2015 I.P.2.b Perform venipuncture (3)", "Ann Archer; Bob Baker", "Codes no assigned checklist cites", "MAERB-2015 I.P.6",
		"Evidence stays when a checklist is later unassigned or replaced", "Checklist versions the evidence comes from", "bp-manual version 1 (1 student)")
}
