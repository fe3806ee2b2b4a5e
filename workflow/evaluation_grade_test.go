package workflow

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"skillbook/models"
)

func TestEvaluatePassSignsWithDigest(t *testing.T) {
	w := newEvalWorld(t)
	a := w.request(t, w.student)
	w.clock.Advance(90 * time.Minute)
	now := evalStart.Add(90 * time.Minute).Truncate(time.Millisecond)

	got := w.evaluate(t, w.instructor, a, EvaluateInput{Setting: models.SettingClinicalSite, Steps: w.grades(), Comment: "  Well done. ", Attest: true})
	e := got.Evaluation
	if got.Status != models.StatusPassed || e.Outcome != models.OutcomePassed || e.Score != 100 || e.Comment != "Well done." ||
		!e.EvaluatedAt.Equal(now) || e.EvaluatedAt.Location() != time.UTC || e.EvaluatorID != "ivy" || e.ID == "" {
		t.Fatalf("Evaluate = %+v / %+v; want passed at %v by ivy", got, e, now)
	}
	sig := e.Signature
	if sig == nil || sig.SignerID != "ivy" || sig.SignerCredential != "CMA (AAMA)" || sig.Method != models.SignedInSession ||
		!sig.SignedAt.Equal(now) || sig.Meaning != models.SignatureMeaning || sig.Digest != models.EvaluationRecord(&got, *sig).Digest() {
		t.Fatalf("signature = %+v; want ivy's, in session, at %v, with the record's digest", sig, now)
	}
	if v := models.Verify(&got, w.app.signing.Keys); !v.Signed || !v.Intact || v.Evaluation.KeyID == "" {
		t.Fatalf("Verify = %+v; want signed and intact", v)
	}
	ev := w.store.events[len(w.store.events)-1]
	if ev.Type != models.EventEvaluationSigned || ev.Data["digest"] != sig.Digest || ev.Notify[0].UserID != "ann" || ev.Actor.UserID != "ivy" {
		t.Fatalf("event = %+v; want evaluation.signed with the digest, telling Ann", ev)
	}
}

func TestEvaluateOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		in      func(w *evalWorld) EvaluateInput
		status  models.AttemptStatus
		event   models.EventType
		code    string
		problem string // the field of a ValidationError
	}{
		{name: "a failed critical step fails", in: func(w *evalWorld) EvaluateInput {
			return EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades("hand-hygiene"), Attest: true}
		}, status: models.StatusFailed, event: models.EventEvaluationFailed},
		{name: "a score under the minimum fails", in: func(w *evalWorld) EvaluateInput {
			return EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades("record")}
		}, status: models.StatusFailed, event: models.EventEvaluationFailed},
		{name: "return with a comment", in: func(*evalWorld) EvaluateInput {
			return EvaluateInput{Decision: DecisionReturn, Comment: "Practise the cuff placement"}
		}, status: models.StatusReturned, event: models.EventEvaluationReturned},
		{name: "return needs a comment", in: func(*evalWorld) EvaluateInput {
			return EvaluateInput{Decision: DecisionReturn, Comment: "   "}
		}, problem: "body.comment"},
		{name: "grading needs a setting", in: func(w *evalWorld) EvaluateInput {
			return EvaluateInput{Steps: w.grades(), Attest: true}
		}, problem: "body.setting"},
		{name: "every step is graded", in: func(w *evalWorld) EvaluateInput {
			return EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades()[1:], Attest: true}
		}, problem: "steps"},
		{name: "a pass must be attested", in: func(w *evalWorld) EvaluateInput {
			return EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades()}
		}, code: "attestation-required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newEvalWorld(t)
			a := w.request(t, w.student)
			in := tt.in(w)
			in.AttemptID = a.ID
			got, err := w.app.Evaluate(context.Background(), w.instructor, in)
			var v *models.ValidationError
			var rule *models.RuleError
			switch {
			case tt.problem != "":
				if !errors.As(err, &v) || v.Problems[0].Field != tt.problem {
					t.Fatalf("Evaluate = %v; want a %s problem", err, tt.problem)
				}
			case tt.code != "":
				if !errors.As(err, &rule) || rule.Code != tt.code {
					t.Fatalf("Evaluate = %v; want rule %q", err, tt.code)
				}
			case err != nil:
				t.Fatal(err)
			default:
				// A failure is signed (it counts toward the attempt limit and
				// remediation); a returned request is not graded.
				wantSigned := got.Evaluation.Outcome == models.OutcomeFailed
				if got.Status != tt.status || (got.Evaluation.Signature != nil) != wantSigned {
					t.Fatalf("Evaluate status = %s, signature %v; want %s, signed %v", got.Status, got.Evaluation.Signature, tt.status, wantSigned)
				}
				if v := models.Verify(&got, w.app.signing.Keys); !v.Intact || v.Signed != wantSigned {
					t.Fatalf("Verify = %+v; want intact, signed %v", v, wantSigned)
				}
				if types := w.store.eventTypes(); types[len(types)-1] != tt.event {
					t.Fatalf("events = %v; want %s last", types, tt.event)
				}
			}
			if err != nil {
				if stored, _ := w.store.Attempt(context.Background(), "p1", a.ID); stored.Status != models.StatusRequested {
					t.Fatalf("after a refused evaluation the attempt is %s; want still requested", stored.Status)
				}
			}
		})
	}
}

