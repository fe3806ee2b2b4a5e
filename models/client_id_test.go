package models

import (
	"strings"
	"testing"
	"time"
)

func TestClientID(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	v7 := "0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f" // 2024-12
	tests := []struct {
		name, id, want string
		ok             bool
	}{
		{"empty: the server chooses", "", "", true},
		{"UUIDv7", v7, v7, true},
		{"upper case is stored lower case", strings.ToUpper(v7), v7, true},
		{"UUIDv4", "6ba7b810-9dad-41d1-80b4-00c04fd430c8", "", false},
		{"nil UUID", "00000000-0000-0000-0000-000000000000", "", false},
		{"no hyphens", strings.ReplaceAll(v7, "-", ""), "", false},
		{"braces", "{" + v7 + "}", "", false},
		{"urn", "urn:uuid:" + v7, "", false},
		{"not a UUID", "nope", "", false},
		{"wrong variant", "0193d2a4-7c3e-7b1a-1f00-5a1b2c3d4e5f", "", false},
		{"dated next year", "01a3fe63-0800-7000-8000-000000000000", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v ValidationError
			id := tt.id
			v.ClientID("id", &id, now)
			if ok := v.Err() == nil; ok != tt.ok || (ok && id != tt.want) {
				t.Errorf("ClientID(%q) = %q, %v; want %q, ok %v", tt.id, id, v.Err(), tt.want, tt.ok)
			}
		})
	}
}

func FuzzClientID(f *testing.F) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f", "nope", "", "{0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v ValidationError
		id := s
		v.ClientID("id", &id, now)
		if v.Err() != nil {
			return
		}
		// Whatever is accepted is stored canonical, and accepted again as is.
		if s != "" && (len(id) != 36 || id != strings.ToLower(s)) {
			t.Fatalf("ClientID(%q) stored %q; want the lower-case canonical form", s, id)
		}
		again := id
		v.ClientID("id", &again, now)
		if v.Err() != nil || again != id {
			t.Fatalf("ClientID(%q) refused its own result %q: %v", s, id, v.Err())
		}
	})
}
