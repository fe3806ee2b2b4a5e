package workflow

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"skillbook/auth"
	"skillbook/models"
)

// pinWorld is an evalWorld whose instructor ivy has a signing PIN, with
// ann's evaluation request waiting, and that counts the PIN comparisons
// (each a bcrypt run in production).
type pinWorld struct {
	*evalWorld
	attempts map[string]models.Attempt // waiting, by student
	compares atomic.Int64
}

const ivyPIN = "482913"

func newPINWorld(tb testing.TB) *pinWorld {
	tb.Helper()
	w := &pinWorld{evalWorld: newEvalWorld(tb)}
	if err := w.app.SetSigningPIN(context.Background(), w.instructor, ivyPIN); err != nil {
		tb.Fatal(err)
	}
	compare := w.app.pins.compare
	w.app.pins.compare = func(hash, pin string) bool {
		w.compares.Add(1)
		return compare(hash, pin)
	}
	w.attempts = map[string]models.Attempt{"ann": w.request(tb, w.student), "bob": w.request(tb, w.classmate)}
	return w
}

// try signs caller's request with pin on their device.
func (w *pinWorld) try(caller Caller, pin string) error {
	_, err := w.app.Evaluate(context.Background(), caller, EvaluateInput{AttemptID: w.attempts[caller.ID].ID, Setting: models.SettingSkillsLab,
		Steps: w.grades(), Attest: true, Signer: &PINSigner{InstructorID: "ivy", PIN: pin}})
	return err
}

// lock locks ivy's PIN with wrong tries, a minute apart (within the
// limits).
func (w *pinWorld) lock(tb testing.TB) {
	tb.Helper()
	for range auth.MaxPINFailures {
		w.clock.Advance(time.Minute)
		if err := w.try(w.student, "975310"); refusalCode(err) != "signing-pin-rejected" {
			tb.Fatalf("wrong PIN = %v; want rejected", err)
		}
	}
}

func refusalCode(err error) string {
	var r *models.Refusal
	var l *models.Limited
	switch {
	case errors.As(err, &r):
		return r.Code
	case errors.As(err, &l):
		return l.Code
	case err == nil:
		return ""
	}
	return err.Error()
}

// TestALockedPINFloodCostsNoBcrypt: once the PIN is locked, no try (not
// even the right PIN) is compared, none is audited on its own, and the
// lock is one audit entry that tells the instructor; the new PIN's entry
// carries how many tries were refused.
func TestALockedPINFloodCostsNoBcrypt(t *testing.T) {
	w := newPINWorld(t)
	w.lock(t)
	if n := w.compares.Load(); n != auth.MaxPINFailures {
		t.Fatalf("comparisons to lock the PIN = %d; want %d", n, auth.MaxPINFailures)
	}
	eventsAtLock := len(w.store.events)
	const flood = 200
	for i := range flood {
		w.clock.Advance(time.Minute)
		pin := "975310"
		if i%2 == 0 {
			pin = ivyPIN
		}
		if err := w.try(w.student, pin); refusalCode(err) != "signing-pin-locked" {
			t.Fatalf("try %d on a locked PIN = %v; want signing-pin-locked", i, err)
		}
	}
	if n := w.compares.Load(); n != auth.MaxPINFailures {
		t.Errorf("comparisons after a flood of %d tries on the locked PIN = %d; want none more than the %d before the lock", flood, n, auth.MaxPINFailures)
	}
	if n := len(w.store.events); n != eventsAtLock {
		t.Errorf("audit entries written by the flood = %d; want none (the tries are counted)", n-eventsAtLock)
	}
	var locks []models.Event
	for _, e := range w.store.events {
		if e.Type == models.EventSigningPINLocked {
			locks = append(locks, e)
		}
	}
	if len(locks) != 1 || len(locks[0].Notify) != 1 || locks[0].Notify[0].UserID != "ivy" || locks[0].Notify[0].Category != models.CategorySigningPIN {
		t.Fatalf("lock entries = %+v; want one, notifying ivy under %q", locks, models.CategorySigningPIN)
	}
	if u, _ := w.store.User(context.Background(), "p1", "ivy"); u.PINRefused != flood {
		t.Errorf("refused tries counted = %d; want %d", u.PINRefused, flood)
	}

	ivy, _ := w.store.User(context.Background(), "p1", "ivy")
	if err := w.app.SetSigningPIN(context.Background(), Caller{User: ivy}, "559120"); err != nil {
		t.Fatal(err)
	}
	set := w.store.events[len(w.store.events)-1]
	if set.Type != models.EventSigningPINSet || set.Data["refusedWhileLocked"] != "200" || set.Data["unlocked"] != "true" {
		t.Errorf("new PIN's entry = %+v; want it to end the lock with the 200 refused tries", set)
	}
	if err := w.try(w.student, "559120"); err != nil {
		t.Errorf("the new PIN = %v; want it signs", err)
	}
}

