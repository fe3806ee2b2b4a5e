package export_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/xuri/excelize/v2"

	"skillbook/export"
	"skillbook/export/pdftext"
	"skillbook/models"
)

// mccCatalog is MAERB-2015 with two affective codes beside three shipped
// psychomotor ones: the shipped file has no affective codes (their wording
// could not be checked against a public source), so the checklist's
// affective lines are tested on these.
func mccCatalog(t *testing.T) *models.Catalog {
	t.Helper()
	c, err := models.LoadCatalog(fstest.MapFS{"maerb.json": {Data: []byte(`{"name": "MAERB-2015", "title": "MAERB Core Curriculum, 2015", "accreditor": "A", "edition": "2015",
		"coverage": "Test data: three psychomotor and two affective codes.", "areas": {"I": "Anatomy & Physiology", "III": "Infection Control"},
		"sources": {"s": {"title": "Test", "urls": ["https://example.test/maerb"]}},
		"competencies": [
			{"code": "I.P.1.a", "title": "Measure and record blood pressure", "domain": "psychomotor", "source": "s"},
			{"code": "I.P.2.b", "title": "Perform venipuncture", "domain": "psychomotor", "source": "s"},
			{"code": "I.A.1", "title": "Test behaviour one", "domain": "affective", "source": "s"},
			{"code": "I.A.2", "title": "Test behaviour two", "domain": "affective", "source": "s"},
			{"code": "III.P.3", "title": "Perform handwashing", "domain": "psychomotor", "source": "s"}]}`)}})
	if err != nil {
		t.Fatal(err)
	}
	return &c
}

// mccFixture is the export fixture with affective ratings: Ann's signed
// pass rated I.A.1 met, her failed venipuncture (signed) rated I.A.1 not
// met and I.A.2 not met; and a voided evaluation rating I.A.2 met, which
// does not count.
func mccFixture(t *testing.T) (fixture, export.Cohort) {
	f := newFixture()
	pass := &f.ann.Evaluations[0]
	pass.Evaluation.Affective = []models.AffectiveRating{{Code: "MAERB-2015 I.A.1", Result: models.AffectiveMet}}
	fail := &f.ann.Evaluations[1]
	fail.Evaluation.Signature = &models.Signature{SignerName: "Pat Preceptor", SignerCredential: "RN", SignedAt: fail.Evaluation.EvaluatedAt}
	fail.Evaluation.Affective = []models.AffectiveRating{{Code: "MAERB-2015 I.A.1", Result: models.AffectiveNotMet, Comment: "Rushed the patient."},
		{Code: "MAERB-2015 I.A.2", Result: models.AffectiveNotMet, Comment: "Did not explain."}}
	voided := *fail
	voided.ID, voided.Status = "a-void", models.StatusVoided
	ev := *fail.Evaluation
	ev.EvaluatedAt = ev.EvaluatedAt.Add(24 * time.Hour)
	ev.Affective = []models.AffectiveRating{{Code: "MAERB-2015 I.A.2", Result: models.AffectiveMet}}
	voided.Evaluation = &ev
	f.ann.Evaluations = append(f.ann.Evaluations, voided)
	c := f.cohort
	c.Catalog = mccCatalog(t)
	return f, c
}

