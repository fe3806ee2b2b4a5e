package models

import "time"

// AttemptKind separates practice, which never counts toward competency,
// from graded evaluations.
type AttemptKind string

// The kinds of attempt.
const (
	AttemptPractice   AttemptKind = "practice"
	AttemptEvaluation AttemptKind = "evaluation"
)

// AttemptStatus is where an attempt is.
type AttemptStatus string

// Practice attempts are "practiced" once logged. An evaluation is
// "requested" (in the instructor queue) until an instructor passes it
// (signed), fails it, or returns it ungraded for more practice. A graded
// evaluation signed with a PIN can be voided by that instructor: it stays
// on the record, with the void, and no longer counts.
const (
	StatusPracticed AttemptStatus = "practiced"
	StatusRequested AttemptStatus = "requested"
	StatusPassed    AttemptStatus = "passed"
	StatusFailed    AttemptStatus = "failed"
	StatusReturned  AttemptStatus = "returned"
	StatusVoided    AttemptStatus = "voided"
)

// StepResult is the grade of one step.
type StepResult string

// Step grades; "na" (not applicable) steps do not count in the score.
const (
	StepPass StepResult = "pass"
	StepFail StepResult = "fail"
	StepNA   StepResult = "na"
)

// Valid reports whether r is a known result.
func (r StepResult) Valid() bool { return r == StepPass || r == StepFail || r == StepNA }

// StepGrade is the result of one step with the grader's comment.
type StepGrade struct {
	StepID  string     `json:"stepId" bson:"stepId"`
	Result  StepResult `json:"result" bson:"result"`
	Comment string     `json:"comment,omitempty" bson:"comment,omitempty"`
}

// Setting is where an evaluation was observed.
type Setting string

// The settings of an evaluation.
const (
	SettingSkillsLab    Setting = "skills-lab"
	SettingClinicalSite Setting = "clinical-site"
)

// Attempt is one practice or one evaluation of a student at one checklist
// version. An evaluation's grading and signature live in the same document,
// so requesting, grading and signing are each one atomic, version-guarded
// write: two instructors cannot both sign it.
type Attempt struct {
	ID               string        `json:"id" bson:"_id"`
	ProgramID        string        `json:"programId" bson:"programId"`
	StudentID        string        `json:"studentId" bson:"studentId"`
	StudentName      string        `json:"studentName" bson:"studentName"`
	CohortID         string        `json:"cohortId" bson:"cohortId"`
	ChecklistID      string        `json:"checklistId" bson:"checklistId"`
	ChecklistVersion int           `json:"checklistVersion" bson:"checklistVersion"`
	ChecklistTitle   string        `json:"checklistTitle" bson:"checklistTitle"`
	Area             Area          `json:"area" bson:"area"`
	Kind             AttemptKind   `json:"kind" bson:"kind"`
	Status           AttemptStatus `json:"status" bson:"status"`
	// Steps are the student's own marks on a practice attempt.
	Steps       []StepGrade `json:"steps,omitempty" bson:"steps,omitempty"`
	Note        string      `json:"note,omitempty" bson:"note,omitempty"`
	RequestedAt time.Time   `json:"requestedAt" bson:"requestedAt"`
	// Evaluation is set once an instructor has graded or returned it.
	Evaluation *Evaluation `json:"evaluation,omitempty" bson:"evaluation,omitempty"`
	Amendments []Amendment `json:"amendments,omitempty" bson:"amendments,omitempty"`
	// OpenSlot is "open" while an evaluation request waits and the
	// attempt's own id afterwards; a unique index on (student, checklist,
	// openSlot) allows one open request per skill without partial indexes.
	OpenSlot  string    `json:"-" bson:"openSlot"`
	Version   int64     `json:"version" bson:"version"`
	UpdatedAt time.Time `json:"updatedAt" bson:"updatedAt"`
}

// Evaluation is an instructor's grading of an attempt.
type Evaluation struct {
	ID          string      `json:"id" bson:"id"`
	EvaluatorID string      `json:"evaluatorId" bson:"evaluatorId"`
	Steps       []StepGrade `json:"steps" bson:"steps"`
	Comment     string      `json:"comment,omitempty" bson:"comment,omitempty"`
	Setting     Setting     `json:"setting" bson:"setting"`
	// Score is the percent of applicable steps passed, computed by the
	// server from the checklist's grading rule.
	Score   int     `json:"score" bson:"score"`
	Outcome Outcome `json:"outcome" bson:"outcome"`
	// FailedCritical lists the critical steps that failed.
	FailedCritical []string `json:"failedCritical,omitempty" bson:"failedCritical,omitempty"`
	// Affective rates each affective competency the checklist declares
	// (RateAffective); part of the signed record when set.
	Affective   []AffectiveRating `json:"affective,omitempty" bson:"affective,omitempty" doc:"The evaluator's rating of each affective competency the checklist declares; part of the signed record."`
	Grading     Grading           `json:"grading" bson:"grading"`
	EvaluatedAt time.Time         `json:"evaluatedAt" bson:"evaluatedAt"`
	Signature   *Signature        `json:"signature,omitempty" bson:"signature,omitempty"`

	// Externship: where it was observed and who supervised it there
	// (optional; part of the signed record when set).
	Site                string `json:"site,omitempty" bson:"site,omitempty" doc:"The externship site (clinic, practice) where it was observed."`
	Preceptor           string `json:"preceptor,omitempty" bson:"preceptor,omitempty" doc:"The site's preceptor who supervised the student."`
	PreceptorCredential string `json:"preceptorCredential,omitempty" bson:"preceptorCredential,omitempty" doc:"The preceptor's credential (CMA (AAMA), RN, …)."`
}

