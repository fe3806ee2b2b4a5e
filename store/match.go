package store

import (
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

// matchDoc reports whether doc satisfies every condition of rest; ok is
// false when it cannot tell (an array where a scalar was expected), and
// the caller must ask the engine.
func matchDoc(doc bson.Raw, rest bson.M) (matched, ok bool) {
	for path, cond := range rest {
		val, err := doc.LookupErr(strings.Split(path, ".")...)
		found := err == nil
		if !found {
			// "field.N" on an array: LookupErr walks documents only.
			val, found = lookupIndexed(doc, path)
		}
		if found && val.Type == bson.TypeArray {
			return false, false // Mongo's array semantics: leave it to the engine
		}
		ops, isOps := cond.(bson.M)
		if !isOps {
			if !found || compare(val, cond) != 0 {
				return false, true
			}
			continue
		}
		for op, want := range ops {
			switch op {
			case "$exists":
				if found != want.(bool) {
					return false, true
				}
				continue
			case "$ne":
				if found && compare(val, want) == 0 {
					return false, true
				}
				continue
			}
			if !found {
				return false, true
			}
			c := compare(val, want)
			switch {
			case c == incomparable,
				op == "$lt" && c >= 0, op == "$lte" && c > 0,
				op == "$gt" && c <= 0, op == "$gte" && c < 0:
				return false, true
			}
		}
	}
	return true, true
}

// lookupIndexed resolves paths with array indexes ("pendingIds.0").
func lookupIndexed(doc bson.Raw, path string) (bson.RawValue, bool) {
	parts := strings.Split(path, ".")
	cur := bson.RawValue{Type: bson.TypeEmbeddedDocument, Value: doc}
	for _, p := range parts {
		switch cur.Type {
		case bson.TypeEmbeddedDocument:
			v, err := cur.Document().LookupErr(p)
			if err != nil {
				return bson.RawValue{}, false
			}
			cur = v
		case bson.TypeArray:
			i, err := strconv.Atoi(p)
			if err != nil {
				return bson.RawValue{}, false
			}
			vals, err := cur.Array().Values()
			if err != nil || i < 0 || i >= len(vals) {
				return bson.RawValue{}, false
			}
			cur = vals[i]
		default:
			return bson.RawValue{}, false
		}
	}
	return cur, true
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
	raw, err := bson.Marshal(bson.M{"v": v})
	if err != nil {
		return "", false
	}
	rv, err := bson.Raw(raw).LookupErr("v")
	if err != nil {
		return "", false
	}
	return rv.StringValueOK()
}

func isStringKind(v any) bool {
	_, ok := asString(v)
	return ok
}
