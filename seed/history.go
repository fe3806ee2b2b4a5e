package seed

import (
	"context"
	"fmt"
	"math"
	"time"

	"skillbook/models"
)

// A student works through the library in curriculum order at their own
// pace: some practice, a request, an evaluation a few hours or days later
// (passed, failed on a critical step, or returned), again after a failure,
// a remediation plan after too many failures. The student's history stops
// at now, often with a request waiting in the instructor queue.

// student is the state of one student's history being written.
type student struct {
	models.User
	cohort  cohortPlan
	ability float64 // added to every chance of passing
	t       time.Time
}

// history writes a student's attempts, remediation plans and procedures.
func (g *gen) history(u models.User) {
	var co cohortPlan
	for _, c := range g.cohorts {
		if c.ID == u.CohortIDs[0] {
			co = c
		}
	}
	s := &student{User: u, cohort: co, ability: g.between(-0.1, 0.08)}
	s.t = co.start.Add(days(g.between(1, 4)))
	pace := time.Duration(0.85 * float64(programLength) / float64(len(g.lib)))
	speed := g.between(0.8, 1.25)
	if !u.Active {
		speed *= 0.5
	}
	limit := g.now.Add(-2 * time.Hour)
	for j := range g.lib {
		slot := co.start.Add(time.Duration(float64(j) * float64(pace) / speed))
		if slot.After(limit) {
			break // the student's class has not reached this skill yet
		}
		if s.t.Before(slot) {
			s.t = slot.Add(days(g.between(0, 1)))
		}
		if !g.skill(s, &g.lib[j], limit) {
			break
		}
	}
	g.procedures(s)
}

// skill writes one student's work on one checklist and reports whether the
// student went on to the next one before now.
func (g *gen) skill(s *student, c *models.Checklist, limit time.Time) bool {
	grading := g.grading[c.ID]
	for range g.practices(grading) {
		s.t = s.t.Add(days(g.between(0.3, 2)))
		if s.t.After(limit) {
			return false
		}
		g.practice(s, c)
	}
	failed, remediated := 0, false
	for tries := 1; ; tries++ {
		last := s.t
		s.t = s.t.Add(days(g.between(0.5, 3)))
		if s.t.After(limit) {
			// Practised, not yet requested; or requested just now.
			if at := latest(last.Add(time.Minute), g.now.Add(-days(g.between(0.02, 0.5)))); s.Active && at.Before(limit) && g.chance(0.5) {
				g.request(s, c, at)
			}
			return false
		}
		evaluated := s.t.Add(days(g.between(0.05, 3)))
		if evaluated.After(limit) {
			if s.Active {
				g.request(s, c, s.t)
			}
			return false
		}
		outcome := g.outcome(s, tries, failed, remediated)
		g.evaluate(s, c, grading, s.t, evaluated, outcome)
		s.t = evaluated
		switch outcome {
		case models.OutcomePassed:
			return true
		case models.OutcomeFailed:
			failed++
		}
		if failed < grading.MaxAttempts {
			continue
		}
		// Flagged: an admin plans remediation, or the skill waits while
		// the student goes on with the others.
		planned := s.t.Add(days(g.between(1, 6)))
		if planned.After(limit) || !g.chance(0.6) {
			return true
		}
		g.remediate(s, c, planned)
		s.t, failed, tries, remediated = planned, 0, 0, true
	}
}

// practices is how many practice attempts a student logs before a request.
func (g *gen) practices(grading models.Grading) int {
	n := []int{0, 0, 0, 0, 0, 0, 1, 1, 2, 3}[g.rnd.IntN(10)]
	return max(n, grading.RequiredPractice)
}

// outcome decides an evaluation: first tries pass about four times in
// five, later ones more often.
func (g *gen) outcome(s *student, tries, failed int, remediated bool) models.Outcome {
	pass := 0.8
	switch {
	case remediated:
		pass = 0.9
	case tries >= 3:
		pass = 0.9
	case tries == 2:
		pass = 0.86
	}
	r := g.rnd.Float64()
	switch {
	case r < pass+s.ability:
		return models.OutcomePassed
	case tries == 1 && failed == 0 && r > 0.96:
		return models.OutcomeReturned
	}
	return models.OutcomeFailed
}

