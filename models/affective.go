package models

import (
	"fmt"
	"strings"
)

// Affective competencies (MAERB's behaviours: "show awareness of a
// patient's concerns") are not steps: the evaluator observes them during
// the whole procedure and rates each one the checklist declares (its
// Affective list) met or not met, as MAERB programs grade them (pass or
// fail, with the instructor's observation). The ratings are part of the
// evaluation's signed record.

// AffectiveResult is the rating of one affective competency.
type AffectiveResult string

// The ratings of an affective competency.
const (
	AffectiveMet    AffectiveResult = "met"
	AffectiveNotMet AffectiveResult = "not-met"
)

// Valid reports whether r is a known rating.
func (r AffectiveResult) Valid() bool { return r == AffectiveMet || r == AffectiveNotMet }

// AffectiveRating is an evaluator's rating of one affective competency the
// checklist declares, with their observation.
type AffectiveRating struct {
	Code    string          `json:"code" bson:"code" maxLength:"80" doc:"An affective competency the checklist declares, such as \"MAERB-2015 I.A.1\"."`
	Result  AffectiveResult `json:"result" bson:"result" enum:"met,not-met"`
	Comment string          `json:"comment,omitempty" bson:"comment,omitempty" maxLength:"2000" doc:"The evaluator's observation; required when not met."`
}

// MaxAffective bounds the affective competencies one checklist declares.
const MaxAffective = 20

// checkAffective checks a checklist's declared affective competencies:
// each a shipped code of the affective domain, none twice.
func checkAffective(v *ValidationError, codes []string) {
	if len(codes) > MaxAffective {
		v.Add("affective", "must list at most %d codes", MaxAffective)
		return
	}
	seen := make(map[string]bool, len(codes))
	for i, code := range codes {
		field := fmt.Sprintf("affective[%d]", i)
		if err := CheckCompetency(code); err != nil {
			v.Add(field, "%v", err)
			continue
		}
		if k, _ := LookupCompetency(code); k.Domain != DomainAffective {
			v.Add(field, "%q is a %s competency; list only affective ones here (psychomotor codes go in competencies)", code, k.Domain)
			continue
		}
		if seen[code] {
			v.Add(field, "repeats %q", code)
		}
		seen[code] = true
	}
}

// RateAffective checks an evaluator's affective ratings against checklist
// c for an evaluation with outcome, and puts their comments in NFC:
//
//   - a rating names a code c declares, at most once, met or not met;
//   - not met needs a comment: the observation behind it;
//   - a returned request is not graded, so it carries no ratings;
//   - a passed evaluation rates every code c declares: signing a pass
//     attests the whole checklist, behaviours included. A failed one may
//     leave some unrated (the attempt may have stopped at a critical step).
//
// A rating of not met does not change the score or the outcome: the
// psychomotor grade stands on the steps, and the Master Competency
// Checklist shows the behaviour not met until a later evaluation rates it
// met.
func RateAffective(c *Checklist, outcome Outcome, ratings []AffectiveRating) error {
	var v ValidationError
	if outcome == OutcomeReturned {
		if len(ratings) > 0 {
			v.Add("affective", "a returned request is not graded: rate its affective competencies when you grade it")
		}
		return v.Err()
	}
	declared := make(map[string]bool, len(c.Affective))
	for _, code := range c.Affective {
		declared[code] = true
	}
	rated := make(map[string]bool, len(ratings))
	for i, r := range ratings {
		field := fmt.Sprintf("affective[%d]", i)
		switch {
		case !declared[r.Code]:
			if len(c.Affective) == 0 {
				v.Add(field+".code", "%s version %d declares no affective competencies to rate", c.ID, c.Version)
			} else {
				v.Add(field+".code", "%q is not an affective competency of %s version %d (it declares %s)", r.Code, c.ID, c.Version, strings.Join(c.Affective, ", "))
			}
			continue
		case rated[r.Code]:
			v.Add(field+".code", "%q is rated twice", r.Code)
			continue
		case !r.Result.Valid():
			v.Add(field+".result", "must be met or not-met")
		case r.Result == AffectiveNotMet && strings.TrimSpace(r.Comment) == "":
			v.Add(field+".comment", "is required when %q is not met: say what you observed", r.Code)
		case len(r.Comment) > MaxCommentLength:
			v.Add(field+".comment", "must be at most %d characters", MaxCommentLength)
		default:
			v.Text(field+".comment", &ratings[i].Comment, Lines)
		}
		rated[r.Code] = true
	}
	if outcome == OutcomePassed {
		var missing []string
		for _, code := range c.Affective {
			if !rated[code] {
				missing = append(missing, code)
			}
		}
		if len(missing) > 0 {
			v.Add("affective", "a passing evaluation rates every affective competency %s version %d declares: rate %s",
				c.ID, c.Version, strings.Join(missing, ", "))
		}
	}
	return v.Err()
}
