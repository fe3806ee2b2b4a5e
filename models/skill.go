package models

import "time"

// Remediation is an admin's plan for a student flagged on a skill; it
// reopens evaluation requests, and failures before it no longer count
// toward the attempt limit.
type Remediation struct {
	ID          string    `json:"id" bson:"_id"`
	ProgramID   string    `json:"programId" bson:"programId"`
	StudentID   string    `json:"studentId" bson:"studentId"`
	ChecklistID string    `json:"checklistId" bson:"checklistId"`
	Plan        string    `json:"plan" bson:"plan"`
	DueDate     string    `json:"dueDate,omitempty" bson:"dueDate,omitempty"`
	CreatedBy   string    `json:"createdBy" bson:"createdBy"`
	CreatedAt   time.Time `json:"createdAt" bson:"createdAt"`
}

// SkillTally sums one student's standing at one checklist.
type SkillTally struct {
	Practice int
	// Failed counts failed evaluations since the latest remediation.
	Failed int
	// Passed counts passed, signed evaluations.
	Passed int
	// Open is the id of the evaluation request waiting in the queue ("":
	// none).
	Open string
	// LastPass is the most recent passed evaluation.
	LastPass *GradedAttempt
	// LastFail is the most recent failed or returned evaluation since the
	// latest remediation.
	LastFail *GradedAttempt
	// LastAttemptAt is when the latest passed or failed evaluation was
	// graded (failures before the latest remediation left out).
	LastAttemptAt time.Time
}

// Tally counts attempts (of one student at one checklist, any order);
// failures before reopenedAt (the latest remediation) are not counted.
func Tally(attempts []Attempt, reopenedAt time.Time) SkillTally {
	for _, of := range StandingsOf(attempts) {
		for _, s := range of {
			return s.Tally(reopenedAt)
		}
	}
	return SkillTally{}
}

// Competent reports whether the tally meets rule g.
func (t SkillTally) Competent(g Grading) bool { return t.Passed >= g.RequiredEvaluations }

// Flagged reports whether the student used up the attempts rule g allows
// and needs an admin's remediation plan before trying again.
func (t SkillTally) Flagged(g Grading) bool { return !t.Competent(g) && t.Failed >= g.MaxAttempts }

// SkillStatus is one student's standing on one assigned checklist.
type SkillStatus string

// The standings, from nothing done to competent.
const (
	SkillNotStarted         SkillStatus = "not-started"
	SkillPractising         SkillStatus = "practising"
	SkillAwaitingEvaluation SkillStatus = "awaiting-evaluation"
	SkillNeedsRemediation   SkillStatus = "needs-remediation"
	SkillFlagged            SkillStatus = "remediation-flagged"
	SkillCompetent          SkillStatus = "competent"
	SkillOverdue            SkillStatus = "overdue"
)

// Status derives the standing from the tally; due is the assignment's due
// date ("" for none) and today the current date in DateLayout.
func (t SkillTally) Status(g Grading, due, today string) SkillStatus {
	switch {
	case t.Competent(g):
		return SkillCompetent
	case t.Flagged(g):
		return SkillFlagged
	case t.Open != "":
		return SkillAwaitingEvaluation
	case due != "" && due < today:
		return SkillOverdue
	case t.LastFail != nil:
		return SkillNeedsRemediation
	case t.Practice > 0 || t.Passed > 0:
		return SkillPractising
	}
	return SkillNotStarted
}
