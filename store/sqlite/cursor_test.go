package sqlite

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"skillbook/models"
)

// redecode decodes s as a cursor of list with key type K; when that
// works it also reports whether the key encodes back to a cursor that
// decodes to the same key.
func redecode[K interface {
	cursorKey
	comparable
}](list, s string) (sameAgain bool, err error) {
	k, err := decodeCursor[K](list, s)
	if err != nil {
		return false, err
	}
	again, err := decodeCursor[K](list, encodeCursor(list, k))
	return err == nil && again == k, nil
}

// everyKey is redecode for each list's key type.
var everyKey = map[string]func(list, s string) (bool, error){
	"id":     redecode[idKey],
	"people": redecode[peopleKey],
	"feed":   redecode[noticeFeedKey],
	"audit":  redecode[auditKey],
	"queue":  redecode[attemptQueueKey],
}

// isCursorProblem reports whether err is the validation problem of the
// cursor parameter (a 422).
func isCursorProblem(err error) bool {
	var v *models.ValidationError
	return errors.As(err, &v) && len(v.Problems) == 1 && v.Problems[0].Field == "cursor"
}

func TestCursorRoundTrip(t *testing.T) {
	feed := noticeFeedKey{Read: true, At: 1767225600000, ID: "n-1"}
	got, err := decodeCursor[noticeFeedKey]("feed:unread-first", encodeCursor("feed:unread-first", feed))
	if err != nil || got != feed {
		t.Errorf("decodeCursor(encodeCursor(%+v)) = %+v, %v; want it back", feed, got, err)
	}
	people := peopleKey{At: -1, ID: "u/ü\"x"}
	if got, err := decodeCursor[peopleKey](usersList, encodeCursor(usersList, people)); err != nil || got != people {
		t.Errorf("decodeCursor(encodeCursor(%+v)) = %+v, %v; want it back", people, got, err)
	}
}

func TestCursorRefused(t *testing.T) {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct{ name, cursor string }{
		{"empty", ""},
		{"not base64", "%%%"},
		{"padded base64", b64(`{"l":"checklists","k":{"id":"x"}}`) + "="},
		{"not JSON", b64("not-json")},
		{"JSON, not an object", b64(`[1,2]`)},
		{"a plain id (the old form of id lists)", b64("bp-manual")},
		{"another list's", encodeCursor("procedures", idKey{ID: "x"})},
		{"no key", b64(`{"l":"checklists"}`)},
		{"a null key", b64(`{"l":"checklists","k":null}`)},
		{"a key without an id", b64(`{"l":"checklists","k":{}}`)},
		{"an empty id", encodeCursor("checklists", idKey{})},
		{"an id of the wrong type", b64(`{"l":"checklists","k":{"id":7}}`)},
		{"too long", encodeCursor("checklists", idKey{ID: strings.Repeat("x", maxCursorLen)})},
	} {
		if _, err := decodeCursor[idKey]("checklists", tc.cursor); !isCursorProblem(err) {
			t.Errorf("decodeCursor(%s: %q) = %v; want a validation problem of cursor", tc.name, tc.cursor, err)
		}
	}
	// Keys of the right list with the wrong types.
	for _, c := range []string{b64(`{"l":"queue","k":{"t":"soon","i":"x"}}`), b64(`{"l":"queue","k":{"t":1e400,"i":"x"}}`),
		b64(`{"l":"queue","k":{"t":1.5,"i":"x"}}`), b64(`{"l":"queue","k":"x"}`)} {
		if _, err := decodeCursor[attemptQueueKey](attemptQueueList, c); !isCursorProblem(err) {
			t.Errorf("decodeCursor(queue, %q) = %v; want a validation problem of cursor", c, err)
		}
	}
}

// TestCursorKeepsTheChecklistsForm: cursors Checklists handed out before
// the lists shared one codec still page.
func TestCursorKeepsTheChecklistsForm(t *testing.T) {
	old := base64.RawURLEncoding.EncodeToString([]byte(`{"l":"checklists","k":{"id":"bp-manual"}}`))
	if k, err := decodeCursor[idKey]("checklists", old); err != nil || k.ID != "bp-manual" {
		t.Errorf("decodeCursor(an earlier checklists cursor) = %+v, %v; want bp-manual", k, err)
	}
}

// FuzzDecodeCursor: whatever a client sends as a cursor, decoding it as any
// list's key either fails with the validation problem of cursor or yields
// a key that encodes back to a cursor of the same key; it never panics.
func FuzzDecodeCursor(f *testing.F) {
	f.Add("checklists", encodeCursor("checklists", idKey{ID: "bp-manual"}))
	f.Add(usersList, encodeCursor(usersList, peopleKey{At: 1, ID: "u1"}))
	f.Add("feed:newest", encodeCursor("feed:newest", noticeFeedKey{Read: true, At: 2, ID: "n1"}))
	f.Add("audit", encodeCursor("audit", auditKey{At: 3, ID: "e1"}))
	f.Add(attemptQueueList, encodeCursor(attemptQueueList, attemptQueueKey{At: 4, ID: "a1"}))
	f.Add("queue", base64.RawURLEncoding.EncodeToString([]byte(`{"l":"queue","k":{"t":1e400,"i":"x"}}`)))
	f.Add("checklists", "%%%")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, list, s string) {
		for name, redecode := range everyKey {
			same, err := redecode(list, s)
			switch {
			case err != nil && !isCursorProblem(err):
				t.Fatalf("decodeCursor[%s](%q, %q) = %v; want nil or a validation problem of cursor", name, list, s, err)
			case err == nil && !same:
				t.Fatalf("decodeCursor[%s](%q, %q) decoded a key that does not encode back to itself", name, list, s)
			}
		}
	})
}
