package auth_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"skillbook/auth"
	"skillbook/auth/authtest"
	"skillbook/models"
)

// TestAccountStatus asks the real emulator about an account as a PIN
// sign-off does: enabled at first, then revoked, then disabled; an
// account that does not exist is ErrNotFound.
func TestAccountStatus(t *testing.T) {
	ctx := context.Background()
	v, err := auth.NewVerifier(ctx, auth.Config{ProjectID: authtest.ProjectID, EmulatorHost: authtest.Host(t)})
	if err != nil {
		t.Fatal(err)
	}
	acct := authtest.SignUp(t, fmt.Sprintf("status-%d@test.skillbook.test", time.Now().UnixNano()), true)
	pinSetAt := time.Now()

	st, err := v.AccountStatus(ctx, acct.UID)
	if err != nil || st.Disabled || st.SessionsValidAfter.After(pinSetAt) || st.SessionsValidAfter.IsZero() {
		t.Fatalf("AccountStatus(new) = %+v, %v; want enabled, sessions valid since it was created", st, err)
	}
	if err := models.PINAccountRefusal(st, pinSetAt); err != nil {
		t.Fatalf("PINAccountRefusal(new) = %v; want nil", err)
	}

	authtest.Revoke(t, acct.UID)
	st, err = v.AccountStatus(ctx, acct.UID)
	if err != nil || !st.SessionsValidAfter.After(pinSetAt) {
		t.Fatalf("AccountStatus(revoked) = %+v, %v; want sessions valid only after the PIN was set", st, err)
	}
	var r *models.Refusal
	if err := models.PINAccountRefusal(st, pinSetAt); !errors.As(err, &r) || r.Code != "signing-pin-revoked" {
		t.Fatalf("PINAccountRefusal(revoked) = %v; want signing-pin-revoked", err)
	}

	authtest.Disable(t, acct.UID)
	if st, err = v.AccountStatus(ctx, acct.UID); err != nil || !st.Disabled {
		t.Fatalf("AccountStatus(disabled) = %+v, %v; want disabled", st, err)
	}

	if _, err := v.AccountStatus(ctx, "no-such-uid-"+fmt.Sprint(time.Now().UnixNano())); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("AccountStatus(missing) = %v; want ErrNotFound", err)
	}
}
