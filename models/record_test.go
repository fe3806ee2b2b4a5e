package models

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/signing"
)

// goldenAttempt is a fixed signed record: the golden digests below are
// taken over it, so any change to the canonical encoding (a field renamed,
// reordered, added or formatted differently) fails the test. Printed
// transcripts carry these digests; they must stay checkable for ever.
func goldenAttempt() Attempt {
	at := time.Date(2026, 10, 14, 15, 4, 5, 678000000, time.FixedZone("EDT", -4*60*60))
	a := Attempt{ID: "0192a0b1-0000-7000-8000-000000000001", ProgramID: "valley", StudentID: "ann", StudentName: "Ann Archer",
		CohortID: "fall-2026", ChecklistID: "bp-manual", ChecklistVersion: 2, ChecklistTitle: "Measure blood pressure",
		Kind: AttemptEvaluation, Status: StatusPassed,
		Evaluation: &Evaluation{ID: "0192a0b1-0000-7000-8000-000000000002", EvaluatorID: "ivy", Setting: SettingClinicalSite,
			Steps: []StepGrade{{StepID: "hand-hygiene", Result: StepPass}, {StepID: "cuff", Result: StepFail, Comment: "Cuff too loose — \"re-check\""},
				{StepID: "record", Result: StepNA}},
			Comment: "Good, mind the cuff.", Score: 50, Outcome: OutcomePassed, EvaluatedAt: at}}
	a.Evaluation.Signature = &Signature{SignerID: "ivy", SignerName: "Ivy Instructor", SignerCredential: "CMA (AAMA)",
		SignedAt: at, Method: SignedWithPIN, Meaning: SignatureMeaning}
	return a
}

func goldenAmendment(a Attempt) Amendment {
	return Amendment{ID: "0192a0b1-0000-7000-8000-000000000003", EvaluationID: a.Evaluation.ID, Reason: "Wrong arm",
		Correction: "Left arm, seated <ok> & calm",
		Signature: Signature{SignerID: "ivy", SignerName: "Ivy Instructor", SignerCredential: "CMA (AAMA)",
			SignedAt: time.Date(2026, 10, 15, 8, 0, 0, 0, time.UTC), Method: SignedInSession, Meaning: AmendmentMeaning}}
}

func TestSignatureDigestGoldenVectors(t *testing.T) {
	a := goldenAttempt()
	am := goldenAmendment(a)
	tests := []struct {
		name      string
		record    SignedRecord
		canonical string
		digest    string
	}{
		{"evaluation", EvaluationRecord(&a, *a.Evaluation.Signature), goldenEvaluationJSON, goldenEvaluationDigest},
		{"amendment", AmendmentRecord(&a, am), goldenAmendmentJSON, goldenAmendmentDigest},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.record)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.canonical {
			t.Errorf("%s canonical encoding =\n%s\nwant\n%s", tt.name, b, tt.canonical)
		}
		if got := tt.record.Digest(); got != tt.digest {
			t.Errorf("%s digest = %s; want %s", tt.name, got, tt.digest)
		}
	}
}

const (
	goldenEvaluationJSON   = `{"attemptId":"0192a0b1-0000-7000-8000-000000000001","evaluationId":"0192a0b1-0000-7000-8000-000000000002","programId":"valley","studentId":"ann","checklistId":"bp-manual","checklistVersion":2,"setting":"clinical-site","steps":[{"stepId":"hand-hygiene","result":"pass"},{"stepId":"cuff","result":"fail","comment":"Cuff too loose — \"re-check\""},{"stepId":"record","result":"na"}],"comment":"Good, mind the cuff.","score":50,"outcome":"passed","signerId":"ivy","signerName":"Ivy Instructor","signerCredential":"CMA (AAMA)","signedAt":"2026-10-14T19:04:05.678Z","method":"pin","meaning":"I observed this student perform this skill to standard on this date."}`
	goldenEvaluationDigest = "d4911d7f4b2b8b68e053dd135c481ee6f1fbb5d4185009b918809b85ba0e70a7"
	goldenAmendmentJSON    = `{"attemptId":"0192a0b1-0000-7000-8000-000000000001","evaluationId":"0192a0b1-0000-7000-8000-000000000002","programId":"valley","studentId":"ann","checklistId":"bp-manual","checklistVersion":2,"setting":"clinical-site","steps":[{"stepId":"hand-hygiene","result":"pass"},{"stepId":"cuff","result":"fail","comment":"Cuff too loose — \"re-check\""},{"stepId":"record","result":"na"}],"comment":"Good, mind the cuff.","score":50,"outcome":"passed","amendmentId":"0192a0b1-0000-7000-8000-000000000003","reason":"Wrong arm","correction":"Left arm, seated \u003cok\u003e \u0026 calm","signerId":"ivy","signerName":"Ivy Instructor","signerCredential":"CMA (AAMA)","signedAt":"2026-10-15T08:00:00Z","method":"session","meaning":"I attest that this correction to the signed evaluation is accurate."}`
	goldenAmendmentDigest  = "6fc9a081113d06c4cb778a6eacfd1f9f756d476641380aa67ab5ca2acc8cb931"
)

