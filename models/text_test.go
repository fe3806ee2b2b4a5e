package models

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		kind TextKind
		want string // the cleaned text when accepted
		bad  string // a word of the problem's message when refused
	}{
		{name: "plain", in: "Ana Lopez", kind: Line, want: "Ana Lopez"},
		{name: "NFD becomes NFC", in: "Jose\u0301", kind: Line, want: "Jos\u00e9"},
		{name: "NFC stays", in: "Jos\u00e9", kind: Line, want: "Jos\u00e9"},
		{name: "Hangul jamo compose", in: "\u1100\u1161", kind: Line, want: "\uac00"},
		{name: "emoji with joiner", in: "Sam \U0001F469\u200D\U0001F52C", kind: Line, want: "Sam \U0001F469\u200D\U0001F52C"},
		{name: "right-to-left mark kept", in: "\u05d3\u05e0\u05d4\u200f (RN)", kind: Line, want: "\u05d3\u05e0\u05d4\u200f (RN)"},
		{name: "arabic letter mark kept", in: "\u0633\u0627\u0631\u0629\u061c 2", kind: Line, want: "\u0633\u0627\u0631\u0629\u061c 2"},
		{name: "empty", in: "", kind: Line, want: ""},
		{name: "NUL", in: "Eve\x00", kind: Line, bad: "control"},
		{name: "bell after newline in comment", in: "ok\n\a", kind: Lines, bad: "control"},
		{name: "escape", in: "\x1b[31mred", kind: Lines, bad: "control"},
		{name: "DEL", in: "a\x7fb", kind: Line, bad: "control"},
		{name: "C1 control", in: "a\u0085b", kind: Lines, bad: "control"},
		{name: "newline in a name", in: "Eve\nAdmin", kind: Line, bad: "single line"},
		{name: "tab in a name", in: "Eve\tAdmin", kind: Line, bad: "single line"},
		{name: "CR in a name", in: "Eve\rAdmin", kind: Line, bad: "single line"},
		{name: "newline and tab in a comment", in: "step 3:\n\tmissed", kind: Lines, want: "step 3:\n\tmissed"},
		{name: "CRLF in a comment", in: "one\r\ntwo", kind: Lines, want: "one\ntwo"},
		{name: "lone CR in a comment", in: "one\rtwo", kind: Lines, bad: "carriage return"},
		{name: "line separator", in: "one\u2028two", kind: Lines, bad: "separator"},
		{name: "paragraph separator in a name", in: "one\u2029two", kind: Line, bad: "single line"},
		{name: "right-to-left override", in: "Eve\u202eLIVE", kind: Line, bad: "bidirectional"},
		{name: "left-to-right embedding", in: "a\u202ab", kind: Lines, bad: "bidirectional"},
		{name: "pop directional formatting", in: "a\u202cb", kind: Line, bad: "bidirectional"},
		{name: "first strong isolate", in: "a\u2068b\u2069", kind: Line, bad: "bidirectional"},
		{name: "right-to-left isolate", in: "a\u2067b", kind: Lines, bad: "bidirectional"},
		{name: "invalid UTF-8", in: "Eve\xff", kind: Line, bad: "UTF-8"},
		{name: "truncated sequence", in: "Jos\xc3", kind: Lines, bad: "UTF-8"},
		{name: "encoded surrogate", in: "a\xed\xa0\x80", kind: Line, bad: "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := CleanText("name", tt.in, tt.kind)
			switch {
			case tt.bad == "" && p != nil:
				t.Fatalf("CleanText(%q) refused: %+v; want %q", tt.in, p, tt.want)
			case tt.bad == "" && got != tt.want:
				t.Fatalf("CleanText(%q) = %q; want %q", tt.in, got, tt.want)
			case tt.bad != "" && p == nil:
				t.Fatalf("CleanText(%q) = %q; want a problem about %s", tt.in, got, tt.bad)
			case tt.bad != "" && (p.Field != "name" || !strings.Contains(p.Message, tt.bad)):
				t.Fatalf("CleanText(%q) problem = %+v; want field name, message about %s", tt.in, p, tt.bad)
			}
		})
	}
}

func TestValidationErrorText(t *testing.T) {
	var v ValidationError
	good, bad := "Zoe\u0308", "Eve\u202eLIVE"
	v.Text("name", &good, Line)
	v.Text("credential", &bad, Line)
	if good != "Zo\u00eb" {
		t.Errorf("Text left %q; want the NFC form %q", good, "Zo\u00eb")
	}
	if bad != "Eve\u202eLIVE" {
		t.Errorf("Text changed a refused value to %q", bad)
	}
	if len(v.Problems) != 1 || v.Problems[0].Field != "credential" {
		t.Errorf("Problems = %+v; want one, for credential", v.Problems)
	}
}

