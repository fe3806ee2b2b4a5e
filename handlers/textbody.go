package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humafiber"

	"skillbook/models"
)

// encoding/json turns bytes that are not UTF-8 into U+FFFD without a word,
// so a name sent as "Eve\xff" would be stored as something the client never
// sent. The text rule (models.CleanText) refuses such text, but it never
// sees the bytes: this middleware does, before huma decodes the body, and
// answers 422 naming the field that holds them.

// refuseInvalidUTF8 answers 422 to a JSON body that is not UTF-8. It runs
// after authorize, so a caller who may not call an operation learns that
// first.
func refuseInvalidUTF8(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(hctx huma.Context, next func(huma.Context)) {
		if !jsonBody(hctx.Header("Content-Type")) {
			next(hctx)
			return
		}
		body := humafiber.Unwrap(hctx).Body()
		if utf8.Valid(body) {
			next(hctx)
			return
		}
		field := invalidUTF8Field(body)
		p := newProblem(http.StatusUnprocessableEntity, "validation failed: "+field+" is not valid UTF-8 text")
		p.Errors = []models.FieldProblem{{Field: field, Message: "is not valid UTF-8 text"}}
		answerProblem(api, hctx, p)
	}
}

// jsonBody reports whether a request of this Content-Type is decoded as
// JSON (huma takes a missing type as JSON).
func jsonBody(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// invalidUTF8Field names, as huma names fields ("body.steps[2].comment"),
// the member of a JSON document whose string holds its first byte that is
// not UTF-8: "body" when that byte is in a key or outside any string, or
// the document cannot be read that far.
func invalidUTF8Field(doc []byte) string {
	bad := firstInvalidUTF8(doc)
	type frame struct {
		object    bool
		key       string
		index     int
		expectKey bool
	}
	var stack []frame
	path := func(frames []frame) string {
		var b strings.Builder
		b.WriteString("body")
		for _, f := range frames {
			if f.object {
				b.WriteString("." + f.key)
			} else {
				fmt.Fprintf(&b, "[%d]", f.index)
			}
		}
		return b.String()
	}
	// valueDone moves the innermost container past the value just read.
	valueDone := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].object {
				stack[n-1].expectKey = true
			} else {
				stack[n-1].index++
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err != nil { // io.EOF included: the byte was after the document
			return "body"
		}
		inToken := dec.InputOffset() > int64(bad)
		switch t := tok.(type) {
		case json.Delim:
			if inToken {
				return "body"
			}
			switch t {
			case '{':
				stack = append(stack, frame{object: true, expectKey: true})
			case '[':
				stack = append(stack, frame{})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			top := len(stack) - 1
			if top >= 0 && stack[top].object && stack[top].expectKey {
				if inToken {
					return path(stack[:top]) // the key itself: name its object
				}
				stack[top].key, stack[top].expectKey = t, false
				continue
			}
			if inToken {
				return path(stack)
			}
			valueDone()
		default:
			if inToken {
				return path(stack)
			}
			valueDone()
		}
	}
}

// firstInvalidUTF8 returns the offset of the first byte of b that is not
// part of a UTF-8 sequence, or len(b).
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}
