package models

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// SignedRecord is exactly what a signature covers, in a fixed field order;
// its JSON encoding is the canonical form the digest is taken over. The
// externship site and preceptor, and the affective ratings, are left out
// when not recorded, so records made without them keep their digests.
type SignedRecord struct {
	AttemptID        string      `json:"attemptId"`
	EvaluationID     string      `json:"evaluationId"`
	ProgramID        string      `json:"programId"`
	StudentID        string      `json:"studentId"`
	ChecklistID      string      `json:"checklistId"`
	ChecklistVersion int         `json:"checklistVersion"`
	Setting          Setting     `json:"setting"`
	Site             string      `json:"site,omitempty"`
	Preceptor        string      `json:"preceptor,omitempty"`
	PreceptorCred    string      `json:"preceptorCredential,omitempty"`
	Steps            []StepGrade `json:"steps"`
	Comment          string      `json:"comment"`
	Score            int         `json:"score"`
	Outcome          Outcome     `json:"outcome"`
	// Affective are the evaluator's ratings of the checklist's affective
	// competencies (absent on records without any).
	Affective []AffectiveRating `json:"affective,omitempty"`
	// For an amendment: what it does (a correction or a void; absent on
	// amendments made before voids), what it corrects and how.
	AmendmentID string        `json:"amendmentId,omitempty"`
	Kind        AmendmentKind `json:"kind,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	Correction  string        `json:"correction,omitempty"`

	SignerID         string     `json:"signerId"`
	SignerName       string     `json:"signerName"`
	SignerCredential string     `json:"signerCredential"`
	SignedAt         string     `json:"signedAt"`
	Method           SignMethod `json:"method"`
	Meaning          string     `json:"meaning"`
	// KeyID binds the signature to its key (records signed before keyed
	// signatures have none, and their digests are unchanged).
	KeyID string `json:"keyId,omitempty"`
}

// Bytes is the record's canonical encoding: what the digest is taken over
// and the Ed25519 signature signs.
func (r SignedRecord) Bytes() []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic("models: SignedRecord is always encodable: " + err.Error())
	}
	return b
}

// Digest returns the hex SHA-256 of the record's canonical encoding.
func (r SignedRecord) Digest() string {
	sum := sha256.Sum256(r.Bytes())
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
		Setting: e.Setting, Site: e.Site, Preceptor: e.Preceptor, PreceptorCred: e.PreceptorCredential, Steps: e.Steps, Comment: e.Comment, Score: e.Score, Outcome: e.Outcome, Affective: e.Affective,
		SignerID: sig.SignerID, SignerName: sig.SignerName, SignerCredential: sig.SignerCredential,
		SignedAt: SignedTime(sig.SignedAt), Method: sig.Method, Meaning: sig.Meaning, KeyID: sig.KeyID,
	}
}

// AmendmentRecord is the record an amendment's signature covers: the
// evaluation's own record plus the amendment.
func AmendmentRecord(a *Attempt, am Amendment) SignedRecord {
	r := EvaluationRecord(a, am.Signature)
	r.AmendmentID, r.Kind, r.Reason, r.Correction = am.ID, am.Kind, am.Reason, am.Correction
	return r
}

// RecordSigner signs canonical records with one Ed25519 key
// (signing.Signer).
type RecordSigner interface {
	KeyID() string
	Sign(ctx context.Context, msg []byte) ([]byte, error)
}

// SignatureVerifier checks a signature against the published keys
// (signing.KeySet).
type SignatureVerifier interface {
	Verify(keyID string, msg []byte, sig string) error
}

// RecordCheck is what checking one signed record found.
type RecordCheck struct {
	// Stored and Recomputed are the digest kept with the signature and
	// the one of the record as stored now.
	Stored     string `json:"stored" doc:"The digest kept with the signature (hex SHA-256 of the canonical record when signed)."`
	Recomputed string `json:"recomputed" doc:"The digest of the record as stored now."`
	// KeyID is the key the signature names.
	KeyID string `json:"keyId" doc:"The Ed25519 key the signature names (empty for a record signed before keyed signatures)."`
	// SignatureValid is whether the Ed25519 signature verifies with a
	// published key over the record as stored now.
	SignatureValid bool `json:"signatureValid" doc:"Whether the Ed25519 signature verifies, with a published key, over the record as stored now."`
	// Valid is whether both hold: the digest matches and the signature
	// verifies.
	Valid bool `json:"valid" doc:"Whether the digest matches and the signature verifies."`
	// Problem says why the record is not valid.
	Problem string `json:"problem,omitempty" doc:"Why the record is not valid."`
}

// CheckRecord checks a record's stored signature sig against the record r
// as stored now.
func CheckRecord(r SignedRecord, sig Signature, keys SignatureVerifier) RecordCheck {
	c := RecordCheck{Stored: sig.Digest, Recomputed: r.Digest(), KeyID: sig.KeyID}
	switch {
	case sig.KeyID == "" || sig.Value == "":
		c.Problem = "the record carries no Ed25519 signature"
	case keys == nil:
		c.Problem = "no published keys to check the signature with"
	default:
		if err := keys.Verify(sig.KeyID, r.Bytes(), sig.Value); err != nil {
			c.Problem = err.Error()
		} else {
			c.SignatureValid = true
		}
	}
	if c.SignatureValid && c.Stored != c.Recomputed {
		c.Problem = "the stored digest is not the record's"
	}
	c.Valid = c.SignatureValid && c.Stored == c.Recomputed
	return c
}

// AmendmentCheck is the check of one amendment: its id and RecordCheck's
// fields, spelled out (an embedded RecordCheck, already described for the
// evaluation, left the OpenAPI schema of this one with only its id).
type AmendmentCheck struct {
	ID             string `json:"id"`
	Stored         string `json:"stored" doc:"The digest kept with the signature."`
	Recomputed     string `json:"recomputed" doc:"The digest of the record as stored now."`
	KeyID          string `json:"keyId" doc:"The Ed25519 key the signature names."`
	SignatureValid bool   `json:"signatureValid" doc:"Whether the Ed25519 signature verifies, with a published key, over the record as stored now."`
	Valid          bool   `json:"valid" doc:"Whether the digest matches and the signature verifies."`
	Problem        string `json:"problem,omitempty" doc:"Why the amendment is not valid."`
}

func amendmentCheck(id string, c RecordCheck) AmendmentCheck {
	return AmendmentCheck{ID: id, Stored: c.Stored, Recomputed: c.Recomputed, KeyID: c.KeyID,
		SignatureValid: c.SignatureValid, Valid: c.Valid, Problem: c.Problem}
}

// Verification is the result of checking every signature of an attempt's
// signed records against the record as stored now.
type Verification struct {
	AttemptID string `json:"attemptId"`
	// Signed is whether the evaluation carries a signature.
	Signed bool `json:"signed" doc:"Whether the evaluation carries a signature."`
	// Intact is whether every signature verifies over the record as
	// stored now.
	Intact     bool             `json:"intact" doc:"Whether every signature verifies, with a published key, over the record as stored now."`
	Evaluation *RecordCheck     `json:"evaluation,omitempty"`
	Amendments []AmendmentCheck `json:"amendments"`
}

// Verify checks the signatures of attempt a's evaluation and amendments
// against keys. An evaluation with an outcome (passed, failed) must be
// signed.
func Verify(a *Attempt, keys SignatureVerifier) Verification {
	v := Verification{AttemptID: a.ID, Intact: true, Amendments: []AmendmentCheck{}}
	if e := a.Evaluation; e != nil && e.Signature != nil {
		v.Signed = true
		c := CheckRecord(EvaluationRecord(a, *e.Signature), *e.Signature, keys)
		v.Evaluation = &c
		v.Intact = c.Valid
	} else if e != nil && (e.Outcome == OutcomePassed || e.Outcome == OutcomeFailed) {
		v.Intact = false
		v.Evaluation = &RecordCheck{Problem: "a " + string(e.Outcome) + " evaluation without a signature"}
	}
	for _, am := range a.Amendments {
		c := amendmentCheck(am.ID, CheckRecord(AmendmentRecord(a, am), am.Signature, keys))
		v.Intact = v.Intact && c.Valid
		v.Amendments = append(v.Amendments, c)
	}
	return v
}

// Sign signs attempt a's evaluation (passed or failed) as signer at time
// at (authenticated by method) with key: the signature names the signer
// as they are now, the key, the digest of the whole record and the
// Ed25519 signature of it.
func Sign(ctx context.Context, a *Attempt, signer User, method SignMethod, at time.Time, key RecordSigner) error {
	meaning := SignatureMeaning
	if a.Evaluation.Outcome == OutcomeFailed {
		meaning = FailureMeaning
	}
	sig := Signature{SignerID: signer.ID, SignerName: signer.Name, SignerCredential: signer.Credential,
		SignedAt: at, Method: method, Meaning: meaning}
	if err := SignWith(ctx, &sig, func(sig Signature) SignedRecord { return EvaluationRecord(a, sig) }, key); err != nil {
		return err
	}
	a.Evaluation.Signature = &sig
	return nil
}

// SignAmendment signs amendment am of attempt a's evaluation as signer
// (in their own session) at time at with key.
func SignAmendment(ctx context.Context, a *Attempt, am *Amendment, signer User, at time.Time, key RecordSigner) error {
	am.Signature = Signature{SignerID: signer.ID, SignerName: signer.Name, SignerCredential: signer.Credential,
		SignedAt: at, Method: SignedInSession, Meaning: AmendmentMeaning}
	return SignWith(ctx, &am.Signature, func(sig Signature) SignedRecord { return AmendmentRecord(a, *am) }, key)
}

// SignWith completes sig (its signer fields set) with key: its key id,
// then the digest and signature of the record record builds from it.
func SignWith(ctx context.Context, sig *Signature, record func(Signature) SignedRecord, key RecordSigner) error {
	sig.KeyID = key.KeyID()
	r := record(*sig)
	raw, err := key.Sign(ctx, r.Bytes())
	if err != nil {
		return fmt.Errorf("sign the record: %w", err)
	}
	sig.Digest = r.Digest()
	sig.Value = base64.RawURLEncoding.EncodeToString(raw)
	return nil
}
