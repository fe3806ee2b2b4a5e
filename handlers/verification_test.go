package handlers_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"

	"skillbook/clock"
	"skillbook/export"
	"skillbook/models"
	"skillbook/signing"
	"skillbook/store/storetest"
)

// TestSignatureVerifiesWithThePublishedKeysAlone checks a signed record
// the way a third party would: the key from the well-known JWK set (no
// sign-in), the canonical record rebuilt from the attempt, and the
// standard library's Ed25519.
func TestSignatureVerifiesWithThePublishedKeysAlone(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaMedication)
	student := c.students[0]
	a := c.request(t, student, "intramuscular-injection")
	var signed models.Attempt
	c.env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, a), "setting": "skills-lab", "attest": true}).WantStatus(t, http.StatusCreated).JSON(t, &signed)

	var jwks signing.JWKSet
	r := c.env.Get(t, "/.well-known/skillbook-keys.json", "").WantStatus(t, http.StatusOK)
	r.JSON(t, &jwks)
	sig := signed.Evaluation.Signature
	var pub ed25519.PublicKey
	for _, k := range jwks.Keys {
		if k.KeyID == sig.KeyID && k.Status == "current" && k.Alg == "EdDSA" {
			pub, _ = base64.RawURLEncoding.DecodeString(k.X)
		}
	}
	if len(pub) != ed25519.PublicKeySize || !strings.Contains(r.Header.Get("Cache-Control"), "max-age") {
		t.Fatalf("the published keys %+v (Cache-Control %q) do not hold the signature's key %s", jwks, r.Header.Get("Cache-Control"), sig.KeyID)
	}
	raw, err := base64.RawURLEncoding.DecodeString(sig.Value)
	if err != nil || !ed25519.Verify(pub, models.EvaluationRecord(&signed, *sig).Bytes(), raw) {
		t.Fatalf("the signature does not verify over the canonical record with the published key: %v", err)
	}
}

// TestForgedRecordIsCaught changes a signed evaluation in the database,
// as anyone with write access could (the outcome turned, the digest
// recomputed to match): /verification, the transcript's signed records (what
// skillbook verify reads) and the archive (what skillbook verify and
// skillbook import read) all name it.
func TestForgedRecordIsCaught(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaMedication)
	env, student := c.env, c.students[0]
	a := c.request(t, student, "intramuscular-injection")
	var failed models.Attempt
	env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, a, firstCritical(t, c, a)), "setting": "skills-lab", "comment": "Check the order first.", "attest": true}).
		WantStatus(t, http.StatusCreated).JSON(t, &failed)
	var check models.Verification
	env.Get(t, "/v1/attempts/"+a.ID+"/verification", student.Token).WantStatus(t, http.StatusOK).JSON(t, &check)
	if !check.Intact || !check.Signed {
		t.Fatalf("verification before the forgery = %+v; want intact", check)
	}
	// A pass of another skill, which stays as signed.
	other := c.request(t, student, "subcutaneous-injection")
	env.Post(t, "/v1/attempts/"+other.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, other), "setting": "clinical-site", "attest": true}).WantStatus(t, http.StatusCreated)
	keys := env.Key.KeySet()
	pdf := env.Get(t, "/v1/students/"+student.ID+"/transcript.pdf", student.Token).WantStatus(t, http.StatusOK).Body
	if v, err := export.VerifyFile(context.Background(), bytes.NewReader(pdf), keys); err != nil || !v.OK() || v.Signed != 2 {
		t.Fatalf("verify of the transcript before the forgery = %+v, %v; want its 2 signed records verified", v, err)
	}

	// The forger turns the failure into a pass and makes the digest match.
	forged := failed
	e := *failed.Evaluation
	forged.Evaluation = &e
	e.Outcome, e.Score, forged.Status = models.OutcomePassed, 100, models.StatusPassed
	digest := models.EvaluationRecord(&forged, *e.Signature).Digest()
	for path, v := range map[string]any{"evaluation.outcome": "passed", "evaluation.score": 100, "evaluation.signature.digest": digest} {
		storetest.SetAttemptField(t, env.Store, a.ID, path, v)
	}

	env.Get(t, "/v1/attempts/"+a.ID+"/verification", student.Token).WantStatus(t, http.StatusOK).JSON(t, &check)
	if check.Intact || check.Evaluation == nil || check.Evaluation.SignatureValid || check.Evaluation.Stored != check.Evaluation.Recomputed ||
		!strings.Contains(check.Evaluation.Problem, "does not match") {
		t.Fatalf("verification of the forged record = %+v; want not intact: the digest matches but the signature does not", check.Evaluation)
	}

	pdf = env.Get(t, "/v1/students/"+student.ID+"/transcript.pdf", student.Token).WantStatus(t, http.StatusOK).Body
	v, err := export.VerifyFile(context.Background(), bytes.NewReader(pdf), keys)
	if err != nil || v.OK() || v.Signed != 2 || len(v.Failures) != 1 || v.Failures[0].AttemptID != a.ID {
		t.Fatalf("verify of the transcript = %+v, %v; want attempt %s named", v, err, a.ID)
	}

	var job struct {
		ID string `json:"id"`
	}
	env.Post(t, "/v1/exports", c.admin.Token, map[string]any{"kind": "archive"}).WantStatus(t, http.StatusAccepted).JSON(t, &job)
	runExportJobs(t, env.Store)
	archive := env.Get(t, "/v1/exports/"+job.ID+"/file", c.admin.Token).WantStatus(t, http.StatusOK).Body
	if v, err := export.VerifyFile(context.Background(), bytes.NewReader(archive), keys); err != nil || v.OK() || v.Signed != 2 ||
		len(v.Failures) != 1 || v.Failures[0].AttemptID != a.ID {
		t.Fatalf("verify of the archive = %+v, %v; want attempt %s named", v, err, a.ID)
	}
	ar, err := export.NewArchiveReader(bytes.NewReader(archive))
	if err != nil {
		t.Fatal(err)
	}
	dst := storetest.SQLite(t, clock.System{})
	im, err := dst.BeginArchiveImport(context.Background(), c.program.ID)
	if err != nil {
		t.Fatal(err)
	}
	var tampered *export.TamperedError
	if _, err := export.Import(context.Background(), ar, im, keys); !errors.As(err, &tampered) || len(tampered.Failures) != 1 || tampered.Failures[0].AttemptID != a.ID {
		t.Fatalf("import of the archive = %v; want it refused, naming attempt %s", err, a.ID)
	}
	if _, err := dst.Program(context.Background(), c.program.ID); !errors.Is(err, models.ErrNotFound) {
		t.Fatalf("after the refused import the program reads %v; want nothing stored", err)
	}
}
