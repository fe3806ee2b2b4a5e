package export

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"codeberg.org/go-pdf/fpdf"
	"go.mongodb.org/mongo-driver/v2/bson"

	"skillbook/models"
)

// attemptKind is the archive record kind of an attempt.
const attemptKind = "attempt"

// SignedRecordsFile names the attachment of a transcript PDF that carries
// its signed records.
const SignedRecordsFile = "skillbook-signed-records.json"

// signedRecordsFormat names the attachment's JSON.
const signedRecordsFormat = "skillbook-signed-records"

// SignedRecords is a transcript's attachment: every signed record the
// transcript shows.
type SignedRecords struct {
	Format  string               `json:"format"`
	Version int                  `json:"version"`
	Records []models.SignedEntry `json:"records"`
}

// attachSignedRecords attaches the signed records of evals to d.
func attachSignedRecords(d *doc, evals []models.Attempt) error {
	set := SignedRecords{Format: signedRecordsFormat, Version: 1, Records: []models.SignedEntry{}}
	for i := range evals {
		set.Records = append(set.Records, models.SignedEntries(&evals[i])...)
	}
	b, err := json.MarshalIndent(set, "", " ")
	if err != nil {
		return err
	}
	d.SetAttachments([]fpdf.Attachment{{Content: b, Filename: SignedRecordsFile,
		Description: "The signed evaluation records this transcript shows, with their Ed25519 signatures"}})
	return nil
}

// RecordFailure names a signed record that does not verify.
type RecordFailure struct {
	AttemptID   string `json:"attemptId"`
	AmendmentID string `json:"amendmentId,omitempty"`
	Problem     string `json:"problem"`
}

func (f RecordFailure) String() string {
	s := "attempt " + f.AttemptID
	if f.AmendmentID != "" {
		s += " amendment " + f.AmendmentID
	}
	return s + ": " + f.Problem
}

// Verification is what checking a file's signed records found.
type Verification struct {
	// Kind is what the file is: an archive or a transcript.
	Kind string
	// Signed counts the signed records checked.
	Signed   int
	Failures []RecordFailure
	// Records are the records a transcript's signatures vouch for.
	Records []models.SignedRecord
}

// OK says every signed record verified.
func (v Verification) OK() bool { return len(v.Failures) == 0 }

// VerifyFile checks the signed records of an archive (gzip) or a
// transcript PDF against keys.
func VerifyFile(ctx context.Context, r io.Reader, keys models.SignatureVerifier) (Verification, error) {
	b, err := io.ReadAll(io.LimitReader(r, 8))
	if err != nil {
		return Verification{}, err
	}
	rest := io.MultiReader(bytes.NewReader(b), r)
	switch {
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		return VerifyArchive(ctx, rest, keys)
	case bytes.HasPrefix(b, []byte("%PDF-")):
		pdf, err := io.ReadAll(io.LimitReader(rest, 256<<20))
		if err != nil {
			return Verification{}, err
		}
		return VerifyTranscript(pdf, keys)
	}
	return Verification{}, errors.New("neither a Skillbook archive (gzip) nor a transcript (PDF)")
}

// VerifyArchive checks every signed record of every attempt in an archive
// against keys: the attempts as stored in the archive, which an import
// would store, not the signed-record lines beside them.
func VerifyArchive(ctx context.Context, r io.Reader, keys models.SignatureVerifier) (Verification, error) {
	v := Verification{Kind: "archive"}
	ar, err := NewArchiveReader(r)
	if err != nil {
		return v, err
	}
	for {
		if err := ctx.Err(); err != nil {
			return v, err
		}
		kind, doc, err := ar.Next()
		if err == io.EOF {
			return v, nil
		}
		if err != nil {
			return v, err
		}
		if kind != attemptKind {
			continue
		}
		if err := v.checkAttempt(doc, keys); err != nil {
			return v, err
		}
	}
}

// checkAttempt checks the signed records of an archive's attempt doc.
func (v *Verification) checkAttempt(doc []byte, keys models.SignatureVerifier) error {
	var a models.Attempt
	if err := bson.UnmarshalExtJSON(doc, true, &a); err != nil {
		return fmt.Errorf("archive: read attempt: %w", err)
	}
	v.add(&a, models.Verify(&a, keys))
	return nil
}

func (v *Verification) add(a *models.Attempt, c models.Verification) {
	if e := c.Evaluation; e != nil {
		if c.Signed {
			v.Signed++
		}
		if !e.Valid {
			v.Failures = append(v.Failures, RecordFailure{AttemptID: a.ID, Problem: e.Problem})
		}
	}
	for _, am := range c.Amendments {
		v.Signed++
		if !am.Valid {
			v.Failures = append(v.Failures, RecordFailure{AttemptID: a.ID, AmendmentID: am.ID, Problem: am.Problem})
		}
	}
}

// VerifyTranscript checks the signed records attached to a transcript PDF
// against keys and returns the records they vouch for, to compare with
// the printed pages.
func VerifyTranscript(pdf []byte, keys models.SignatureVerifier) (Verification, error) {
	v := Verification{Kind: "transcript"}
	b, err := pdfAttachment(pdf)
	if err != nil {
		return v, err
	}
	var set SignedRecords
	if err := json.Unmarshal(b, &set); err != nil || set.Format != signedRecordsFormat {
		return v, errors.New("the transcript's attachment is not Skillbook's signed records")
	}
	for _, e := range set.Records {
		v.Signed++
		r, err := e.Check(keys)
		if err != nil {
			v.Failures = append(v.Failures, RecordFailure{AttemptID: e.AttemptID, AmendmentID: e.AmendmentID, Problem: err.Error()})
			continue
		}
		v.Records = append(v.Records, r)
	}
	return v, nil
}

// embeddedFile finds an embedded file stream as fpdf writes one.
var embeddedFile = regexp.MustCompile(`<< /Type /EmbeddedFile /Length (\d+) /Filter /FlateDecode /Params << /CheckSum <[0-9a-fA-F]+> /Size (\d+) >> >>\s*stream\r?\n`)

// pdfAttachment returns the signed records attached to a transcript: the
// embedded file whose content is Skillbook's signed records.
func pdfAttachment(pdf []byte) ([]byte, error) {
	for _, m := range embeddedFile.FindAllSubmatchIndex(pdf, -1) {
		n, err := strconv.Atoi(string(pdf[m[2]:m[3]]))
		if err != nil || m[1]+n > len(pdf) {
			continue
		}
		size, _ := strconv.Atoi(string(pdf[m[4]:m[5]]))
		zr, err := zlib.NewReader(bytes.NewReader(pdf[m[1] : m[1]+n]))
		if err != nil {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(zr, int64(min(size, 64<<20))+1))
		if err != nil || !bytes.Contains(b[:min(len(b), 200)], []byte(signedRecordsFormat)) {
			continue
		}
		return b, nil
	}
	return nil, errors.New("the PDF carries no signed records (a transcript made before signed records were attached, or not a Skillbook transcript)")
}
