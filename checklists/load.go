package checklists

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"skillbook/models"
)

// Load decodes and checks one checklist file. name is the file's name: the
// checklist's id must be its base name without ".yaml", or without
// ".v<N>.yaml" for a file that keeps version N. Unknown fields, wrong
// types, several documents and every content problem are errors, returned
// together as Errors with their lines.
func Load(name string, data []byte) (models.Checklist, error) {
	return load(name, data, false)
}

// load is Load; shipped also requires what the shipped library must have:
// sources.
func load(name string, data []byte, shipped bool) (models.Checklist, error) {
	file := path.Base(name)
	root, errs := parseNode(file, data)
	if errs != nil {
		return models.Checklist{}, errs
	}

	// A type error or unknown field leaves the rest decoded, so content
	// problems are still worth reporting, except on the lines already
	// reported: a value that did not decode is also "missing".
	var c models.Checklist
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return models.Checklist{}, yamlErrors(file, err)
		}
		errs = yamlErrors(file, err)
	}
	reported := make(map[int]bool, len(errs))
	for _, e := range errs {
		reported[e.Line] = true
	}

	var ve *models.ValidationError
	if err := c.Validate(); errors.As(err, &ve) {
		for _, p := range ve.Problems {
			if line := lineOf(root, p.Field); !reported[line] {
				errs = append(errs, &Error{File: file, Line: line, Field: p.Field, Message: p.Message})
			}
		}
	}
	wantID, wantVersion := fileID(file)
	if c.ID != wantID && models.ValidSlug(c.ID) {
		msg := "is " + strconv.Quote(c.ID) + " but the file is " + file + "; the id must be the file name without .yaml"
		if wantVersion > 0 {
			msg = "is " + strconv.Quote(c.ID) + " but the file is " + file + "; the id must be the file name without .v<version>.yaml"
		}
		errs = append(errs, &Error{File: file, Line: lineOf(root, "id"), Field: "id", Message: msg})
	}
	if wantVersion > 0 && c.Version != wantVersion && c.Version > 0 {
		errs = append(errs, &Error{File: file, Line: lineOf(root, "version"), Field: "version",
			Message: fmt.Sprintf("is %d but the file is %s; a .v<N>.yaml file keeps version N", c.Version, file)})
	}
	if shipped && len(c.Sources) == 0 && !reported[lineOf(root, "sources")] {
		errs = append(errs, &Error{File: file, Line: lineOf(root, "sources"), Field: "sources",
			Message: "must cite at least one source (publisher, title, url) that the steps follow: every shipped checklist does"})
	}
	if errs != nil {
		return models.Checklist{}, errs
	}
	c.Status = models.ChecklistPublished
	c.Digest = c.ContentDigest()
	return c, nil
}

// fileVersion matches a file that keeps one version: "<id>.v<N>.yaml".
var fileVersion = regexp.MustCompile(`^(.+)\.v([1-9][0-9]{0,4})\.yaml$`)

// fileID returns the id a file name promises and, for a "<id>.v<N>.yaml"
// file, the version N (0 otherwise).
func fileID(file string) (id string, version int) {
	if g := fileVersion.FindStringSubmatch(file); g != nil {
		n, _ := strconv.Atoi(g[2])
		return g[1], n
	}
	return strings.TrimSuffix(file, ".yaml"), 0
}

// parseNode parses data into its single document's top-level mapping,
// which gives the line of every field.
func parseNode(file string, data []byte) (*yaml.Node, Errors) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		return nil, Errors{{File: file, Message: "is empty"}}
	case err != nil:
		return nil, yamlErrors(file, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, yamlErrors(file, err)
	default:
		return nil, Errors{{File: file, Line: extra.Line, Message: "holds a second YAML document; put one checklist in each file"}}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, Errors{{File: file, Line: doc.Line, Message: "must be a mapping of checklist fields (id, version, area, title, …)"}}
	}
	return doc.Content[0], nil
}

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	yamlFieldMsg = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// yamlErrors turns the parser's messages into Errors with lines.
func yamlErrors(file string, err error) Errors {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	out := make(Errors, 0, len(msgs))
	for _, m := range msgs {
		e := &Error{File: file, Message: strings.TrimPrefix(m, "yaml: ")}
		if g := yamlLine.FindStringSubmatch(strings.TrimSpace(m)); g != nil {
			e.Line, _ = strconv.Atoi(g[1])
			e.Message = g[2]
		}
		if g := yamlFieldMsg.FindStringSubmatch(e.Message); g != nil {
			e.Message = "unknown field " + strconv.Quote(g[1])
		}
		out = append(out, e)
	}
	return out
}

// yamlKeys maps the JSON names validation reports to the YAML keys of the
// files where they differ.
var yamlKeys = map[string]string{
	"minScore":            "min_score",
	"requiredEvaluations": "required_evaluations",
	"maxAttempts":         "max_attempts",
	"requiredPractice":    "required_practice",
	"mayNotApply":         "may_not_apply",
}

// lineOf returns the line of field ("steps[3].text") in the mapping m, or
// of the nearest enclosing node that exists when the field is missing.
func lineOf(m *yaml.Node, field string) int {
	n, line := m, m.Line
	for _, part := range strings.Split(field, ".") {
		key, index := part, -1
		if i := strings.IndexByte(part, '['); i >= 0 && strings.HasSuffix(part, "]") {
			key = part[:i]
			index, _ = strconv.Atoi(part[i+1 : len(part)-1])
		}
		if k, ok := yamlKeys[key]; ok {
			key = k
		}
		if n = mapValue(n, key); n == nil {
			return line
		}
		line = n.Line
		if index >= 0 {
			if n = seqItem(n, index); n == nil {
				return line
			}
			line = n.Line
		}
	}
	return line
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return resolve(n.Content[i+1])
		}
	}
	return nil
}

func seqItem(n *yaml.Node, i int) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
		return nil
	}
	return resolve(n.Content[i])
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for depth := 0; n != nil && n.Kind == yaml.AliasNode && depth < 10; depth++ {
		n = n.Alias
	}
	return n
}
