package models

import (
	"fmt"
	"strings"
)

// MaxCommentLength bounds every free-text comment on a step or evaluation.
const MaxCommentLength = 2000

// Grade checks an instructor's step grades against checklist c and computes
// the score and outcome under rule g: a failed critical step fails the
// attempt whatever the score; below g.MinScore fails. The client cannot
// override either. Every step must be graded exactly once, and every
// failed step needs a comment. Not applicable is refused on a critical
// step and on any step the checklist does not mark as one that may not
// apply, so it can never lift a score or rescue a critical miss; where
// allowed it needs a comment saying why. Step comments are put in NFC, in
// steps.
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
		case sg.Result == StepNA && step.Critical:
			v.Add(field+".result", "step %q is critical and cannot be not applicable: grade it pass or fail", step.ID)
		case sg.Result == StepNA && !step.MayNotApply:
			v.Add(field+".result", "step %q always applies on %s version %d: grade it pass or fail", step.ID, c.ID, c.Version)
		case sg.Result == StepFail && strings.TrimSpace(sg.Comment) == "":
			v.Add(field+".comment", "is required when a step fails: say what to improve")
		case sg.Result == StepNA && strings.TrimSpace(sg.Comment) == "":
			v.Add(field+".comment", "is required when step %q is not applicable: say why it did not apply", step.ID)
		case len(sg.Comment) > MaxCommentLength:
			v.Add(field+".comment", "must be at most %d characters", MaxCommentLength)
		default:
			v.Text(field+".comment", &steps[i].Comment, Lines)
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