// attempt is the common part of a student's attempt at c made at t.
func (g *gen) attempt(s *student, c *models.Checklist, kind models.AttemptKind, t time.Time) models.Attempt {
	t = stamp(t)
	a := models.Attempt{ID: g.idAt(t), ProgramID: g.p.ID, StudentID: s.ID, StudentName: s.Name, CohortID: s.cohort.ID,
		ChecklistID: c.ID, ChecklistVersion: c.Version, ChecklistTitle: c.Title, Area: c.Area, Kind: kind,
		RequestedAt: t, UpdatedAt: t, Version: 1}
	a.OpenSlot = a.ID
	typ, summary := models.EventAttemptPracticed, fmt.Sprintf("logged practice of %s", c.ID)
	if kind == models.AttemptEvaluation {
		typ, summary = models.EventEvaluationRequested, fmt.Sprintf("requested an evaluation of %s", c.ID)
	}
	g.event(models.Event{Type: typ, Actor: models.ActorOf(s.User, ""), At: t, Subject: "attempt", SubjectID: a.ID, StudentID: s.ID,
		Summary: summary, Data: map[string]string{"checklistId": c.ID, "checklistVersion": fmt.Sprint(c.Version), "kind": string(kind)}})
	return a
}

// practice logs a practice attempt; half the students tick the
// checklist's steps as they practise.
func (g *gen) practice(s *student, c *models.Checklist) {
	a := g.attempt(s, c, models.AttemptPractice, s.t)
	a.Status = models.StatusPracticed
	a.Note = pick(g, practiceNotes)
	if g.chance(0.5) {
		miss := -1
		if g.chance(0.3) {
			miss = g.rnd.IntN(len(c.Steps))
		}
		for i, st := range c.Steps {
			sg := models.StepGrade{StepID: st.ID, Result: models.StepPass}
			if i == miss {
				sg.Result, sg.Comment = models.StepFail, "Forgot this one."
			}
			a.Steps = append(a.Steps, sg)
		}
	}
	g.b.Attempts = append(g.b.Attempts, a)
	g.sum.Practice++
}

// request leaves an evaluation request waiting in the queue.
func (g *gen) request(s *student, c *models.Checklist, at time.Time) {
	a := g.attempt(s, c, models.AttemptEvaluation, at)
	a.Status, a.OpenSlot = models.StatusRequested, "open"
	g.b.Attempts = append(g.b.Attempts, a)
	g.sum.Requested++
}

// evaluate writes a request made at requested and graded at evaluated.
func (g *gen) evaluate(s *student, c *models.Checklist, grading models.Grading, requested, evaluated time.Time, outcome models.Outcome) {
	a := g.attempt(s, c, models.AttemptEvaluation, requested)
	evaluator := pick(g, g.instructors[s.cohort.ID])
	at := stamp(evaluated)
	e := models.Evaluation{ID: g.idAt(at), EvaluatorID: evaluator.ID, Grading: grading, EvaluatedAt: at, Setting: models.SettingSkillsLab}
	if g.chance(0.2) {
		e.Setting = models.SettingClinicalSite
	}
	switch outcome {
	case models.OutcomeReturned:
		e.Outcome, e.Comment = models.OutcomeReturned, pick(g, returnComments)
	default:
		e.Steps = g.grades(c, grading, outcome)
		// The grading rule decides, as it does for a live evaluation.
		e.Score, e.Outcome, e.FailedCritical, _ = models.Grade(c, grading, e.Steps)
		e.Comment = pick(g, passComments)
		if e.Outcome == models.OutcomeFailed {
			e.Comment = pick(g, failComments)
		}
		e.Affective = g.affective(c, e.Outcome)
	}
	a.Evaluation = &e
	a.Version, a.UpdatedAt = 2, at
	data := map[string]string{"checklistId": c.ID, "checklistVersion": fmt.Sprint(c.Version), "evaluationId": e.ID,
		"evaluatorId": evaluator.ID, "outcome": string(e.Outcome), "score": fmt.Sprint(e.Score)}
	ev := models.Event{Actor: models.ActorOf(evaluator, ""), At: at, Subject: "attempt", SubjectID: a.ID, StudentID: s.ID, Data: data}
	if e.Outcome == models.OutcomePassed || e.Outcome == models.OutcomeFailed {
		method := models.SignedInSession
		// Only passes draw the method, as before failures were signed: a
		// seed gives the same history it always did.
		if e.Outcome == models.OutcomePassed && evaluator.PINSet && g.chance(0.25) {
			method = models.SignedWithPIN
		}
		if err := models.Sign(context.Background(), &a, evaluator, method, at, g.o.Key); err != nil {
			panic("seed: sign: " + err.Error())
		}
		sig := e.Signature
		data["digest"], data["method"], data["keyId"] = sig.Digest, string(method), sig.KeyID
	}
	switch e.Outcome {
	case models.OutcomePassed:
		a.Status = models.StatusPassed
		ev.Type = "evaluation.signed"
		ev.Summary = fmt.Sprintf("%s passed and signed %s (score %d%%, signed by %s)", evaluator.Name, c.Title, e.Score, e.Signature.Method)
		g.sum.Passed++
	case models.OutcomeFailed:
		a.Status = models.StatusFailed
		ev.Type = "evaluation.failed"
		ev.Summary = fmt.Sprintf("%s failed %s (score %d%%, critical steps missed: %d)", evaluator.Name, c.Title, e.Score, len(e.FailedCritical))
		g.sum.Failed++
	default:
		a.Status = models.StatusReturned
		ev.Type = "evaluation.returned"
		ev.Summary = fmt.Sprintf("%s returned %s for more practice", evaluator.Name, c.Title)
		g.sum.Returned++
	}
	g.event(ev)
	if e.Outcome == models.OutcomePassed && g.chance(0.03) {
		g.amend(&a, evaluator, at)
	}
	g.b.Attempts = append(g.b.Attempts, a)
}

