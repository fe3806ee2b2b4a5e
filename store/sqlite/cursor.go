package sqlite

import (
	"encoding/base64"
	"encoding/json"

	"skillbook/models"
)

// A page cursor is opaque to clients: unpadded base64url of a small JSON
// document holding the list it was made for, so that a cursor of one list
// is refused by another, and the keyset position, the sort key of the last
// item returned. Every list of this engine pages with it. Clients send
// cursors back, so decoding trusts nothing: any cursor this engine did not
// make for that list is a validation problem of "cursor" (a 422), never a
// failure of the store.

// maxCursorLen bounds the cursors decodeCursor reads; the longest a list
// makes is well under it.
const maxCursorLen = 512

// cursorKey is a keyset position. complete reports whether a decoded key
// names a position: every list's key ends in an id, so a key without one
// came from elsewhere.
type cursorKey interface {
	complete() bool
}

// cursor is the document a page cursor encodes.
type cursor[K cursorKey] struct {
	List string `json:"l"`
	Key  K      `json:"k"`
}

// encodeCursor returns the cursor of the position key in list.
func encodeCursor[K cursorKey](list string, key K) string {
	b, err := json.Marshal(cursor[K]{List: list, Key: key})
	if err != nil {
		panic("sqlite: encode cursor: " + err.Error()) // keys are plain structs
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the position a cursor encodeCursor made for list
// holds; anything else is a validation problem of "cursor".
func decodeCursor[K cursorKey](list, s string) (K, error) {
	var c cursor[K]
	if len(s) > maxCursorLen {
		return c.Key, invalidCursor()
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return c.Key, invalidCursor()
	}
	if err := json.Unmarshal(b, &c); err != nil || c.List != list || !c.Key.complete() {
		var zero K
		return zero, invalidCursor()
	}
	return c.Key, nil
}

func invalidCursor() error {
	v := &models.ValidationError{}
	v.Add("cursor", "is not a cursor this list returned")
	return v
}

// idKey is the position of a list ordered by id alone.
type idKey struct {
	ID string `json:"id"`
}

func (k idKey) complete() bool { return k.ID != "" }