// goldenKey is a fixed Ed25519 key: Ed25519 is deterministic, so its
// signature over the golden record is fixed too.
func goldenKey() *signing.LocalKey {
	seed := sha256.Sum256([]byte("skillbook golden signing key"))
	return signing.NewLocalKey(ed25519.NewKeyFromSeed(seed[:]))
}

func TestSignAndVerify(t *testing.T) {
	ctx := t.Context()
	key := goldenKey()
	keys := key.KeySet()
	a := goldenAttempt()
	sig := *a.Evaluation.Signature
	signer := User{ID: sig.SignerID, Name: sig.SignerName, Credential: sig.SignerCredential}
	a.Evaluation.Signature = nil
	if v := Verify(&a, keys); v.Signed || v.Intact || v.Evaluation == nil || v.Evaluation.Problem == "" {
		t.Fatalf("Verify(a pass without a signature) = %+v; want not intact, with the problem named", v)
	}
	if err := Sign(ctx, &a, signer, sig.Method, sig.SignedAt, key); err != nil {
		t.Fatal(err)
	}
	got := a.Evaluation.Signature
	if got.KeyID != key.KeyID() || got.Meaning != SignatureMeaning || got.Value == "" ||
		got.Digest != EvaluationRecord(&a, *got).Digest() || got.Digest == goldenEvaluationDigest {
		t.Fatalf("Sign = %+v; want key %s, the pass meaning, and the digest of the record naming its key", got, key.KeyID())
	}
	am := goldenAmendment(a)
	if err := SignAmendment(ctx, &a, &am, signer, am.Signature.SignedAt, key); err != nil {
		t.Fatal(err)
	}
	a.Amendments = []Amendment{am}
	if v := Verify(&a, keys); !v.Signed || !v.Intact || !v.Evaluation.Valid || !v.Evaluation.SignatureValid ||
		len(v.Amendments) != 1 || !v.Amendments[0].Valid || v.Amendments[0].KeyID != key.KeyID() {
		t.Fatalf("Verify(signed) = %+v; want signed and intact", v)
	}

	tests := []struct {
		name   string
		change func(a *Attempt)
		keys   SignatureVerifier
	}{
		{"a step grade changed", func(a *Attempt) { a.Evaluation.Steps[1].Result = StepPass }, keys},
		{"a step changed and its digest recomputed", func(a *Attempt) {
			a.Evaluation.Steps[1].Result = StepPass
			a.Evaluation.Signature.Digest = EvaluationRecord(a, *a.Evaluation.Signature).Digest()
		}, keys},
		{"the signer renamed", func(a *Attempt) { a.Evaluation.Signature.SignerName = "Mallory" }, keys},
		{"signed again by another key", func(a *Attempt) {
			other := signing.Ephemeral()
			if err := SignWith(ctx, a.Evaluation.Signature, func(s Signature) SignedRecord { return EvaluationRecord(a, s) }, other); err != nil {
				t.Fatal(err)
			}
		}, keys},
		{"the key id swapped for another", func(a *Attempt) { a.Evaluation.Signature.KeyID = signing.Ephemeral().KeyID() }, keys},
		{"the signature dropped (an unkeyed record)", func(a *Attempt) { a.Evaluation.Signature.KeyID, a.Evaluation.Signature.Value = "", "" }, keys},
		{"no published keys", func(*Attempt) {}, signing.NewKeySet()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := a
			ev, s := *a.Evaluation, *a.Evaluation.Signature
			ev.Steps = slices.Clone(a.Evaluation.Steps)
			ev.Signature = &s
			b.Evaluation = &ev
			tt.change(&b)
			v := Verify(&b, tt.keys)
			if v.Intact || v.Evaluation.Valid || v.Evaluation.Problem == "" {
				t.Fatalf("Verify = %+v; want the evaluation invalid, with the problem named", v.Evaluation)
			}
		})
	}

	// A failure is signed too, with its own meaning.
	f := goldenAttempt()
	f.Evaluation.Outcome, f.Evaluation.Signature = OutcomeFailed, nil
	if err := Sign(ctx, &f, signer, SignedInSession, sig.SignedAt, key); err != nil {
		t.Fatal(err)
	}
	if v := Verify(&f, keys); !v.Intact || f.Evaluation.Signature.Meaning != FailureMeaning {
		t.Fatalf("Verify(signed failure) = %+v, meaning %q; want intact, the failure meaning", v, f.Evaluation.Signature.Meaning)
	}
}

