package handlers

import (
	"strings"
	"testing"
)

func TestInvalidUTF8Field(t *testing.T) {
	tests := []struct {
		doc  string
		want string
	}{
		{`{"name":"Eve\xff"}`, "body.name"},
		{`{"email":"a@b.c","name":"ok","credential":"C\xc3"}`, "body.credential"},
		{`{"steps":[{"id":"a","text":"ok"},{"id":"b","text":"bad \xff"}]}`, "body.steps[1].text"},
		{`{"equipment":["gloves","\xfe"],"title":"t"}`, "body.equipment[1]"},
		{`{"a":{"b":[1,true,null,{"c":"\xff"}]}}`, "body.a.b[3].c"},
		{`{"na\xffme":"Eve"}`, "body"},
		{`{"steps":[{"te\xffxt":"x"}]}`, "body.steps[0]"},
		{`"\xff"`, "body"},
		{`{"name":"Eve"} \xff`, "body"},
		{`{"name":"Eve`, "body"},
		{`{"name": 12` + "\xff" + `}`, "body"},
	}
	// The documents are raw strings for legibility: put the bytes in.
	bytesIn := strings.NewReplacer(`\xff`, "\xff", `\xfe`, "\xfe", `\xc3`, "\xc3")
	for _, tt := range tests {
		doc := bytesIn.Replace(tt.doc)
		if got := invalidUTF8Field([]byte(doc)); got != tt.want {
			t.Errorf("invalidUTF8Field(%q) = %q; want %q", doc, got, tt.want)
		}
	}
}

// FuzzInvalidUTF8Field checks that any body, JSON or not, gets a field
// name under "body" and no panic.
func FuzzInvalidUTF8Field(f *testing.F) {
	for _, s := range []string{"{\"name\":\"Eve\xff\"}", "[{\"a\":[\"\xff\"]}]", "{\"\xff\":1}", `}}]]`, ``, `{"a":`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if got := invalidUTF8Field(doc); got != "body" && !strings.HasPrefix(got, "body.") && !strings.HasPrefix(got, "body[") {
			t.Fatalf("invalidUTF8Field(%q) = %q; want a field under body", doc, got)
		}
	})
}

func TestLoggedPath(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/v1/me/devices/fcm-token:APA91b", "/v1/me/devices/[redacted]"},
		{"/V1/Me/Devices/fcm-token", "/V1/Me/Devices/[redacted]"},
		{"/v1/me/devices/fcm-token/extra", "/v1/me/devices/[redacted]/extra"},
		{"/v1/me/devices", "/v1/me/devices"},
		{"/v1/me/devices/", "/v1/me/devices/"},
		{"/v1/attempts/0193d2a4", "/v1/attempts/0193d2a4"},
	}
	for _, tt := range tests {
		if got := loggedPath(tt.path); got != tt.want {
			t.Errorf("loggedPath(%q) = %q; want %q", tt.path, got, tt.want)
		}
	}
}