// Outcome is the result the server computes for an evaluation.
type Outcome string

// Outcomes of an evaluation; "returned" means sent back ungraded.
const (
	OutcomePassed   Outcome = "passed"
	OutcomeFailed   Outcome = "failed"
	OutcomeReturned Outcome = "returned"
)

// SignMethod says how the signer authenticated.
type SignMethod string

// The ways to sign: from the instructor's own session, or on the student's
// phone with the instructor's signing PIN.
const (
	SignedInSession SignMethod = "session"
	SignedWithPIN   SignMethod = "pin"
)

// Signature is an instructor's attestation: who (name and credential as
// they were at the time), when (server time), what (checklist id, version,
// every step result), how they authenticated, and a digest over all of it.
type Signature struct {
	SignerID         string     `json:"signerId" bson:"signerId"`
	SignerName       string     `json:"signerName" bson:"signerName"`
	SignerCredential string     `json:"signerCredential" bson:"signerCredential"`
	SignedAt         time.Time  `json:"signedAt" bson:"signedAt"`
	Method           SignMethod `json:"method" bson:"method"`
	Meaning          string     `json:"meaning" bson:"meaning"`
	// Digest is hex SHA-256 over the canonical encoding of the signed
	// record (see SignedRecord).
	Digest string `json:"digest" bson:"digest"`
	// KeyID names the Ed25519 key that signed the record (its RFC 7638
	// thumbprint; the published keys are at /.well-known/skillbook-keys.json).
	KeyID string `json:"keyId,omitempty" bson:"keyId,omitempty" doc:"The Ed25519 key that signed the record: its RFC 7638 thumbprint, as listed at /.well-known/skillbook-keys.json."`
	// Value is the Ed25519 signature of the canonical record, base64url.
	Value string `json:"value,omitempty" bson:"value,omitempty" doc:"The Ed25519 signature of the canonical record, base64url without padding."`
}

// Amendment corrects a signed evaluation without changing it: it points to
// the evaluation, says why and what, and is itself signed.
type Amendment struct {
	ID           string    `json:"id" bson:"id"`
	EvaluationID string    `json:"evaluationId" bson:"evaluationId"`
	Reason       string    `json:"reason" bson:"reason"`
	Correction   string    `json:"correction" bson:"correction"`
	Signature    Signature `json:"signature" bson:"signature"`

	// Kind is a correction (absent on older records) or a void.
	Kind AmendmentKind `json:"kind,omitempty" bson:"kind,omitempty" doc:"correction (absent on older records), or void: the instructor whose PIN signed the evaluation withdrew it."`
}

// SignatureMeaning is what a signature on a passed evaluation attests.
const SignatureMeaning = "I observed this student perform this skill to standard on this date."

// FailureMeaning is what a signature on a failed evaluation attests.
const FailureMeaning = "I observed this student's attempt at this skill on this date and recorded each step's result as shown."

// AmendmentKind is what an amendment does.
type AmendmentKind string

// The kinds of amendment: a correction leaves the evaluation counting; a
// void withdraws a PIN sign-off, so the evaluation no longer counts.
const (
	AmendCorrection AmendmentKind = "correction"
	AmendVoid       AmendmentKind = "void"
)

// VoidCorrection is the correction text of every void, so the signed
// record says what was done whatever reason is given.
const VoidCorrection = "Voided: the instructor whose signing PIN signed this evaluation withdrew it; it no longer counts toward competency."

// AmendmentMeaning is what a signature on an amendment attests.
const AmendmentMeaning = "I attest that this correction to the signed evaluation is accurate."

// StudentSkill names one student's attempts at one checklist (any
// version).
type StudentSkill struct {
	StudentID   string
	ChecklistID string
}

// QueueFilter narrows the instructor queue.
type QueueFilter struct {
	// CohortIDs limits the queue to these cohorts; nil means every cohort
	// of the program (an admin's view), empty means none.
	CohortIDs []string
	Area      Area
}

// AttemptSummary is an earlier attempt as the queue shows it.
type AttemptSummary struct {
	ID             string        `json:"id"`
	Kind           AttemptKind   `json:"kind"`
	Status         AttemptStatus `json:"status"`
	RequestedAt    time.Time     `json:"requestedAt"`
	EvaluatedAt    *time.Time    `json:"evaluatedAt,omitempty"`
	Score          *int          `json:"score,omitempty"`
	FailedCritical []string      `json:"failedCritical,omitempty"`
	Comment        string        `json:"comment,omitempty"`
}

// Summary is a as the queue shows it among a student's earlier attempts.
func (a *Attempt) Summary() AttemptSummary {
	s := AttemptSummary{ID: a.ID, Kind: a.Kind, Status: a.Status, RequestedAt: a.RequestedAt}
	if e := a.Evaluation; e != nil {
		at, score := e.EvaluatedAt, e.Score
		s.EvaluatedAt, s.Score, s.FailedCritical, s.Comment = &at, &score, e.FailedCritical, e.Comment
	}
	return s
}

// QueueEntry is one open evaluation request with the student's earlier
// attempts at the same checklist.
type QueueEntry struct {
	Attempt Attempt          `json:"attempt"`
	History []AttemptSummary `json:"history" doc:"The student's earlier attempts at this checklist, newest first."`
}