func TestEvaluateWhoAndWhen(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	a := w.request(t, w.student)
	pass := EvaluateInput{AttemptID: a.ID, Setting: models.SettingSkillsLab, Steps: w.grades(), Attest: true}
	for _, c := range []struct {
		who    string
		caller Caller
	}{{"its student, without a PIN signer", w.student}, {"a classmate", w.classmate}, {"an instructor of another cohort", w.outsider}, {"an admin", w.admin}} {
		if _, err := w.app.Evaluate(ctx, c.caller, pass); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("Evaluate by %s = %v; want ErrForbidden", c.who, err)
		}
	}
	inactive := w.instructor
	inactive.Active = false
	if _, err := w.app.Evaluate(ctx, inactive, pass); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("Evaluate by a deactivated instructor = %v; want ErrForbidden", err)
	}
	w.evaluate(t, w.instructor, a, pass)
	if _, err := w.app.Evaluate(ctx, w.instructor, pass); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("second Evaluate = %v; want ErrConflict", err)
	}
	practice, err := w.app.CreateAttempt(ctx, w.classmate, NewAttempt{ChecklistID: "bp-manual", Kind: models.AttemptPractice})
	if err != nil {
		t.Fatal(err)
	}
	pass.AttemptID = practice.Attempt.ID
	if _, err := w.app.Evaluate(ctx, w.instructor, pass); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("Evaluate(practice) = %v; want ErrConflict", err)
	}
}

func TestEvaluateFlagsTheFailureThatReachesTheLimit(t *testing.T) {
	w := newEvalWorld(t)
	fail := EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades("hand-hygiene")}
	flags := func() int {
		n := 0
		for _, e := range w.store.events {
			if e.Type == models.EventRemediationFlagged {
				n++
				if len(e.Notify) != 1 || e.Notify[0].UserID != "adm" || e.Data["failed"] != "3" {
					t.Fatalf("flag event = %+v; want the admin told of 3 failures", e)
				}
			}
		}
		return n
	}
	for i := range models.DefaultGrading.MaxAttempts {
		if flags() != 0 {
			t.Fatalf("flagged after %d failures; want only at %d", i, models.DefaultGrading.MaxAttempts)
		}
		w.evaluate(t, w.instructor, w.request(t, w.student), fail)
	}
	if flags() != 1 {
		t.Fatalf("flags after %d failures = %d; want 1", models.DefaultGrading.MaxAttempts, flags())
	}
}

