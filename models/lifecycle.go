package models

import (
	"fmt"
	"slices"
)

// The attempt lifecycle: every status an attempt can be in, every action
// that changes it, and who may take each action, in one table (lifecycle)
// that one function (Transition) applies. The use cases ask Transition for
// the next status; nothing else maps an action or an outcome to a status.
// A remediation plan is no action on an attempt: it is its own record, and
// it reopens requests by making earlier failures stop counting (Tally).

// StatusNone is the status of an attempt that does not exist yet: logging
// practice and requesting an evaluation start from it.
const StatusNone AttemptStatus = ""

// Action is something that changes an attempt.
type Action string

// The actions on an attempt.
const (
	ActionLogPractice Action = "log-practice"
	ActionRequest     Action = "request"
	ActionPass        Action = "pass"
	ActionFail        Action = "fail"
	ActionReturn      Action = "return"
	ActionAmend       Action = "amend"
	// ActionVoid withdraws a PIN sign-off: the instructor whose PIN
	// signed it says, in their own session, they did not.
	ActionVoid Action = "void"
)

// Relation is how the one taking an action stands to the attempt.
type Relation string

// The relations to an attempt.
const (
	// RelStudent is the attempt's own student, in their own session.
	RelStudent Relation = "student"
	// RelInstructor is an active instructor who teaches the attempt's
	// cohort, in their own session.
	RelInstructor Relation = "instructor"
	// RelPINSigner is such an instructor signing with their PIN on the
	// student's session.
	RelPINSigner Relation = "pin-signer"
	// RelAdmin is an admin of the attempt's program.
	RelAdmin Relation = "admin"
	// RelOther is anyone else: a classmate, an instructor of another
	// cohort, a deactivated user.
	RelOther Relation = "other"
)

// Statuses lists every status, StatusNone first.
var Statuses = []AttemptStatus{StatusNone, StatusPracticed, StatusRequested, StatusPassed, StatusFailed, StatusReturned, StatusVoided}

// Actions lists every action.
var Actions = []Action{ActionLogPractice, ActionRequest, ActionPass, ActionFail, ActionReturn, ActionAmend, ActionVoid}

// Relations lists every relation.
var Relations = []Relation{RelStudent, RelInstructor, RelPINSigner, RelAdmin, RelOther}

// step is one allowed transition: from a status, an action taken by one of
// the relations leads to a status.
type step struct {
	from   AttemptStatus
	action Action
	by     []Relation
	to     AttemptStatus
}

// evaluators are who may grade, sign or return a request.
var evaluators = []Relation{RelInstructor, RelPINSigner}

// lifecycle is every allowed transition; any other (status, action,
// relation) is refused. A returned request is not amended (nothing was
// graded), and an amendment never changes the status. A void is the one
// amendment that does: the graded evaluation stops counting, and nothing
// follows a voided attempt (the student requests again). Which
// instructor may void, and until when, the use case checks (VoidRefusal).
var lifecycle = []step{
	{StatusNone, ActionLogPractice, []Relation{RelStudent}, StatusPracticed},
	{StatusNone, ActionRequest, []Relation{RelStudent}, StatusRequested},
	{StatusRequested, ActionPass, evaluators, StatusPassed},
	{StatusRequested, ActionFail, evaluators, StatusFailed},
	{StatusRequested, ActionReturn, evaluators, StatusReturned},
	{StatusPassed, ActionAmend, []Relation{RelInstructor}, StatusPassed},
	{StatusFailed, ActionAmend, []Relation{RelInstructor}, StatusFailed},
	{StatusPassed, ActionVoid, []Relation{RelInstructor}, StatusVoided},
	{StatusFailed, ActionVoid, []Relation{RelInstructor}, StatusVoided},
}

// TransitionError is a refused transition. It is an ErrForbidden when the
// relation may never take the action, and an ErrConflict when the action
// does not apply to the attempt's status.
type TransitionError struct {
	From   AttemptStatus
	Action Action
	By     Relation
	// Forbidden is set when By may not take Action from any status.
	Forbidden bool
}

