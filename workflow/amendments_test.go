package workflow

import (
	"context"
	"errors"
	"testing"
	"time"

	"skillbook/models"
)

func TestAmendSignsACorrection(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	passed := w.evaluate(t, w.instructor, w.request(t, w.student), EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades(), Attest: true})
	w.clock.Advance(24 * time.Hour)
	in := AmendInput{EvaluationID: passed.Evaluation.ID, Version: passed.Version, Reason: " Wrong arm ", Correction: "Left arm, seated", Attest: true}

	got, err := w.app.Amend(ctx, w.instructor, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Amendments) != 1 || got.Status != models.StatusPassed || got.Evaluation.Signature.Digest != passed.Evaluation.Signature.Digest {
		t.Fatalf("Amend = %+v; want one amendment, the evaluation unchanged", got)
	}
	am := got.Amendments[0]
	if am.Reason != "Wrong arm" || am.EvaluationID != passed.Evaluation.ID || !am.Signature.SignedAt.Equal(evalStart.Add(24*time.Hour).Truncate(time.Millisecond)) ||
		am.Signature.Meaning != models.AmendmentMeaning || am.Signature.Digest != models.AmendmentRecord(&got, am).Digest() {
		t.Fatalf("amendment = %+v; want it signed now with the record's digest", am)
	}
	if ev := w.store.events[len(w.store.events)-1]; ev.Type != models.EventEvaluationAmended || ev.Data["digest"] != am.Signature.Digest {
		t.Fatalf("event = %+v; want evaluation.amended with the digest", ev)
	}
	if _, err := w.app.Amend(ctx, w.instructor, in); !errors.Is(err, models.ErrPreconditionFailed) {
		t.Fatalf("Amend at an old version = %v; want ErrPreconditionFailed", err)
	}
	in.Version = 0
	if _, err := w.app.Amend(ctx, w.instructor, in); err != nil {
		t.Fatalf("Amend at any version = %v", err)
	}
}

func TestAmendRefusals(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	failed := w.evaluate(t, w.instructor, w.request(t, w.student), EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades("hand-hygiene")})
	returned := w.evaluate(t, w.instructor, w.request(t, w.student), EvaluateInput{Decision: DecisionReturn, Comment: "More practice"})
	ok := AmendInput{EvaluationID: failed.Evaluation.ID, Reason: "Typo", Correction: "Cuff size M", Attest: true}

	if _, err := w.app.Amend(ctx, w.instructor, ok); err != nil {
		t.Fatalf("amending a failed evaluation = %v", err)
	}
	for _, c := range []struct {
		who    string
		caller Caller
	}{{"the student", w.student}, {"an outsider", w.outsider}, {"an admin", w.admin}} {
		if _, err := w.app.Amend(ctx, c.caller, ok); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("Amend by %s = %v; want ErrForbidden", c.who, err)
		}
	}
	ret := ok
	ret.EvaluationID = returned.Evaluation.ID
	checkRefusal(t, func() error { _, err := w.app.Amend(ctx, w.instructor, ret); return err }(), "nothing-to-amend", nil)
	unsigned := ok
	unsigned.Attest, unsigned.Reason = false, " "
	_, err := w.app.Amend(ctx, w.instructor, unsigned)
	var v *models.ValidationError
	if !errors.As(err, &v) || len(v.Problems) != 2 {
		t.Fatalf("Amend without reason or attestation = %v; want two problems", err)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	w := newEvalWorld(t)
	ctx := context.Background()
	passed := w.evaluate(t, w.instructor, w.request(t, w.student), EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades(), Attest: true})
	if _, err := w.app.Amend(ctx, w.instructor, AmendInput{EvaluationID: passed.Evaluation.ID, Reason: "r", Correction: "c", Attest: true}); err != nil {
		t.Fatal(err)
	}
	v, err := w.app.Verify(ctx, w.student, passed.ID)
	if err != nil || !v.Signed || !v.Intact || len(v.Amendments) != 1 || !v.Amendments[0].Valid {
		t.Fatalf("Verify = %+v, %v; want signed and intact", v, err)
	}
	stored := w.store.attempts[passed.ID]
	e := *stored.Evaluation
	e.Score = 99
	stored.Evaluation = &e
	w.store.attempts[passed.ID] = stored
	if v, err = w.app.Verify(ctx, w.admin, passed.ID); err != nil || v.Intact || v.Evaluation.Valid || v.Amendments[0].Valid {
		t.Fatalf("Verify after tampering = %+v, %v; want every digest invalid", v, err)
	}
	if _, err := w.app.Verify(ctx, w.classmate, passed.ID); !errors.Is(err, models.ErrForbidden) {
		t.Fatalf("Verify by a classmate = %v; want ErrForbidden", err)
	}
}
