package mongo

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// FerretDB 1.24 on SQLite answers every query but {_id: "…"} by decoding
// each document of the collection in Go and filtering there: a student's
// dashboard read all 85,000 attempts of a 2,000-student program, and fifty
// users at once outran every request deadline. It does keep the documents
// in SQLite tables the store can read too. So on the embedded engine the
// store answers a query itself when the query names a selective field we
// index (studentId, cohortId, status, uid …): SQLite finds the candidate
// rows through an index on that field's value, the store decodes them
// (sjson.go), checks the whole filter (matchDoc), sorts, skips, limits and
// projects. Anything it cannot do exactly (another operator, an
// unselective filter such as a whole program's archive) goes to the
// engine as before. Writes always go through the engine.

// engineFiles reads one database of the embedded engine from its SQLite
// file.
type engineFiles struct {
	file string
	db   *sql.DB // read-only

	mu     sync.Mutex
	tables map[string]string // collection → table
}

// maxDirectRows bounds what one direct query reads; a query that would
// read more goes to the engine, which streams.
const maxDirectRows = 20000

// fieldPath is a dotted path SQLite's JSON path syntax takes verbatim.
var fieldPath = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// arrayFields hold arrays in our documents: equality on them means "an
// element equals", which SQLite's value comparison does not do, so they
// are never pushed down.
var arrayFields = map[string]bool{"cohortIds": true, fieldPendingIDs: true}

// pushable are the fields a condition may be pushed down to SQLite on:
// those we index, which hold one value each (never an array).
var pushable = func() map[string]bool {
	out := map[string]bool{}
	for _, models := range declaredIndexes() {
		for _, m := range models {
			for _, k := range m.Keys.(bson.D) {
				out[k.Key] = fieldPath.MatchString(k.Key) && !arrayFields[k.Key]
			}
		}
	}
	return out
}()

func openEngineFiles(dir, database string) (*engineFiles, error) {
	file := filepath.Join(dir, database+".sqlite")
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Base(file), err)
	}
	return &engineFiles{file: file, db: db, tables: map[string]string{}}, nil
}

func (f *engineFiles) close() error { return f.db.Close() }

// table returns the engine's table for a collection; "" when it has none.
func (f *engineFiles) table(ctx context.Context, col string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if t, ok := f.tables[col]; ok {
		return t, nil
	}
	var t string
	err := f.db.QueryRowContext(ctx, `SELECT table_name FROM `+engineTables+` WHERE name = ?`, col).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil // not cached: the collection may appear later
	}
	if err != nil {
		return "", err
	}
	f.tables[col] = t
	return t, nil
}

// valueIndexes creates, for every index the store declares, an index on
// the same fields' values as the direct queries read them, so SQLite finds
// their rows without a scan. FerretDB's own indexes are on another
// expression (the fields' JSON text) that these queries cannot use.
func (f *engineFiles) valueIndexes(ctx context.Context) error {
	return f.eachValueIndex(ctx, func(v valueIndex) string {
		return fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, v.name, v.table, v.columns)
	})
}

// dropValueIndexes drops what valueIndexes creates, before a bulk load.
func (f *engineFiles) dropValueIndexes(ctx context.Context) error {
	return f.eachValueIndex(ctx, func(v valueIndex) string {
		return fmt.Sprintf(`DROP INDEX IF EXISTS %q`, v.name)
	})
}

// valueIndex is the value index of one declared index.
type valueIndex struct {
	name, table, columns string
}

