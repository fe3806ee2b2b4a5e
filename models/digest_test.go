package models

import "testing"

func TestDigest(t *testing.T) {
	tests := []struct {
		parts []string
		want  string
	}{
		// sha256 of a single zero byte.
		{[]string{""}, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"},
		// sha256("ab\x00c\x00").
		{[]string{"ab", "c"}, "629c2f14f654f026086f2aefe1855533d0897f49df86a19073be17b237361b09"},
	}
	for _, tt := range tests {
		if got := Digest(tt.parts...); got != tt.want {
			t.Errorf("Digest(%q) = %s; want %s", tt.parts, got, tt.want)
		}
	}
	if Digest("ab", "c") == Digest("a", "bc") {
		t.Errorf(`Digest("ab", "c") = Digest("a", "bc"); want the split to count`)
	}
}
