package export

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// doc is an A4 PDF with Skillbook's layout: core fonts (text outside
// Windows-1252 is shown as "?"), a footer with the page number out of
// the total, the generation time and a running title.
type doc struct {
	*fpdf.Fpdf
	tr func(string) string
	// width is the printable width in mm.
	width float64
}

func newDoc(title, footer string, generated string) *doc {
	p := fpdf.New("P", "mm", "A4", "")
	d := &doc{Fpdf: p, tr: p.UnicodeTranslatorFromDescriptor("")}
	p.SetMargins(15, 15, 15)
	p.SetAutoPageBreak(true, 18)
	p.AliasNbPages("{nb}")
	p.SetTitle(title, true)
	p.SetCreator("Skillbook", true)
	p.SetProducer("Skillbook", true)
	w, _ := p.GetPageSize()
	d.width = w - 30
	p.SetFooterFunc(func() {
		p.SetY(-13)
		p.SetFont("Helvetica", "", 7.5)
		p.SetTextColor(90, 90, 90)
		p.CellFormat(d.width*0.6, 5, d.tr(footer), "T", 0, "L", false, 0, "")
		p.CellFormat(d.width*0.4, 5, d.tr(fmt.Sprintf("Page %d of {nb} - generated %s", p.PageNo(), generated)), "T", 0, "R", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	p.AddPage()
	return d
}

// heading writes a bold line of size pt.
func (d *doc) heading(text string, pt float64) {
	d.SetFont("Helvetica", "B", pt)
	d.MultiCell(d.width, pt*0.5, d.tr(text), "", "L", false)
	d.Ln(1)
}

// para writes wrapped text.
func (d *doc) para(style string, pt float64, text string) {
	d.SetFont("Helvetica", style, pt)
	d.MultiCell(d.width, pt*0.45, d.tr(text), "", "L", false)
}

// mono writes wrapped fixed-width text (digests), indented by indent mm.
func (d *doc) mono(indent, pt float64, text string) {
	d.SetFont("Courier", "", pt)
	d.SetX(d.GetX() + indent)
	d.MultiCell(d.width-indent, pt*0.45, text, "", "L", false)
}

// row writes one table row of cells with widths (fractions of the
// printable width), wrapping none: long values are cut to fit.
func (d *doc) row(style string, pt float64, widths []float64, cells []string, fill bool) {
	d.SetFont("Helvetica", style, pt)
	if fill {
		d.SetFillColor(232, 236, 241)
	}
	for i, c := range cells {
		w := widths[i] * d.width
		d.CellFormat(w, pt*0.5, d.fit(d.tr(c), w-1), "", 0, "L", fill, 0, "")
	}
	d.Ln(pt * 0.5)
}

// fit shortens s until it fits in w mm.
func (d *doc) fit(s string, w float64) string {
	if d.GetStringWidth(s) <= w {
		return s
	}
	r := []byte(s)
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
	return d.Output(w)
}