func (e *TransitionError) Error() string {
	if e.Forbidden {
		return fmt.Sprintf("%s: %s", ErrForbidden, refusedWho[e.Action])
	}
	from := string(e.From)
	if e.From == StatusNone {
		from = "new"
	}
	return fmt.Sprintf("%s: cannot %s an attempt that is %s", ErrConflict, e.Action, from)
}

// Unwrap makes the error an ErrForbidden or an ErrConflict to errors.Is.
func (e *TransitionError) Unwrap() error {
	if e.Forbidden {
		return ErrForbidden
	}
	return ErrConflict
}

// refusedWho says who may take each action, for the refusal.
var refusedWho = map[Action]string{
	ActionLogPractice: "only students practise and request evaluations",
	ActionRequest:     "only students practise and request evaluations",
	ActionPass:        "only instructors who teach this student's cohort may evaluate",
	ActionFail:        "only instructors who teach this student's cohort may evaluate",
	ActionReturn:      "only instructors who teach this student's cohort may evaluate",
	ActionAmend:       "only instructors who teach this student's cohort may amend their evaluations",
	ActionVoid:        "only the instructor whose signing PIN signed this evaluation may void it, from their own session",
}

// Transition applies the lifecycle: the status an attempt in status from
// moves to when action is taken by relation by. Who comes first: a
// relation that may never take the action is refused (ErrForbidden)
// whatever the status; then an action that does not apply to from is a
// conflict (ErrConflict).
func Transition(from AttemptStatus, action Action, by Relation) (AttemptStatus, error) {
	mayEver := false
	for _, s := range lifecycle {
		if s.action != action || !slices.Contains(s.by, by) {
			continue
		}
		mayEver = true
		if s.from == from {
			return s.to, nil
		}
	}
	return from, &TransitionError{From: from, Action: action, By: by, Forbidden: !mayEver}
}

// Action is the action that records an evaluation with outcome o.
func (o Outcome) Action() Action {
	switch o {
	case OutcomePassed:
		return ActionPass
	case OutcomeFailed:
		return ActionFail
	}
	return ActionReturn
}

// Waiting reports whether an attempt in status s waits in the instructor
// queue; a student has at most one waiting request per checklist.
func (s AttemptStatus) Waiting() bool { return s == StatusRequested }

// RelationOf is how caller stands to attempt a when acting in their own
// session. (A PIN signer acts in the student's session; the use case that
// checks the PIN names that relation itself.)
func RelationOf(caller User, a *Attempt) Relation {
	switch {
	case caller.ProgramID != a.ProgramID:
		return RelOther
	case caller.Role == RoleStudent && caller.ID == a.StudentID:
		return RelStudent
	case CanEvaluate(caller, a.CohortID):
		return RelInstructor
	case caller.Role == RoleAdmin:
		return RelAdmin
	}
	return RelOther
}

// RequestRefusal applies the rules for requesting an evaluation to the
// student's tally t at checklist title under rule g: not competent
// already, not flagged for remediation, enough logged practice, no request
// already waiting. It returns nil when a request may be made.
func (t SkillTally) RequestRefusal(g Grading, title string) error {
	switch {
	case t.Competent(g):
		return &RuleError{Code: "already-competent", Detail: fmt.Sprintf("you are already competent in %s", title)}
	case t.Flagged(g):
		return &RuleError{Code: "remediation-required", Detail: fmt.Sprintf("%d failed evaluations reached the limit of %d; your program admin must record a remediation plan before you can request another", t.Failed, g.MaxAttempts)}
	case t.Practice < g.RequiredPractice:
		missing := g.RequiredPractice - t.Practice
		return &RuleError{Code: "practice-required", Detail: fmt.Sprintf("log %d more practice attempt(s) of %s before requesting an evaluation (%d of %d done)", missing, title, t.Practice, g.RequiredPractice)}
	case t.Open != "":
		return fmt.Errorf("%w: an evaluation of this checklist is already requested and waiting for an instructor (attempt %s)", ErrConflict, t.Open)
	}
	return nil
}