func TestEvaluateWithPINOnTheStudentsDevice(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	a := w.request(t, w.student)
	in := func(pin string) EvaluateInput {
		return EvaluateInput{AttemptID: a.ID, Setting: models.SettingClinicalSite, Steps: w.grades(), Attest: true,
			Signer: &PINSigner{InstructorID: "ivy", PIN: pin}}
	}
	checkRefusal(t, func() error { _, err := w.app.Evaluate(ctx, w.student, in("482913")); return err }(), "signing-pin-not-set", nil)
	if err := w.app.SetSigningPIN(ctx, w.instructor, "482913"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.Evaluate(ctx, w.instructor, in("482913")); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("PIN signing from the instructor's session = %v; want ErrForbidden", err)
	}
	bad := in("482913")
	bad.Signer.InstructorID = "oz"
	if _, err := w.app.Evaluate(ctx, w.student, bad); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("PIN signing by an instructor of another cohort = %v; want ErrForbidden", err)
	}

	_, err := w.app.Evaluate(ctx, w.student, in("000001"))
	var refusal *models.Refusal
	if !errors.As(err, &refusal) || refusal.Code != "signing-pin-rejected" || !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("wrong PIN = %v; want a signing-pin-rejected refusal", err)
	}
	got, err := w.app.Evaluate(ctx, w.student, in("482913"))
	if err != nil {
		t.Fatal(err)
	}
	if sig := got.Evaluation.Signature; sig.Method != models.SignedWithPIN || sig.SignerID != "ivy" || got.Evaluation.EvaluatorID != "ivy" {
		t.Fatalf("PIN-signed evaluation = %+v; want ivy's PIN signature", got.Evaluation)
	}
	want := []models.EventType{models.EventEvaluationRequested, models.EventSigningPINSet, models.EventSigningPINRejected,
		models.EventSigningPINAccepted, models.EventEvaluationSigned}
	if types := w.store.eventTypes(); !slices.Equal(types, want) {
		t.Fatalf("events = %v; want %v", types, want)
	}
}

func TestPINLocksAfterTooManyWrongTries(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	a := w.request(t, w.student)
	if err := w.app.SetSigningPIN(ctx, w.instructor, "482913"); err != nil {
		t.Fatal(err)
	}
	try := func(pin string) error {
		_, err := w.app.Evaluate(ctx, w.student, EvaluateInput{AttemptID: a.ID, Setting: models.SettingSkillsLab, Steps: w.grades(), Attest: true,
			Signer: &PINSigner{InstructorID: "ivy", PIN: pin}})
		return err
	}
	code := func(err error) string {
		var r *models.Refusal
		if errors.As(err, &r) {
			return r.Code
		}
		return err.Error()
	}
	for range 5 {
		if err := try("975310"); code(err) != "signing-pin-rejected" {
			t.Fatalf("wrong PIN = %v; want rejected", err)
		}
	}
	if err := try("482913"); code(err) != "signing-pin-locked" {
		t.Fatalf("right PIN after 5 wrong ones = %v; want locked", err)
	}
	if types := w.store.eventTypes(); types[len(types)-1] != models.EventSigningPINLocked {
		t.Fatalf("events = %v; want the locked try audited", types)
	}
	if err := w.app.SetSigningPIN(ctx, w.instructor, "559120"); err != nil {
		t.Fatal(err)
	}
	if err := try("559120"); err != nil {
		t.Fatalf("new PIN after reset = %v; want it signs", err)
	}
}

func TestSetSigningPIN(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	var v *models.ValidationError
	if err := w.app.SetSigningPIN(ctx, w.instructor, "123456"); !errors.As(err, &v) {
		t.Fatalf("SetSigningPIN(123456) = %v; want a ValidationError", err)
	}
	if err := w.app.SetSigningPIN(ctx, w.instructor, "482913"); err != nil {
		t.Fatal(err)
	}
	u := w.store.users["ivy"]
	if !u.PINSet || u.PINHash == "" || u.PINHash == "482913" {
		t.Fatalf("stored PIN = %+v; want a hash", u)
	}
	if ev := w.store.events[len(w.store.events)-1]; ev.Type != models.EventSigningPINSet || ev.SubjectID != "ivy" {
		t.Fatalf("event = %+v; want user.signing-pin-set on ivy", ev)
	}
}
