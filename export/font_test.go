package export

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestPrintable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Ann Archer", "Ann Archer"},
		{"Zoë Ñandú-Łukasz 🩺", "Zoë Ñandú-Łukasz \uFFFD"},
		{"Ελένη Ирина Nguyễn Ștefan Ərəbova Ǧǐ", "Ελένη Ирина Nguyễn Ștefan Ərəbova Ǧǐ"},
		{"Zoe\u0308 Mu\u0308ller", "Zoë Müller"},
		{"李小龍", "李小龍"},
		{"山田太郎 やまだ ヤマダ・タロウ", "山田太郎 やまだ ヤマダ・タロウ"},
		{"김민준 Kim", "김민준 Kim"},
		{"\u1100\u1161\u11A8", "각"},
		{"Ｙａｍａｄａ ｶﾀｶﾅ", "Ｙａｍａｄａ ｶﾀｶﾅ"},
		{"𠀋 Jiro", "\uFFFD Jiro"},
		{"שלום", "\uFFFD\uFFFD\uFFFD\uFFFD"},
		{"Ana 👩🏽\u200d⚕️ Ruiz", "Ana \uFFFD Ruiz"},
		{"👍🏽👍", "\uFFFD\uFFFD"},
		{"🇵🇹🇧🇷🇫", "\uFFFD\uFFFD\uFFFD"},
		{"⚕️ ✓", "⚕ ✓"},
		{"a\tb\r\nc\x00", "a b \nc "},
		{"🩺\u0301x", "\uFFFDx"},
		{"x\U000E0041y", "xy"},
	} {
		if got := printable(tc.in, textCoverage()); got != tc.want {
			t.Errorf("printable(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	if got := printable("key: ab-_12 🩺 李", monoCoverage()); got != "key: ab-_12 \uFFFD \uFFFD" {
		t.Errorf("printable in the monospace font = %q", got)
	}
}

// TestFontsCover checks that the embedded fonts draw every letter of the
// scripts transcripts promise (Latin with Latin Extended-A and the
// European and Vietnamese letters of Extended-B and Additional, Greek,
// Cyrillic) and the replacement character in every style.
func TestFontsCover(t *testing.T) {
	t.Parallel()
	text, mono := textGlyphs(), monoGlyphs()
	var want []rune
	for _, span := range [][2]rune{{0x20, 0x7E}, {0xA0, 0x17F}, {0x218, 0x21B}, {0x386, 0x3CE}, {0x400, 0x45F}, {0x490, 0x4FF}} {
		for r := span[0]; r <= span[1]; r++ {
			if unicode.IsGraphic(r) {
				want = append(want, r)
			}
		}
	}
	want = append(want, []rune("ƏəƒǍǎǏǐǦǧǨǩǪǫǸǹȘșȚțẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹƠơƯư")...)
	for _, r := range want {
		if !text.has(r) {
			t.Errorf("the text fonts lack %q (U+%04X)", r, r)
		}
	}
	for r := rune(0x20); r <= 0x7E; r++ {
		if !mono.has(r) {
			t.Errorf("the monospace font lacks %q", r)
		}
	}
	if !text.has(replacement) || !mono.has(replacement) {
		t.Error("a font lacks the replacement character")
	}
}

// TestOutputKeepsOffsets checks that replacing fpdf's ToUnicode CMaps
// leaves every cross-reference entry pointing at its object.
func TestOutputKeepsOffsets(t *testing.T) {
	t.Parallel()
	d := newDoc("Title Ł", "footer", "now")
	d.heading("Heading Ł", 12)
	d.para("I", 9, "Italic Ελένη")
	d.para("BI", 9, "Bold italic Ирина")
	d.mono(0, 7, "digest 0123")
	var buf bytes.Buffer
	if err := d.output(&buf); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if bytes.Contains(pdf, []byte(fpdfToUnicode)) {
		t.Error("fpdf's ToUnicode CMap is left in the document")
	}
	if n := bytes.Count(pdf, conformingToUnicode()); n != 5 {
		t.Errorf("%d conforming CMaps; want one for each of the 5 faces", n)
	}
	checkOffsets(t, pdf)
}

// checkOffsets checks that every cross-reference entry of pdf points at
// its object.
func checkOffsets(t *testing.T, pdf []byte) {
	t.Helper()
	m := regexp.MustCompile(`\nstartxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d points at %q", xref, pdf[xref:min(len(pdf), xref+20)])
	}
	lines := strings.Split(string(pdf[xref:]), "\n")
	count, _ := strconv.Atoi(strings.TrimPrefix(lines[1], "0 "))
	for j := 1; j < count; j++ {
		offset, _ := strconv.Atoi(lines[2+j][:10])
		if want := fmt.Sprintf("%d 0 obj", j); !bytes.HasPrefix(pdf[offset:], []byte(want)) {
			t.Errorf("object %d's offset %d points at %q", j, offset, pdf[offset:min(len(pdf), offset+12)])
		}
	}
}

// FuzzPrintable checks that any text comes out of printable as text the
// fonts draw, and that printable's output is left as it is (so a name is
// printed the same wherever it is shown).
func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"Zoë Ñandú-Łukasz 🩺", "Ana 👩🏽\u200d⚕️ Ruiz 🇵🇹", "Zoe\u0308", "a\tb\r\n", "李", "\xff\xfe", "🩺\u0301\u200d"} {
		f.Add(s)
	}
	text := textCoverage()
	f.Fuzz(func(t *testing.T, s string) {
		out := printable(s, text)
		if !utf8.ValidString(out) {
			t.Fatalf("printable(%q) = %q, not UTF-8", s, out)
		}
		for _, r := range out {
			if r != '\n' && !text.has(r) {
				t.Fatalf("printable(%q) = %q, holding %U the fonts lack", s, out, r)
			}
		}
		if again := printable(out, text); again != out {
			t.Fatalf("printable(%q) = %q, and printable of that = %q", s, out, again)
		}
	})
}

// TestRenderAnyText renders text printable changes in every kind of
// place a document puts it.
func TestRenderAnyText(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"\xff\xfe Ł", "🩺\u0301\u200d", "a\x00\tb\r\n\n", strings.Repeat("Ł🩺", 200), "\U0010FFFF\uFFFF\uD7FF",
		strings.Repeat("李🩺 김Ł\u0301", 300), strings.Repeat("ー", 500), "、王\n\n", "\n李"} {
		d := newDoc(s, s, "now")
		d.heading(s, 12)
		d.para("I", 9, s)
		d.row("B", 8, []float64{0.5, 0.5}, []string{s, s}, true)
		d.mono(0, 7, s)
		var buf bytes.Buffer
		if err := d.output(&buf); err != nil {
			t.Fatalf("render %q: %v", s, err)
		}
	}
}
