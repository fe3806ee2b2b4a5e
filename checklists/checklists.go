// Package checklists is the shipped checklist library: the YAML files under
// library/, embedded in the binary, and the loader that decodes them
// strictly and reports every problem with its file and line.
package checklists

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"skillbook/models"
)

//go:embed library/*.yaml
var library embed.FS

// Library returns every shipped checklist, checked and with its digest,
// sorted by id.
func Library() ([]models.Checklist, error) {
	sub, err := fs.Sub(library, "library")
	if err != nil {
		return nil, err
	}
	return LoadFS(sub)
}

// LoadFS loads every *.yaml file at the root of fsys, sorted by id. It reads
// them all and returns every problem found as Errors.
func LoadFS(fsys fs.FS) ([]models.Checklist, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read checklist library: %w", err)
	}
	var (
		out  []models.Checklist
		errs Errors
	)
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir():
			continue
		case strings.HasSuffix(name, ".yml"):
			errs = append(errs, &Error{File: name, Message: "checklist files must end in .yaml; this one would be skipped"})
			continue
		case !strings.HasSuffix(name, ".yaml"):
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, &Error{File: name, Message: err.Error()})
			continue
		}
		c, err := Load(name, data)
		if err != nil {
			errs = append(errs, asErrors(name, err)...)
			continue
		}
		out = append(out, c)
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = append(errs, &Error{Message: "no .yaml checklist files found"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Error is one problem in one checklist file.
type Error struct {
	File    string
	Line    int    // 0 when the problem has no line, such as an empty file
	Field   string // the JSON field path, such as "steps[3].text"; empty for syntax errors
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors lists every problem found, one per line in its message.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// asErrors flattens what Load returns.
func asErrors(file string, err error) Errors {
	switch e := err.(type) {
	case Errors:
		return e
	case *Error:
		return Errors{e}
	}
	return Errors{{File: path.Base(file), Message: err.Error()}}
}
