package sqlite

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/models"
)

func TestPeoplePINTriesAndLock(t *testing.T) {
	t.Parallel()
	s, clk := openTest(t)
	ctx := context.Background()
	p, other := peopleProgram(t, s), peopleProgram(t, s)
	in := peopleInvite(t, s, p, "in@example.com", models.RoleInstructor)
	ev := func(typ models.EventType) models.Event {
		return models.Event{Type: typ, ProgramID: p, Actor: peopleAdmin, Subject: "user", SubjectID: in.ID}
	}
	if err := s.SetSigningPIN(ctx, other, in.ID, "hash-0", ev(models.EventSigningPINSet)); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("SetSigningPIN(another program) = %v; want not found", err)
	}
	if err := s.SetSigningPIN(ctx, p, in.ID, "hash-1", ev(models.EventSigningPINSet)); err != nil {
		t.Fatal(err)
	}
	u, _ := s.User(ctx, p, in.ID)
	if u.PINHash != "hash-1" || !u.PINSet || u.PINFailures != 0 || u.Version != 2 {
		t.Errorf("after SetSigningPIN = %+v; want the hash, set, version 2", u)
	}
	var doc string
	if err := s.reader.QueryRow(`SELECT doc FROM users WHERE id = ?`, in.ID).Scan(&doc); err != nil || strings.Contains(doc, "hash-1") {
		t.Errorf("the user's doc %s holds the PIN hash", doc)
	}

	const max = 3
	try := func(ok bool) (int, bool) {
		t.Helper()
		n, locked, err := s.RecordPINTry(ctx, p, in.ID, ok, max, ev("user.signing-pin-tried"), ev(models.EventSigningPINLocked))
		if err != nil {
			t.Fatalf("RecordPINTry = %v", err)
		}
		return n, locked
	}
	if n, locked := try(false); n != 1 || locked {
		t.Errorf("a wrong try = %d, %v; want 1, unlocked", n, locked)
	}
	if n, locked := try(true); n != 0 || locked {
		t.Errorf("a right try = %d, %v; want the count reset", n, locked)
	}
	for i := 1; i <= max; i++ {
		if n, locked := try(false); n != i || locked {
			t.Errorf("wrong try %d = %d, %v", i, n, locked)
		}
	}
	lockedAt := clk.Now().UTC().Truncate(time.Millisecond)
	clk.Advance(time.Minute)
	if n, locked := try(true); n != max || !locked {
		t.Errorf("a right try on a locked PIN = %d, %v; want refused, locked", n, locked)
	}
	// A flood on the locked PIN is counted, not audited try by try.
	for range 3 {
		try(false)
		if err := s.RefusePINTry(ctx, p, in.ID, max); err != nil {
			t.Fatalf("RefusePINTry = %v", err)
		}
	}
	if u, _ := s.User(ctx, p, in.ID); u.PINFailures != max || u.Version != 2 || u.PINRefused != 7 ||
		u.PINLockedAt == nil || !u.PINLockedAt.Equal(lockedAt) {
		t.Errorf("after the lock = failures %d, version %d, refused %d, locked at %v; want %d, 2 (tries change no version), 7, %v",
			u.PINFailures, u.Version, u.PINRefused, u.PINLockedAt, max, lockedAt)
	}
	want := []string{"user.invited", "user.signing-pin-set"}
	for range 2 + max {
		want = append(want, "user.signing-pin-tried")
	}
	want = append(want, string(models.EventSigningPINLocked))
	if got := peopleAuditTypes(t, s, p, in.ID); !slices.Equal(got, want) {
		t.Errorf("audit = %v; want %v", got, want)
	}
	if err := s.SetSigningPIN(ctx, p, in.ID, "hash-2", ev(models.EventSigningPINSet)); err != nil {
		t.Fatal(err)
	}
	if err := s.RefusePINTry(ctx, p, in.ID, max); err != nil {
		t.Fatalf("RefusePINTry on an unlocked PIN = %v", err)
	}
	if u, _ := s.User(ctx, p, in.ID); u.PINFailures != 0 || u.PINRefused != 0 || u.PINLockedAt != nil {
		t.Errorf("after a new PIN (and a late refused try) = failures %d, refused %d, locked at %v; want no lock left",
			u.PINFailures, u.PINRefused, u.PINLockedAt)
	}
	if n, locked := try(true); n != 0 || locked {
		t.Errorf("a right try after a new PIN = %d, %v; want unlocked", n, locked)
	}
	if _, _, err := s.RecordPINTry(ctx, other, in.ID, true, max, ev("x"), ev("y")); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("RecordPINTry(another program) = %v; want not found", err)
	}
}
