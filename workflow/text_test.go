package workflow

import (
	"context"
	"errors"
	"testing"

	"skillbook/models"
)

// TestUseCasesRefuseDirtyText sends, through each use case that takes free
// text, text holding what models.CleanText refuses: each answers a
// validation error naming the field.
func TestUseCasesRefuseDirtyText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const rlo, nul, esc = "\u202e", "\x00", "\x1b"
	tests := []struct {
		name  string
		call  func(t *testing.T) error
		field string
	}{
		{"a practice note", func(t *testing.T) error {
			w := newEvalWorld(t)
			_, err := w.app.CreateAttempt(ctx, w.student, NewAttempt{ChecklistID: w.checklist.ID, Kind: models.AttemptPractice, Note: "ok" + nul})
			return err
		}, "body.note"},
		{"a practice step comment", func(t *testing.T) error {
			w := newEvalWorld(t)
			steps := []models.StepGrade{{StepID: "cuff", Result: models.StepFail, Comment: "too " + rlo + "tight"}}
			_, err := w.app.CreateAttempt(ctx, w.student, NewAttempt{ChecklistID: w.checklist.ID, Kind: models.AttemptPractice, Steps: steps})
			return err
		}, "body.steps[0].comment"},
		{"an evaluation comment", func(t *testing.T) error {
			w := newEvalWorld(t)
			a := w.request(t, w.student)
			_, err := w.app.Evaluate(ctx, w.instructor, EvaluateInput{AttemptID: a.ID, Decision: DecisionReturn, Comment: "practise" + rlo})
			return err
		}, "body.comment"},
		{"a failed step's comment", func(t *testing.T) error {
			w := newEvalWorld(t)
			a := w.request(t, w.student)
			steps := w.grades("cuff")
			steps[1].Comment = "wrong size" + esc
			_, err := w.app.Evaluate(ctx, w.instructor, EvaluateInput{AttemptID: a.ID, Setting: models.SettingSkillsLab, Steps: steps})
			return err
		}, "steps[1].comment"},
		{"an amendment's reason", func(t *testing.T) error {
			w := newEvalWorld(t)
			a := w.evaluate(t, w.instructor, w.request(t, w.student), EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades(), Attest: true})
			_, err := w.app.Amend(ctx, w.instructor, AmendInput{EvaluationID: a.Evaluation.ID, Reason: "Wrong" + rlo + "arm", Correction: "Left arm", Attest: true})
			return err
		}, "body.reason"},
		{"an amendment's correction", func(t *testing.T) error {
			w := newEvalWorld(t)
			a := w.evaluate(t, w.instructor, w.request(t, w.student), EvaluateInput{Setting: models.SettingSkillsLab, Steps: w.grades(), Attest: true})
			_, err := w.app.Amend(ctx, w.instructor, AmendInput{EvaluationID: a.Evaluation.ID, Reason: "Wrong arm", Correction: "Left\rarm", Attest: true})
			return err
		}, "body.correction"},
		{"a remediation plan", func(t *testing.T) error {
			w := newEvalWorld(t)
			_, err := w.app.PlanRemediation(ctx, w.admin, RemediationInput{StudentID: "ann", ChecklistID: "bp-manual", Plan: "Tutor" + esc + "[2J"})
			return err
		}, "body.plan"},
		{"a procedure's note", func(t *testing.T) error {
			w := newSkillsWorld(t)
			_, err := w.skills.LogProcedure(ctx, w.student, LogProcedureInput{Kind: "venipuncture", PerformedAt: "2026-03-01", Note: "left" + rlo})
			return err
		}, "note"},
		{"a procedure's site", func(t *testing.T) error {
			w := newSkillsWorld(t)
			_, err := w.skills.LogProcedure(ctx, w.student, LogProcedureInput{Kind: "venipuncture", PerformedAt: "2026-03-01", Site: "Clinic\nB"})
			return err
		}, "site"},
		{"a rejection's reason", func(t *testing.T) error {
			w := newSkillsWorld(t)
			p := w.logged(t, w.student)
			_, err := w.skills.RejectProcedure(ctx, w.teacher, ReviewInput{ID: p.ID}, "No witness"+nul)
			return err
		}, "body.reason"},
		{"a device's app version", func(t *testing.T) error {
			n, _ := noticesWith(newFakeNotices())
			_, err := n.RegisterDevice(ctx, callerAs("alice", models.RoleStudent), RegisterDeviceInput{Token: "tok", Platform: models.PlatformWeb, AppVersion: "1.2" + rlo})
			return err
		}, "body.appVersion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call(t)
			var v *models.ValidationError
			if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != tt.field {
				t.Fatalf("error = %v; want one validation problem of %s", err, tt.field)
			}
		})
	}
}

// TestUseCasesStoreNFC checks that text typed in NFD is stored in NFC.
func TestUseCasesStoreNFC(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const nfd, nfc = "Jose\u0301", "Jos\u00e9"
	w := newEvalWorld(t)
	steps := w.grades("cuff")
	steps[1].Comment = "ask " + nfd
	got, err := w.app.Evaluate(ctx, w.instructor, EvaluateInput{AttemptID: w.request(t, w.student).ID, Setting: models.SettingSkillsLab,
		Steps: steps, Comment: "with " + nfd})
	if err != nil {
		t.Fatal(err)
	}
	if got.Evaluation.Comment != "with "+nfc || got.Evaluation.Steps[1].Comment != "ask "+nfc {
		t.Fatalf("evaluation comment %q, step comment %q; want both in NFC", got.Evaluation.Comment, got.Evaluation.Steps[1].Comment)
	}
	sw := newSkillsWorld(t)
	out, err := sw.skills.LogProcedure(ctx, sw.student, LogProcedureInput{Kind: "venipuncture", PerformedAt: "2026-03-01", Note: "with " + nfd})
	if err != nil {
		t.Fatal(err)
	}
	if out.Procedure.Note != "with "+nfc {
		t.Fatalf("procedure note = %q; want %q", out.Procedure.Note, "with "+nfc)
	}
}
