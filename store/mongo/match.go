package mongo

import (
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// The embedded engine pushes only a filter that is exactly {_id: "…"} down
// to SQLite; any other filter, such as a guarded write's {_id, version},
// decodes every document of the collection. Under the write lock that made
// each state change cost a scan of its whole collection. byID lets the
// collection wrapper run such a write as "read the document by _id, check
// the rest of the filter here, write by _id", which is what the engine
// does anyway, without the scan. It understands the filters our guards
// use; anything else falls back to the engine.

// byID splits filter into its _id and the remaining conditions, when the
// _id is a plain string and every other condition is one matchDoc knows.
func byID(filter any) (id string, rest bson.M, ok bool) {
	f, isMap := filter.(bson.M)
	if !isMap {
		return "", nil, false
	}
	id, ok = f["_id"].(string)
	if !ok {
		return "", nil, false
	}
	rest = bson.M{}
	for k, v := range f {
		if k == "_id" {
			continue
		}
		if strings.HasPrefix(k, "$") || !supported(v) {
			return "", nil, false
		}
		rest[k] = v
	}
	return id, rest, true
}

func supported(cond any) bool {
	m, isOps := cond.(bson.M)
	if !isOps {
		return scalar(cond)
	}
	for op, v := range m {
		switch op {
		case "$exists":
			if _, ok := v.(bool); !ok {
				return false
			}
		case "$lt", "$lte", "$gt", "$gte", "$ne":
			if !scalar(v) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// scalar reports the value kinds matchDoc compares.
func scalar(v any) bool {
	switch v.(type) {
	case string, bool, int, int32, int64, float64, time.Time:
		return true
	}
	return isStringKind(v) // named string types (models.AttemptStatus …)
}

// matchDoc reports whether doc satisfies filter, a query document as the
// store writes them: field conditions (equality, $eq, $ne, $in, $nin,
// $exists, $lt, $lte, $gt, $gte) and $and / $or, with MongoDB's array
// semantics (a condition on an array field holds when an element
// satisfies it). ok is false when it cannot tell (another operator, a
// path through an array of documents), and the caller must ask the engine.
func matchDoc(doc bson.Raw, filter any) (matched, ok bool) {
	conds, ok := asDoc(filter)
	if !ok {
		return false, false
	}
	matched = true
	for _, c := range conds {
		var m bool
		switch c.Key {
		case "$and", "$or":
			subs, isList := asList(c.Value)
			if !isList || len(subs) == 0 {
				return false, false
			}
			m = c.Key == "$and"
			for _, sub := range subs {
				sm, sok := matchDoc(doc, sub)
				if !sok {
					return false, false
				}
				if c.Key == "$and" {
					m = m && sm
				} else {
					m = m || sm
				}
			}
		default:
			if strings.HasPrefix(c.Key, "$") {
				return false, false
			}
			var mok bool
			if m, mok = matchField(doc, c.Key, c.Value); !mok {
				return false, false
			}
		}
		matched = matched && m
	}
	return matched, true
}

// matchField checks one field's condition.
func matchField(doc bson.Raw, path string, cond any) (matched, ok bool) {
	val, found, acrossArray := walkPath(doc, path)
	if acrossArray {
		return false, false // a path into an array of documents
	}
	ops, isOps := operators(cond)
	if !isOps {
		return equalsAny(val, found, cond)
	}
	for _, op := range ops {
		var m bool
		switch op.Key {
		case "$eq":
			m, ok = equalsAny(val, found, op.Value)
		case "$ne":
			m, ok = equalsAny(val, found, op.Value)
			m = !m
		case "$in", "$nin":
			list, isList := asList(op.Value)
			if !isList {
				return false, false
			}
			ok = true
			for _, want := range list {
				var e bool
				if e, ok = equalsAny(val, found, want); !ok || e {
					m = e
					break
				}
			}
			if op.Key == "$nin" {
				m = !m
			}
		case "$exists":
			want, isBool := op.Value.(bool)
			m, ok = found == want, isBool
		case "$lt", "$lte", "$gt", "$gte":
			if !scalar(op.Value) {
				return false, false
			}
			ok = true
			m = found && anyElement(val, func(v bson.RawValue) bool {
				c := compare(v, op.Value)
				switch {
				case c == incomparable:
					return false
				case op.Key == "$lt":
					return c < 0
				case op.Key == "$lte":
					return c <= 0
				case op.Key == "$gt":
					return c > 0
				}
				return c >= 0
			})
		default:
			return false, false
		}
		if !ok {
			return false, false
		}
		if !m {
			return false, true
		}
	}
	return true, true
}

// equalsAny is MongoDB equality of a stored value (found or not) with a
// query value: nil matches missing and null; a scalar matches the value or
// any element of an array.
func equalsAny(val bson.RawValue, found bool, want any) (matched, ok bool) {
	if want == nil {
		return !found || val.Type == bson.TypeNull || anyElement(val, func(v bson.RawValue) bool { return v.Type == bson.TypeNull }), true
	}
	if !scalar(want) {
		return false, false
	}
	if !found {
		return false, true
	}
	return anyElement(val, func(v bson.RawValue) bool { return compare(v, want) == 0 }), true
}

// anyElement applies test to a value, or to each element of an array.
func anyElement(val bson.RawValue, test func(bson.RawValue) bool) bool {
	if val.Type != bson.TypeArray {
		return test(val)
	}
	vals, err := val.Array().Values()
	if err != nil {
		return false
	}
	for _, v := range vals {
		if test(v) {
			return true
		}
	}
	return false
}

// lookupPath finds a dotted path through documents and array indexes
// ("pendingIds.0").
func lookupPath(doc bson.Raw, path string) (bson.RawValue, bool) {
	val, found, _ := walkPath(doc, path)
	return val, found
}

// walkPath follows a dotted path through documents and array indexes.
// acrossArray says it stopped at an array where the path goes on with a
// field name: MongoDB would search the array's elements there, which
// matchDoc leaves to the engine.
func walkPath(doc bson.Raw, path string) (val bson.RawValue, found, acrossArray bool) {
	cur := bson.RawValue{Type: bson.TypeEmbeddedDocument, Value: doc}
	for p := range strings.SplitSeq(path, ".") {
		switch cur.Type {
		case bson.TypeEmbeddedDocument:
			v, err := cur.Document().LookupErr(p)
			if err != nil {
				return bson.RawValue{}, false, false
			}
			cur = v
		case bson.TypeArray:
			i, err := strconv.Atoi(p)
			if err != nil {
				return bson.RawValue{}, false, true
			}
			vals, err := cur.Array().Values()
			if err != nil || i < 0 || i >= len(vals) {
				return bson.RawValue{}, false, false
			}
			cur = vals[i]
		default:
			return bson.RawValue{}, false, false
		}
	}
	return cur, true, false
}

// operators returns cond's operators when it is an operator document.
func operators(cond any) (bson.D, bool) {
	d, ok := asDoc(cond)
	if !ok || len(d) == 0 {
		return nil, false
	}
	for _, e := range d {
		if !strings.HasPrefix(e.Key, "$") {
			return nil, false
		}
	}
	return d, true
}

// asDoc reads a filter or operator document written as bson.M or bson.D.
func asDoc(v any) (bson.D, bool) {
	switch d := v.(type) {
	case bson.D:
		return d, true
	case bson.M:
		out := make(bson.D, 0, len(d))
		for k, v := range d {
			out = append(out, bson.E{Key: k, Value: v})
		}
		return out, true
	case map[string]any:
		return asDoc(bson.M(d))
	}
	return nil, false
}

// asList reads a list of values written as any Go slice.
func asList(v any) ([]any, bool) {
	if a, ok := v.(bson.A); ok {
		return a, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() == reflect.Uint8 {
		return nil, false
	}
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out, true
}

const incomparable = 2

// compare orders a stored value against a Go value of the same kind:
// -1, 0, 1, or incomparable when the kinds differ.
func compare(v bson.RawValue, want any) int {
	if s, ok := asString(want); ok {
		got, ok := v.StringValueOK()
		if !ok {
			return incomparable
		}
		return strings.Compare(got, s)
	}
	switch w := want.(type) {
	case bool:
		got, ok := v.BooleanOK()
		if !ok {
			return incomparable
		}
		if got == w {
			return 0
		}
		return incomparable
	case time.Time:
		got, ok := v.TimeOK()
		if !ok {
			return incomparable
		}
		return got.Compare(w.Truncate(time.Millisecond))
	case float64:
		return cmpFloat(v, w)
	case int:
		return cmpFloat(v, float64(w))
	case int32:
		return cmpFloat(v, float64(w))
	case int64:
		return cmpFloat(v, float64(w))
	}
	return incomparable
}

func cmpFloat(v bson.RawValue, w float64) int {
	var got float64
	switch v.Type {
	case bson.TypeInt32:
		got = float64(v.Int32())
	case bson.TypeInt64:
		got = float64(v.Int64())
	case bson.TypeDouble:
		got = v.Double()
	default:
		return incomparable
	}
	switch {
	case got < w:
		return -1
	case got > w:
		return 1
	}
	return 0
}

// asString accepts strings and named string types such as
// models.AttemptStatus.
func asString(v any) (string, bool) {
	if s, ok := v.(string); ok {
		return s, true
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String(), true
	}
	return "", false
}

func isStringKind(v any) bool {
	_, ok := asString(v)
	return ok
}
