package workflow

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"skillbook/models"
)

// pinNotices returns the pin-sign-offs notifications the store was given.
func (f *fakeEvaluationStore) pinNotices() []models.Notification {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []models.Notification
	for _, e := range f.events {
		for _, n := range e.Notify {
			if n.Category == models.CategoryPINSignOffs {
				out = append(out, n)
			}
		}
	}
	return out
}

// TestPINSignOffTellsTheInstructor: every evaluation made with a PIN on a
// student's phone puts a notice with the student, the skill, the outcome
// and the steps in the instructor's own feed (and push); one made in the
// instructor's own session does not.
func TestPINSignOffTellsTheInstructor(t *testing.T) {
	tests := []struct {
		name   string
		failed []string
		byPIN  bool
		want   []string // parts of the notice's body; nil: no notice
	}{
		{"a PIN pass", nil, true, []string{"Ann Archer", "Measure blood pressure", "passed (100%)", "3 of 3 steps passed", "Void it"}},
		{"a PIN failure", []string{"hand-hygiene"}, true, []string{"Ann Archer", "not passed (66%)", "2 of 3 steps passed; failed: Perform hand hygiene.", "Not you?"}},
		{"a session sign-off", nil, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newPINWorld(t)
			in := EvaluateInput{AttemptID: w.attempts["ann"].ID, Setting: models.SettingSkillsLab, Steps: w.grades(tt.failed...), Attest: true}
			caller := w.instructor
			if tt.byPIN {
				caller, in.Signer = w.student, &PINSigner{InstructorID: "ivy", PIN: ivyPIN}
			}
			a, err := w.app.Evaluate(context.Background(), caller, in)
			if err != nil {
				t.Fatalf("Evaluate = %v", err)
			}
			got := w.store.pinNotices()
			if tt.want == nil {
				if len(got) != 0 {
					t.Fatalf("notices = %+v; want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("notices = %+v; want one", got)
			}
			n := got[0]
			if n.UserID != "ivy" || n.Data["attemptId"] != a.ID || n.Data["screen"] != "attempt" {
				t.Errorf("notice = %+v; want ivy's, opening attempt %s", n, a.ID)
			}
			for _, part := range tt.want {
				if !strings.Contains(n.Body, part) {
					t.Errorf("notice body %q; want it to say %q", n.Body, part)
				}
			}
		})
	}
}

// signByPIN has ann's request passed with ivy's PIN on ann's phone.
func (w *pinWorld) signByPIN(tb testing.TB, failed ...string) models.Attempt {
	tb.Helper()
	a, err := w.app.Evaluate(context.Background(), w.student, EvaluateInput{AttemptID: w.attempts["ann"].ID, Setting: models.SettingSkillsLab,
		Steps: w.grades(failed...), Attest: true, Signer: &PINSigner{InstructorID: "ivy", PIN: ivyPIN}})
	if err != nil {
		tb.Fatalf("PIN sign-off: %v", err)
	}
	return a
}

// TestVoidAPINSignOff: the instructor whose PIN signed voids it from their
// own session; the attempt is voided with a signed void amendment, the
// student is told, and may request again.
func TestVoidAPINSignOff(t *testing.T) {
	w := newPINWorld(t)
	signed := w.signByPIN(t)
	w.clock.Advance(3 * time.Hour)
	a, err := w.app.Void(context.Background(), w.instructor, VoidInput{AttemptID: signed.ID, Version: signed.Version, Reason: "Not me: I was not in the lab", Attest: true})
	if err != nil {
		t.Fatalf("Void = %v", err)
	}
	if a.Status != models.StatusVoided || len(a.Amendments) != 1 {
		t.Fatalf("voided attempt = %s with %d amendments; want voided with one", a.Status, len(a.Amendments))
	}
	am := a.Amendments[0]
	if am.Kind != models.AmendVoid || am.Signature.SignerID != "ivy" || am.Signature.Digest == "" || am.Correction != models.VoidCorrection {
		t.Errorf("void amendment = %+v; want a void signed by ivy", am)
	}
	if v := models.Verify(&a, w.app.signing.Keys); !v.Intact || len(v.Amendments) != 1 || !v.Amendments[0].SignatureValid {
		t.Errorf("Verify(voided) = %+v; want intact", v)
	}
	types := w.store.eventTypes()
	if types[len(types)-1] != models.EventEvaluationVoided {
		t.Errorf("events = %v; want the void last", types)
	}
	if _, err := w.app.Void(context.Background(), w.instructor, VoidInput{AttemptID: signed.ID, Reason: "again", Attest: true}); !errors.Is(err, models.ErrConflict) {
		t.Errorf("second Void = %v; want a conflict", err)
	}
	// The pass no longer counts: ann may ask to be evaluated again.
	if _, err := w.app.CreateAttempt(context.Background(), w.student, NewAttempt{ChecklistID: w.checklist.ID, Kind: models.AttemptEvaluation}); err != nil {
		t.Errorf("request after the void = %v; want accepted", err)
	}
}

func TestVoidRefused(t *testing.T) {
	tests := []struct {
		name  string
		after time.Duration
		who   func(w *pinWorld) Caller
		in    VoidInput
		want  string
	}{
		{"past the program's window", 24*time.Hour + time.Second, func(w *pinWorld) Caller { return w.instructor }, VoidInput{Reason: "late", Attest: true}, "void-window-passed"},
		{"by another instructor", 0, func(w *pinWorld) Caller { return w.outsider }, VoidInput{Reason: "x", Attest: true}, "forbidden"},
		{"by the student", 0, func(w *pinWorld) Caller { return w.student }, VoidInput{Reason: "x", Attest: true}, "forbidden"},
		{"by an admin", 0, func(w *pinWorld) Caller { return w.admin }, VoidInput{Reason: "x", Attest: true}, "forbidden"},
		{"without a reason", 0, func(w *pinWorld) Caller { return w.instructor }, VoidInput{Reason: "  ", Attest: true}, "validation"},
		{"without attest", 0, func(w *pinWorld) Caller { return w.instructor }, VoidInput{Reason: "not me"}, "validation"},
		{"at a stale version", 0, func(w *pinWorld) Caller { return w.instructor }, VoidInput{Version: 1, Reason: "not me", Attest: true}, "precondition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newPINWorld(t)
			signed := w.signByPIN(t)
			w.clock.Advance(tt.after)
			tt.in.AttemptID = signed.ID
			_, err := w.app.Void(context.Background(), tt.who(w), tt.in)
			var rule *models.RuleError
			var v *models.ValidationError
			got := ""
			switch {
			case errors.As(err, &rule):
				got = rule.Code
			case errors.As(err, &v):
				got = "validation"
			case errors.Is(err, models.ErrForbidden):
				got = "forbidden"
			case errors.Is(err, models.ErrPreconditionFailed):
				got = "precondition"
			}
			if got != tt.want {
				t.Fatalf("Void = %v; want %s", err, tt.want)
			}
			if a := w.store.attempts[signed.ID]; a.Status != models.StatusPassed {
				t.Errorf("attempt after a refused void = %s; want still passed", a.Status)
			}
		})
	}
}

