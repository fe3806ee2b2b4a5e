package models

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestVoidRefusal(t *testing.T) {
	signedAt := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	ivy := User{ID: "ivy", ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c1"}, Active: true}
	oz := User{ID: "oz", ProgramID: "p1", Role: RoleInstructor, CohortIDs: []string{"c1"}, Active: true}
	ann := User{ID: "ann", ProgramID: "p1", Role: RoleStudent, CohortIDs: []string{"c1"}, Active: true}
	admin := User{ID: "adm", ProgramID: "p1", Role: RoleAdmin, Active: true}
	attempt := func(status AttemptStatus, method SignMethod) *Attempt {
		a := &Attempt{ID: "a1", ProgramID: "p1", StudentID: "ann", CohortID: "c1", Status: status,
			Evaluation: &Evaluation{ID: "e1", EvaluatorID: "ivy", EvaluatedAt: signedAt}}
		if method != "" {
			a.Evaluation.Signature = &Signature{SignerID: "ivy", SignedAt: signedAt, Method: method}
		}
		return a
	}
	tests := []struct {
		name   string
		a      *Attempt
		caller User
		p      Program
		now    time.Time
		want   string // "" allowed; a rule or refusal code; "forbidden" or "conflict"
	}{
		{"own PIN pass, at once", attempt(StatusPassed, SignedWithPIN), ivy, Program{}, signedAt, ""},
		{"own PIN failure", attempt(StatusFailed, SignedWithPIN), ivy, Program{}, signedAt, ""},
		{"at the end of the default window", attempt(StatusPassed, SignedWithPIN), ivy, Program{}, signedAt.Add(24 * time.Hour), ""},
		{"past the default window", attempt(StatusPassed, SignedWithPIN), ivy, Program{}, signedAt.Add(24*time.Hour + time.Millisecond), "void-window-passed"},
		{"within the program's longer window", attempt(StatusPassed, SignedWithPIN), ivy, Program{PINVoidHours: 72}, signedAt.Add(48 * time.Hour), ""},
		{"past the program's shorter window", attempt(StatusPassed, SignedWithPIN), ivy, Program{PINVoidHours: 2}, signedAt.Add(3 * time.Hour), "void-window-passed"},
		{"signed in session", attempt(StatusPassed, SignedInSession), ivy, Program{}, signedAt, "not-a-pin-sign-off"},
		{"an unsigned failure", attempt(StatusFailed, ""), ivy, Program{}, signedAt, "not-a-pin-sign-off"},
		{"another instructor of the cohort", attempt(StatusPassed, SignedWithPIN), oz, Program{}, signedAt, "not-your-pin-sign-off"},
		{"the student", attempt(StatusPassed, SignedWithPIN), ann, Program{}, signedAt, "forbidden"},
		{"an admin", attempt(StatusPassed, SignedWithPIN), admin, Program{}, signedAt, "forbidden"},
		{"already voided", attempt(StatusVoided, SignedWithPIN), ivy, Program{}, signedAt, "conflict"},
		{"a returned request", attempt(StatusReturned, ""), ivy, Program{}, signedAt, "nothing-to-void"},
		{"a waiting request", &Attempt{ProgramID: "p1", StudentID: "ann", CohortID: "c1", Status: StatusRequested}, ivy, Program{}, signedAt, "nothing-to-void"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := VoidRefusal(tt.a, tt.caller, tt.p, tt.now)
			var rule *RuleError
			var refusal *Refusal
			got := ""
			switch {
			case err == nil:
			case errors.As(err, &rule):
				got = rule.Code
			case errors.As(err, &refusal):
				got = refusal.Code
			case errors.Is(err, ErrForbidden):
				got = "forbidden"
			case errors.Is(err, ErrConflict):
				got = "conflict"
			default:
				got = err.Error()
			}
			if got != tt.want {
				t.Fatalf("VoidRefusal = %v (%q); want %q", err, got, tt.want)
			}
		})
	}
}

func TestPINVoidWindow(t *testing.T) {
	for hours, want := range map[int]time.Duration{0: 24 * time.Hour, 1: time.Hour, 48: 48 * time.Hour, 168: 168 * time.Hour, 1000: MaxPINVoidWindow, -3: MinPINVoidWindow} {
		if got := (Program{PINVoidHours: hours}).PINVoidWindow(); got != want {
			t.Errorf("PINVoidWindow(%d h) = %s; want %s", hours, got, want)
		}
	}
	for hours, ok := range map[int]bool{0: false, 1: true, 24: true, 168: true, 169: false, -1: false} {
		if err := ValidPINVoidHours("body.pinVoidWindowHours", hours); (err == nil) != ok {
			t.Errorf("ValidPINVoidHours(%d) = %v; want ok %v", hours, err, ok)
		}
	}
}

