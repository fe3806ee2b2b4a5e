package exportjob_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/export"
	"skillbook/export/pdftext"
	"skillbook/exportjob"
	"skillbook/models"
	"skillbook/seed"
	"skillbook/signing"
	"skillbook/store/storetest"
)

// TestCompetencyChecklistOfASeededCohort renders the Master Competency
// Checklist of a demo-seeded cohort, per cohort and per student, as PDF
// and XLSX: one line per shipped code and student, passes filled in from
// the signed records. SKILLBOOK_MCC_OUT=dir keeps the files to look at.
func TestCompetencyChecklistOfASeededCohort(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t, clock.System{})
	lib, err := checklists.Library()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertLibrary(ctx, lib); err != nil {
		t.Fatal(err)
	}
	res, err := seed.Program(ctx, st, "Valley College MA", lib, seed.Options{Key: signing.Ephemeral(), Students: 8, Cohorts: 1, Seed: 11, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	cohort := res.Cohorts[0]
	render := func(r models.ExportRequest) []byte {
		t.Helper()
		plan, err := exportjob.Prepare(ctx, st, nil, res.Program.ID, r)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := exportjob.Render(ctx, st, plan, &out, nil); err != nil {
			t.Fatal(err)
		}
		if dir := os.Getenv("SKILLBOOK_MCC_OUT"); dir != "" {
			if err := os.WriteFile(dir+"/"+plan.FileName(plan.At), out.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return out.Bytes()
	}

	book, err := excelize.OpenReader(bytes.NewReader(render(models.ExportRequest{Kind: models.ExportCompetencyChecklist, Format: models.FormatXLSX, CohortID: cohort.ID})))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := book.GetRows(export.MCCSheet)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := models.LookupFramework("MAERB-2015")
	if want := 1 + res.Summary.Students*len(f.Competencies); len(rows) != want {
		t.Fatalf("%d rows; want a header and %d codes for each of %d students", len(rows), len(f.Competencies), res.Summary.Students)
	}
	passed := 0
	var student, name string
	for _, r := range rows[1:] {
		if len(r) > 10 && r[10] == "Pass" {
			passed++
			if r[7] == "" || r[8] == "" || r[9] == "" || r[11] == "" {
				t.Errorf("a pass without its checklist, date, grade or instructor: %q", r)
			}
			student, name = r[0], r[1]
		}
	}
	if passed == 0 {
		t.Fatal("no competency of the seeded cohort is passed")
	}

	pdfBytes := render(models.ExportRequest{Kind: models.ExportCompetencyChecklist, Format: models.FormatPDF, StudentID: student})
	text := pdftext.Of(t, pdfBytes)
	for _, want := range []string{"Master Competency Checklist", "Student: " + name, "I. Anatomy & Physiology", "III. Infection Control",
		"I.P.1.a Measure and record blood pressure", "MAERB-2015: 32 psychomotor and 0 affective codes shipped"} {
		// Wrapped lines come back joined without their space.
		if !strings.Contains(strings.ReplaceAll(text, " ", ""), strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the student's checklist lacks %q:\n%s", want, text)
		}
	}
	one, err := excelize.OpenReader(bytes.NewReader(render(models.ExportRequest{Kind: models.ExportCompetencyChecklist, Format: models.FormatXLSX, StudentID: student})))
	if err != nil {
		t.Fatal(err)
	}
	mine, _ := one.GetRows(export.MCCSheet)
	if len(mine) != 1+len(f.Competencies) || mine[1][1] != name || !strings.HasPrefix(mine[1][3], "I. ") {
		t.Fatalf("the student's checklist has %d rows, first %q; want %s's %d codes from content area I", len(mine), mine[1], name, len(f.Competencies))
	}
	render(models.ExportRequest{Kind: models.ExportCompetencyChecklist, Format: models.FormatPDF, CohortID: cohort.ID})
}
