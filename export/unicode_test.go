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
	"skillbook/export/pdftext"
	"skillbook/models"
	"skillbook/signing"
)

// names are students' names in many scripts and what a PDF prints for
// each: the name itself, composed, with any character the embedded fonts
// lack (emoji, an ideograph beyond the Basic Multilingual Plane) shown as
// one U+FFFD.
var names = []struct{ name, printed string }{
	{"Zoë Ñandú-Łukasz 🩺", "Zoë Ñandú-Łukasz \uFFFD"},
	{"Ελένη Παπαδοπούλου", "Ελένη Παπαδοπούλου"},
	{"Ирина Жукова-Ґалич", "Ирина Жукова-Ґалич"},
	{"Ђорђе Петровић", "Ђорђе Петровић"},
	{"Nguyễn Thị Ánh Đặng", "Nguyễn Thị Ánh Đặng"},
	{"Ștefan Țăranu Şükrü Ağaoğlu", "Ștefan Țăranu Şükrü Ağaoğlu"},
	{"Őze Űrsula Ərəbova Ǧǐ", "Őze Űrsula Ərəbova Ǧǐ"},
	{"Zoe\u0308 Mu\u0308ller", "Zoë Müller"},
	{"李小龍 Li", "李小龍 Li"},
	{"王小明", "王小明"},
	{"山田太郎", "山田太郎"},
	{"やまだ ヤマダ・タロウ", "やまだ ヤマダ・タロウ"},
	{"김민준", "김민준"},
	{"Ōtani 翔平 Łukasz-민서 Ελένη", "Ōtani 翔平 Łukasz-민서 Ελένη"},
	{"𠮷野 Yoshino", "\uFFFD野 Yoshino"},
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
// Cyrillic, Vietnamese, Chinese, Japanese and Korean, and checks that the
// text read back from the PDFs holds every name exactly, with an emoji
// (or an ideograph beyond the Basic Multilingual Plane) replaced by
// U+FFFD and nothing else changed.
func TestPDFsPrintEveryName(t *testing.T) {
	t.Parallel()
	key := signing.Ephemeral()
	f := unicodeFixture(t, key)

	var buf bytes.Buffer
	if err := export.TranscriptPDF(&buf, f.transcript(), f.ann); err != nil {
		t.Fatalf("TranscriptPDF = %v", err)
	}
	text := pdftext.Of(t, buf.Bytes())
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
		if text := pdftext.Of(t, buf.Bytes()); !strings.Contains(text, "Student: "+n.printed+" <bob@example.com>") {
			t.Errorf("transcript of %q reads:\n%s\nwant the name printed as %q", n.name, text, n.printed)
		}
	}

	buf.Reset()
	if err := export.AccreditationPDF(&buf, f.cohort, f.students); err != nil {
		t.Fatalf("AccreditationPDF = %v", err)
	}
	text = pdftext.Of(t, buf.Bytes())
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

// TestPDFWrapsCJK renders a transcript signed by an instructor with a
// Japanese name, whose comment mixes Japanese, Korean and English and is
// too long for one line, and checks that the text read back holds them
// exactly (the lines joined) and that the signed records still verify.
func TestPDFWrapsCJK(t *testing.T) {
	t.Parallel()
	key := signing.Ephemeral()
	f := newFixture()
	r := *f.ann
	r.Student.Name = "山田太郎"
	r.Evaluations = append([]models.Attempt(nil), r.Evaluations...)
	comment := strings.Repeat("右腕で再試行してください。김민준 씨, 다시 해 보세요. Retry with the right arm. ", 5)
	signer := models.User{ID: "u-hanako", Name: "佐藤花子", Credential: "看護師"}
	for i := range r.Evaluations {
		a := &r.Evaluations[i]
		e := *a.Evaluation
		a.Evaluation, a.Amendments = &e, nil
		if e.Outcome == models.OutcomeFailed {
			e.Comment = comment
		}
		if err := models.Sign(context.Background(), a, signer, models.SignedInSession, e.EvaluatedAt, key); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := export.TranscriptPDF(&buf, f.transcript(), &r); err != nil {
		t.Fatalf("TranscriptPDF = %v", err)
	}
	text := pdftext.Of(t, buf.Bytes())
	wantText(t, text, "Student: 山田太郎 <ann@example.com>", "Signed 2026-10-02 14:00 UTC by 佐藤花子, 看護師 (session)",
		"Skills transcript - 山田太郎 - Valley College MA")
	// The extractor joins wrapped lines without a space: compare without spaces.
	if joined, want := strings.Join(strings.Fields(text), ""), "Comment:"+strings.Join(strings.Fields(comment), ""); !strings.Contains(joined, want) {
		t.Errorf("the comment does not read back whole:\n%s", text)
	}
	if title := pdfTitle(t, buf.Bytes()); title != "Skills transcript - 山田太郎" {
		t.Errorf("transcript title = %q", title)
	}
	if v, err := export.VerifyTranscript(buf.Bytes(), key.KeySet()); err != nil || !v.OK() || v.Signed != 2 || v.Records[0].SignerName != "佐藤花子" {
		t.Errorf("VerifyTranscript = %+v, %v; want both records verified, signed by 佐藤花子", v, err)
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
	text := pdftext.Of(t, buf.Bytes())
	if !utf8.ValidString(text) || strings.ContainsRune(text, '\uFFFD') {
		t.Errorf("text has a broken character:\n%s", text)
	}
	if !regexp.MustCompile(`Παναγιώτα Ξ\p{Greek}+\.\.\.`).MatchString(text) {
		t.Errorf("the long evaluator name is not cut with an ellipsis:\n%s", text)
	}

	// An evaluator whose name mixes Greek and CJK, cut in the CJK part.
	tr.Staff["u-long"] = models.User{ID: "u-long", Name: "Ξ " + strings.Repeat("王小明김민준", 12)}
	buf.Reset()
	if err := export.TranscriptPDF(&buf, tr, f.ann); err != nil {
		t.Fatal(err)
	}
	text = pdftext.Of(t, buf.Bytes())
	if !utf8.ValidString(text) || strings.ContainsRune(text, '\uFFFD') {
		t.Errorf("text has a broken character:\n%s", text)
	}
	if !regexp.MustCompile(`Ξ (王小明김민준)+[王小明김민준]*\.\.\.`).MatchString(text) {
		t.Errorf("the long CJK evaluator name is not cut with an ellipsis:\n%s", text)
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