// TestSignatureGoldenVector pins the Ed25519 signature of the golden
// record under the golden key: a change to the canonical encoding or to
// what is signed fails it, as it would fail every record signed before.
func TestSignatureGoldenVector(t *testing.T) {
	key := goldenKey()
	a := goldenAttempt()
	sig := *a.Evaluation.Signature
	if err := SignWith(t.Context(), &sig, func(s Signature) SignedRecord { return EvaluationRecord(&a, s) }, key); err != nil {
		t.Fatal(err)
	}
	want := EvaluationRecord(&a, sig).Bytes()
	raw, err := base64.RawURLEncoding.DecodeString(sig.Value)
	if err != nil || !ed25519.Verify(key.PublicKey(), want, raw) {
		t.Fatalf("the signature %q does not verify over the canonical record with the standard library: %v", sig.Value, err)
	}
	if !strings.HasSuffix(string(want), `,"keyId":"`+key.KeyID()+`"}`) || !strings.HasPrefix(string(want), goldenEvaluationJSON[:len(goldenEvaluationJSON)-1]) {
		t.Fatalf("canonical record = %s; want the golden record with its key id last", want)
	}
}

// BenchmarkSignEvaluation is what keyed signing adds to a sign-off: the
// canonical record of a 23-step evaluation, its digest and its Ed25519
// signature with a key in memory.
func BenchmarkSignEvaluation(b *testing.B) {
	key := goldenKey()
	a := goldenAttempt()
	for i := range 20 {
		a.Evaluation.Steps = append(a.Evaluation.Steps, StepGrade{StepID: fmt.Sprintf("step-%d", i), Result: StepPass})
	}
	signer := User{ID: "ivy", Name: "Ivy Instructor", Credential: "CMA (AAMA)"}
	for b.Loop() {
		if err := Sign(b.Context(), &a, signer, SignedInSession, a.Evaluation.EvaluatedAt, key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyEvaluation is what /verification costs per signed record.
func BenchmarkVerifyEvaluation(b *testing.B) {
	key := goldenKey()
	keys := key.KeySet()
	a := goldenAttempt()
	if err := Sign(b.Context(), &a, User{ID: "ivy"}, SignedInSession, a.Evaluation.EvaluatedAt, key); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if v := Verify(&a, keys); !v.Intact {
			b.Fatal("not intact")
		}
	}
}

// TestExternshipRecord: an evaluation with a site and preceptor signs them
// (after the setting, so a change of either fails verification), and one
// without them keeps the golden encoding above.
func TestExternshipRecord(t *testing.T) {
	a := goldenAttempt()
	a.Evaluation.Site, a.Evaluation.Preceptor, a.Evaluation.PreceptorCredential = "Lakeside Family Practice", "Pat Preceptor", "RN"
	b := EvaluationRecord(&a, *a.Evaluation.Signature).Bytes()
	want := `"setting":"clinical-site","site":"Lakeside Family Practice","preceptor":"Pat Preceptor","preceptorCredential":"RN","steps":`
	if !strings.Contains(string(b), want) {
		t.Fatalf("canonical record = %s; want the externship fields after the setting", b)
	}
	plain := goldenAttempt()
	if got := EvaluationRecord(&plain, *plain.Evaluation.Signature).Digest(); got != goldenEvaluationDigest {
		t.Fatalf("digest without externship fields = %s; want the golden %s", got, goldenEvaluationDigest)
	}

	key := goldenKey()
	signer := User{ID: "ivy", Name: "Ivy Instructor", Credential: "CMA (AAMA)"}
	a.Evaluation.Signature = nil
	if err := Sign(t.Context(), &a, signer, SignedWithPIN, a.Evaluation.EvaluatedAt, key); err != nil {
		t.Fatal(err)
	}
	if v := Verify(&a, key.KeySet()); !v.Intact {
		t.Fatalf("Verify(signed with a site) = %+v; want intact", v)
	}
	a.Evaluation.Preceptor = "Someone Else"
	if v := Verify(&a, key.KeySet()); v.Intact {
		t.Fatalf("Verify(preceptor changed after signing) = intact; want the change found")
	}
}
