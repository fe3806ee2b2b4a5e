package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// MaxCommentLength bounds every free-text comment on a step or evaluation.
const MaxCommentLength = 2000

// Grade checks an instructor's step grades against checklist c and computes
// the score and outcome under rule g: a failed critical step fails the
// attempt whatever the score; below g.MinScore fails. The client cannot
// override either. Every step must be graded exactly once, and every
// failed step needs a comment.
func Grade(c *Checklist, g Grading, steps []StepGrade) (score int, outcome Outcome, failedCritical []string, err error) {
	var v ValidationError
	seen := make(map[string]bool, len(steps))
	passed, applicable := 0, 0
	for i, sg := range steps {
		field := fmt.Sprintf("steps[%d]", i)
		step, ok := c.Step(sg.StepID)
		switch {
		case !ok:
			v.Add(field+".stepId", "%q is not a step of %s version %d", sg.StepID, c.ID, c.Version)
			continue
		case seen[sg.StepID]:
			v.Add(field+".stepId", "%q is graded twice", sg.StepID)
			continue
		case !sg.Result.Valid():
			v.Add(field+".result", "must be pass, fail or na")
			continue
		case sg.Result == StepFail && strings.TrimSpace(sg.Comment) == "":
			v.Add(field+".comment", "is required when a step fails: say what to improve")
		case len(sg.Comment) > MaxCommentLength:
			v.Add(field+".comment", "must be at most %d characters", MaxCommentLength)
		}
		seen[sg.StepID] = true
		switch sg.Result {
		case StepPass:
			passed++
			applicable++
		case StepFail:
			applicable++
			if step.Critical {
				failedCritical = append(failedCritical, step.ID)
			}
		}
	}
	for _, s := range c.Steps {
		if !seen[s.ID] {
			v.Add("steps", "step %q is not graded", s.ID)
		}
	}
	if len(v.Problems) == 0 && applicable == 0 {
		v.Add("steps", "at least one step must be applicable")
	}
	if err := v.Err(); err != nil {
		return 0, "", nil, err
	}
	score = passed * 100 / applicable
	outcome = OutcomePassed
	if len(failedCritical) > 0 || score < g.MinScore {
		outcome = OutcomeFailed
	}
	return score, outcome, failedCritical, nil
}

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
