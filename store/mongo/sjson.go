package mongo

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// The embedded engine (FerretDB 1.24 on SQLite) stores each document as
// "SJSON": a JSON object whose values are plain JSON and whose "$s" member
// is a schema giving each value's BSON type and the order of the keys. To
// answer the queries the engine would answer by decoding every document of
// a collection (see engineFiles), the store reads that column itself; this
// file turns it back into BSON. It knows the types our documents hold and
// refuses anything else, which sends the query back to the engine.

type sjsonSchema struct {
	Properties map[string]*sjsonElem `json:"p"`
	Keys       []string              `json:"$k"`
}

type sjsonElem struct {
	Type    string       `json:"t"`
	Schema  *sjsonSchema `json:"$s"`
	Items   []*sjsonElem `json:"i"`
	Subtype *byte        `json:"s"`
}

var errSJSON = errors.New("sjson: cannot decode")

// fieldSelection says which fields of a document to decode: only those
// named in only (each with its own selection, nil for the whole field), or
// when only is nil every field but those in except. A query that needs a
// few fields of a large document skips decoding the rest.
type fieldSelection struct {
	only   map[string]*fieldSelection
	except map[string]bool
}

func (s *fieldSelection) pick(k string) (bool, *fieldSelection) {
	if s == nil {
		return true, nil
	}
	if s.only != nil {
		sub, ok := s.only[k]
		return ok, sub
	}
	return !s.except[k], nil
}

// decodeSJSONFields turns a stored document into BSON: the fields sel
// picks, all when sel is nil.
func decodeSJSONFields(data []byte, sel *fieldSelection) (bson.D, error) {
	fields, err := splitObject(data)
	if err != nil {
		return nil, err
	}
	if len(fields) == 0 || fields[0].key != "$s" {
		return nil, fmt.Errorf("%w: no schema", errSJSON)
	}
	return decodeObject(fields[1:], fields[0].value, sel)
}

// decodeObject decodes an object's members (values) by its schema
// ({"p": properties, "$k": keys}), the members sel picks.
func decodeObject(values []rawField, schemaJSON []byte, sel *fieldSelection) (bson.D, error) {
	schema, err := splitObject(schemaJSON)
	if err != nil {
		return nil, err
	}
	var keys []string
	var props []rawField
	for _, f := range schema {
		switch f.key {
		case "$k":
			if err := json.Unmarshal(f.value, &keys); err != nil {
				return nil, fmt.Errorf("%w: keys: %v", errSJSON, err)
			}
		case "p":
			if props, err = splitObject(f.value); err != nil {
				return nil, err
			}
		}
	}
	if len(values) != len(keys) || len(props) != len(keys) {
		return nil, fmt.Errorf("%w: %d keys for %d fields", errSJSON, len(keys), len(values))
	}
	d := make(bson.D, 0, len(keys))
	for i, k := range keys {
		// The engine writes values and schema properties in key order.
		if values[i].key != k || props[i].key != k {
			return nil, fmt.Errorf("%w: field %q out of order", errSJSON, k)
		}
		keep, sub := sel.pick(k)
		if !keep {
			continue
		}
		var v any
		if sub != nil {
			v, err = decodeSubdocument(values[i].value, props[i].value, sub)
		} else {
			var e sjsonElem
			if err = json.Unmarshal(props[i].value, &e); err == nil {
				v, err = sjsonValue(values[i].value, &e)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%w: field %q: %v", errSJSON, k, err)
		}
		d = append(d, bson.E{Key: k, Value: v})
	}
	return d, nil
}

// decodeSubdocument decodes the members sel picks of an embedded document
// (or whatever else the value is, whole).
func decodeSubdocument(value, elemJSON []byte, sel *fieldSelection) (any, error) {
	elem, err := splitObject(elemJSON)
	if err != nil {
		return nil, err
	}
	var typ string
	var schema []byte
	for _, f := range elem {
		switch f.key {
		case "t":
			if err := json.Unmarshal(f.value, &typ); err != nil {
				return nil, err
			}
		case "$s":
			schema = f.value
		}
	}
	if typ != "object" || schema == nil || bytes.Equal(bytes.TrimSpace(value), []byte("null")) {
		var e sjsonElem
		if err := json.Unmarshal(elemJSON, &e); err != nil {
			return nil, err
		}
		return sjsonValue(value, &e)
	}
	members, err := splitObject(value)
	if err != nil {
		return nil, err
	}
	return decodeObject(members, schema, sel)
}

func sjsonDocument(fields map[string]json.RawMessage, sch *sjsonSchema) (bson.D, error) {
	if len(fields) != len(sch.Keys) {
		return nil, fmt.Errorf("%w: %d keys for %d fields", errSJSON, len(sch.Keys), len(fields))
	}
	d := make(bson.D, 0, len(sch.Keys))
	for _, k := range sch.Keys {
		data, ok := fields[k]
		if !ok {
			return nil, fmt.Errorf("%w: field %q missing", errSJSON, k)
		}
		v, err := sjsonValue(data, sch.Properties[k])
		if err != nil {
			return nil, err
		}
		d = append(d, bson.E{Key: k, Value: v})
	}
	return d, nil
}

// rawField is one member of a JSON object, its value not yet decoded.
type rawField struct {
	key   string
	value []byte
}

// splitObject splits a JSON object into its members in order, without
// decoding their values: a document's fields are decoded only when a
// query needs them.
func splitObject(data []byte) ([]rawField, error) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, fmt.Errorf("%w: not an object", errSJSON)
	}
	i = skipSpace(data, i+1)
	var out []rawField
	if i < len(data) && data[i] == '}' {
		return out, nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, fmt.Errorf("%w: object key expected", errSJSON)
		}
		end, err := skipValue(data, i)
		if err != nil {
			return nil, err
		}
		key := string(data[i+1 : end-1])
		if bytes.IndexByte(data[i:end], '\\') >= 0 {
			if err := json.Unmarshal(data[i:end], &key); err != nil {
				return nil, fmt.Errorf("%w: key: %v", errSJSON, err)
			}
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, fmt.Errorf("%w: ':' expected", errSJSON)
		}
		i = skipSpace(data, i+1)
		end, err = skipValue(data, i)
		if err != nil {
			return nil, err
		}
		out = append(out, rawField{key: key, value: data[i:end]})
		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, fmt.Errorf("%w: object not closed", errSJSON)
		}
		if data[i] == '}' {
			return out, nil
		}
		if data[i] != ',' {
			return nil, fmt.Errorf("%w: ',' expected", errSJSON)
		}
		i = skipSpace(data, i+1)
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at i. It checks
// structure only; values are validated when decoded.
func skipValue(data []byte, i int) (int, error) {
	if i >= len(data) {
		return 0, fmt.Errorf("%w: value expected", errSJSON)
	}
	switch data[i] {
	case '"':
		for j := i + 1; j < len(data); j++ {
			switch data[j] {
			case '\\':
				j++
			case '"':
				return j + 1, nil
			}
		}
		return 0, fmt.Errorf("%w: string not closed", errSJSON)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, err := skipValue(data, j)
				if err != nil {
					return 0, err
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, nil
				}
			}
		}
		return 0, fmt.Errorf("%w: %c not closed", errSJSON, data[i])
	}
	j := i
	for j < len(data) && !bytes.ContainsRune([]byte(",}] \t\n\r"), rune(data[j])) {
		j++
	}
	if j == i {
		return 0, fmt.Errorf("%w: value expected", errSJSON)
	}
	return j, nil
}