// eachValueIndex runs statement's SQL for the value index of every
// declared index of a collection the engine holds, on a connection of its
// own that may write.
func (f *engineFiles) eachValueIndex(ctx context.Context, statement func(valueIndex) string) error {
	db, err := sql.Open("sqlite", "file:"+f.file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	for col, models := range declaredIndexes() {
		table, err := f.table(ctx, col)
		if err != nil {
			return err
		}
		if table == "" {
			continue
		}
		for _, m := range models {
			v, ok := valueIndexOf(table, m)
			if !ok {
				continue
			}
			if _, err := db.ExecContext(ctx, statement(v)); err != nil {
				return fmt.Errorf("value index %s: %w", v.name, err)
			}
		}
	}
	return nil
}

// valueIndexOf is the value index of m: its keys up to the first one a
// direct query never pushes down.
func valueIndexOf(table string, m mongo.IndexModel) (valueIndex, bool) {
	keys, ok := m.Keys.(bson.D)
	name := indexOptions(m).Name
	if !ok || name == nil {
		return valueIndex{}, false
	}
	var cols []string
	for _, k := range keys {
		if !fieldPath.MatchString(k.Key) || arrayFields[k.Key] {
			break
		}
		cols = append(cols, valueExpr(k.Key))
	}
	return valueIndex{name: table + "_value_" + *name, table: table, columns: strings.Join(cols, ", ")}, len(cols) > 0
}

// valueExpr is the SQLite expression for a field's value: text for a
// string, 1 or 0 for a bool, a number for a number.
func valueExpr(path string) string {
	if path == "_id" {
		return idLookupExpr // JSON text, as the engine's own lookups
	}
	return `_ferretdb_sjson->>'$.` + path + `'`
}

// query is a find as the direct path runs it.
type query struct {
	filter     any
	sort       bson.D
	skip       int64
	limit      int64
	projection bson.D
}

// pushed is the part of a filter SQLite can decide.
type pushed struct {
	where []string
	args  []any
	// selective: a condition on something other than the program, which
	// makes reading the matching rows worth it.
	selective bool
	// none: the filter matches nothing ($in of nothing).
	none bool
	// complete: where decides the whole filter, so SQLite may also sort
	// and limit.
	complete bool
}

// pushdown turns filter's top-level conditions (and those of $and, and
// $or when every branch can be) on pushable fields into SQL.
func pushdown(filter any) pushed {
	var p pushed
	conds, ok := asDoc(filter)
	if !ok {
		return p
	}
	p.complete = true
	for _, c := range conds {
		switch c.Key {
		case "$and":
			subs, _ := asList(c.Value)
			for _, sub := range subs {
				sp := pushdown(sub)
				p.where, p.args = append(p.where, sp.where...), append(p.args, sp.args...)
				p.selective, p.none, p.complete = p.selective || sp.selective, p.none || sp.none, p.complete && sp.complete
			}
			continue
		case "$or":
			// As (branch OR branch …): rows outside every branch cannot match.
			subs, _ := asList(c.Value)
			var branches []string
			var args []any
			selective, complete := len(subs) > 0, true
			for _, sub := range subs {
				sp := pushdown(sub)
				if sp.none {
					continue // a branch that matches nothing
				}
				if len(sp.where) == 0 {
					branches = nil
					break
				}
				branches = append(branches, "("+strings.Join(sp.where, " AND ")+")")
				args = append(args, sp.args...)
				selective, complete = selective && sp.selective, complete && sp.complete
			}
			if len(branches) == 0 {
				p.complete = false
				continue
			}
			p.where = append(p.where, "("+strings.Join(branches, " OR ")+")")
			p.args = append(p.args, args...)
			p.selective, p.complete = p.selective || selective, p.complete && complete
			continue
		}
		values, ok := equalityValues(c.Key, c.Value)
		if !ok {
			p.complete = false
			continue
		}
		if len(values) == 0 {
			p.none = true // $in of nothing
			continue
		}
		sqlValues := make([]any, 0, len(values))
		for _, v := range values {
			sv, ok := sqlValue(c.Key, v)
			if !ok {
				sqlValues = nil
				break
			}
			sqlValues = append(sqlValues, sv)
		}
		if sqlValues == nil {
			p.complete = false
			continue
		}
		p.where = append(p.where, valueExpr(c.Key)+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(sqlValues)), ",")+")")
		p.args = append(p.args, sqlValues...)
		p.selective = p.selective || c.Key != "programId"
	}
	return p
}

// maxInValues bounds the values of one pushed-down $in.
const maxInValues = 5000

// equalityValues returns the values a condition on a pushable field
// accepts: one for equality, the list of an $in.
func equalityValues(field string, cond any) ([]any, bool) {
	if !pushable[field] {
		return nil, false
	}
	ops, isOps := operators(cond)
	if !isOps {
		return []any{cond}, true
	}
	if len(ops) != 1 {
		return nil, false
	}
	switch ops[0].Key {
	case "$eq":
		return []any{ops[0].Value}, true
	case "$in":
		values, ok := asList(ops[0].Value)
		return values, ok && len(values) <= maxInValues
	}
	return nil, false
}

