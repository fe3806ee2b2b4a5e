package mongo

import (
	"errors"
	"reflect"
	"testing"

	"skillbook/models"
)

// FuzzDecodeCursor feeds arbitrary page cursors, as clients send them in
// the cursor query parameter, to decodeCursor: it never panics, refuses
// anything it did not make as a validation problem of "cursor", and what
// it accepts encodes back to a cursor that decodes to the same position.
func FuzzDecodeCursor(f *testing.F) {
	type position struct {
		Read bool   `json:"r"`
		At   int64  `json:"a"`
		ID   string `json:"i"`
	}
	f.Add("feed", encodeCursor("feed", position{Read: true, At: 1767225600000, ID: "0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f"}))
	f.Add("feed", encodeCursor("checklists", position{ID: "bp-manual"}))
	f.Add("checklists", "eyJsIjoiY2hlY2tsaXN0cyIsImsiOm51bGx9")
	f.Add("feed", "AAAA")
	f.Add("feed", "%%%")
	f.Add("", "")
	f.Fuzz(func(t *testing.T, list, s string) {
		var p position
		err := decodeCursor(list, s, &p)
		if err != nil {
			var v *models.ValidationError
			if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "cursor" {
				t.Fatalf("decodeCursor(%q, %q) = %v; want a validation problem of cursor", list, s, err)
			}
			return
		}
		var again position
		if err := decodeCursor(list, encodeCursor(list, p), &again); err != nil || !reflect.DeepEqual(again, p) {
			t.Fatalf("cursor %q decoded to %+v, re-encoded to %+v, %v", s, p, again, err)
		}
	})
}