func sjsonValue(data json.RawMessage, e *sjsonElem) (any, error) {
	if bytes.Equal(data, []byte("null")) {
		return nil, nil
	}
	if e == nil {
		return nil, fmt.Errorf("%w: value without schema", errSJSON)
	}
	var err error
	switch e.Type {
	case "object":
		if e.Schema == nil {
			return nil, fmt.Errorf("%w: object without schema", errSJSON)
		}
		var fields map[string]json.RawMessage
		if err = json.Unmarshal(data, &fields); err == nil {
			return sjsonDocument(fields, e.Schema)
		}
	case "array":
		var items []json.RawMessage
		if err = json.Unmarshal(data, &items); err == nil {
			if len(items) != len(e.Items) {
				return nil, fmt.Errorf("%w: %d items for %d schemas", errSJSON, len(items), len(e.Items))
			}
			a := make(bson.A, len(items))
			for i, it := range items {
				if a[i], err = sjsonValue(it, e.Items[i]); err != nil {
					return nil, err
				}
			}
			return a, nil
		}
	case "string":
		var s string
		if err = json.Unmarshal(data, &s); err == nil {
			return s, nil
		}
	case "bool":
		var b bool
		if err = json.Unmarshal(data, &b); err == nil {
			return b, nil
		}
	case "int":
		var n int32
		if err = json.Unmarshal(data, &n); err == nil {
			return n, nil
		}
	case "long":
		var n int64
		if err = json.Unmarshal(data, &n); err == nil {
			return n, nil
		}
	case "double":
		var f float64
		if err = json.Unmarshal(data, &f); err == nil {
			return f, nil
		}
	case "date":
		var ms int64
		if err = json.Unmarshal(data, &ms); err == nil {
			return bson.DateTime(ms), nil
		}
	case "binData":
		var b []byte
		if err = json.Unmarshal(data, &b); err == nil {
			if e.Subtype == nil {
				return nil, fmt.Errorf("%w: binary without subtype", errSJSON)
			}
			return bson.Binary{Subtype: *e.Subtype, Data: b}, nil
		}
	case "objectId":
		var h string
		if err = json.Unmarshal(data, &h); err == nil {
			var id bson.ObjectID
			if b, herr := hex.DecodeString(h); herr == nil && len(b) == len(id) {
				copy(id[:], b)
				return id, nil
			}
			err = fmt.Errorf("bad object id %q", h)
		}
	default:
		return nil, fmt.Errorf("%w: type %q", errSJSON, e.Type)
	}
	return nil, fmt.Errorf("%w: %s: %v", errSJSON, e.Type, err)
}
