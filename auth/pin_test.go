package auth

import (
	"errors"
	"strings"
	"testing"

	"skillbook/models"
)

func TestValidatePIN(t *testing.T) {
	tests := []struct {
		pin     string
		problem string // "" when valid; else a phrase of the problem
	}{
		{"482913", ""},
		{"559120", ""},
		{"112233", ""},
		{"123457", ""},
		{"000000000001", ""},
		{"482913482913", ""},
		{"345678901", ""}, // a run that wraps (8, 9, 0, 1) is not a plain run
		{"", "6 to 12 digits"},
		{"48291", "6 to 12 digits"},
		{"4829134829134", "6 to 12 digits"},
		{"48291a", "digits only"},
		{"482 913", "digits only"},
		{"４８２９１３", "6 to 12 digits"}, // full-width digits are many bytes
		{"000000", "too easy"},
		{"999999999999", "too easy"},
		{"123456", "too easy"},
		{"987654", "too easy"},
		{"456789", "too easy"},
	}
	for _, tt := range tests {
		err := ValidatePIN(tt.pin)
		if tt.problem == "" {
			if err != nil {
				t.Errorf("ValidatePIN(%q) = %v; want nil", tt.pin, err)
			}
			continue
		}
		var v *models.ValidationError
		if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "pin" || !strings.Contains(v.Problems[0].Message, tt.problem) {
			t.Errorf("ValidatePIN(%q) = %v; want a pin problem saying %q", tt.pin, err, tt.problem)
		}
	}
}

func TestHashAndCheckPIN(t *testing.T) {
	hash, err := HashPIN("482913")
	if err != nil {
		t.Fatal(err)
	}
	if hash == "482913" || !strings.HasPrefix(hash, "$2") {
		t.Fatalf("HashPIN = %q; want a bcrypt hash", hash)
	}
	for _, c := range []struct {
		hash, pin string
		ok        bool
	}{
		{hash, "482913", true},
		{hash, "482914", false},
		{"", "482913", false},
		{hash, strings.Repeat("4", 73), false},
	} {
		if got := CheckPIN(c.hash, c.pin); got != c.ok {
			t.Errorf("CheckPIN(%.10q…, %.10q…) = %v; want %v", c.hash, c.pin, got, c.ok)
		}
	}
}
