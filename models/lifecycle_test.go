package models

import (
	"errors"
	"fmt"
	"testing"
)

// TestTransitionTable checks every (status, action, relation) cell of the
// attempt lifecycle: the allowed ones lead to their status, every other one
// is refused, as forbidden when the relation may never take the action and
// as a conflict when the action does not apply to the status.
func TestTransitionTable(t *testing.T) {
	type cell struct {
		from   AttemptStatus
		action Action
		by     Relation
	}
	allowed := map[cell]AttemptStatus{}
	evaluate := map[Action]AttemptStatus{ActionPass: StatusPassed, ActionFail: StatusFailed, ActionReturn: StatusReturned}
	allowed[cell{StatusNone, ActionLogPractice, RelStudent}] = StatusPracticed
	allowed[cell{StatusNone, ActionRequest, RelStudent}] = StatusRequested
	for action, to := range evaluate {
		allowed[cell{StatusRequested, action, RelInstructor}] = to
		allowed[cell{StatusRequested, action, RelPINSigner}] = to
	}
	allowed[cell{StatusPassed, ActionAmend, RelInstructor}] = StatusPassed
	allowed[cell{StatusFailed, ActionAmend, RelInstructor}] = StatusFailed
	allowed[cell{StatusPassed, ActionVoid, RelInstructor}] = StatusVoided
	allowed[cell{StatusFailed, ActionVoid, RelInstructor}] = StatusVoided
	// mayEver is who may take each action from some status.
	mayEver := map[Action][]Relation{
		ActionLogPractice: {RelStudent}, ActionRequest: {RelStudent},
		ActionPass: {RelInstructor, RelPINSigner}, ActionFail: {RelInstructor, RelPINSigner}, ActionReturn: {RelInstructor, RelPINSigner},
		ActionAmend: {RelInstructor}, ActionVoid: {RelInstructor},
	}

	cells, ok := 0, 0
	for _, from := range Statuses {
		for _, action := range Actions {
			for _, by := range Relations {
				cells++
				c := cell{from, action, by}
				t.Run(fmt.Sprintf("%s/%s/%s", from, action, by), func(t *testing.T) {
					to, err := Transition(from, action, by)
					want, allow := allowed[c]
					if allow {
						ok++
						if err != nil || to != want {
							t.Fatalf("Transition(%q, %s, %s) = %s, %v; want %s", from, action, by, to, err, want)
						}
						return
					}
					var te *TransitionError
					if !errors.As(err, &te) || to != from {
						t.Fatalf("Transition(%q, %s, %s) = %s, %v; want refused, status unchanged", from, action, by, to, err)
					}
					forbidden := true
					for _, r := range mayEver[action] {
						if r == by {
							forbidden = false
						}
					}
					wantIs := ErrConflict
					if forbidden {
						wantIs = ErrForbidden
					}
					if te.Forbidden != forbidden || !errors.Is(err, wantIs) {
						t.Fatalf("Transition(%q, %s, %s) = %v; want %v", from, action, by, err, wantIs)
					}
				})
			}
		}
	}
	if want := len(Statuses) * len(Actions) * len(Relations); cells != want || ok != len(allowed) {
		t.Fatalf("checked %d cells (%d allowed); want %d (%d allowed)", cells, ok, want, len(allowed))
	}
	t.Logf("lifecycle table: %d statuses × %d actions × %d relations = %d cells, %d allowed, %d refused",
		len(Statuses), len(Actions), len(Relations), cells, ok, cells-ok)
}

func TestOutcomeAction(t *testing.T) {
	for o, want := range map[Outcome]Action{OutcomePassed: ActionPass, OutcomeFailed: ActionFail, OutcomeReturned: ActionReturn} {
		if got := o.Action(); got != want {
			t.Errorf("%s.Action() = %s; want %s", o, got, want)
		}
	}
}

func TestRelationOf(t *testing.T) {
	a := &Attempt{ProgramID: "p1", StudentID: "ann", CohortID: "c1"}
	tests := []struct {
		name   string
		caller User
		want   Relation
	}{
		{"its student", User{ID: "ann", ProgramID: "p1", Role: RoleStudent, CohortIDs: []string{"c1"}, Active: true}, RelStudent},
		{"a classmate", User{ID: "bob", ProgramID: "p1", Role: RoleStudent, CohortIDs: []string{"c1"}, Active: true}, RelOther},
		{"the cohort's instructor", User{ID: "ivy", ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c1"}, Active: true}, RelInstructor},
		{"a deactivated instructor", User{ID: "ivy", ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c1"}}, RelOther},
		{"an instructor of another cohort", User{ID: "oz", ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c2"}, Active: true}, RelOther},
		{"an admin", User{ID: "adm", ProgramID: "p1", Role: RoleAdmin, Active: true}, RelAdmin},
		{"an admin of another program", User{ID: "adm2", ProgramID: "p2", Role: RoleAdmin, Active: true}, RelOther},
	}
	for _, tt := range tests {
		if got := RelationOf(tt.caller, a); got != tt.want {
			t.Errorf("RelationOf(%s) = %s; want %s", tt.name, got, tt.want)
		}
	}
}

func TestRequestRefusal(t *testing.T) {
	g := Grading{MinScore: 85, RequiredEvaluations: 1, MaxAttempts: 3, RequiredPractice: 2}
	tests := []struct {
		name string
		t    SkillTally
		code string // "" allowed, "conflict" an ErrConflict
	}{
		{"enough practice", SkillTally{Practice: 2}, ""},
		{"failures under the limit", SkillTally{Practice: 2, Failed: 2}, ""},
		{"missing practice", SkillTally{Practice: 1}, "practice-required"},
		{"already competent", SkillTally{Practice: 2, Passed: 1}, "already-competent"},
		{"competent beats flagged", SkillTally{Passed: 1, Failed: 3}, "already-competent"},
		{"flagged", SkillTally{Practice: 2, Failed: 3}, "remediation-required"},
		{"flagged beats practice", SkillTally{Failed: 3}, "remediation-required"},
		{"a request waits", SkillTally{Practice: 2, Open: "a1"}, "conflict"},
	}
	for _, tt := range tests {
		err := tt.t.RequestRefusal(g, "Measure blood pressure")
		var re *RuleError
		switch {
		case tt.code == "" && err != nil:
			t.Errorf("%s: RequestRefusal = %v; want nil", tt.name, err)
		case tt.code == "conflict" && !errors.Is(err, ErrConflict):
			t.Errorf("%s: RequestRefusal = %v; want ErrConflict", tt.name, err)
		case tt.code != "" && tt.code != "conflict" && (!errors.As(err, &re) || re.Code != tt.code):
			t.Errorf("%s: RequestRefusal = %v; want %s", tt.name, err, tt.code)
		}
	}
}
