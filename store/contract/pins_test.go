package contract_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

// TestSigningPINTriesLockAfterMaxFailures: wrong tries count up to the
// lock, a right one resets the count unless locked, a new PIN unlocks;
// tries change no version and every one is audited.
func TestSigningPINTriesLockAfterMaxFailures(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p, other := newProgram(t, s), newProgram(t, s)
		ivy := invite(t, s, p, "ivy@example.com", models.RoleInstructor)
		event := func(typ models.EventType) models.Event {
			return models.Event{Type: typ, ProgramID: p, Actor: admin, Subject: "user", SubjectID: ivy.ID, Summary: string(typ)}
		}
		setPIN := func(hash string) {
			t.Helper()
			if err := s.SetSigningPIN(ctx, p, ivy.ID, hash, event(models.EventSigningPINSet)); err != nil {
				t.Fatal(err)
			}
		}
		const max = 3
		try := func(ok bool) (int, bool) {
			t.Helper()
			typ := models.EventSigningPINAccepted
			if !ok {
				typ = models.EventSigningPINRejected
			}
			n, locked, err := s.RecordPINTry(ctx, p, ivy.ID, ok, max, event(typ), event(models.EventSigningPINLocked))
			if err != nil {
				t.Fatalf("RecordPINTry = %v", err)
			}
			return n, locked
		}
		if err := s.SetSigningPIN(ctx, other, ivy.ID, "hash-0", event(models.EventSigningPINSet)); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("SetSigningPIN(another program) = %v; want ErrNotFound", err)
		}
		setPIN("$2a$fake")
		if u, _ := s.User(ctx, p, ivy.ID); !u.PINSet || u.PINHash != "$2a$fake" || u.PINFailures != 0 || u.Version != 2 {
			t.Fatalf("after SetSigningPIN user = %+v; want the hash kept, set, at version 2", u)
		}
		if n, locked := try(false); n != 1 || locked {
			t.Errorf("a wrong try = %d, %v; want 1, unlocked", n, locked)
		}
		if n, locked := try(true); n != 0 || locked {
			t.Errorf("a right try = %d, %v; want the count reset", n, locked)
		}
		for want := 1; want <= max; want++ {
			if n, locked := try(false); n != want || locked {
				t.Fatalf("wrong try %d = %d, %v; want %d, not locked", want, n, locked, want)
			}
		}
		lockedAt := clk.Now().UTC().Truncate(time.Millisecond)
		clk.Advance(time.Minute)
		if n, locked := try(true); n != max || !locked {
			t.Fatalf("right try on a locked PIN = %d, %v; want refused, locked", n, locked)
		}
		// A flood on the locked PIN is counted, not audited try by try.
		for range 3 {
			try(false)
			if err := s.RefusePINTry(ctx, p, ivy.ID, max); err != nil {
				t.Fatalf("RefusePINTry = %v", err)
			}
		}
		if u, _ := s.User(ctx, p, ivy.ID); u.PINFailures != max || u.Version != 2 || u.PINRefused != 7 ||
			u.PINLockedAt == nil || !u.PINLockedAt.Equal(lockedAt) {
			t.Errorf("after the lock = failures %d, version %d, refused %d, locked at %v; want %d, 2 (tries change no version), 7, %v",
				u.PINFailures, u.Version, u.PINRefused, u.PINLockedAt, max, lockedAt)
		}
		setPIN("$2a$other")
		if err := s.RefusePINTry(ctx, p, ivy.ID, max); err != nil {
			t.Fatalf("RefusePINTry on an unlocked PIN = %v", err)
		}
		if u, _ := s.User(ctx, p, ivy.ID); u.PINFailures != 0 || u.PINRefused != 0 || u.PINLockedAt != nil {
			t.Errorf("after a new PIN (and a late refused try) = failures %d, refused %d, locked at %v; want no lock left",
				u.PINFailures, u.PINRefused, u.PINLockedAt)
		}
		if n, locked := try(false); n != 1 || locked {
			t.Fatalf("wrong try after a new PIN = %d, %v; want 1", n, locked)
		}
		if n, locked := try(true); n != 0 || locked {
			t.Fatalf("right try = %d, %v; want the count reset", n, locked)
		}
		want := []string{"user.invited", "user.signing-pin-set", "user.signing-pin-rejected", "user.signing-pin-accepted",
			"user.signing-pin-rejected", "user.signing-pin-rejected", "user.signing-pin-rejected",
			"user.signing-pin-locked", "user.signing-pin-set", "user.signing-pin-rejected", "user.signing-pin-accepted"}
		if got := auditTypes(t, s, p, ivy.ID); !slices.Equal(got, want) {
			t.Fatalf("audit = %v; want %v", got, want)
		}
		if _, _, err := s.RecordPINTry(ctx, p, newID(), true, max, event(models.EventSigningPINAccepted), event(models.EventSigningPINLocked)); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("RecordPINTry(no such user) = %v; want ErrNotFound", err)
		}
		if _, _, err := s.RecordPINTry(ctx, other, ivy.ID, true, max, event(models.EventSigningPINAccepted), event(models.EventSigningPINLocked)); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("RecordPINTry(another program) = %v; want ErrNotFound", err)
		}
		if err := s.SetSigningPIN(ctx, p, newID(), "h", event(models.EventSigningPINSet)); !errors.Is(err, models.ErrNotFound) {
			t.Fatalf("SetSigningPIN(no such user) = %v; want ErrNotFound", err)
		}
	})
}

// TestSigningPINKeepsItsSetTime: each PIN set stamps when, so a sign-in
// revoked after it can refuse the PIN; the time is read back with the
// user everywhere a user is read.
func TestSigningPINKeepsItsSetTime(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		p := newProgram(t, s)
		ivy := invite(t, s, p, "ivy@example.com", models.RoleInstructor)
		if u, _ := s.User(ctx, p, ivy.ID); u.PINSetAt != nil {
			t.Fatalf("PINSetAt before any PIN = %v; want none", u.PINSetAt)
		}
		ev := models.Event{Type: models.EventSigningPINSet, ProgramID: p, Actor: admin, Subject: "user", SubjectID: ivy.ID, Summary: "set"}
		for range 2 {
			clk.Advance(time.Hour)
			want := clk.Now().UTC().Truncate(time.Millisecond)
			if err := s.SetSigningPIN(ctx, p, ivy.ID, "$2a$fake", ev); err != nil {
				t.Fatal(err)
			}
			u, err := s.User(ctx, p, ivy.ID)
			if err != nil || u.PINSetAt == nil || !u.PINSetAt.Equal(want) {
				t.Fatalf("PINSetAt = %v, %v; want %v", u.PINSetAt, err, want)
			}
		}
	})
}