// TestVoidWindowIsTheProgramsSetting: a program's longer window lets a
// void through that the default refuses.
func TestVoidWindowIsTheProgramsSetting(t *testing.T) {
	w := newPINWorld(t)
	w.store.program.PINVoidHours = 72
	signed := w.signByPIN(t)
	w.clock.Advance(48 * time.Hour)
	if _, err := w.app.Void(context.Background(), w.instructor, VoidInput{AttemptID: signed.ID, Reason: "not me", Attest: true}); err != nil {
		t.Fatalf("Void within a 72 h window = %v", err)
	}
}

// TestPINAccountChecked: at each PIN use the instructor's sign-in account
// is asked about, before the PIN is compared; a disabled, deleted or
// revoked-since-the-PIN account refuses the PIN (and costs no bcrypt).
func TestPINAccountChecked(t *testing.T) {
	tests := []struct {
		name string
		edit func(w *pinWorld)
		want string
	}{
		{"enabled", func(*pinWorld) {}, ""},
		{"revoked before the PIN was set", func(w *pinWorld) {
			w.accounts.set("uid-ivy", func(st *models.AccountStatus) { st.SessionsValidAfter = evalStart.Add(-time.Minute) })
		}, ""},
		{"disabled", func(w *pinWorld) { w.accounts.set("uid-ivy", func(st *models.AccountStatus) { st.Disabled = true }) }, "instructor-account-disabled"},
		{"revoked since the PIN was set", func(w *pinWorld) {
			w.accounts.set("uid-ivy", func(st *models.AccountStatus) { st.SessionsValidAfter = w.clock.Now() })
		}, "signing-pin-revoked"},
		{"deleted", func(w *pinWorld) {
			w.accounts.mu.Lock()
			delete(w.accounts.accounts, "uid-ivy")
			w.accounts.mu.Unlock()
		}, "instructor-account-gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newPINWorld(t)
			w.clock.Advance(time.Hour)
			tt.edit(w)
			compares := w.compares.Load()
			err := w.try(w.student, ivyPIN)
			if got := refusalCode(err); got != tt.want {
				t.Fatalf("PIN sign-off = %v; want %q", err, tt.want)
			}
			if tt.want != "" && w.compares.Load() != compares {
				t.Errorf("a refused account's PIN was compared; want no bcrypt work")
			}
		})
	}
}