func TestStepSummary(t *testing.T) {
	c := &Checklist{Steps: []Step{{ID: "hygiene", Text: "Perform hand hygiene"}, {ID: "cuff", Text: "Select a cuff of the right size for the arm circumference", Critical: true},
		{ID: "record", Text: "Record the reading"}, {ID: "explain", Text: "Explain the procedure"}}}
	tests := []struct {
		name   string
		grades []StepGrade
		want   string
	}{
		{"all passed", []StepGrade{{StepID: "hygiene", Result: StepPass}, {StepID: "cuff", Result: StepPass}, {StepID: "record", Result: StepPass}, {StepID: "explain", Result: StepPass}},
			"4 of 4 steps passed"},
		{"failures named, long ones clipped", []StepGrade{{StepID: "hygiene", Result: StepPass}, {StepID: "cuff", Result: StepFail}, {StepID: "record", Result: StepFail}, {StepID: "explain", Result: StepPass}},
			"2 of 4 steps passed; failed: Select a cuff of the right size for the…, Record the reading"},
		{"n/a counted apart", []StepGrade{{StepID: "hygiene", Result: StepPass}, {StepID: "cuff", Result: StepPass}, {StepID: "record", Result: StepNA}, {StepID: "explain", Result: StepPass}},
			"3 of 3 steps passed (1 n/a)"},
		{"unknown step named by id", []StepGrade{{StepID: "gone", Result: StepFail}}, "0 of 1 steps passed; failed: gone"},
	}
	for _, tt := range tests {
		if got := StepSummary(c, tt.grades); got != tt.want {
			t.Errorf("StepSummary(%s) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestPINAccountRefusal(t *testing.T) {
	set := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		st   AccountStatus
		want string
	}{
		{"enabled, created before the PIN", AccountStatus{SessionsValidAfter: set.Add(-time.Hour)}, ""},
		{"revoked in the second the PIN was set", AccountStatus{SessionsValidAfter: set}, ""},
		{"revoked after the PIN was set", AccountStatus{SessionsValidAfter: set.Add(time.Second)}, "signing-pin-revoked"},
		{"disabled", AccountStatus{Disabled: true, SessionsValidAfter: set.Add(-time.Hour)}, "instructor-account-disabled"},
		{"disabled and revoked", AccountStatus{Disabled: true, SessionsValidAfter: set.Add(time.Hour)}, "instructor-account-disabled"},
	}
	for _, tt := range tests {
		err := PINAccountRefusal(tt.st, set)
		var r *Refusal
		got := ""
		if errors.As(err, &r) {
			got = r.Code
		} else if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("PINAccountRefusal(%s) = %v; want %q", tt.name, err, tt.want)
		}
	}
}

func TestPINDevice(t *testing.T) {
	tests := []struct {
		ip, header string
		want       string // "" for a ValidationError
	}{
		{"203.0.113.7", "", "203.0.113.7"},
		{"203.0.113.7", "app-1b2c.3d:4_e", "203.0.113.7 app-1b2c.3d:4_e"},
		{"2001:db8::1", "x", "2001:db8::1 x"},
		{"203.0.113.7", "has space", ""},
		{"203.0.113.7", "new\nline", ""},
		{"203.0.113.7", "é", ""},
		{"203.0.113.7", strings.Repeat("a", MaxDeviceHeader), "203.0.113.7 " + strings.Repeat("a", MaxDeviceHeader)},
		{"203.0.113.7", strings.Repeat("a", MaxDeviceHeader+1), ""},
	}
	for _, tt := range tests {
		got, err := PINDevice(tt.ip, tt.header)
		var v *ValidationError
		if tt.want == "" {
			if !errors.As(err, &v) || v.Problems[0].Field != "header.Skillbook-Device" {
				t.Errorf("PINDevice(%q, %q) = %q, %v; want a ValidationError of the header", tt.ip, tt.header, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("PINDevice(%q, %q) = %q, %v; want %q", tt.ip, tt.header, got, err, tt.want)
		}
	}
}

// FuzzPINDevice: any header is a device name or a ValidationError, never
// a panic; two different accepted headers never name the same device.
func FuzzPINDevice(f *testing.F) {
	for _, h := range []string{"", "app-1", "a b", "\x00", strings.Repeat("z", 70), "é"} {
		f.Add("203.0.113.7", h)
	}
	f.Fuzz(func(t *testing.T, ip, header string) {
		got, err := PINDevice(ip, header)
		if err != nil {
			var v *ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("PINDevice(%q, %q) = %v; want a ValidationError", ip, header, err)
			}
			return
		}
		if header != "" && (got != ip+" "+header || strings.ContainsAny(header, " \n\x00")) {
			t.Fatalf("PINDevice(%q, %q) = %q", ip, header, got)
		}
	})
}
