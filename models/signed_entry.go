package models

import (
	"encoding/json"
	"errors"
	"fmt"
)

// SignedEntry is one signed record as a third party checks it: the exact
// canonical bytes that were signed, the signature and its key. Archives
// and transcripts carry one per signed evaluation and amendment, so the
// check needs only the published keys and standard tools.
type SignedEntry struct {
	AttemptID   string `json:"attemptId"`
	AmendmentID string `json:"amendmentId,omitempty"`
	KeyID       string `json:"keyId"`
	// Record is the canonical record, byte for byte what was signed.
	Record string `json:"record"`
	// Signature is the Ed25519 signature of Record, base64url.
	Signature string `json:"signature"`
}

// ArchiveSignedRecord is the archive record kind of a signed record's
// canonical bytes and signature (a SignedEntry). The engines write one
// after each signed attempt, derived from it: importing skips them, a
// third party checks them with standard tools.
const ArchiveSignedRecord = "signed-record"

// SignedEntryLines are attempt a's signed entries, each as one line of
// JSON for an archive.
func SignedEntryLines(a *Attempt) ([][]byte, error) {
	entries := SignedEntries(a)
	if len(entries) == 0 {
		return nil, nil
	}
	out := make([][]byte, len(entries))
	for i, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// SignedEntries lists the signed records of attempt a as they are stored
// now: its evaluation's, then each amendment's.
func SignedEntries(a *Attempt) []SignedEntry {
	var out []SignedEntry
	if e := a.Evaluation; e != nil && e.Signature != nil {
		out = append(out, SignedEntry{AttemptID: a.ID, KeyID: e.Signature.KeyID, Signature: e.Signature.Value,
			Record: string(EvaluationRecord(a, *e.Signature).Bytes())})
	}
	for _, am := range a.Amendments {
		out = append(out, SignedEntry{AttemptID: a.ID, AmendmentID: am.ID, KeyID: am.Signature.KeyID, Signature: am.Signature.Value,
			Record: string(AmendmentRecord(a, am).Bytes())})
	}
	return out
}

// Check verifies the entry's signature against keys and returns the record
// it vouches for.
func (e SignedEntry) Check(keys SignatureVerifier) (SignedRecord, error) {
	var r SignedRecord
	if err := json.Unmarshal([]byte(e.Record), &r); err != nil {
		return r, fmt.Errorf("the record is not JSON: %w", err)
	}
	if r.AttemptID != e.AttemptID || r.AmendmentID != e.AmendmentID || r.KeyID != e.KeyID {
		return r, errors.New("the record is not the one the entry names")
	}
	if e.KeyID == "" || e.Signature == "" {
		return r, errors.New("the record carries no Ed25519 signature")
	}
	return r, keys.Verify(e.KeyID, []byte(e.Record), e.Signature)
}
