package contract_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

// TestIdempotencyLeaseAndExpiry walks one key through its life on a fake
// clock: claimed, in flight under its lease, taken over once the lease
// runs out, finished and replayed, refused with another body, and
// forgotten IdempotencyTTL after it was claimed.
func TestIdempotencyLeaseAndExpiry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		const lease = 20 * time.Second
		begin := func(fingerprint string) (*models.StoredResponse, error) {
			return s.BeginIdempotent(ctx, "key", fingerprint, clk.Now(), lease)
		}

		claimed := clk.Now()
		if got, err := begin("body"); got != nil || err != nil {
			t.Fatalf("first BeginIdempotent = %v, %v; want a fresh claim", got, err)
		}
		clk.Advance(lease - time.Second)
		if _, err := begin("body"); !errors.Is(err, models.ErrIdempotencyInFlight) {
			t.Errorf("BeginIdempotent under the lease = %v; want ErrIdempotencyInFlight", err)
		}
		clk.Advance(2 * time.Second)
		if got, err := begin("body"); got != nil || err != nil {
			t.Fatalf("BeginIdempotent after the lease = %v, %v; want the claim taken over", got, err)
		}
		if _, err := begin("body"); !errors.Is(err, models.ErrIdempotencyInFlight) {
			t.Errorf("BeginIdempotent under the new lease = %v; want ErrIdempotencyInFlight", err)
		}
		want := models.StoredResponse{Status: 201, Header: map[string]string{"Location": "/v1/attempts/a1"}, Body: []byte(`{"id":"a1"}`)}
		if err := s.FinishIdempotent(ctx, "key", want); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Hour)
		got, err := begin("body")
		if err != nil || got == nil || got.Status != want.Status || string(got.Body) != string(want.Body) || got.Header["Location"] != want.Header["Location"] {
			t.Errorf("BeginIdempotent after finishing = %+v, %v; want the stored response %+v", got, err, want)
		}
		if _, err := begin("another body"); !errors.Is(err, models.ErrIdempotencyMismatch) {
			t.Errorf("BeginIdempotent with another body = %v; want ErrIdempotencyMismatch", err)
		}
		// A finished key is not abandoned: a late abandon keeps the response.
		if err := s.AbandonIdempotent(ctx, "key"); err != nil {
			t.Fatal(err)
		}
		if got, err := begin("body"); err != nil || got == nil || got.Status != want.Status {
			t.Errorf("BeginIdempotent after abandoning a finished key = %+v, %v; want the stored response", got, err)
		}

		// Kept until IdempotencyTTL after the first claim; forgotten after.
		clk.Set(claimed.Add(models.IdempotencyTTL - time.Second))
		if n, err := s.PurgeIdempotency(ctx); n != 0 || err != nil {
			t.Errorf("PurgeIdempotency before expiry = %d, %v; want 0", n, err)
		}
		clk.Advance(2 * time.Second)
		if got, err := begin("another body"); got != nil || err != nil {
			t.Errorf("BeginIdempotent after expiry = %v, %v; want a fresh claim", got, err)
		}
		if err := s.AbandonIdempotent(ctx, "key"); err != nil {
			t.Fatal(err)
		}
		if got, err := begin("body"); got != nil || err != nil {
			t.Errorf("BeginIdempotent after abandoning = %v, %v; want a fresh claim", got, err)
		}
		clk.Advance(models.IdempotencyTTL + time.Second)
		if n, err := s.PurgeIdempotency(ctx); n != 1 || err != nil {
			t.Errorf("PurgeIdempotency after expiry = %d, %v; want 1", n, err)
		}
	})
}

// TestIdempotencyOneClaimUnderRacingRetries: of many retries racing for
// one fresh key, exactly one runs the request.
func TestIdempotencyOneClaimUnderRacingRetries(t *testing.T) {
	forEachAtomicEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		errs := race(16, func(int) error {
			got, err := s.BeginIdempotent(context.Background(), "race", "body", clk.Now(), time.Minute)
			if got != nil {
				return fmt.Errorf("a stored response %+v for a fresh key", got)
			}
			return err
		})
		oneWinner(t, "claim of a fresh key", errs, models.ErrIdempotencyInFlight)
	})
}