// orderBy is the SQL ORDER BY of a sort on pushable fields, which SQLite
// orders as MongoDB does for the single-typed values they hold; ok is
// false for any other sort.
func orderBy(sort bson.D) (string, bool) {
	var terms []string
	for _, k := range sort {
		dir, ok := sortDirection(k.Value)
		if !ok || !pushable[k.Key] {
			return "", false
		}
		t := valueExpr(k.Key)
		if dir < 0 {
			t += " DESC"
		}
		terms = append(terms, t)
	}
	return strings.Join(terms, ", "), true
}

func sortDirection(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, x == 1 || x == -1
	case int32:
		return int(x), x == 1 || x == -1
	case int64:
		return int(x), x == 1 || x == -1
	}
	return 0, false
}

// sqlValue is v as valueExpr(path) yields it, for the kinds whose
// equality SQL decides exactly: strings and bools.
func sqlValue(path string, v any) (any, bool) {
	if b, ok := v.(bool); ok {
		if path == "_id" {
			return nil, false
		}
		if b {
			return 1, true
		}
		return 0, true
	}
	s, ok := asString(v)
	if !ok {
		return nil, false
	}
	if path == "_id" {
		j, err := json.Marshal(s)
		return string(j), err == nil
	}
	return s, true
}

// find answers q directly; ok is false when the engine must.
func (f *engineFiles) find(ctx context.Context, col string, q query) (docs []bson.Raw, ok bool, err error) {
	p := pushdown(q.filter)
	if p.none {
		return nil, true, nil
	}
	// An unselective query is worth it only when SQLite decides it all,
	// sorts it through an index and stops at the limit: an audit page.
	order, sortable := orderBy(q.sort)
	sqlLimit := int64(maxDirectRows + 1)
	if p.complete && sortable && q.limit > 0 && q.skip+q.limit <= maxDirectRows {
		sqlLimit = q.skip + q.limit
	} else {
		order = ""
		if !p.selective {
			return nil, false, nil
		}
	}
	table, err := f.table(ctx, col)
	if err != nil || table == "" {
		return nil, table == "" && err == nil, err
	}
	q.filter = normalized(q.filter)
	stmt := fmt.Sprintf(`SELECT _ferretdb_sjson FROM %q`, table)
	if len(p.where) > 0 {
		stmt += " WHERE " + strings.Join(p.where, " AND ")
	}
	if order != "" {
		stmt += " ORDER BY " + order
	}
	rows, err := f.db.QueryContext(ctx, fmt.Sprintf("%s LIMIT %d", stmt, sqlLimit), p.args...)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			f.forget(col)
			return nil, false, nil
		}
		return nil, false, err
	}
	defer rows.Close()
	keep := q.fieldsNeeded()
	var data []byte
	read := 0
	for rows.Next() {
		if read++; sqlLimit > maxDirectRows && read > maxDirectRows {
			return nil, false, nil // more than a direct query reads
		}
		if err := rows.Scan(&data); err != nil {
			return nil, false, err
		}
		d, err := decodeSJSONFields(data, keep)
		if err != nil {
			return nil, false, nil
		}
		raw, err := bson.Marshal(d)
		if err != nil {
			return nil, false, nil
		}
		m, known := matchDoc(raw, q.filter)
		if !known {
			return nil, false, nil
		}
		if m {
			docs = append(docs, raw)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(q.sort) > 0 {
		known := true
		slices.SortStableFunc(docs, func(a, b bson.Raw) int {
			c, k := compareBySort(a, b, q.sort)
			known = known && k
			return c
		})
		if !known {
			return nil, false, nil
		}
	}
	docs = docs[min(int64(len(docs)), q.skip):]
	if q.limit > 0 && int64(len(docs)) > q.limit {
		docs = docs[:q.limit]
	}
	if len(q.projection) > 0 {
		for i, d := range docs {
			p, known := project(d, q.projection)
			if !known {
				return nil, false, nil
			}
			docs[i] = p
		}
	}
	return docs, true, nil
}

// fieldsNeeded returns the fields q reads — its filter's and sort's
// whole, its projection's as far as the projection reaches — or nil for
// all of them.
func (q query) fieldsNeeded() *fieldSelection {
	if len(q.projection) == 0 {
		return nil
	}
	used := map[string]bool{}
	var walk func(filter any)
	walk = func(filter any) {
		conds, _ := asDoc(filter)
		for _, c := range conds {
			if c.Key == "$and" || c.Key == "$or" {
				subs, _ := asList(c.Value)
				for _, sub := range subs {
					walk(sub)
				}
				continue
			}
			used[strings.SplitN(c.Key, ".", 2)[0]] = true
		}
	}
	walk(q.filter)
	for _, k := range q.sort {
		used[strings.SplitN(k.Key, ".", 2)[0]] = true
	}
	sel := &fieldSelection{except: map[string]bool{}}
	for _, p := range q.projection {
		on, _ := projectionFlag(p.Value)
		if !on {
			if !strings.Contains(p.Key, ".") && !used[p.Key] {
				sel.except[p.Key] = true
			}
			continue
		}
		if sel.only == nil {
			sel.only = map[string]*fieldSelection{"_id": nil}
		}
		parts := strings.Split(p.Key, ".")
		at := sel
		for i, part := range parts {
			sub, seen := at.only[part]
			if seen && sub == nil {
				break // the whole field already
			}
			if i == len(parts)-1 {
				at.only[part] = nil
				break
			}
			if sub == nil {
				sub = &fieldSelection{only: map[string]*fieldSelection{}}
				at.only[part] = sub
			}
			at = sub
		}
	}
	if sel.only != nil {
		for k := range used {
			sel.only[k] = nil
		}
	}
	return sel
}

// normalized is filter with every list a bson.A and every named string
// type a string, so matching each document does no reflection.
func normalized(v any) any {
	if d, ok := asDoc(v); ok {
		out := make(bson.D, len(d))
		for i, e := range d {
			out[i] = bson.E{Key: e.Key, Value: normalized(e.Value)}
		}
		return out
	}
	if list, ok := asList(v); ok {
		out := make(bson.A, len(list))
		for i, x := range list {
			out[i] = normalized(x)
		}
		return out
	}
	if _, plain := v.(string); !plain && isStringKind(v) {
		s, _ := asString(v)
		return s
	}
	return v
}

func (f *engineFiles) forget(col string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.tables, col)
}

