package mongo

import (
	"encoding/base64"
	"encoding/json"

	"skillbook/models"
)

// cursor is what an opaque page cursor holds: the list it belongs to and
// the keyset position (the sort key of the last item returned), so a page
// stays stable while documents are added and a cursor from one list is
// refused by another.
type cursor struct {
	List string          `json:"l"`
	Key  json.RawMessage `json:"k"`
}

// maxCursorLen bounds what decodeCursor will read.
const maxCursorLen = 512

// encodeCursor returns the cursor for the position key in list.
func encodeCursor(list string, key any) string {
	k, err := json.Marshal(key)
	if err != nil {
		// Keys are plain structs of strings and numbers.
		panic("store: encode cursor: " + err.Error())
	}
	b, _ := json.Marshal(cursor{List: list, Key: k})
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads into key a cursor that encodeCursor made for list. A
// cursor that is malformed or from another list is a validation problem of
// the "cursor" parameter.
func decodeCursor(list, s string, key any) error {
	bad := &models.ValidationError{}
	bad.Add("cursor", "is not a cursor this list returned")
	if len(s) > maxCursorLen {
		return bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return bad
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.List != list || len(c.Key) == 0 {
		return bad
	}
	if err := json.Unmarshal(c.Key, key); err != nil {
		return bad
	}
	return nil
}
