package models

import (
	"encoding/json"
	"testing"
	"time"
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

func TestSignAndVerify(t *testing.T) {
	a := goldenAttempt()
	sig := a.Evaluation.Signature
	a.Evaluation.Signature = nil
	if v := Verify(&a); v.Signed || !v.Intact || v.Evaluation != nil || len(v.Amendments) != 0 {
		t.Fatalf("Verify(unsigned) = %+v; want unsigned and intact", v)
	}
	Sign(&a, User{ID: sig.SignerID, Name: sig.SignerName, Credential: sig.SignerCredential}, sig.Method, sig.SignedAt)
	if a.Evaluation.Signature.Digest != goldenEvaluationDigest {
		t.Fatalf("Sign digest = %s; want the golden %s", a.Evaluation.Signature.Digest, goldenEvaluationDigest)
	}
	am := goldenAmendment(a)
	SignAmendment(&a, &am, User{ID: "ivy", Name: "Ivy Instructor", Credential: "CMA (AAMA)"}, am.Signature.SignedAt)
	if am.Signature.Digest != goldenAmendmentDigest {
		t.Fatalf("SignAmendment digest = %s; want the golden %s", am.Signature.Digest, goldenAmendmentDigest)
	}
	a.Amendments = []Amendment{am}
	if v := Verify(&a); !v.Signed || !v.Intact || !v.Evaluation.Valid || len(v.Amendments) != 1 || !v.Amendments[0].Valid {
		t.Fatalf("Verify(signed) = %+v; want signed and intact", v)
	}
	a.Evaluation.Steps[1].Result = StepPass // a changed step grade
	v := Verify(&a)
	if v.Intact || v.Evaluation.Valid || v.Amendments[0].Valid || v.Evaluation.Stored != goldenEvaluationDigest {
		t.Fatalf("Verify(tampered) = %+v; want every digest invalid", v)
	}
}
