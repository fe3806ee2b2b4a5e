package export_test

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"

	"skillbook/export"
	"skillbook/models"
	"skillbook/signing"
)

// names are students' names in many scripts and what a PDF prints for
// each: the name itself, composed, with any character the embedded font
// lacks (emoji, CJK) shown as one U+FFFD.
var names = []struct{ name, printed string }{
	{"Zoë Ñandú-Łukasz 🩺", "Zoë Ñandú-Łukasz \uFFFD"},
	{"Ελένη Παπαδοπούλου", "Ελένη Παπαδοπούλου"},
	{"Ирина Жукова-Ґалич", "Ирина Жукова-Ґалич"},
	{"Ђорђе Петровић", "Ђорђе Петровић"},
	{"Nguyễn Thị Ánh Đặng", "Nguyễn Thị Ánh Đặng"},
	{"Ștefan Țăranu Şükrü Ağaoğlu", "Ștefan Țăranu Şükrü Ağaoğlu"},
	{"Őze Űrsula Ərəbova Ǧǐ", "Őze Űrsula Ərəbova Ǧǐ"},
	{"Zoe\u0308 Mu\u0308ller", "Zoë Müller"},
	{"李小龍 Li", "\uFFFD\uFFFD\uFFFD Li"},
	{"Ana 👩🏽‍⚕️ Ruiz 🇵🇹", "Ana \uFFFD Ruiz \uFFFD"},
}

// unicodeFixture is the fixture with every student renamed after one of
// names, Ann first, her evaluations signed with key by an instructor with
// a Greek name and her failure commented in Greek.
func unicodeFixture(t *testing.T, key *signing.LocalKey) fixture {
	t.Helper()
	f := newFixture()
	var records []*models.StudentRecord
	for i, n := range names {
		r := *f.bob
		if i == 0 {
			r = *f.ann
		}
		r.Student.ID = "u-" + strconv.Itoa(i)
		r.Student.Name = n.name
		records = append(records, &r)
	}
	f.ann, f.records = records[0], records
	signer := models.User{ID: "u-sofia", Name: "Σοφία Κωνσταντινίδου", Credential: "Νοσηλεύτρια"}
	for i := range f.ann.Evaluations {
		a := &f.ann.Evaluations[i]
		if a.Evaluation.Outcome == models.OutcomeFailed {
			a.Evaluation.Comment = "Ξαναδοκίμασε: Δεξί χέρι"
		}
		if err := models.Sign(context.Background(), a, signer, models.SignedInSession, a.Evaluation.EvaluatedAt, key); err != nil {
			t.Fatal(err)
		}
		a.Amendments = nil
	}
	f.cohort.CohortName = "Φθινόπωρο 2026"
	return f
}

// TestPDFsPrintEveryName renders a transcript and the accreditation
// summary for students named in Latin with its extensions, Greek,
// Cyrillic and Vietnamese, and checks that the text read back from the
// PDFs holds every name exactly, with an emoji or CJK character replaced
// by U+FFFD and nothing else changed.
func TestPDFsPrintEveryName(t *testing.T) {
	t.Parallel()
	key := signing.Ephemeral()
	f := unicodeFixture(t, key)

	var buf bytes.Buffer
	if err := export.TranscriptPDF(&buf, f.transcript(), f.ann); err != nil {
		t.Fatalf("TranscriptPDF = %v", err)
	}
	text := pdfText(t, buf.Bytes())
	wantText(t, text, "Student: Zoë Ñandú-Łukasz \uFFFD <ann@example.com>",
		"Signed 2026-10-02 14:00 UTC by Σοφία Κωνσταντινίδου, Νοσηλεύτρια (session)",
		"Comment: Ξαναδοκίμασε: Δεξί χέρι",
		"Skills transcript - Zoë Ñandú-Łukasz \uFFFD - Valley College MA")
	if title := pdfTitle(t, buf.Bytes()); title != "Skills transcript - Zoë Ñandú-Łukasz \uFFFD" {
		t.Errorf("transcript title = %q; want the name with the emoji replaced", title)
	}
	if v, err := export.VerifyTranscript(buf.Bytes(), key.KeySet()); err != nil || !v.OK() || v.Signed != 2 ||
		v.Records[0].SignerName != "Σοφία Κωνσταντινίδου" {
		t.Errorf("VerifyTranscript = %+v, %v; want both records verified, signed by Σοφία Κωνσταντινίδου", v, err)
	}

	for _, n := range names {
		buf.Reset()
		r := *f.bob
		r.Student.Name = n.name
		if err := export.TranscriptPDF(&buf, f.transcript(), &r); err != nil {
			t.Fatalf("TranscriptPDF(%q) = %v", n.name, err)
		}
		if text := pdfText(t, buf.Bytes()); !strings.Contains(text, "Student: "+n.printed+" <bob@example.com>") {
			t.Errorf("transcript of %q reads:\n%s\nwant the name printed as %q", n.name, text, n.printed)
		}
	}

	buf.Reset()
	if err := export.AccreditationPDF(&buf, f.cohort, f.students); err != nil {
		t.Fatalf("AccreditationPDF = %v", err)
	}
	text = pdfText(t, buf.Bytes())
	wantText(t, text, "Cohort: Φθινόπωρο 2026", "MAERB-2015 I.P.2.b Perform venipuncture ("+strconv.Itoa(len(names))+")")
	// The list of names wraps between words, and the extractor joins
	// lines without a space: compare without spaces.
	joined := strings.Join(strings.Fields(text), "")
	for _, n := range names {
		if !strings.Contains(joined, strings.Join(strings.Fields(n.printed), "")) {
			t.Errorf("the accreditation summary lacks %q printed as %q:\n%s", n.name, n.printed, text)
		}
	}
}

// TestPDFCutsCellsBetweenCharacters checks that a table cell too long
// for its column is cut between characters, never inside one.
func TestPDFCutsCellsBetweenCharacters(t *testing.T) {
	t.Parallel()
	f := newFixture()
	long := strings.Repeat("Παναγιώτα Ξ", 12)
	f.ann.Evaluations[1].Evaluation.EvaluatorID = "u-long"
	tr := f.transcript()
	tr.Staff["u-long"] = models.User{ID: "u-long", Name: long}
	var buf bytes.Buffer
	if err := export.TranscriptPDF(&buf, tr, f.ann); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	if !utf8.ValidString(text) || strings.ContainsRune(text, '\uFFFD') {
		t.Errorf("text has a broken character:\n%s", text)
	}
	if !regexp.MustCompile(`Παναγιώτα Ξ\p{Greek}+\.\.\.`).MatchString(text) {
		t.Errorf("the long evaluator name is not cut with an ellipsis:\n%s", text)
	}
}

// pdfTitle is the Title of a PDF's document information.
func pdfTitle(tb testing.TB, b []byte) string {
	tb.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatalf("read PDF: %v", err)
	}
	return r.Trailer().Key("Info").Key("Title").Text()
}
