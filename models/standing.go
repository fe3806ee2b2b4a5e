package models

import (
	"cmp"
	"slices"
	"time"
)

// Standing is one student's record at one checklist (any version) as
// progress and the evaluation rules read it: how many practices were
// logged, the evaluation request waiting in the queue, and each graded
// evaluation's outcome, time and signer. It is a projection of the
// attempts and nothing else (StandingOf): the SQLite engine keeps it as a
// read model written in the same transaction as the attempts, the MongoDB
// engine and the exports derive it when they read.
type Standing struct {
	Practice int `json:"practice"`
	// OpenRequestID is the waiting evaluation request ("" for none).
	OpenRequestID string `json:"openRequestId,omitempty"`
	// Graded are the passed, failed and returned evaluations, oldest
	// first.
	Graded []GradedAttempt `json:"graded,omitempty"`
}

// GradedAttempt is a graded evaluation as a standing holds it.
type GradedAttempt struct {
	AttemptID   string        `json:"i"`
	Status      AttemptStatus `json:"s"`
	EvaluatedAt time.Time     `json:"e"`
	// SignedAt, Signer and Credential come from the signature, when the
	// evaluation carries one.
	SignedAt   *time.Time `json:"t,omitempty"`
	Signer     string     `json:"n,omitempty"`
	Credential string     `json:"c,omitempty"`
	// Version is the checklist version a passed evaluation was graded on
	// (evidence cites it); other outcomes leave it 0.
	Version int `json:"v,omitempty"`
}

// Standings are students' standings by student id, then checklist id.
type Standings map[string]map[string]Standing

// StandingsOf projects attempts (of any students and checklists) into
// standings.
func StandingsOf(attempts []Attempt) Standings {
	out := Standings{}
	openAt := map[[2]string]time.Time{}
	for i := range attempts {
		a := &attempts[i]
		of := out[a.StudentID]
		if of == nil {
			of = map[string]Standing{}
			out[a.StudentID] = of
		}
		s := of[a.ChecklistID]
		switch a.Status {
		case StatusPracticed:
			s.Practice++
		case StatusRequested:
			// One request waits at a time; should there be more, the
			// latest is the one shown.
			key := [2]string{a.StudentID, a.ChecklistID}
			if at, ok := openAt[key]; !ok || a.RequestedAt.After(at) || (a.RequestedAt.Equal(at) && a.ID > s.OpenRequestID) {
				s.OpenRequestID, openAt[key] = a.ID, a.RequestedAt
			}
		case StatusPassed, StatusFailed, StatusReturned:
			if e := a.Evaluation; e != nil {
				g := GradedAttempt{AttemptID: a.ID, Status: a.Status, EvaluatedAt: e.EvaluatedAt}
				if a.Status == StatusPassed {
					g.Version = a.ChecklistVersion
				}
				if sig := e.Signature; sig != nil {
					at := sig.SignedAt
					g.SignedAt, g.Signer, g.Credential = &at, sig.SignerName, sig.SignerCredential
				}
				s.Graded = append(s.Graded, g)
			}
		}
		of[a.ChecklistID] = s
	}
	for _, of := range out {
		for id, s := range of {
			s.SortGraded()
			of[id] = s
		}
	}
	return out
}

// SortGraded puts the graded evaluations oldest first (ties by attempt
// id), the order every engine gives them in.
func (s *Standing) SortGraded() {
	slices.SortFunc(s.Graded, func(a, b GradedAttempt) int {
		return cmp.Or(a.EvaluatedAt.Compare(b.EvaluatedAt), cmp.Compare(a.AttemptID, b.AttemptID))
	})
}

// Tally counts the standing; failures before reopenedAt (the latest
// remediation) are not counted.
func (s Standing) Tally(reopenedAt time.Time) SkillTally {
	t := SkillTally{Practice: s.Practice, Open: s.OpenRequestID}
	for i := range s.Graded {
		g := &s.Graded[i]
		switch g.Status {
		case StatusPassed:
			t.Passed++
			t.LastAttemptAt = latest(t.LastAttemptAt, g.EvaluatedAt)
			if t.LastPass == nil || g.EvaluatedAt.After(t.LastPass.EvaluatedAt) {
				t.LastPass = g
			}
		case StatusFailed, StatusReturned:
			if g.EvaluatedAt.Before(reopenedAt) {
				continue
			}
			if g.Status == StatusFailed {
				t.Failed++
				t.LastAttemptAt = latest(t.LastAttemptAt, g.EvaluatedAt)
			}
			if t.LastFail == nil || g.EvaluatedAt.After(t.LastFail.EvaluatedAt) {
				t.LastFail = g
			}
		}
	}
	return t
}

// completingPass is the passed evaluation that met the requirement of
// required passes: the required-th by the time it was passed (signed, or
// graded when unsigned).
func (s Standing) completingPass(required int) *GradedAttempt {
	var passes []*GradedAttempt
	for i := range s.Graded {
		if g := &s.Graded[i]; g.Status == StatusPassed {
			passes = append(passes, g)
		}
	}
	if len(passes) == 0 {
		return nil
	}
	slices.SortStableFunc(passes, func(a, b *GradedAttempt) int { return a.passedAt().Compare(b.passedAt()) })
	return passes[min(max(required, 1), len(passes))-1]
}

// passedAt is when a passed evaluation was signed (or graded, if it
// carries no signature).
func (g *GradedAttempt) passedAt() time.Time {
	if g.SignedAt != nil {
		return *g.SignedAt
	}
	return g.EvaluatedAt
}

// latest is the later of a and b.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
