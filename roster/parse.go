// Package roster reads a program's roster file, a CSV export with one user
// per row, and decides row by row what importing it does. It never panics
// on any input: every problem becomes a file-level validation error or a
// reason on one row.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"skillbook/models"
)

// Limits of a roster file.
const (
	MaxBytes = 1 << 20
	MaxRows  = 5000
)

// The columns of a roster file. Header names are matched in any case and
// order; credential is optional.
const (
	ColEmail      = "email"
	ColName       = "name"
	ColRole       = "role"
	ColCohort     = "cohort"
	ColCredential = "credential"
)

// maxLen bounds each column's value, in bytes.
var maxLen = map[string]int{ColEmail: 254, ColName: 200, ColRole: 20, ColCohort: 2000, ColCredential: 100}

// Row is one data row of a roster file, as written (trimmed).
type Row struct {
	// Line is the row's line number in the file, counting from 1.
	Line       int
	Email      string
	Name       string
	Role       string
	Cohort     string
	Credential string
	// Problem says why the row could not be read; the other fields may
	// then be empty.
	Problem string
}

// File is a parsed roster.
type File struct {
	// HasCredential says whether the file has a credential column; without
	// it, existing users keep their credential.
	HasCredential bool
	Rows          []Row
}

var bom = []byte("\uFEFF")

// Parse reads a roster file: a header row, then one row per user; blank
// lines and rows of empty cells are skipped. A file that cannot be used at
// all (too big, no header, a column missing, unknown or repeated, too many
// rows) is a *models.ValidationError; a row that cannot be read (wrong
// number of columns, broken quoting, a value too long or not UTF-8) comes
// back with Problem set, and reading goes on.
func Parse(data []byte) (*File, error) {
	bad := func(format string, args ...any) error {
		v := &models.ValidationError{}
		v.Add("body", format, args...)
		return v
	}
	if len(data) > MaxBytes {
		return nil, bad("the file is larger than %d bytes", MaxBytes)
	}
	data = bytes.TrimPrefix(data, bom)
	if bytes.IndexByte(data, '\n') < 0 {
		// Old Mac files end lines with a lone CR, which CSV readers keep.
		data = bytes.ReplaceAll(data, []byte{'\r'}, []byte{'\n'})
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1

	// The header is the first record that is not blank.
	var header []string
	for header == nil {
		rec, err := r.Read()
		switch {
		case errors.Is(err, io.EOF):
			return nil, bad("the file is empty; it needs a header row: email,name,role,cohort,credential")
		case err != nil:
			return nil, bad("the header row cannot be read: %s", csvProblem(err))
		case !blank(rec):
			header = rec
		}
	}
	cols, hasCredential, err := columns(header)
	if err != nil {
		return nil, err
	}

	f := &File{HasCredential: hasCredential}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
		case err != nil:
			return nil, bad("the file cannot be read: %v", err)
		case blank(rec):
			continue
		}
		if len(f.Rows) == MaxRows {
			return nil, bad("the file has more than %d rows; split it", MaxRows)
		}
		if pe != nil {
			f.Rows = append(f.Rows, Row{Line: pe.StartLine, Problem: csvProblem(err)})
			continue
		}
		line, _ := r.FieldPos(0)
		f.Rows = append(f.Rows, row(line, rec, header, cols))
	}
	return f, nil
}

// columns maps each known column name to its index in header.
func columns(header []string) (map[string]int, bool, error) {
	v := &models.ValidationError{}
	cols := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			// An unnamed column (a trailing comma) is ignored.
		case maxLen[name] == 0:
			v.Add("body", "unknown column %q; the columns are email, name, role, cohort and credential", clip(name, 40))
		case hasKey(cols, name):
			v.Add("body", "column %q appears twice", name)
		default:
			cols[name] = i
		}
	}
	for _, need := range []string{ColEmail, ColName, ColRole, ColCohort} {
		if !hasKey(cols, need) {
			v.Add("body", "the header has no %q column", need)
		}
	}
	_, hasCredential := cols[ColCredential]
	return cols, hasCredential, v.Err()
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// row reads one record.
func row(line int, rec, header []string, cols map[string]int) Row {
	out := Row{Line: line}
	if len(rec) != len(header) {
		out.Problem = fmt.Sprintf("has %d columns; the header has %d", len(rec), len(header))
		if i, ok := cols[ColEmail]; ok && i < len(rec) {
			out.Email = clean(rec[i], maxLen[ColEmail])
		}
		return out
	}
	var problems []string
	get := func(col string) string {
		i, ok := cols[col]
		if !ok {
			return ""
		}
		v := strings.TrimSpace(rec[i])
		switch {
		case !utf8.ValidString(v):
			problems = append(problems, col+" is not valid UTF-8 text")
		case len(v) > maxLen[col]:
			problems = append(problems, fmt.Sprintf("%s is longer than %d characters", col, maxLen[col]))
		case strings.IndexFunc(v, unicode.IsControl) >= 0:
			problems = append(problems, col+" holds a control character")
		default:
			// The rule every client text follows: bidirectional
			// overrides refused, the rest in NFC.
			clean, p := models.CleanText(col, v, models.Line)
			if p == nil {
				return clean
			}
			problems = append(problems, col+" "+p.Message)
		}
		return ""
	}
	out.Email = get(ColEmail)
	out.Name = get(ColName)
	out.Role = get(ColRole)
	out.Cohort = get(ColCohort)
	out.Credential = get(ColCredential)
	out.Problem = strings.Join(problems, "; ")
	return out
}

// clean returns s trimmed when it is short, valid text, else "".
func clean(s string, max int) string {
	s = strings.TrimSpace(s)
	if len(s) > max || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return ""
	}
	return s
}

// clip shortens s for a message.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// blank reports a record whose cells are all empty.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// csvProblem words a CSV syntax error for a person.
func csvProblem(err error) string {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		return "a quoted value is not closed, or a quote inside it is not doubled"
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return `a value holds a quote but is not quoted; write it as "O""Brien"`
	}
	return pe.Err.Error()
}
