package apitest

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Contract checks responses against the API's own OpenAPI document (its
// /openapi.json), with an independent JSON Schema 2020-12 validator (the
// dialect of OpenAPI 3.1): each response's status and content type must
// be documented for its operation, and a JSON body must match the
// documented schema. What huma generated is thus checked by other code
// than huma's.
type Contract struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	routes   []contractRoute

	mu      sync.Mutex
	schemas map[string]*jsonschema.Schema
}

// contractRoute is one documented path, as a pattern of its segments.
type contractRoute struct {
	template string
	pattern  *regexp.Regexp
	literal  int // literal segments: the most literal match wins
}

// NewContract reads the document of e's API.
func NewContract(tb testing.TB, e *Env) *Contract {
	tb.Helper()
	r := e.Get(tb, "/openapi.json", "").WantStatus(tb, http.StatusOK)
	return ContractOf(tb, r.Body)
}

// ContractOf reads an OpenAPI 3.1 document.
func ContractOf(tb testing.TB, document []byte) *Contract {
	tb.Helper()
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(document))
	if err != nil {
		tb.Fatalf("openapi.json: %v", err)
	}
	doc, ok := raw.(map[string]any)
	if !ok {
		tb.Fatalf("openapi.json is not an object")
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(contractURL, doc); err != nil {
		tb.Fatalf("openapi.json: %v", err)
	}
	k := &Contract{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}}
	paths, _ := doc["paths"].(map[string]any)
	for tmpl := range paths {
		segs := strings.Split(tmpl, "/")
		lit := 0
		for i, s := range segs {
			if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
				segs[i] = "[^/]+"
			} else {
				segs[i] = regexp.QuoteMeta(s)
				lit++
			}
		}
		k.routes = append(k.routes, contractRoute{template: tmpl, pattern: regexp.MustCompile("^" + strings.Join(segs, "/") + "$"), literal: lit})
	}
	sort.Slice(k.routes, func(i, j int) bool { return k.routes[i].literal > k.routes[j].literal })
	return k
}

// Check fails the test unless resp, the answer to method on path (query
// and all), is what the document says that operation answers.
func (k *Contract) Check(tb testing.TB, method, path string, resp Response) {
	tb.Helper()
	if err := k.Validate(method, path, resp); err != nil {
		tb.Errorf("%s %s answered %d, not as documented: %v\nbody: %.2000s", method, path, resp.Status, err, resp.Body)
	}
}

// Validate is Check returning the mismatch.
func (k *Contract) Validate(method, path string, resp Response) error {
	p, _, _ := strings.Cut(path, "?")
	if method == http.MethodOptions || undocumented(p) {
		return nil // CORS preflights; the document and the docs page themselves
	}
	var tmpl string
	for _, r := range k.routes {
		if r.pattern.MatchString(p) {
			tmpl = r.template
			break
		}
	}
	if tmpl == "" {
		if resp.Status == http.StatusNotFound {
			return nil // no such route: the router's 404
		}
		return fmt.Errorf("no documented path matches %s", p)
	}
	op, ok := k.doc["paths"].(map[string]any)[tmpl].(map[string]any)[strings.ToLower(method)].(map[string]any)
	if !ok {
		if resp.Status == http.StatusMethodNotAllowed || resp.Status == http.StatusNotFound {
			return nil
		}
		return fmt.Errorf("%s is not documented on %s", method, tmpl)
	}
	responses, _ := op["responses"].(map[string]any)
	status := strconv.Itoa(resp.Status)
	r, ok := responses[status].(map[string]any)
	if !ok {
		if r, ok = responses["default"].(map[string]any); !ok {
			return fmt.Errorf("status %s is not documented for %s %s", status, method, tmpl)
		}
		status = "default"
	}
	content, _ := r["content"].(map[string]any)
	ct := resp.Header.Get("Content-Type")
	if len(resp.Body) == 0 && len(content) == 0 {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("Content-Type %q: %v", ct, err)
	}
	// Documented media types may carry parameters (text/csv; charset=utf-8).
	key := ""
	documented := make([]string, 0, len(content))
	for t := range content {
		documented = append(documented, t)
		if m, _, err := mime.ParseMediaType(t); err == nil && m == mt {
			key = t
		}
	}
	if key == "" {
		return fmt.Errorf("Content-Type %s is not documented for %s %s %s (documented: %v)", mt, method, tmpl, status, documented)
	}
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return nil
	}
	if _, ok := content[key].(map[string]any)["schema"]; !ok {
		return nil
	}
	loc := contractURL + "#/paths/" + pointerEscape(tmpl) + "/" + strings.ToLower(method) + "/responses/" + status + "/content/" + pointerEscape(key) + "/schema"
	sch, err := k.schema(loc)
	if err != nil {
		return err
	}
	body, err := jsonschema.UnmarshalJSON(bytes.NewReader(resp.Body))
	if err != nil {
		return fmt.Errorf("body is not JSON: %v", err)
	}
	if err := sch.Validate(body); err != nil {
		return err
	}
	return nil
}

func (k *Contract) schema(loc string) (*jsonschema.Schema, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if s, ok := k.schemas[loc]; ok {
		return s, nil
	}
	s, err := k.compiler.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", loc, err)
	}
	k.schemas[loc] = s
	return s, nil
}

// pointerEscape escapes one JSON Pointer token (RFC 6901).
func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// undocumented reports whether path is served beside the API rather than
// described by it: the document itself and the docs page.
func undocumented(path string) bool {
	return strings.HasPrefix(path, "/openapi") || path == "/docs" || strings.HasPrefix(path, "/docs/") || strings.HasPrefix(path, "/schemas/")
}

// contractURL names the document for the validator (it is never fetched).
const contractURL = "https://skillbook.test/openapi.json"
