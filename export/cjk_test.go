package export

import (
	"bytes"
	"strings"
	"testing"
	"unicode"
)

// TestFontsCoverCJK checks that the CJK face draws the ideographs, kana
// and hangul names are written in, and that every character it draws
// lies in the blocks that make a document read it.
func TestFontsCoverCJK(t *testing.T) {
	t.Parallel()
	cjk := cjkGlyphs()
	var want []rune
	for _, span := range [][2]rune{{0x3041, 0x3094}, {0x30A1, 0x30F6}, {0xAC00, 0xD7A3}, {0x4E00, 0x9FA5}, {0xFF01, 0xFF5E}} {
		for r := span[0]; r <= span[1]; r++ {
			want = append(want, r)
		}
	}
	want = append(want, []rune("、。・ー々〇「」")...)
	for _, r := range want {
		if !cjk.has(r) {
			t.Errorf("the CJK face lacks %q (U+%04X)", r, r)
		}
	}
	for r := rune(0); r < 0x10000; r++ {
		if cjk.has(r) && r != ' ' && !inCJKBlocks(r) {
			t.Errorf("the CJK face draws U+%04X, outside the CJK blocks", r)
		}
	}
}

// TestCJKFaceReadOnlyForCJK checks that text without a CJK character
// never reads the CJK face: not to make it printable (an emoji or a
// Hebrew letter is replaced without looking there) and not in the
// document, which neither embeds it nor maps its characters.
func TestCJKFaceReadOnlyForCJK(t *testing.T) {
	t.Parallel()
	c := coverage{main: textGlyphs(), fallback: func() *glyphs {
		t.Error("the CJK face is read for text without CJK")
		return new(glyphs)
	}}
	if got := printable("Zoë 🩺 שלום Ελένη 👩🏽\u200d⚕️ ✓", c); got != "Zoë \uFFFD \uFFFD\uFFFD\uFFFD\uFFFD Ελένη \uFFFD ✓" {
		t.Errorf("printable = %q", got)
	}

	render := func(s string) []byte {
		d := newDoc(s, s, "now")
		d.heading(s, 12)
		d.para("", 9, s)
		d.row("", 8, []float64{0.5, 0.5}, []string{s, s}, false)
		var buf bytes.Buffer
		if err := d.output(&buf); err != nil {
			t.Fatalf("render %q: %v", s, err)
		}
		return buf.Bytes()
	}
	latin := render("Zoë Ñandú-Łukasz 🩺 Ελένη")
	if bytes.Contains(latin, []byte("wenquanyi")) || bytes.Contains(latin, conformingToUnicodeCJK()) {
		t.Error("a document without CJK embeds the CJK face or maps its characters")
	}
	cjk := render("王小明 Łukasz")
	if !bytes.Contains(cjk, []byte("/BaseFont /utf8wenquanyimicrohei")) {
		t.Error("a document with CJK does not embed the CJK face")
	}
	if n := bytes.Count(cjk, conformingToUnicodeCJK()); n != 3 {
		t.Errorf("%d CMaps mapping CJK; want one for each of the 3 faces (regular, bold, CJK)", n)
	}
	checkOffsets(t, cjk)
}

// TestPieces checks that mixed text is split into characters drawn in
// the face that has them, a combining mark kept with its letter.
func TestPieces(t *testing.T) {
	t.Parallel()
	d := newDoc("t", "f", "now")
	ps := d.pieces("山田 Ǧ\u0323o\nや", "B", 10)
	var got []string
	for _, p := range ps {
		f := "text"
		if p.cjk {
			f = "cjk"
		}
		got = append(got, p.s+":"+f)
		if p.s != "\n" && p.w <= 0 {
			t.Errorf("piece %q has width %v", p.s, p.w)
		}
	}
	if want := "山:cjk 田:cjk  :text Ǧ\u0323:text o:text \n:text や:cjk"; strings.Join(got, " ") != want {
		t.Errorf("pieces = %q; want %q", strings.Join(got, " "), want)
	}
	// An ideograph is one em wide: 10 pt.
	if em := 10 * 25.4 / 72; ps[0].w < em*0.98 || ps[0].w > em*1.02 || ps[4].w >= ps[0].w {
		t.Errorf("山 is %v mm wide, o %v mm; want 山 one em (%v mm), o narrower", ps[0].w, ps[4].w, em)
	}
}

func TestBreakLines(t *testing.T) {
	t.Parallel()
	// Each character is 1 mm wide, lines 5 mm.
	pieces := func(s string) []piece {
		var ps []piece
		for _, r := range s {
			ps = append(ps, piece{s: string(r), cjk: unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
				strings.ContainsRune("、。・ー", r), w: 1})
		}
		return ps
	}
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"ab cd ef", "ab cd|ef"},
		{"abcdefgh", "abcde|fgh"},
		{"王小明王小明", "王小明王小|明"},
		{"山田 太郎", "山田 太郎"},
		{"山田太郎で。", "山田太郎|で。"},
		{"김민준 씨입니다", "김민준 씨|입니다"},
		{"abc王小明", "abc王小|明"},
		{"王小明abcdefg", "王小明|abcde|fg"},
		{"ab\n\ncd", "ab||cd"},
		{"ーーーーーーー", "ーーーーー|ーー"},
	} {
		var lines []string
		for _, l := range breakLines(pieces(tc.in), 5) {
			var b strings.Builder
			for _, p := range l {
				b.WriteString(p.s)
			}
			lines = append(lines, b.String())
		}
		if got := strings.Join(lines, "|"); got != tc.want {
			t.Errorf("breakLines(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzBreakLines checks that breaking any text into lines keeps every
// character in order but the line breaks and the spaces lines are broken
// at, and that only a line of one character is wider than the limit.
func FuzzBreakLines(f *testing.F) {
	for _, s := range []string{"山田 太郎です。", "ab cd\n\nef", "ーーーー", "  王 ", "김민준 씨입니다 Kim"} {
		f.Add(s, uint8(5))
	}
	f.Fuzz(func(t *testing.T, s string, wmax uint8) {
		var ps []piece
		for _, r := range s {
			ps = append(ps, piece{s: string(r), cjk: r >= 0x3000, w: float64(r % 4)})
		}
		var kept []string
		for _, l := range breakLines(ps, float64(wmax)) {
			if width(l) > float64(wmax) && len(l) > 1 {
				t.Fatalf("breakLines(%q, %d) has a line %v wide: %v", s, wmax, width(l), l)
			}
			for _, p := range l {
				kept = append(kept, p.s)
			}
		}
		i := 0
		for _, p := range ps {
			if i < len(kept) && kept[i] == p.s {
				i++
			} else if p.s != " " && p.s != "\n" {
				t.Fatalf("breakLines(%q, %d) loses %q", s, wmax, p.s)
			}
		}
		if i != len(kept) {
			t.Fatalf("breakLines(%q, %d) reorders the text: %q", s, wmax, kept)
		}
	})
}
