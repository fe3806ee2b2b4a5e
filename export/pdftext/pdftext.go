// Package pdftext reads the text of the PDFs the exports write, for tests
// that check what a reader of the file sees.
package pdftext

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
)

// Of is the text of PDF b, page by page and row by row, its whitespace
// collapsed to single spaces.
func Of(tb testing.TB, b []byte) string {
	tb.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatalf("read PDF: %v", err)
	}
	var sb strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		rows, err := p.GetTextByRow()
		if err != nil {
			tb.Fatalf("page %d text: %v", i, err)
		}
		for _, row := range rows {
			for _, w := range row.Content {
				sb.WriteString(w.S)
			}
			sb.WriteString("\n")
		}
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}
