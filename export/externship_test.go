package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"skillbook/export"
	"skillbook/export/pdftext"
)

// TestTranscriptPDFExternship: the transcript shows an evaluation's site
// and preceptor, successful procedures of those confirmed against the
// target, and confirmed practicum hours by site against the requirement.
func TestTranscriptPDFExternship(t *testing.T) {
	t.Parallel()
	f := newFixture()
	var buf bytes.Buffer
	if err := export.TranscriptPDF(&buf, f.transcript(), f.ann); err != nil {
		t.Fatalf("TranscriptPDF = %v", err)
	}
	wantText(t, pdftext.Of(t, buf.Bytes()),
		"Site: Lakeside Family Practice; preceptor: Pat Preceptor, RN",
		"venipuncture: 10 successful of 30 required (12 confirmed, 2 of them not successful)",
		"Practicum (externship) hours", "40.5 confirmed of 160 required - requirement not yet met.",
		"8 hours await the preceptor's confirmation.", "Lakeside Family Practice: 40.5 confirmed")
}

// TestExportsInProgramTimeZone: dates and times are written in the
// program's time zone, named.
func TestExportsInProgramTimeZone(t *testing.T) {
	t.Parallel()
	auckland, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture()
	tr := f.transcript()
	tr.Location = auckland
	var buf bytes.Buffer
	if err := export.TranscriptPDF(&buf, tr, f.ann); err != nil {
		t.Fatalf("TranscriptPDF = %v", err)
	}
	// Signed 2026-10-02 14:00 UTC is 2026-10-03 03:00 in Auckland (NZDT,
	// UTC+13); generated 2026-11-20 09:30 UTC is 22:30 there.
	text := pdftext.Of(t, buf.Bytes())
	wantText(t, text, "competent since 2026-10-03", "Signed 2026-10-03 03:00 NZDT", "generated 2026-11-20 22:30 NZDT")
	if strings.Contains(text, "UTC") {
		t.Errorf("the transcript in Auckland time still names UTC")
	}

	c := f.cohort
	c.Location = auckland
	buf.Reset()
	if err := export.MatrixCSV(&buf, c, f.students); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[1][7]; got != "2026-10-03" {
		t.Errorf("Ann's bp-manual date signed = %q; want 2026-10-03, Auckland's date", got)
	}
}
