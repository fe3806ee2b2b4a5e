package handlers

import (
	"context"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
)

// pinSigner names the instructor signing on the student's phone.
type pinSigner struct {
	InstructorID string `json:"instructorId" minLength:"1" maxLength:"64"`
	PIN          string `json:"pin" minLength:"1" maxLength:"12" doc:"The instructor's personal signing PIN."`
}

type evaluateInput struct {
	ID     string `path:"id" maxLength:"64" doc:"The attempt (an evaluation request)."`
	Device string `header:"Skillbook-Device" maxLength:"64" doc:"Optional, with a PIN signer: an id the app keeps per installation (1 to 64 letters, digits, '.', '_', ':', '-'). With the client's address it names the device for the per-device limit of signing-PIN tries."`
	Body   struct {
		Decision  workflow.Decision        `json:"decision,omitempty" enum:"grade,return" default:"grade" doc:"grade: grade every step; return: send the request back ungraded for more practice (comment required)."`
		Steps     []models.StepGrade       `json:"steps,omitempty" maxItems:"200" doc:"One result per checklist step: pass, fail or na; a comment on every failed step."`
		Comment   string                   `json:"comment,omitempty" maxLength:"2000"`
		Setting   models.Setting           `json:"setting,omitempty" enum:"skills-lab,clinical-site"`
		Affective []models.AffectiveRating `json:"affective,omitempty" maxItems:"20" doc:"One rating per affective competency the checklist declares (its affective list): met or not-met, with the observation (required when not met). Every one is required to pass; part of the signed record. A code the checklist does not declare is refused (422)."`
		Attest    bool                     `json:"attest,omitempty" doc:"Required to sign a passing evaluation: the evaluator attests they observed the student perform the skill to standard."`
		Signer    *pinSigner               `json:"signer,omitempty" doc:"Set when the instructor signs on the student's device with their PIN; the request is then made with the student's session."`

		Site                string `json:"site,omitempty" maxLength:"200" doc:"Externship: the site (clinic, practice) where the skill was observed; part of the signed record."`
		Preceptor           string `json:"preceptor,omitempty" maxLength:"200" doc:"Externship: the preceptor who supervised the student there; part of the signed record."`
		PreceptorCredential string `json:"preceptorCredential,omitempty" maxLength:"100" doc:"Externship: the preceptor's credential (CMA (AAMA), RN, …)."`
	}
}

// evaluate grades (or returns) an evaluation request.
func (s *server) evaluate(ctx context.Context, in *evaluateInput) (*attemptOutput, error) {
	b := in.Body
	ev := workflow.EvaluateInput{AttemptID: in.ID, Decision: b.Decision, Steps: b.Steps, Comment: b.Comment, Setting: b.Setting, Affective: b.Affective, Attest: b.Attest,
		Site: b.Site, Preceptor: b.Preceptor, PreceptorCredential: b.PreceptorCredential}
	if b.Signer != nil {
		ip, _ := ctx.Value(clientIPKey).(string)
		ev.Signer = &workflow.PINSigner{InstructorID: b.Signer.InstructorID, PIN: b.Signer.PIN, ClientIP: ip, Device: in.Device}
	}
	a, err := s.app.Evaluations.Evaluate(ctx, callerOf(ctx), ev)
	if err != nil {
		return nil, err
	}
	return newAttemptOutput(a, http.StatusCreated), nil
}
