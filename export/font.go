package export

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// PDFs embed DejaVu Sans (and DejaVu Sans Mono for digests), licensed to
// be embedded and redistributed (fonts/LICENSE): unlike the PDF core
// fonts, whose one-byte encoding cannot write "Łukasz", they cover Latin
// with its extensions (Vietnamese included), Greek and Cyrillic. fpdf
// subsets each face to the glyphs a document uses. Chinese, Japanese and
// Korean characters are drawn in a face of their own (cjk.go).
var (
	//go:embed fonts/DejaVuSans.ttf
	sansRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	sansBold []byte
	//go:embed fonts/DejaVuSans-Oblique.ttf
	sansOblique []byte
	//go:embed fonts/DejaVuSans-BoldOblique.ttf
	sansBoldOblique []byte
	//go:embed fonts/DejaVuSansMono.ttf
	sansMono []byte
)

// The families documents use: textFamily in the styles "", "B", "I" and
// "BI", monoFamily in "" only.
const (
	textFamily = "DejaVuSans"
	monoFamily = "DejaVuSansMono"
)

// face is the TrueType file of family in style.
func face(family, style string) []byte {
	switch family {
	case monoFamily:
		return sansMono
	case cjkFamily:
		return cjkFace()
	}
	switch style {
	case "B":
		return sansBold
	case "I":
		return sansOblique
	case "BI":
		return sansBoldOblique
	}
	return sansRegular
}

// replacement is what a PDF shows for a character its font cannot draw:
// the Unicode replacement character, which DejaVu draws as a black
// diamond holding a question mark, so the gap is seen and a text
// extractor reads U+FFFD rather than a plausible wrong letter.
const replacement = '\uFFFD'

// glyphs is the set of runes of the Basic Multilingual Plane a font has
// glyphs for (fpdf reads only a font's BMP character map, so no rune
// beyond it can be drawn).
type glyphs [0x10000 / 64]uint64

func (g *glyphs) has(r rune) bool {
	return r >= 0 && r < 0x10000 && g[r/64]&(1<<(r%64)) != 0
}

// glyphsOf is the set of runes every one of fonts has a glyph for.
func glyphsOf(fonts ...[]byte) *glyphs {
	g := new(glyphs)
	for i := range g {
		g[i] = ^uint64(0)
	}
	var buf sfnt.Buffer
	for _, b := range fonts {
		f, err := sfnt.Parse(b)
		if err != nil {
			panic(fmt.Sprintf("export: an embedded font does not parse: %v", err))
		}
		for r := rune(0); r < 0x10000; r++ {
			if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
				g[r/64] &^= 1 << (r % 64)
			}
		}
	}
	return g
}

// The glyph sets are read from the embedded fonts once, on first use,
// and only read after that. Text glyphs are those all four styles share,
// so a name prints (or is replaced) the same in every style.
var (
	textGlyphs = sync.OnceValue(func() *glyphs { return glyphsOf(sansRegular, sansBold, sansOblique, sansBoldOblique) })
	monoGlyphs = sync.OnceValue(func() *glyphs { return glyphsOf(sansMono) })
)

// coverage is the set of runes a document's faces draw: those of its main
// face and, for a rune of the CJK blocks the main face lacks, those of a
// fallback face, which is only read when such a rune first shows up.
type coverage struct {
	main     *glyphs
	fallback func() *glyphs
}

func (c coverage) has(r rune) bool {
	return c.main.has(r) || c.fallback != nil && inCJKBlocks(r) && c.fallback().has(r)
}

// textCoverage is what text draws: DejaVu Sans, then the CJK face.
func textCoverage() coverage { return coverage{main: textGlyphs(), fallback: cjkGlyphs} }

// monoCoverage is what digests draw: DejaVu Sans Mono alone.
func monoCoverage() coverage { return coverage{main: monoGlyphs()} }

// printable returns s as a document set in fonts covering g draws it:
// composed (NFC, so a name typed as "e" and a combining accent uses the
// font's "é"), with each character the fonts lack (emoji, …) shown
// as one replacement character, and nothing else changed. A character is
// what a reader sees as one: an emoji with its skin tone, a ZWJ sequence
// or a flag's pair of regional indicators is one replacement, not several.
// Variation selectors and other invisible format characters the font
// lacks are dropped (they change no letter), control characters other
// than a line break become spaces, and each byte that is not UTF-8 a
// replacement character.
func printable(s string, g coverage) string {
	if ok := func() bool {
		for _, r := range s {
			if !g.has(r) || unicode.IsControl(r) && r != '\n' {
				return false
			}
		}
		return true
	}(); ok && utf8.ValidString(s) && norm.NFC.IsNormalString(s) {
		return s
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	// replaced is set after a replacement, until a rune starts a new
	// character; joined after a replaced character's zero-width joiner.
	replaced, joined, flag := false, false, false
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
			replaced = false
			continue
		case unicode.IsControl(r):
			b.WriteByte(' ')
			replaced = false
			continue
		case replaced && (joined || extends(r) || flag && isRegionalIndicator(r)):
			// Part of the character already replaced.
			joined = r == '\u200D'
			flag = false
			continue
		case g.has(r):
			b.WriteRune(r)
			replaced = false
			continue
		case isVariationSelector(r) || unicode.Is(unicode.Cf, r):
			continue
		}
		b.WriteRune(replacement)
		replaced, joined, flag = true, false, isRegionalIndicator(r)
	}
	return b.String()
}

// extends tells whether r continues the character before it rather than
// starting one: a joiner, a combining mark, an emoji modifier (skin
// tone), a variation selector or a tag.
func extends(r rune) bool {
	return r == '\u200D' || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || isVariationSelector(r) || (r >= 0xE0020 && r <= 0xE007F)
}

func isVariationSelector(r rune) bool {
	return (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF)
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
