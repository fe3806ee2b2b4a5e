package models

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// A PIN sign-off is made on the student's phone, so the instructor whose
// PIN was used is told of each one (CategoryPINSignOffs) and can void it
// from their own session for a while (the program's PIN void window).

// The PIN void window: how long after a PIN sign-off its instructor may
// void it. A program that sets none gets the default; a setting is kept
// between the bounds (an hour is the least time to notice a push; past a
// week a grade should be corrected by an amendment, not withdrawn).
const (
	DefaultPINVoidWindow = 24 * time.Hour
	MinPINVoidWindow     = time.Hour
	MaxPINVoidWindow     = 7 * 24 * time.Hour
)

// PINVoidWindow is how long after a PIN sign-off the program lets its
// instructor void it.
func (p Program) PINVoidWindow() time.Duration {
	if p.PINVoidHours == 0 {
		return DefaultPINVoidWindow
	}
	return min(max(time.Duration(p.PINVoidHours)*time.Hour, MinPINVoidWindow), MaxPINVoidWindow)
}

// ValidPINVoidHours checks a program's PIN void window setting, in hours;
// a bad one is a ValidationError of field.
func ValidPINVoidHours(field string, hours int) error {
	lo, hi := int(MinPINVoidWindow/time.Hour), int(MaxPINVoidWindow/time.Hour)
	if hours < lo || hours > hi {
		return &ValidationError{Problems: []FieldProblem{{Field: field, Message: fmt.Sprintf("must be between %d and %d hours", lo, hi)}}}
	}
	return nil
}

// VoidRefusal applies the rules of voiding attempt a by caller at now, in
// program p: the lifecycle must allow it (an instructor of the cohort, a
// graded evaluation not voided already), it must be a PIN sign-off, by
// the caller's own PIN, within the program's window. It returns nil when
// caller may void a.
func VoidRefusal(a *Attempt, caller User, p Program, now time.Time) error {
	var refused *TransitionError
	if _, err := Transition(a.Status, ActionVoid, RelationOf(caller, a)); errors.As(err, &refused) && !refused.Forbidden {
		if a.Status == StatusVoided {
			return fmt.Errorf("%w: this evaluation is already voided", ErrConflict)
		}
		return &RuleError{Code: "nothing-to-void", Detail: "only a graded evaluation can be voided"}
	} else if err != nil {
		return err
	}
	var sig *Signature
	if a.Evaluation != nil {
		sig = a.Evaluation.Signature
	}
	if sig == nil || sig.Method != SignedWithPIN {
		return &RuleError{Code: "not-a-pin-sign-off", Detail: "only an evaluation signed with a signing PIN can be voided; correct one signed in session with an amendment"}
	}
	if sig.SignerID != caller.ID {
		return &Refusal{Code: "not-your-pin-sign-off", Detail: "only the instructor whose signing PIN signed this evaluation may void it"}
	}
	window := p.PINVoidWindow()
	if until := sig.SignedAt.Add(window); now.After(until) {
		return &RuleError{Code: "void-window-passed", Detail: fmt.Sprintf(
			"your program allows voiding a PIN sign-off within %s of it; this one was signed %s and can no longer be voided: add an amendment instead",
			hours(window), sig.SignedAt.UTC().Format(time.RFC3339))}
	}
	return nil
}

// hours says d in whole hours.
func hours(d time.Duration) string {
	h := int(d / time.Hour)
	if h == 1 {
		return "1 hour"
	}
	return fmt.Sprintf("%d hours", h)
}

// StepSummary says in one line how the steps of checklist c went in
// grades: "12 of 13 steps passed; failed: Check the cuff size, Record
// the reading" (n/a steps are counted apart). Step texts are clipped so
// the line fits a push.
func StepSummary(c *Checklist, grades []StepGrade) string {
	passed, applicable, na := 0, 0, 0
	var failed []string
	for _, g := range grades {
		switch g.Result {
		case StepPass:
			passed++
			applicable++
		case StepFail:
			applicable++
			text := g.StepID
			if s, ok := c.Step(g.StepID); ok && s.Text != "" {
				text = s.Text
			}
			failed = append(failed, clipRunes(text, 40))
		case StepNA:
			na++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d steps passed", passed, applicable)
	if na > 0 {
		fmt.Fprintf(&b, " (%d n/a)", na)
	}
	if len(failed) > 0 {
		b.WriteString("; failed: " + strings.Join(failed, ", "))
	}
	return b.String()
}

// clipRunes shortens s to at most n runes, marking the cut.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
