package models

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Every name and free text a client sends goes through CleanText before it
// is stored: it flows on into CSV and PDF exports, push notifications and
// the audit trail, where a stray control character or a bidirectional
// override turns "Eve\u202eLIVE" into something else on screen.

// TextKind is the layout a text field may have.
type TextKind int

const (
	// Line is a name, title or label: one line, no tabs.
	Line TextKind = iota
	// Lines is a comment, note or plan: line breaks and tabs are allowed
	// (a CRLF is stored as a bare LF).
	Lines
)

// CleanText returns s in Unicode normalization form C (so "é" typed as e
// plus a combining accent is stored, compared and exported as one
// character), or a problem naming field when s holds what no client text
// may:
//   - bytes that are not UTF-8 (refused rather than replaced, which would
//     store something the client never sent);
//   - control characters (C0, DEL, C1), except the line feed and tab a
//     Lines field allows;
//   - the line and paragraph separators U+2028 and U+2029;
//   - the bidirectional embeddings, overrides and isolates U+202A–U+202E
//     and U+2066–U+2069, which reorder the text after them when shown.
//
// The marks U+200E, U+200F and U+061C are kept: they are invisible strong
// characters that Hebrew and Arabic text mixed with Latin needs, and they
// cannot reverse a run of text the way an override can. Joiners (U+200C,
// U+200D) are kept too: scripts and emoji need them.
func CleanText(field, s string, kind TextKind) (string, *FieldProblem) {
	if !utf8.ValidString(s) {
		return s, &FieldProblem{Field: field, Message: "is not valid UTF-8 text"}
	}
	if kind == Lines {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	for _, r := range s {
		if msg := refusedRune(r, kind); msg != "" {
			return s, &FieldProblem{Field: field, Message: msg}
		}
	}
	return norm.NFC.String(s), nil
}

// refusedRune says why r may not appear in a field of kind, or "" when it
// may.
func refusedRune(r rune, kind TextKind) string {
	switch {
	case (r == '\n' || r == '\t') && kind == Lines:
		return ""
	case r == '\n' || r == '\r' || r == '\t' || r == '\u2028' || r == '\u2029':
		if kind == Line {
			return "must be a single line, without line breaks or tabs"
		}
		return "must not contain a carriage return or a line or paragraph separator other than a line feed"
	case unicode.Is(unicode.Cc, r):
		return "must not contain control characters"
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return "must not contain bidirectional override or isolate characters"
	}
	return ""
}

// Text cleans *s with CleanText, replacing it with its NFC form, and
// records the problem, if any, under field.
func (e *ValidationError) Text(field string, s *string, kind TextKind) {
	clean, p := CleanText(field, *s, kind)
	if p != nil {
		e.Problems = append(e.Problems, *p)
		return
	}
	*s = clean
}
