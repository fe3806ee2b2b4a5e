package export_test

import (
	"testing"

	"skillbook/export"
)

func TestSafeCell(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"Ann Archer", "Ann Archer"},
		{"=1+1", "'=1+1"},
		{"=HYPERLINK(\"http://x.test\")", "'=HYPERLINK(\"http://x.test\")"},
		{"+1 555 0100", "'+1 555 0100"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"＝1+1", "'＝1+1"},
		{"a=1", "a=1"},
		{" =1", " =1"},
		{"O'Brien", "O'Brien"},
		{"CMA (AAMA)", "CMA (AAMA)"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := export.SafeCell(tt.in); got != tt.want {
				t.Errorf("SafeCell(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}