// TestPINTryLimits: tries beyond a student's or an instructor's limit are
// refused (429 with Retry-After) before the PIN is compared.
func TestPINTryLimits(t *testing.T) {
	tests := []struct {
		name string
		// tries by caller index (0 ann, 1 bob), all at once.
		tries []int
		// want is the code of each try's refusal ("" for signed… or
		// rejected as a wrong PIN: "signing-pin-rejected").
		want      []string
		compares  int64
		wantAfter time.Duration
	}{
		{"a student's burst, then the limit", burst(0, pinTriesPerStudent+1),
			append(repeat("rejected", pinTriesPerStudent), "limited"), pinTriesPerStudent, pinTriesStudentEvery},
		{"another student is not held up by the first", append(burst(0, pinTriesPerStudent+1), 1),
			append(repeat("rejected", pinTriesPerStudent), "limited", "rejected"), pinTriesPerStudent + 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newPINWorld(t)
			// Many wrong tries must not lock the PIN here: reset the
			// count between tries with the right PIN kept out of it.
			callers := []Caller{w.student, w.classmate}
			var after time.Duration
			for i, c := range tt.tries {
				w.store.mu.Lock()
				u := w.store.users["ivy"]
				u.PINFailures = 0
				w.store.users["ivy"] = u
				w.store.mu.Unlock()
				err := w.try(callers[c], "975310")
				got := map[string]string{"signing-pin-rejected": "rejected", "signing-pin-tries-limited": "limited"}[refusalCode(err)]
				if got != tt.want[i] {
					t.Fatalf("try %d = %v; want %s", i, err, tt.want[i])
				}
				var l *models.Limited
				if errors.As(err, &l) {
					after = l.RetryAfter
				}
			}
			if n := w.compares.Load(); n != tt.compares {
				t.Errorf("comparisons = %d; want %d", n, tt.compares)
			}
			if tt.wantAfter != 0 && after != tt.wantAfter {
				t.Errorf("Retry-After = %v; want %v", after, tt.wantAfter)
			}
		})
	}
}

// TestPINTriesPerInstructor: tries from every student together are limited
// per instructor.
func TestPINTriesPerInstructor(t *testing.T) {
	w := newPINWorld(t)
	g := newPINGuard(w.clock)
	for i := range pinTriesPerInstructor {
		if err := g.allow(string(rune('a'+i)), "device-"+string(rune('a'+i)), "ivy"); err != nil {
			t.Fatalf("try %d from its own student = %v; want allowed", i, err)
		}
	}
	var l *models.Limited
	if err := g.allow("zed", "device-zed", "ivy"); !errors.As(err, &l) || l.RetryAfter != pinTriesInstructorEvery {
		t.Fatalf("try %d on ivy's PIN = %v; want limited for %v", pinTriesPerInstructor+1, err, pinTriesInstructorEvery)
	}
	if err := g.allow("zed", "device-zed", "oz"); err != nil {
		t.Fatalf("a try on another instructor's PIN = %v; want allowed", err)
	}
}

// TestPINTriesPerDevice: students taking turns on one device share its
// limit, whoever is signed in; another device, or the same address with
// another Skillbook-Device, has its own.
func TestPINTriesPerDevice(t *testing.T) {
	w := newPINWorld(t)
	g := newPINGuard(w.clock)
	lab, err := models.PINDevice("203.0.113.7", "tablet-1")
	if err != nil {
		t.Fatal(err)
	}
	for i := range pinTriesPerDevice {
		if err := g.allow(fmt.Sprintf("student-%d", i), lab, fmt.Sprintf("instructor-%d", i)); err != nil {
			t.Fatalf("try %d on the lab tablet = %v; want allowed", i, err)
		}
	}
	var l *models.Limited
	if err := g.allow("student-new", lab, "instructor-new"); !errors.As(err, &l) || l.RetryAfter != pinTriesDeviceEvery {
		t.Fatalf("try %d on the lab tablet = %v; want limited for %v", pinTriesPerDevice+1, err, pinTriesDeviceEvery)
	}
	other, _ := models.PINDevice("203.0.113.7", "tablet-2")
	if err := g.allow("student-new", other, "instructor-new"); err != nil {
		t.Fatalf("a try on another tablet behind the same address = %v; want allowed", err)
	}
	w.clock.Advance(pinTriesDeviceEvery)
	if err := g.allow("student-later", lab, "instructor-later"); err != nil {
		t.Fatalf("a try on the lab tablet %v later = %v; want allowed", pinTriesDeviceEvery, err)
	}
}

// TestPINDeviceHeaderChecked: a malformed Skillbook-Device is a validation
// problem, before any PIN work.
func TestPINDeviceHeaderChecked(t *testing.T) {
	w := newPINWorld(t)
	_, err := w.app.Evaluate(context.Background(), w.student, EvaluateInput{AttemptID: w.attempts["ann"].ID, Setting: models.SettingSkillsLab,
		Steps: w.grades(), Attest: true, Signer: &PINSigner{InstructorID: "ivy", PIN: ivyPIN, ClientIP: "203.0.113.7", Device: "bad device"}})
	var v *models.ValidationError
	if !errors.As(err, &v) || w.compares.Load() != 0 {
		t.Fatalf("Evaluate with a bad Skillbook-Device = %v (%d comparisons); want a ValidationError, none", err, w.compares.Load())
	}
}

// BenchmarkRefusedTryOnALockedPIN measures a try on a locked PIN through
// the whole use case (over the in-memory store): it is refused before any
// bcrypt comparison, so it costs microseconds, not bcrypt's ~0.1 s.
func BenchmarkRefusedTryOnALockedPIN(b *testing.B) {
	w := newPINWorld(b)
	w.lock(b)
	before := w.compares.Load()
	for b.Loop() {
		w.clock.Advance(time.Minute) // keep within the try limits
		if err := w.try(w.student, ivyPIN); refusalCode(err) != "signing-pin-locked" {
			b.Fatalf("try on a locked PIN = %v", err)
		}
	}
	if n := w.compares.Load(); n != before {
		b.Fatalf("comparisons while locked = %d; want 0", n-before)
	}
}

// burst is n tries by caller c.
func burst(c, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = c
	}
	return out
}

// repeat is n times s.
func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