// grades grades every step for the wanted outcome: a pass now and then
// with a step not applicable or one non-critical miss the score allows; a
// failure with a critical step missed (or, on a checklist without critical
// steps, enough misses to fall below the minimum score).
func (g *gen) grades(c *models.Checklist, grading models.Grading, want models.Outcome) []models.StepGrade {
	steps := make([]models.StepGrade, len(c.Steps))
	for i, st := range c.Steps {
		steps[i] = models.StepGrade{StepID: st.ID, Result: models.StepPass}
	}
	fail := func(i int) {
		steps[i].Result = models.StepFail
		steps[i].Comment = fmt.Sprintf(pick(g, stepFeedback), lowerFirst(c.Steps[i].Text))
	}
	var critical, plain []int
	for i, st := range c.Steps {
		if st.Critical {
			critical = append(critical, i)
		} else {
			plain = append(plain, i)
		}
	}
	if want == models.OutcomePassed {
		if len(plain) > 0 && g.chance(0.15) {
			i := pick(g, plain)
			fail(i)
			if _, out, _, err := models.Grade(c, grading, steps); err != nil || out != models.OutcomePassed {
				steps[i] = models.StepGrade{StepID: c.Steps[i].ID, Result: models.StepPass}
			}
		}
		return steps
	}
	if len(critical) > 0 {
		fail(pick(g, critical))
		if len(plain) > 0 && g.chance(0.3) {
			fail(pick(g, plain))
		}
		return steps
	}
	misses := max(1, int(math.Ceil(float64(len(steps))*float64(100-grading.MinScore)/100))+1)
	for _, i := range g.rnd.Perm(len(steps))[:min(misses, len(steps))] {
		fail(i)
	}
	return steps
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// amend adds a signed correction to a passed evaluation some days later.
func (g *gen) amend(a *models.Attempt, evaluator models.User, evaluated time.Time) {
	at := stamp(evaluated.Add(days(g.between(1, 10))))
	if at.After(g.now.Add(-time.Hour)) {
		return
	}
	why := pick(g, amendmentReasons)
	am := models.Amendment{ID: g.idAt(at), EvaluationID: a.Evaluation.ID, Reason: why.reason, Correction: why.correction}
	if err := models.SignAmendment(context.Background(), a, &am, evaluator, at, g.o.Key); err != nil {
		panic("seed: sign: " + err.Error())
	}
	a.Amendments = append(a.Amendments, am)
	a.Version++
	a.UpdatedAt = at
	g.sum.Amendments++
	g.event(models.Event{Type: "evaluation.amended", Actor: models.ActorOf(evaluator, ""), At: at, Subject: "attempt", SubjectID: a.ID,
		StudentID: a.StudentID, Summary: fmt.Sprintf("%s amended the evaluation of %s: %s", evaluator.Name, a.ChecklistTitle, why.reason),
		Data: map[string]string{"evaluationId": a.Evaluation.ID, "amendmentId": am.ID, "reason": why.reason, "correction": why.correction, "digest": am.Signature.Digest}})
}

// remediate records an admin's plan after the attempt limit was reached.
func (g *gen) remediate(s *student, c *models.Checklist, at time.Time) {
	at = stamp(at)
	admin := pick(g, g.admins)
	r := models.Remediation{ID: g.idAt(at), ProgramID: g.p.ID, StudentID: s.ID, ChecklistID: c.ID, Plan: pick(g, remediationPlans),
		DueDate: at.Add(days(14)).Format(models.DateLayout), CreatedBy: admin.ID, CreatedAt: at}
	g.b.Remediations = append(g.b.Remediations, r)
	g.sum.Remediations++
	g.event(models.Event{Type: "remediation.planned", Actor: models.ActorOf(admin, ""), At: at, Subject: "remediation", SubjectID: r.ID,
		StudentID: s.ID, Summary: fmt.Sprintf("recorded a remediation plan for %s and reopened attempts", c.ID),
		Data: map[string]string{"checklistId": c.ID, "plan": r.Plan, "dueDate": r.DueDate}})
}

// procedures logs the live venipunctures and capillary sticks a student
// performed at their externship, in the last part of the program, most of
// them confirmed by an instructor.
func (g *gen) procedures(s *student) {
	start := s.cohort.start.Add(time.Duration(0.3 * float64(programLength)))
	if !start.Before(g.now) {
		return
	}
	done := clamp01(float64(g.now.Sub(start)) / (0.6 * float64(programLength)))
	for _, kind := range models.ProcedureKinds(g.p.ProcedureTargets) {
		target := g.p.ProcedureTargets[kind]
		n := int(math.Round(done * float64(target) * g.between(0.85, 1.3)))
		for range n {
			performed := start.Add(time.Duration(g.rnd.Float64() * float64(g.now.Sub(start))))
			logged := stamp(earliest(performed.Add(days(g.between(0, 2))), g.now.Add(-time.Minute)))
			p := models.Procedure{ID: g.idAt(logged), ProgramID: g.p.ID, StudentID: s.ID, StudentName: s.Name, Kind: kind,
				PerformedAt: performed.Format(models.DateLayout), Site: pick(g, procedureSites), Status: models.ProcedurePending,
				Version: 1, CreatedAt: logged, UpdatedAt: logged}
			g.event(models.Event{Type: "procedure.logged", Actor: models.ActorOf(s.User, ""), At: logged, Subject: "procedure",
				SubjectID: p.ID, StudentID: s.ID, Summary: fmt.Sprintf("logged a %s performed on %s", kind, p.PerformedAt),
				Data: map[string]string{"kind": kind, "performedAt": p.PerformedAt, "site": p.Site}})
			reviewed := stamp(logged.Add(days(g.between(0.1, 4))))
			if reviewed.Before(g.now) && !g.chance(0.03) {
				reviewer := pick(g, g.instructors[s.cohort.ID])
				p.Review = &models.ProcedureReview{ReviewerID: reviewer.ID, ReviewerName: reviewer.Name,
					ReviewerCredential: reviewer.Credential, ReviewedAt: reviewed}
				p.Status = models.ProcedureConfirmed
				if g.chance(0.04) {
					p.Status, p.Review.Reason = models.ProcedureRejected, pick(g, rejectReasons)
				}
				p.Version, p.UpdatedAt = 2, reviewed
				verb, typ := string(p.Status), models.EventProcedureConfirmed
				if p.Status == models.ProcedureRejected {
					typ = models.EventProcedureRejected
				}
				data := map[string]string{"kind": kind, "performedAt": p.PerformedAt}
				if p.Review.Reason != "" {
					data["reason"] = p.Review.Reason
				}
				g.event(models.Event{Type: typ, Actor: models.ActorOf(reviewer, ""), At: reviewed, Subject: "procedure",
					SubjectID: p.ID, StudentID: s.ID, Summary: fmt.Sprintf("%s a %s performed on %s", verb, kind, p.PerformedAt), Data: data})
			}
			g.b.Procedures = append(g.b.Procedures, p)
			g.sum.Procedures++
		}
	}
}

// affective rates the affective competencies c declares, as an instructor
// does with the grade (models.RateAffective): every one on a pass, mostly
// met; on a failure some, a third of them not met. A checklist declaring
// none draws nothing, so seeds of such libraries give the history they
// always did.
func (g *gen) affective(c *models.Checklist, outcome models.Outcome) []models.AffectiveRating {
	var out []models.AffectiveRating
	for _, code := range c.Affective {
		if outcome == models.OutcomeFailed && g.chance(0.5) {
			continue
		}
		r := models.AffectiveRating{Code: code, Result: models.AffectiveMet}
		if (outcome == models.OutcomePassed && g.chance(0.08)) || (outcome == models.OutcomeFailed && g.chance(0.33)) {
			r.Result, r.Comment = models.AffectiveNotMet, pick(g, affectiveComments)
		}
		out = append(out, r)
	}
	return out
}

// affectiveComments are instructors' observations of a behaviour not met.
var affectiveComments = []string{
	"Did not explain the procedure to the patient before starting.",
	"Did not respond when the patient said they were anxious.",
	"Rushed the patient; no check of how they were feeling afterwards.",
}
