package store

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

// decodeSJSON turns a stored document into BSON.
func decodeSJSON(data []byte) (bson.D, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("%w: %v", errSJSON, err)
	}
	raw, ok := fields["$s"]
	if !ok {
		return nil, fmt.Errorf("%w: no schema", errSJSON)
	}
	var sch sjsonSchema
	if err := json.Unmarshal(raw, &sch); err != nil {
		return nil, fmt.Errorf("%w: schema: %v", errSJSON, err)
	}
	delete(fields, "$s")
	return sjsonDocument(fields, &sch)
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
