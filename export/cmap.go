package export

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// fpdfToUnicode is the ToUnicode CMap object fpdf writes for every
// embedded Unicode font (toUnicode in its utf8fontfile.go): text is
// written as two-byte codes equal to the characters' UTF-16 values, and
// one range maps <0000>–<FFFF> to them. ISO 32000-1 (9.10.3) lets such a
// range vary only in its last byte, so a reader that follows it reads
// "Ł" (0x0141) as "A" (0x0041) when copying or extracting text.
const fpdfToUnicode = "<</Length 345>>\nstream\n/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n" +
	"/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n" +
	"/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n1 beginbfrange\n<0000> <FFFF> <0000>\n" +
	"endbfrange\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\nendstream\n"

// conformingToUnicode is the object that replaces fpdfToUnicode in a
// document set in DejaVu alone: the same identity mapping, as one range
// for each first byte of a character the fonts have (printable lets no
// other through), at most 100 ranges a block as the reference asks,
// compressed. conformingToUnicodeCJK is the same for a document that also
// uses the CJK face, with the ranges of its characters. Each is built
// once, when first needed; only read after that.
var (
	conformingToUnicode    = sync.OnceValue(func() []byte { return toUnicodeCMap(textGlyphs(), monoGlyphs()) })
	conformingToUnicodeCJK = sync.OnceValue(func() []byte { return toUnicodeCMap(textGlyphs(), monoGlyphs(), cjkGlyphs()) })
)

// toUnicodeCMap is a ToUnicode CMap object mapping every character of
// fonts to itself.
func toUnicodeCMap(fonts ...*glyphs) []byte {
	has := func(r rune) bool {
		for _, g := range fonts {
			if g.has(r) {
				return true
			}
		}
		return false
	}
	var ranges []string
	for hi := rune(0); hi < 0x100; hi++ {
		for r := hi << 8; r <= hi<<8|0xFF; r++ {
			if has(r) {
				ranges = append(ranges, fmt.Sprintf("<%02X00> <%02XFF> <%02X00>", hi, hi, hi))
				break
			}
		}
	}
	var cmap strings.Builder
	cmap.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n" +
		"/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n" +
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
	for len(ranges) > 0 {
		n := min(len(ranges), 100)
		fmt.Fprintf(&cmap, "%d beginbfrange\n%s\nendbfrange\n", n, strings.Join(ranges[:n], "\n"))
		ranges = ranges[n:]
	}
	cmap.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write([]byte(cmap.String()))
	zw.Close()
	return fmt.Appendf(nil, "<</Length %d /Filter /FlateDecode>>\nstream\n%s\nendstream\n", z.Len(), z.Bytes())
}

// withConformingToUnicode returns pdf, a document as fpdf writes it,
// with each of fpdf's ToUnicode CMaps replaced by repl (conformingToUnicode
// or conformingToUnicodeCJK) and the cross-reference table's offsets moved
// to match.
func withConformingToUnicode(pdf, repl []byte) ([]byte, error) {
	old := []byte(fpdfToUnicode)
	var at []int // where each replaced object starts in pdf
	out := make([]byte, 0, len(pdf)+len(repl))
	rest := 0
	for {
		i := bytes.Index(pdf[rest:], old)
		if i < 0 {
			break
		}
		i += rest
		if !bytes.HasSuffix(pdf[:i], []byte(" 0 obj\n")) {
			return nil, errors.New("a font's ToUnicode CMap is not an object of its own")
		}
		at = append(at, i)
		out = append(append(out, pdf[rest:i]...), repl...)
		rest = i + len(old)
	}
	if len(at) == 0 {
		return pdf, nil
	}
	out = append(out, pdf[rest:]...)
	delta := len(repl) - len(old)
	moved := func(offset int) int {
		n := 0
		for n < len(at) && at[n] < offset {
			n++
		}
		return offset + n*delta
	}

	// fpdf ends a document with one cross-reference section, "xref",
	// "0 N", then N entries of 20 bytes, the trailer, "startxref",
	// its offset and "%%EOF".
	sx := bytes.LastIndex(out, []byte("\nstartxref\n"))
	if sx < 0 {
		return nil, errors.New("no startxref")
	}
	tail := out[sx+len("\nstartxref\n"):]
	xref, err := strconv.Atoi(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(tail), []byte("%%EOF")))))
	if err != nil || xref >= len(pdf) {
		return nil, fmt.Errorf("startxref %q", tail)
	}
	xref = moved(xref)
	header, _, ok := bytes.Cut(out[xref:], []byte("\n0000000000 65535 f \n"))
	var count int
	if !ok || !bytes.HasPrefix(header, []byte("xref\n0 ")) {
		return nil, errors.New("no cross-reference table where startxref points")
	}
	if count, err = strconv.Atoi(string(header[len("xref\n0 "):])); err != nil {
		return nil, fmt.Errorf("cross-reference table %q", header)
	}
	entries := xref + len(header) + len("\n0000000000 65535 f \n")
	if entries+20*(count-1) > sx {
		return nil, errors.New("the cross-reference table is cut short")
	}
	for j := range count - 1 {
		e := out[entries+20*j : entries+20*j+20]
		if e[17] != 'n' {
			continue
		}
		offset, err := strconv.Atoi(string(e[:10]))
		if err != nil {
			return nil, fmt.Errorf("cross-reference entry %q", e)
		}
		copy(e[:10], fmt.Sprintf("%010d", moved(offset)))
	}
	return fmt.Appendf(out[:sx], "\nstartxref\n%d\n%%%%EOF\n", xref), nil
}
