// Package checklists is the shipped checklist library: the YAML files under
// library/, embedded in the binary, and the loader that decodes them
// strictly and reports every problem with its file and line.
//
// library/<id>.yaml is the current version of each checklist.
// library/superseded/<id>.v<N>.yaml keeps version N of a checklist that
// has a newer one, byte for byte as it was published: records signed
// against it name it, and a database that stored it checks its digest.
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

//go:embed library/*.yaml library/superseded/*.yaml
var library embed.FS

// Library returns the current version of every shipped checklist, checked,
// citing its sources and with its digest, sorted by id.
func Library() ([]models.Checklist, error) {
	sub, err := fs.Sub(library, "library")
	if err != nil {
		return nil, err
	}
	return loadFS(sub, true)
}

// Versions returns every shipped version: the current ones (Library) and
// the superseded ones kept for the records signed against them, sorted by
// id then version. A superseded version must be older than the current
// version of its checklist.
func Versions() ([]models.Checklist, error) {
	current, err := Library()
	if err != nil {
		return nil, err
	}
	sub, err := fs.Sub(library, "library/superseded")
	if err != nil {
		return nil, err
	}
	old, err := LoadFS(sub)
	if err != nil {
		return nil, err
	}
	latest := make(map[string]int, len(current))
	for _, c := range current {
		latest[c.ID] = c.Version
	}
	var errs Errors
	for _, c := range old {
		file := fmt.Sprintf("superseded/%s.v%d.yaml", c.ID, c.Version)
		switch v, ok := latest[c.ID]; {
		case !ok:
			errs = append(errs, &Error{File: file, Message: "supersedes no current checklist: library/" + c.ID + ".yaml is missing"})
		case c.Version >= v:
			errs = append(errs, &Error{File: file, Field: "version", Message: fmt.Sprintf("is %d but the current version in %s.yaml is %d; a superseded version must be older", c.Version, c.ID, v)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	all := append(current, old...)
	sortVersions(all)
	return all, nil
}

// LoadFS loads every *.yaml file at the root of fsys, sorted by id then
// version. It reads them all and returns every problem found as Errors.
// Files may cite sources; the shipped library must (Library).
func LoadFS(fsys fs.FS) ([]models.Checklist, error) {
	return loadFS(fsys, false)
}

// loadFS is LoadFS; shipped applies the rules of the shipped library.
func loadFS(fsys fs.FS, shipped bool) ([]models.Checklist, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read checklist library: %w", err)
	}
	var (
		out   []models.Checklist
		errs  Errors
		files = map[versionKey]string{}
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
		c, err := load(name, data, shipped)
		if err != nil {
			errs = append(errs, asErrors(name, err)...)
			continue
		}
		if first, ok := files[versionKey{c.ID, c.Version}]; ok {
			errs = append(errs, &Error{File: name, Field: "version", Message: fmt.Sprintf("%s version %d is also in %s; each version has one file", c.ID, c.Version, first)})
			continue
		}
		files[versionKey{c.ID, c.Version}] = name
		out = append(out, c)
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = append(errs, &Error{Message: "no .yaml checklist files found"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sortVersions(out)
	return out, nil
}

// versionKey names one version of one checklist.
type versionKey struct {
	id      string
	version int
}

// sortVersions orders checklists by id, then version.
func sortVersions(cs []models.Checklist) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].ID != cs[j].ID {
			return cs[i].ID < cs[j].ID
		}
		return cs[i].Version < cs[j].Version
	})
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
