package export_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"skillbook/export"
	"skillbook/export/pdftext"
	"skillbook/models"
	"skillbook/signing"
)

// signFixture signs Ann's evaluations and amendment with key, as the
// server does.
func signFixture(t *testing.T, f fixture, key *signing.LocalKey) {
	t.Helper()
	ctx := context.Background()
	for i := range f.ann.Evaluations {
		a := &f.ann.Evaluations[i]
		signer := models.User{ID: "u-ivy", Name: "Ivy Instructor", Credential: "CMA (AAMA)"}
		if err := models.Sign(ctx, a, signer, models.SignedInSession, a.Evaluation.EvaluatedAt, key); err != nil {
			t.Fatal(err)
		}
		for j := range a.Amendments {
			if err := models.SignAmendment(ctx, a, &a.Amendments[j], signer, a.Amendments[j].Signature.SignedAt, key); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestTranscriptCarriesItsSignedRecords checks that a transcript PDF
// carries the signed records it shows, that they verify offline against
// the published keys, and that a record changed after signing (a
// transcript rendered from a forged database) or another deployment's
// keys fail, naming the record.
func TestTranscriptCarriesItsSignedRecords(t *testing.T) {
	t.Parallel()
	key := signing.Ephemeral()
	render := func(f fixture) []byte {
		var buf bytes.Buffer
		if err := export.TranscriptPDF(&buf, f.transcript(), f.ann); err != nil {
			t.Fatalf("TranscriptPDF = %v", err)
		}
		return buf.Bytes()
	}
	f := newFixture()
	signFixture(t, f, key)
	pdf := render(f)
	if text := pdftext.Of(t, pdf); !strings.Contains(text, "Signed with key: "+key.KeyID()) {
		t.Errorf("the transcript does not print the key id %s", key.KeyID())
	}

	v, err := export.VerifyFile(context.Background(), bytes.NewReader(pdf), key.KeySet())
	if err != nil || !v.OK() || v.Kind != "transcript" || v.Signed != 3 || len(v.Records) != 3 {
		t.Fatalf("VerifyFile(transcript) = %+v, %v; want 3 signed records (pass, amendment, failure), all verified", v, err)
	}
	outcomes := map[models.Outcome]int{}
	for _, r := range v.Records {
		if r.StudentID != "u-ann" || r.SignerName != "Ivy Instructor" {
			t.Errorf("a verified record %+v; want Ann's, signed by Ivy", r)
		}
		outcomes[r.Outcome]++
	}
	if outcomes[models.OutcomePassed] != 2 || outcomes[models.OutcomeFailed] != 1 {
		t.Errorf("verified outcomes %v; want the pass (and its amendment) and the failure", outcomes)
	}

	if v, err := export.VerifyTranscript(pdf, signing.Ephemeral().KeySet()); err != nil || v.OK() || len(v.Failures) != 3 ||
		!strings.Contains(v.Failures[0].Problem, "not a published key") {
		t.Fatalf("VerifyTranscript against another deployment's keys = %+v, %v; want every record failed: not a published key", v, err)
	}

	forged := newFixture()
	signFixture(t, forged, key)
	forged.ann.Evaluations[1].Evaluation.Score = 100 // the failure's score, changed after signing
	v, err = export.VerifyTranscript(render(forged), key.KeySet())
	if err != nil || v.OK() || len(v.Failures) != 1 || v.Failures[0].AttemptID != "a-fail" {
		t.Fatalf("VerifyTranscript(forged) = %+v, %v; want exactly attempt a-fail named", v, err)
	}

	if _, err := export.VerifyFile(context.Background(), strings.NewReader("hello"), key.KeySet()); err == nil {
		t.Error("VerifyFile of a text file succeeded")
	}
}