// compareBySort orders two documents by a sort specification; known is
// false for values it does not order (documents, arrays).
func compareBySort(a, b bson.Raw, sort bson.D) (int, bool) {
	for _, k := range sort {
		dir, ok := sortDirection(k.Value)
		if !ok {
			return 0, false
		}
		va, fa := lookupPath(a, k.Key)
		vb, fb := lookupPath(b, k.Key)
		c, known := compareValues(va, fa, vb, fb)
		if !known {
			return 0, false
		}
		if c != 0 {
			return c * dir, true
		}
	}
	return 0, true
}

// compareValues orders stored values as MongoDB sorts them: missing and
// null, then numbers, strings, booleans, dates.
func compareValues(a bson.RawValue, fa bool, b bson.RawValue, fb bool) (int, bool) {
	ra, ka := sortRank(a, fa)
	rb, kb := sortRank(b, fb)
	if !ka || !kb {
		return 0, false
	}
	if ra != rb || ra == 0 {
		return cmp.Compare(ra, rb), true
	}
	switch ra {
	case 1:
		fa, _ := a.AsFloat64OK()
		fb, _ := b.AsFloat64OK()
		switch {
		case fa < fb:
			return -1, true
		case fa > fb:
			return 1, true
		}
		return 0, true
	case 2:
		return strings.Compare(a.StringValue(), b.StringValue()), true
	case 3:
		return cmp.Compare(boolRank(a.Boolean()), boolRank(b.Boolean())), true
	}
	return cmp.Compare(a.DateTime(), b.DateTime()), true
}