// TestPINSignOffUnavailableWithoutAccounts: a server that cannot ask about
// accounts refuses PIN sign-off rather than trust the PIN alone.
func TestPINSignOffUnavailableWithoutAccounts(t *testing.T) {
	w := newPINWorld(t)
	w.app.accounts = nil
	if err := w.try(w.student, ivyPIN); !errors.Is(err, models.ErrUnavailable) {
		t.Fatalf("PIN sign-off without accounts = %v; want ErrUnavailable", err)
	}
}

func TestSetPINVoidWindow(t *testing.T) {
	tests := []struct {
		name  string
		who   func(w *pinWorld) Caller
		hours int
		want  string // "" set; "forbidden"; "validation"
	}{
		{"an admin, two days", func(w *pinWorld) Caller { return w.admin }, 48, ""},
		{"an admin, the least", func(w *pinWorld) Caller { return w.admin }, 1, ""},
		{"an admin, the most", func(w *pinWorld) Caller { return w.admin }, 168, ""},
		{"an admin, too long", func(w *pinWorld) Caller { return w.admin }, 169, "validation"},
		{"an admin, none", func(w *pinWorld) Caller { return w.admin }, 0, "validation"},
		{"an instructor", func(w *pinWorld) Caller { return w.instructor }, 48, "forbidden"},
		{"a student", func(w *pinWorld) Caller { return w.student }, 48, "forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newPINWorld(t)
			got, err := w.app.SetPINVoidWindow(context.Background(), tt.who(w), tt.hours)
			var v *models.ValidationError
			switch {
			case tt.want == "" && (err != nil || got.PINVoidWindowHours != tt.hours):
				t.Fatalf("SetPINVoidWindow(%d) = %+v, %v; want set", tt.hours, got, err)
			case tt.want == "forbidden" && !errors.Is(err, models.ErrForbidden):
				t.Fatalf("SetPINVoidWindow = %v; want forbidden", err)
			case tt.want == "validation" && !errors.As(err, &v):
				t.Fatalf("SetPINVoidWindow(%d) = %v; want a ValidationError", tt.hours, err)
			}
			want := 24
			if tt.want == "" {
				want = tt.hours
				types := w.store.eventTypes()
				if types[len(types)-1] != models.EventProgramUpdated {
					t.Errorf("events = %v; want the change audited", types)
				}
			}
			if s, _ := w.app.ProgramSettings(context.Background(), w.instructor); s.PINVoidWindowHours != want {
				t.Errorf("ProgramSettings = %+v; want %d hours", s, want)
			}
		})
	}
}

// TestAVoidedEvaluationIsNotAmended: once voided, the evaluation is
// closed: an amendment is a conflict that says so.
func TestAVoidedEvaluationIsNotAmended(t *testing.T) {
	w := newPINWorld(t)
	signed := w.signByPIN(t)
	if _, err := w.app.Void(context.Background(), w.instructor, VoidInput{AttemptID: signed.ID, Reason: "not me", Attest: true}); err != nil {
		t.Fatal(err)
	}
	_, err := w.app.Amend(context.Background(), w.instructor, AmendInput{EvaluationID: signed.Evaluation.ID, Reason: "typo", Correction: "x", Attest: true})
	if !errors.Is(err, models.ErrConflict) || !strings.Contains(err.Error(), "voided") {
		t.Fatalf("Amend(voided) = %v; want a conflict saying it was voided", err)
	}
}

// TestALockedPINCostsNoAccountLookup: tries on a locked PIN are refused
// before the identity provider is asked, as before bcrypt.
func TestALockedPINCostsNoAccountLookup(t *testing.T) {
	w := newPINWorld(t)
	w.lock(t)
	w.accounts.mu.Lock()
	before := w.accounts.calls
	w.accounts.mu.Unlock()
	for range 3 {
		w.clock.Advance(time.Minute)
		if err := w.try(w.student, ivyPIN); refusalCode(err) != "signing-pin-locked" {
			t.Fatalf("try on the locked PIN = %v; want signing-pin-locked", err)
		}
	}
	w.accounts.mu.Lock()
	defer w.accounts.mu.Unlock()
	if w.accounts.calls != before {
		t.Errorf("account lookups on a locked PIN = %d; want none", w.accounts.calls-before)
	}
}
