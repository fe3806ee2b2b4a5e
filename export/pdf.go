package export

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// doc is an A4 PDF with Skillbook's layout: DejaVu fonts embedded, and
// the CJK face for text that needs it (other characters they lack are
// shown as a replacement character, see printable), a footer with the page number out of the total, the
// generation time and a running title.
type doc struct {
	*fpdf.Fpdf
	// tr makes text printable in the text font, monoTr in the monospace one.
	tr, monoTr func(string) string
	// added holds the faces added to the document.
	added map[string]bool
	// width is the printable width in mm.
	width float64
}

func newDoc(title, footer string, generated string) *doc {
	p := fpdf.New("P", "mm", "A4", "")
	text, mono := textCoverage(), monoCoverage()
	d := &doc{Fpdf: p, added: map[string]bool{},
		tr:     func(s string) string { return printable(s, text) },
		monoTr: func(s string) string { return printable(s, mono) }}
	p.SetMargins(15, 15, 15)
	p.SetAutoPageBreak(true, 18)
	p.AliasNbPages("{nb}")
	// fpdf writes metadata as UTF-16 of the BMP only.
	p.SetTitle(d.tr(title), true)
	p.SetCreator("Skillbook", true)
	p.SetProducer("Skillbook", true)
	w, _ := p.GetPageSize()
	d.width = w - 30
	p.SetFooterFunc(func() {
		p.SetY(-13)
		d.font("", 7.5)
		p.SetTextColor(90, 90, 90)
		d.cell(d.width*0.6, 5, d.tr(footer), "T", false, "", 7.5)
		p.CellFormat(d.width*0.4, 5, d.tr(fmt.Sprintf("Page %d of {nb} - generated %s", p.PageNo(), generated)), "T", 0, "R", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	p.AddPage()
	return d
}

// font sets the text font in style ("", "B", "I" or "BI") at pt points.
func (d *doc) font(style string, pt float64) { d.setFont(textFamily, style, pt) }

// setFont sets a font, adding its face to the document on first use:
// fpdf parses a face as it is added, so faces left unused cost nothing.
func (d *doc) setFont(family, style string, pt float64) {
	if key := family + "/" + style; !d.added[key] {
		// A copy: fpdf writes into the bytes it is given while it cuts the
		// font, and documents rendered at once would share them.
		d.AddUTF8FontFromBytes(family, style, bytes.Clone(face(family, style)))
		d.added[key] = true
	}
	d.SetFont(family, style, pt)
}

// heading writes a bold line of size pt.
func (d *doc) heading(text string, pt float64) {
	d.font("B", pt)
	d.multiCell(d.width, pt*0.5, d.tr(text), "B", pt)
	d.Ln(1)
}

// para writes wrapped text.
func (d *doc) para(style string, pt float64, text string) {
	d.font(style, pt)
	d.multiCell(d.width, pt*0.45, d.tr(text), style, pt)
}

// mono writes wrapped fixed-width text (digests), indented by indent mm.
func (d *doc) mono(indent, pt float64, text string) {
	d.setFont(monoFamily, "", pt)
	d.SetX(d.GetX() + indent)
	d.MultiCell(d.width-indent, pt*0.45, d.monoTr(text), "", "L", false)
}

// row writes one table row of cells with widths (fractions of the
// printable width), wrapping none: long values are cut to fit.
func (d *doc) row(style string, pt float64, widths []float64, cells []string, fill bool) {
	d.font(style, pt)
	if fill {
		d.SetFillColor(232, 236, 241)
	}
	for i, c := range cells {
		w := widths[i] * d.width
		d.cell(w, pt*0.5, d.tr(c), "", fill, style, pt)
	}
	d.Ln(pt * 0.5)
}

// fit shortens s, a whole character at a time, until it fits in w mm.
func (d *doc) fit(s string, w float64) string {
	if d.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && d.GetStringWidth(string(r)+"...") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "..."
}

// needs starts a new page unless h mm are left on this one.
func (d *doc) needs(h float64) {
	_, pageH := d.GetPageSize()
	if d.GetY()+h > pageH-20 {
		d.AddPage()
	}
}

// rule draws a thin horizontal line.
func (d *doc) rule() {
	d.SetDrawColor(180, 180, 180)
	y := d.GetY() + 1
	d.Line(15, y, 15+d.width, y)
	d.Ln(2.5)
}

// output writes the document, reporting any error fpdf kept.
func (d *doc) output(w io.Writer) error {
	if err := d.Error(); err != nil {
		return fmt.Errorf("render pdf: %w", err)
	}
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return fmt.Errorf("render pdf: %w", err)
	}
	cmap := conformingToUnicode
	if d.added[cjkFamily+"/"] {
		cmap = conformingToUnicodeCJK
	}
	b, err := withConformingToUnicode(buf.Bytes(), cmap())
	if err != nil {
		return fmt.Errorf("render pdf: %w", err)
	}
	_, err = w.Write(b)
	return err
}
