package auth

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"skillbook/models"
)

// pinCost makes each guess cost tens of milliseconds of CPU, on top of the
// five-try lock, so a stolen database does not give PINs away cheaply.
const pinCost = 11

// MaxPINFailures locks a signing PIN after this many wrong tries in a row;
// the instructor unlocks it by setting a new PIN from their own session.
const MaxPINFailures = 5

// ValidatePIN checks a new signing PIN: 6 to 12 digits, not all one digit
// and not a plain run such as 123456.
func ValidatePIN(pin string) error {
	var v models.ValidationError
	if len(pin) < 6 || len(pin) > 12 {
		v.Add("pin", "must be 6 to 12 digits")
		return v.Err()
	}
	same, up, down := true, true, true
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			v.Add("pin", "must contain digits only")
			return v.Err()
		}
		if i > 0 {
			same = same && pin[i] == pin[0]
			up = up && pin[i] == pin[i-1]+1
			down = down && pin[i] == pin[i-1]-1
		}
	}
	if same || up || down {
		v.Add("pin", "is too easy to guess")
	}
	return v.Err()
}

// HashPIN returns a salted bcrypt hash of pin.
func HashPIN(pin string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pin), pinCost)
	if err != nil {
		return "", fmt.Errorf("hash PIN: %w", err)
	}
	return string(h), nil
}

// CheckPIN reports whether pin matches hash.
func CheckPIN(hash, pin string) bool {
	if hash == "" || len(pin) > 72 {
		return false
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pin))
	return err == nil && !errors.Is(err, bcrypt.ErrMismatchedHashAndPassword)
}
