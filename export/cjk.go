package export

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
)

// Chinese, Japanese and Korean names are drawn in WenQuanYi Micro Hei
// (fonts/LICENSE-WenQuanYiMicroHei, Apache-2.0), reduced to the CJK blocks:
// ideographs, kana, hangul, bopomofo, CJK punctuation and full-width forms.
// DejaVu stays the face of everything else, so a line mixing scripts is
// drawn in runs, each in the face that has its letters (see runs). The
// file is kept compressed (1.7 MB instead of 3.6 MB in the binary) and is
// only decompressed, and its glyphs only read, when a document first
// holds a character DejaVu lacks: documents without CJK never touch it.
//
//go:embed fonts/WenQuanYiMicroHei.ttf.gz
var cjkGzipped []byte

// cjkBlocks are the Unicode blocks the CJK face was reduced to (the
// ranges of pyftsubset's --unicodes in fonts/README.md, less the space):
// Hangul Jamo, CJK radicals, CJK symbols and punctuation, kana, bopomofo,
// Hangul compatibility jamo, enclosed and compatibility CJK, CJK
// Unified Ideographs with Extension A, Hangul Jamo Extended-A, Hangul
// syllables with Jamo Extended-B, CJK compatibility ideographs and forms,
// half-width and full-width forms.
var cjkBlocks = [][2]rune{{0x1100, 0x11FF}, {0x2E80, 0x2FDF}, {0x3000, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
	{0xA960, 0xA97F}, {0xAC00, 0xD7FF}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFFEF}}

// inCJKBlocks tells whether r is in one of cjkBlocks, so that only such
// a rune makes a document read the CJK face.
func inCJKBlocks(r rune) bool {
	if r < 0x1100 || r > 0xFFEF {
		return false
	}
	for _, b := range cjkBlocks {
		if r >= b[0] && r <= b[1] {
			return true
		}
	}
	return false
}

// cjkFamily is the family of the CJK face. It has one style: bold text
// is drawn with its outline stroked as well (see drawCJK), oblique text
// upright, as CJK typesetting does.
const cjkFamily = "WenQuanYiMicroHei"

// cjkFace is the CJK TrueType file, decompressed once on first use and
// only read after that.
var cjkFace = sync.OnceValue(func() []byte {
	zr, err := gzip.NewReader(bytes.NewReader(cjkGzipped))
	if err != nil {
		panic(fmt.Sprintf("export: the embedded CJK font: %v", err))
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		panic(fmt.Sprintf("export: the embedded CJK font: %v", err))
	}
	return b
})

// cjkGlyphs is the set of runes the CJK face draws, read on first use.
var cjkGlyphs = sync.OnceValue(func() *glyphs { return glyphsOf(cjkFace()) })

// noBreakBefore holds the closing punctuation and prolonged sound mark a
// CJK line may not start with (a small part of the Japanese kinsoku
// rules, enough for names and comments).
const noBreakBefore = "、。，．・：；？！）」』】〕〉》ー々ゝゞヽヾぁぃぅぇぉっゃゅょァィゥェォッャュョ"

// piece is one character of a mixed line: its runes (several for a
// combining sequence), whether the CJK face draws it and its width in mm.
type piece struct {
	s   string
	cjk bool
	w   float64
}

// mixed tells whether s, printable text, holds a character only the CJK
// face draws, and so must be drawn in runs rather than by fpdf in one go.
func mixed(s string) bool {
	text := textGlyphs()
	for _, r := range s {
		if r != '\n' && !text.has(r) {
			return true
		}
	}
	return false
}

// pieces splits printable text into characters, each with the face that
// draws it and its width in the text face of style at pt points or the
// CJK face at pt points. It leaves the text face set.
func (d *doc) pieces(s, style string, pt float64) []piece {
	text := textGlyphs()
	var ps []piece
	for _, r := range s {
		cjk := !text.has(r) && r != '\n'
		if n := len(ps); n > 0 && !cjk && !ps[n-1].cjk && r != '\n' && extends(r) {
			// A combining mark stays with its letter.
			ps[n-1].s += string(r)
			continue
		}
		ps = append(ps, piece{s: string(r), cjk: cjk})
	}
	d.setFont(cjkFamily, "", pt)
	for i := range ps {
		if ps[i].cjk {
			ps[i].w = d.GetStringWidth(ps[i].s)
		}
	}
	d.font(style, pt)
	for i := range ps {
		if !ps[i].cjk && ps[i].s != "\n" {
			ps[i].w = d.GetStringWidth(ps[i].s)
		}
	}
	return ps
}

// width is the width of ps in mm.
func width(ps []piece) float64 {
	w := 0.0
	for _, p := range ps {
		w += p.w
	}
	return w
}

// breakBefore tells whether a line may break before ps[i] without a
// space: between two CJK characters, or between one and another letter,
// unless ps[i] is punctuation that closes what comes before it.
func breakBefore(ps []piece, i int) bool {
	return i > 0 && (ps[i].cjk || ps[i-1].cjk) && ps[i].s != " " && ps[i-1].s != " " &&
		!strings.Contains(noBreakBefore, ps[i].s)
}

