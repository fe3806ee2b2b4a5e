package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// SignedRecord is exactly what a signature covers, in a fixed field order;
// its JSON encoding is the canonical form the digest is taken over.
type SignedRecord struct {
	AttemptID        string      `json:"attemptId"`
	EvaluationID     string      `json:"evaluationId"`
	ProgramID        string      `json:"programId"`
	StudentID        string      `json:"studentId"`
	ChecklistID      string      `json:"checklistId"`
	ChecklistVersion int         `json:"checklistVersion"`
	Setting          Setting     `json:"setting"`
	Steps            []StepGrade `json:"steps"`
	Comment          string      `json:"comment"`
	Score            int         `json:"score"`
	Outcome          Outcome     `json:"outcome"`
	// For an amendment: what it corrects and how.
	AmendmentID string `json:"amendmentId,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Correction  string `json:"correction,omitempty"`

	SignerID         string     `json:"signerId"`
	SignerName       string     `json:"signerName"`
	SignerCredential string     `json:"signerCredential"`
	SignedAt         string     `json:"signedAt"`
	Method           SignMethod `json:"method"`
	Meaning          string     `json:"meaning"`
}

// Digest returns the hex SHA-256 of the record's canonical encoding.
func (r SignedRecord) Digest() string {
	b, err := json.Marshal(r)
	if err != nil {
		panic("models: SignedRecord is always encodable: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// SignedTime formats a signing time for the canonical record.
func SignedTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// EvaluationRecord is the record a signature on attempt a's evaluation
// covers, with the signer fields from sig.
func EvaluationRecord(a *Attempt, sig Signature) SignedRecord {
	e := a.Evaluation
	return SignedRecord{
		AttemptID: a.ID, EvaluationID: e.ID, ProgramID: a.ProgramID, StudentID: a.StudentID,
		ChecklistID: a.ChecklistID, ChecklistVersion: a.ChecklistVersion,
		Setting: e.Setting, Steps: e.Steps, Comment: e.Comment, Score: e.Score, Outcome: e.Outcome,
		SignerID: sig.SignerID, SignerName: sig.SignerName, SignerCredential: sig.SignerCredential,
		SignedAt: SignedTime(sig.SignedAt), Method: sig.Method, Meaning: sig.Meaning,
	}
}

// AmendmentRecord is the record an amendment's signature covers: the
// evaluation's own record plus the amendment.
func AmendmentRecord(a *Attempt, am Amendment) SignedRecord {
	r := EvaluationRecord(a, am.Signature)
	r.AmendmentID, r.Reason, r.Correction = am.ID, am.Reason, am.Correction
	return r
}

// DigestCheck compares a stored digest with the one recomputed from the
// record as stored now.
type DigestCheck struct {
	Stored     string `json:"stored"`
	Recomputed string `json:"recomputed"`
	Valid      bool   `json:"valid"`
}

// AmendmentCheck is the digest check of one amendment.
type AmendmentCheck struct {
	ID string `json:"id"`
	DigestCheck
}

// Verification is the result of recomputing every digest of an attempt's
// signed records, so a printed transcript's digest can be checked against
// the system.
type Verification struct {
	AttemptID string `json:"attemptId"`
	// Signed is whether the evaluation carries a signature.
	Signed bool `json:"signed" doc:"Whether the evaluation carries a signature."`
	// Intact is whether every digest matches the record as stored now.
	Intact     bool             `json:"intact" doc:"Whether every digest matches the record as stored now."`
	Evaluation *DigestCheck     `json:"evaluation,omitempty"`
	Amendments []AmendmentCheck `json:"amendments"`
}

// Verify recomputes the digests of attempt a's signed evaluation and
// amendments and compares each with the stored one.
func Verify(a *Attempt) Verification {
	v := Verification{AttemptID: a.ID, Intact: true, Amendments: []AmendmentCheck{}}
	if e := a.Evaluation; e != nil && e.Signature != nil {
		v.Signed = true
		v.Evaluation = check(e.Signature.Digest, EvaluationRecord(a, *e.Signature).Digest())
		v.Intact = v.Evaluation.Valid
	}
	for _, am := range a.Amendments {
		c := AmendmentCheck{ID: am.ID, DigestCheck: *check(am.Signature.Digest, AmendmentRecord(a, am).Digest())}
		v.Intact = v.Intact && c.Valid
		v.Amendments = append(v.Amendments, c)
	}
	return v
}

func check(stored, recomputed string) *DigestCheck {
	return &DigestCheck{Stored: stored, Recomputed: recomputed, Valid: stored == recomputed}
}

// Sign signs attempt a's evaluation as signer at time at (authenticated
// by method): the signature names the signer as they are now and carries
// the digest of the whole record.
func Sign(a *Attempt, signer User, method SignMethod, at time.Time) {
	sig := Signature{SignerID: signer.ID, SignerName: signer.Name, SignerCredential: signer.Credential,
		SignedAt: at, Method: method, Meaning: SignatureMeaning}
	sig.Digest = EvaluationRecord(a, sig).Digest()
	a.Evaluation.Signature = &sig
}

// SignAmendment signs amendment am of attempt a's evaluation as signer
// (in their own session) at time at.
func SignAmendment(a *Attempt, am *Amendment, signer User, at time.Time) {
	am.Signature = Signature{SignerID: signer.ID, SignerName: signer.Name, SignerCredential: signer.Credential,
		SignedAt: at, Method: SignedInSession, Meaning: AmendmentMeaning}
	am.Signature.Digest = AmendmentRecord(a, *am).Digest()
}