// FuzzCleanText checks that whatever CleanText accepts is clean: valid
// UTF-8 in NFC, with no refused character, and accepted unchanged when
// cleaned again.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"Ana", "Jose\u0301", "Eve\u202eLIVE", "a\x00b", "one\r\ntwo", "\xff", "\u05d3\u200f", "a\u2029b", "\t\n"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, multiline bool) {
		kind := Line
		if multiline {
			kind = Lines
		}
		got, p := CleanText("f", s, kind)
		if p != nil {
			if p.Field != "f" || p.Message == "" {
				t.Fatalf("CleanText(%q) problem %+v names no field or says nothing", s, p)
			}
			return
		}
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) {
			t.Fatalf("CleanText(%q) = %q: not valid NFC text", s, got)
		}
		for _, r := range got {
			if msg := refusedRune(r, kind); msg != "" {
				t.Fatalf("CleanText(%q) = %q, which holds %U (%s)", s, got, r, msg)
			}
		}
		again, p := CleanText("f", got, kind)
		if p != nil || again != got {
			t.Fatalf("CleanText(%q) = %q, but cleaning that again gives %q, %+v", s, got, again, p)
		}
	})
}

// TestValidateCleansText checks that each Validate method applies the text
// rule to its names and free text: refused under the field's name, or
// left in NFC.
func TestValidateCleansText(t *testing.T) {
	const rlo, nfd, nfc = "\u202e", "Jose\u0301", "Jos\u00e9"
	checklist := func(edit func(c *Checklist)) func() (string, error) {
		return func() (string, error) {
			c := validChecklist()
			edit(&c)
			err := c.Validate()
			return c.Title + "|" + c.Purpose + "|" + c.Equipment[0] + "|" + c.Steps[1].Text, err
		}
	}
	user := func(edit func(u *User)) func() (string, error) {
		return func() (string, error) {
			u := User{Email: "a@example.com", Name: "Ana", Role: RoleInstructor, Credential: "CMA"}
			edit(&u)
			err := u.Validate()
			return u.Name + "|" + u.Credential, err
		}
	}
	tests := []struct {
		name  string
		check func() (string, error)
		field string // the refused field, or "" when accepted
		want  string // what the accepted fields read
	}{
		{"checklist title", checklist(func(c *Checklist) { c.Title += rlo }), "title", ""},
		{"checklist purpose with lines", checklist(func(c *Checklist) { c.Purpose = "One.\nTwo." }), "", "Measure blood pressure|One.\nTwo.|Sphygmomanometer|Identify the patient with two identifiers."},
		{"checklist purpose with a bell", checklist(func(c *Checklist) { c.Purpose += "\a" }), "purpose", ""},
		{"equipment", checklist(func(c *Checklist) { c.Equipment[1] = "Cuff\x00" }), "equipment[1]", ""},
		{"step text", checklist(func(c *Checklist) { c.Steps[2].Text = "Record\nthe reading." }), "steps[2].text", ""},
		{"checklist in NFD", checklist(func(c *Checklist) { c.Title, c.Purpose, c.Equipment[0], c.Steps[1].Text = nfd, nfd, nfd, nfd }), "", nfc + "|" + nfc + "|" + nfc + "|" + nfc},
		{"user name", user(func(u *User) { u.Name = "Eve" + rlo + "LIVE" }), "name", ""},
		{"user credential", user(func(u *User) { u.Credential = "CMA\x7f" }), "credential", ""},
		{"user email", user(func(u *User) { u.Email = "a" + rlo + "@example.com" }), "email", ""},
		{"user in NFD", user(func(u *User) { u.Name, u.Credential = nfd, nfd }), "", nfc + "|" + nfc},
		{"cohort name", func() (string, error) {
			c := Cohort{Name: "Fall\t2026", StartDate: "2026-09-01"}
			err := c.Validate()
			return c.Name, err
		}, "name", ""},
		{"cohort in NFD", func() (string, error) {
			c := Cohort{Name: nfd, StartDate: "2026-09-01"}
			err := c.Validate()
			return c.Name, err
		}, "", nfc},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.check()
			if tt.field == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Validate = %v, fields %q; want nil, %q", err, got, tt.want)
				}
				return
			}
			v, ok := err.(*ValidationError)
			if !ok || len(v.Problems) != 1 || v.Problems[0].Field != tt.field {
				t.Fatalf("Validate = %v; want one problem of %s", err, tt.field)
			}
		})
	}
}

func TestCohortNameKeyIgnoresNormalizationForm(t *testing.T) {
	if a, b := CohortNameKey("Oto\u0303no  2027"), CohortNameKey("ot\u00f5no 2027"); a != b {
		t.Fatalf("CohortNameKey of NFD and NFC spellings = %q, %q; want one key", a, b)
	}
}