// multiCell writes printable text wrapped to w mm in lines h mm high, in
// the text font of style at pt points (set by the caller), left-aligned
// like fpdf's MultiCell, which it calls when the text holds no CJK.
// Otherwise it breaks lines at spaces and between CJK characters and
// draws each line in runs of one face.
func (d *doc) multiCell(w, h float64, s, style string, pt float64) {
	if !mixed(s) {
		d.MultiCell(w, h, s, "", "L", false)
		return
	}
	x := d.GetX()
	for _, l := range breakLines(d.pieces(s, style, pt), w-2*d.GetCellMargin()) {
		d.line(x, h, l, style, pt)
	}
	left, _, _, _ := d.GetMargins()
	d.SetX(left)
	d.font(style, pt)
}

// breakLines splits pieces into lines at most wmax mm wide: at a line
// break, else at the last space (dropped) or the last place between CJK
// characters where the line fits, else between any two characters (a
// word wider than the line is cut, as fpdf's MultiCell cuts it). A
// character wider than wmax gets a line of its own.
func breakLines(ps []piece, wmax float64) [][]piece {
	var lines [][]piece
	for len(ps) > 0 {
		// The line is ps[:end]; the next starts at ps[next].
		end, next, lw := len(ps), len(ps), 0.0
		brk, brkNext := -1, -1
		for i, p := range ps {
			if p.s == "\n" {
				end, next = i, i+1
				break
			}
			if p.s == " " {
				brk, brkNext = i, i+1
			} else if breakBefore(ps, i) {
				brk, brkNext = i, i
			}
			if lw+p.w > wmax && i > 0 {
				if brk > 0 {
					end, next = brk, brkNext
				} else {
					end, next = i, i
				}
				break
			}
			lw += p.w
		}
		lines = append(lines, ps[:end])
		ps = ps[next:]
	}
	return lines
}

// line draws one line of pieces from x at the current height, h mm high,
// and moves below it, starting a new page first if it does not fit.
func (d *doc) line(x, h float64, ps []piece, style string, pt float64) {
	_, pageH := d.GetPageSize()
	if _, margin := d.GetAutoPageBreak(); d.GetY()+h > pageH-margin {
		d.AddPage()
	}
	y := d.GetY()
	d.runs(x+d.GetCellMargin(), y, h, ps, style, pt)
	d.SetXY(x, y+h)
}

// runs draws ps from x at height y in cells h mm high, each run of
// characters of one face in one cell, and leaves the text font set.
func (d *doc) runs(x, y, h float64, ps []piece, style string, pt float64) {
	m := d.GetCellMargin()
	for len(ps) > 0 {
		n := 1
		for n < len(ps) && ps[n].cjk == ps[0].cjk {
			n++
		}
		var b strings.Builder
		for _, p := range ps[:n] {
			b.WriteString(p.s)
		}
		w := width(ps[:n])
		// The cell starts a margin early so that its text, drawn a
		// margin in, starts at x.
		d.SetXY(x-m, y)
		if ps[0].cjk {
			d.drawCJK(w+m, h, b.String(), style, pt)
		} else {
			d.font(style, pt)
			d.CellFormat(w+m, h, b.String(), "", 0, "L", false, 0, "")
		}
		x += w
		ps = ps[n:]
	}
	d.font(style, pt)
}

// drawCJK draws s in a cell w mm wide in the CJK face, its outline
// stroked in the text colour when style is bold so that it reads as
// bold beside the bold DejaVu letters.
func (d *doc) drawCJK(w, h float64, s, style string, pt float64) {
	d.setFont(cjkFamily, "", pt)
	if !strings.Contains(style, "B") {
		d.CellFormat(w, h, s, "", 0, "L", false, 0, "")
		return
	}
	lw := d.GetLineWidth()
	dr, dg, db := d.GetDrawColor()
	d.SetDrawColor(d.GetTextColor())
	d.SetLineWidth(pt * 0.012)
	d.SetTextRenderingMode(2)
	d.CellFormat(w, h, s, "", 0, "L", false, 0, "")
	d.SetTextRenderingMode(0)
	d.SetLineWidth(lw)
	d.SetDrawColor(dr, dg, db)
}

// cell writes printable text left-aligned in a cell w mm wide and h mm
// high, cut to fit a whole character at a time, with a border as fpdf's
// CellFormat takes it, in the text font of style at pt points (set by the
// caller).
func (d *doc) cell(w, h float64, s, border string, fill bool, style string, pt float64) {
	if !mixed(s) {
		d.CellFormat(w, h, d.fit(s, w-1), border, 0, "L", fill, 0, "")
		return
	}
	ps := d.pieces(s, style, pt)
	if width(ps) > w-1 {
		ellipsis := piece{s: "...", w: d.GetStringWidth("...")}
		for len(ps) > 0 && width(ps)+ellipsis.w > w-1 {
			ps = ps[:len(ps)-1]
		}
		for len(ps) > 0 && ps[len(ps)-1].s == " " {
			ps = ps[:len(ps)-1]
		}
		ps = append(ps, ellipsis)
	}
	// The empty cell draws the fill and border (and breaks the page if
	// it must); the text is drawn over it.
	d.CellFormat(w, h, "", border, 0, "L", fill, 0, "")
	x, y := d.GetXY()
	d.runs(x-w+d.GetCellMargin(), y, h, ps, style, pt)
	d.SetXY(x, y)
}
