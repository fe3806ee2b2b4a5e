package workflow

import (
	"fmt"

	"skillbook/models"
)

// pinSignOffNotice tells instructor that their signing PIN was just used
// on caller's (the student's) device for attempt a, graded on checklist c:
// the student, the skill, the outcome and how the steps went, with a link
// to the attempt where they can void it. It goes to their feed and their
// own devices, never the student's.
func (e *Evaluations) pinSignOffNotice(instructor models.User, a *models.Attempt, c *models.Checklist) models.Notification {
	ev := a.Evaluation
	var outcome string
	switch ev.Outcome {
	case models.OutcomePassed:
		outcome = fmt.Sprintf("passed (%d%%)", ev.Score)
	case models.OutcomeFailed:
		outcome = fmt.Sprintf("not passed (%d%%)", ev.Score)
	default:
		outcome = "returned for more practice"
	}
	body := fmt.Sprintf("%s, %s: %s", a.StudentName, a.ChecklistTitle, outcome)
	if ev.Outcome != models.OutcomeReturned {
		body += ". " + models.StepSummary(c, ev.Steps)
	}
	// Only a signed evaluation can be voided (VoidRefusal); for another
	// the instructor is told whom to tell.
	if sig := ev.Signature; sig != nil && sig.Method == models.SignedWithPIN {
		body += ". Not you? Void it in the app."
	} else {
		body += ". Not you? Tell your program admin."
	}
	return models.Notification{UserID: instructor.ID, Category: models.CategoryPINSignOffs, Title: "Signed with your PIN",
		Body: e.clip(body, 240),
		Data: map[string]string{"screen": "attempt", "attemptId": a.ID, "studentId": a.StudentID, "checklistId": a.ChecklistID,
			"outcome": string(ev.Outcome)}}
}
