package workflow_test

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
	"skillbook/workflow"
)

// BenchmarkRefusedPINTryOnSQLite is a try on a locked signing PIN through
// the use case over the real SQLite store: read the attempt and the
// instructor, refuse before any bcrypt work, count the refused try (one
// small write). It costs a few hundred microseconds of CPU, most of it
// the SQLite reads and the commit's sync; a checked try costs bcrypt's
// ~0.1 s on top.
func BenchmarkRefusedPINTryOnSQLite(b *testing.B) {
	ctx := b.Context()
	clk := clock.NewFake(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	st := storetest.SQLite(b, clk)
	lib, err := checklists.Library()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.UpsertLibrary(ctx, lib); err != nil {
		b.Fatal(err)
	}
	p, err := st.CreateProgram(ctx, "Bench College")
	if err != nil {
		b.Fatal(err)
	}
	cohort, err := st.CreateCohort(ctx, models.SystemActor, models.Cohort{ProgramID: p.ID, Name: "Fall 2026", StartDate: "2026-09-01"})
	if err != nil {
		b.Fatal(err)
	}
	user := func(email string, role models.Role) workflow.Caller {
		u, err := st.CreateUser(ctx, models.SystemActor, models.User{ProgramID: p.ID, Email: email, Name: email, Role: role,
			CohortIDs: []string{cohort.ID}, Active: true})
		if err != nil {
			b.Fatal(err)
		}
		bound := u
		bound.UID, bound.Bound = "uid-"+email, true
		if u, err = st.BindInvitation(ctx, models.UserWrite{Before: u, After: bound}); err != nil {
			b.Fatal(err)
		}
		return workflow.Caller{User: u}
	}
	admin := user("admin@bench.test", models.RoleAdmin)
	admin.CohortIDs = nil
	ivy, ann := user("ivy@bench.test", models.RoleInstructor), user("ann@bench.test", models.RoleStudent)
	app := workflow.New(st, clk, workflow.EphemeralSigning(), workflow.WithAccounts(enabledAccounts{}))
	if _, err := app.Skills.Assign(ctx, admin, workflow.AssignInput{CohortID: cohort.ID, ChecklistID: "bp-manual"}); err != nil {
		b.Fatal(err)
	}
	req, err := app.Evaluations.CreateAttempt(ctx, ann, workflow.NewAttempt{ChecklistID: "bp-manual", Kind: models.AttemptEvaluation})
	if err != nil {
		b.Fatal(err)
	}
	if err := app.Evaluations.SetSigningPIN(ctx, ivy, "482913"); err != nil {
		b.Fatal(err)
	}
	try := func(pin string) error {
		clk.Advance(time.Minute) // within the try limits
		_, err := app.Evaluations.Evaluate(ctx, ann, workflow.EvaluateInput{AttemptID: req.Attempt.ID, Decision: workflow.DecisionReturn,
			Comment: "Again.", Signer: &workflow.PINSigner{InstructorID: ivy.ID, PIN: pin}})
		return err
	}
	for range 5 {
		try("975310")
	}
	if err := try("482913"); !isRefusal(err, "signing-pin-locked") {
		b.Fatalf("try on the locked PIN = %v; want signing-pin-locked", err)
	}
	// Wall time is mostly the refused try's commit waiting on the disk;
	// the CPU it costs is reported beside it.
	cpu := cpuTime(b)
	for b.Loop() {
		if err := try("482913"); !isRefusal(err, "signing-pin-locked") {
			b.Fatalf("try on the locked PIN = %v", err)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
}

// enabledAccounts says every sign-in account is enabled and was never
// revoked.
type enabledAccounts struct{}

func (enabledAccounts) AccountStatus(context.Context, string) (models.AccountStatus, error) {
	return models.AccountStatus{}, nil
}

func isRefusal(err error, code string) bool {
	var r *models.Refusal
	return errors.As(err, &r) && r.Code == code
}

// cpuTime is the CPU (user and system) this process has used.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