func TestCompetencyChecklistPDF(t *testing.T) {
	t.Parallel()
	f, c := mccFixture(t)
	var buf bytes.Buffer
	if err := export.CompetencyChecklistPDF(&buf, c, f.students); err != nil {
		t.Fatalf("CompetencyChecklistPDF = %v", err)
	}
	if dir := os.Getenv("SKILLBOOK_MCC_OUT"); dir != "" {
		if err := os.WriteFile(dir+"/mcc-affective.pdf", buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	text := pdftext.Of(t, buf.Bytes())
	wantText(t, text, "Master Competency Checklist", "MAERB Core Curriculum, 2015", "Institution: Valley College MA", "Student: Ann Archer",
		"Psychomotor competencies passed: 1 of 3. Affective competencies passed: 1 of 2.",
		"I. Anatomy & Physiology", "Competency", "Checklist (version)", "Grade", "Pass", "Date", "Instructor",
		"I.P.1.a Measure and record blood pressure", "Manual blood pressure, version 1", "100%", "2026-10-02", "Ivy Instructor, CMA (AAMA)",
		"I.P.2.b Perform venipuncture", "not yet",
		"I.A.1 (affective) Test behaviour one",
		"I.A.2 (affective) Test behaviour two", "Venipuncture, version 2", "Not met", "2026-10-05", "Pat Preceptor, RN",
		"III. Infection Control", "III.P.3 Perform handwashing",
		"What this checklist covers", "MAERB-2015: 3 psychomotor and 2 affective codes shipped, in content areas I and III. Test data",
		"Student: Bob Baker", "Psychomotor competencies passed: 0 of 3. Affective competencies passed: 0 of 2.")
	// Ann's page: I.A.1 is met from the pass, though the later failure
	// rated it not met; the voided evaluation's rating of I.A.2 is not
	// used.
	ann := strings.ReplaceAll(text[:strings.Index(text, "Student: Bob Baker")], " ", "")
	if n := strings.Count(ann, "Notmet"); n != 1 {
		t.Errorf("Ann's page shows not met %d times; want once, for I.A.2 (I.A.1 is met on the pass, the void does not count):\n%s", n, ann)
	}
}

func TestCompetencyChecklistXLSX(t *testing.T) {
	t.Parallel()
	f, c := mccFixture(t)
	var buf bytes.Buffer
	if err := export.CompetencyChecklistXLSX(&buf, c, f.students); err != nil {
		t.Fatalf("CompetencyChecklistXLSX = %v", err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(export.MCCSheet)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + 3*5; len(rows) != want {
		t.Fatalf("%d rows; want a header and 5 codes for each of 3 students", len(rows))
	}
	pad := func(r []string) []string { return append(r, make([]string, 13-len(r))...) }
	want := map[string][]string{
		"I.P.1.a": {"u-ann", "Ann Archer", "MAERB-2015", "I. Anatomy & Physiology", "I.P.1.a", "psychomotor", "Measure and record blood pressure",
			"Manual blood pressure, version 1", "2026-10-02", "100%", "Pass", "Ivy Instructor", "CMA (AAMA)"},
		"I.P.2.b": pad([]string{"u-ann", "Ann Archer", "MAERB-2015", "I. Anatomy & Physiology", "I.P.2.b", "psychomotor", "Perform venipuncture"}),
		"I.A.1": {"u-ann", "Ann Archer", "MAERB-2015", "I. Anatomy & Physiology", "I.A.1", "affective", "Test behaviour one",
			"Manual blood pressure, version 1", "2026-10-02", "", "Pass", "Ivy Instructor", "CMA (AAMA)"},
		"I.A.2": {"u-ann", "Ann Archer", "MAERB-2015", "I. Anatomy & Physiology", "I.A.2", "affective", "Test behaviour two",
			"Venipuncture, version 2", "2026-10-05", "", "Not met", "Pat Preceptor", "RN"},
		"III.P.3": pad([]string{"u-ann", "Ann Archer", "MAERB-2015", "III. Infection Control", "III.P.3", "psychomotor", "Perform handwashing"}),
	}
	order := []string{}
	for _, r := range rows[1:6] {
		order = append(order, r[4])
		if !slices.Equal(pad(r), want[r[4]]) {
			t.Errorf("row %s = %q; want %q", r[4], r, want[r[4]])
		}
	}
	if !slices.Equal(order, []string{"I.P.1.a", "I.P.2.b", "I.A.1", "I.A.2", "III.P.3"}) {
		t.Errorf("codes in order %v; want content area I (psychomotor, then affective), then III", order)
	}
	if rows[11][1] != "'=cmd|' /C calc'!A0" {
		t.Errorf("third student's name = %q; want it defused", rows[11][1])
	}
	cov, err := x.GetRows(export.CoverageSheet)
	if err != nil || len(cov) != 1 || !strings.HasPrefix(cov[0][1], "MAERB-2015: 3 psychomotor and 2 affective codes shipped") {
		t.Errorf("coverage = %q, %v; want the framework's coverage", cov, err)
	}
}

// TestShippedCoverage: against the shipped data the checklist lists the
// 32 psychomotor codes and says that no affective code is shipped.
func TestShippedCoverage(t *testing.T) {
	t.Parallel()
	f := newFixture()
	var buf bytes.Buffer
	if err := export.CompetencyChecklistPDF(&buf, f.cohort, f.students); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdftext.Of(t, buf.Bytes()), "Psychomotor competencies passed: 1 of 32. Affective competencies: none are in Skillbook's framework data",
		"MAERB-2015: 32 psychomotor and 0 affective codes shipped, in content areas I and III", "every affective (A) code")
	buf.Reset()
	if err := export.AccreditationPDF(&buf, f.cohort, f.students); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdftext.Of(t, buf.Bytes()), "Part of the curriculum covered", "MAERB-2015: 32 psychomotor and 0 affective codes shipped, in content areas I and III")
}

// TestTranscriptShowsAffectiveRatings: each evaluation's ratings are on
// the transcript under it, with the observation.
func TestTranscriptShowsAffectiveRatings(t *testing.T) {
	t.Parallel()
	f, _ := mccFixture(t)
	var buf bytes.Buffer
	if err := export.TranscriptPDF(&buf, f.transcript(), f.ann); err != nil {
		t.Fatal(err)
	}
	wantText(t, pdftext.Of(t, buf.Bytes()), "Affective MAERB-2015 I.A.1: met", "Affective MAERB-2015 I.A.2: not met - Did not explain.")
}