func sortRank(v bson.RawValue, found bool) (int, bool) {
	if !found {
		return 0, true
	}
	switch v.Type {
	case bson.TypeNull:
		return 0, true
	case bson.TypeInt32, bson.TypeInt64, bson.TypeDouble:
		return 1, true
	case bson.TypeString:
		return 2, true
	case bson.TypeBoolean:
		return 3, true
	case bson.TypeDateTime:
		return 4, true
	}
	return 0, false
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// project applies a projection: all inclusions (with _id unless it is
// excluded) or all exclusions, dotted paths into embedded documents
// included.
func project(doc bson.Raw, projection bson.D) (bson.Raw, bool) {
	include, exclude := map[string]bool{}, map[string]bool{}
	for _, p := range projection {
		on, ok := projectionFlag(p.Value)
		if !ok {
			return nil, false
		}
		if on {
			include[p.Key] = true
		} else {
			exclude[p.Key] = true
		}
	}
	if len(include) > 0 && len(exclude) > 0 && !(len(exclude) == 1 && exclude["_id"]) {
		return nil, false
	}
	paths := exclude
	if len(include) > 0 {
		if !exclude["_id"] {
			include["_id"] = true
		}
		paths = include
	}
	out, ok := projectPaths(doc, paths, len(include) > 0)
	if !ok {
		return nil, false
	}
	raw, err := bson.Marshal(out)
	return raw, err == nil
}

// projectPaths keeps (include) or leaves out the fields of doc that paths
// name, and within embedded documents the fields their dotted paths name.
func projectPaths(doc bson.Raw, paths map[string]bool, include bool) (bson.D, bool) {
	elems, err := doc.Elements()
	if err != nil {
		return nil, false
	}
	out := bson.D{}
	for _, e := range elems {
		k, v := e.Key(), e.Value()
		if paths[k] {
			if include {
				out = append(out, bson.E{Key: k, Value: v})
			}
			continue
		}
		sub := map[string]bool{}
		for p := range paths {
			if rest, found := strings.CutPrefix(p, k+"."); found {
				sub[rest] = true
			}
		}
		switch {
		case len(sub) == 0 || (v.Type != bson.TypeEmbeddedDocument && v.Type != bson.TypeArray):
			// No path reaches into this field.
			if !include {
				out = append(out, bson.E{Key: k, Value: v})
			}
		case v.Type == bson.TypeArray:
			return nil, false // projection into array elements
		default:
			inner, ok := projectPaths(v.Document(), sub, include)
			if !ok {
				return nil, false
			}
			out = append(out, bson.E{Key: k, Value: inner})
		}
	}
	return out, true
}

func projectionFlag(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case int:
		return x != 0, true
	case int32:
		return x != 0, true
	case int64:
		return x != 0, true
	}
	return false, false
}

// groupCount answers a count by group of a selective match — the pipeline
// [{$match: filter}, {$group: {_id: {name: "$field" …}, out: {$sum: 1}}}] —
// from the engine's files; ok is false for any other pipeline.
func (f *engineFiles) groupCount(ctx context.Context, col string, pipeline any) (docs []bson.Raw, ok bool, err error) {
	stages, isList := asList(pipeline)
	if !isList || len(stages) != 2 {
		return nil, false, nil
	}
	match, ok1 := asDoc(stages[0])
	stage, ok2 := asDoc(stages[1])
	if !ok1 || !ok2 || len(match) != 1 || match[0].Key != "$match" || len(stage) != 1 || stage[0].Key != "$group" {
		return nil, false, nil
	}
	spec, ok := asDoc(stage[0].Value)
	if !ok || len(spec) != 2 {
		return nil, false, nil
	}
	var keys bson.D
	var out string
	for _, e := range spec {
		if e.Key == "_id" {
			if keys, ok = asDoc(e.Value); !ok {
				return nil, false, nil
			}
			continue
		}
		sum, isDoc := asDoc(e.Value)
		if !isDoc || len(sum) != 1 || sum[0].Key != "$sum" || sum[0].Value != 1 {
			return nil, false, nil
		}
		out = e.Key
	}
	fields := make([]string, len(keys))
	for i, k := range keys {
		ref, isString := k.Value.(string)
		if !isString || !strings.HasPrefix(ref, "$") || !fieldPath.MatchString(ref[1:]) {
			return nil, false, nil
		}
		fields[i] = ref[1:]
	}
	if out == "" || len(fields) == 0 {
		return nil, false, nil
	}
	matched, ok, err := f.find(ctx, col, query{filter: match[0].Value})
	if !ok || err != nil {
		return nil, ok, err
	}
	type group struct {
		id bson.D
		n  int32
	}
	var order []string
	groups := map[string]*group{}
	for _, d := range matched {
		id := make(bson.D, len(fields))
		for i, p := range fields {
			v, found := lookupPath(d, p)
			if !found {
				id[i] = bson.E{Key: keys[i].Key, Value: nil}
				continue
			}
			id[i] = bson.E{Key: keys[i].Key, Value: v}
		}
		key, err := bson.MarshalExtJSON(id, true, false)
		if err != nil {
			return nil, false, nil
		}
		g := groups[string(key)]
		if g == nil {
			g = &group{id: id}
			groups[string(key)] = g
			order = append(order, string(key))
		}
		g.n++
	}
	for _, k := range order {
		raw, err := bson.Marshal(bson.D{{Key: "_id", Value: groups[k].id}, {Key: out, Value: groups[k].n}})
		if err != nil {
			return nil, false, nil
		}
		docs = append(docs, raw)
	}
	return docs, true, nil
}
