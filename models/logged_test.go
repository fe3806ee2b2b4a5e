package models

import (
	"errors"
	"testing"
	"time"
)

// TestTakeReview: a store takes only the decision from what it is given
// (status, review, version, time), on a copy of the review, and keeps the
// rest of the record as stored.
func TestTakeReview(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	stored := Procedure{ID: "p1", ProgramID: "pr", StudentID: "s1", Kind: "venipuncture", Status: ProcedurePending, Version: 1}
	decided, err := stored.Decide(User{ID: "ivy", Name: "Ivy"}, ProcedureRejected, "training arm", now)
	if err != nil {
		t.Fatal(err)
	}
	decided.Kind, decided.StudentID = "changed", "s9"
	got := TakeReview(stored, decided)
	if got.Status != ProcedureRejected || got.Version != 2 || !got.UpdatedAt.Equal(now) || got.Review == nil || got.Review.Reason != "training arm" ||
		got.Kind != "venipuncture" || got.StudentID != "s1" {
		t.Errorf("TakeReview = %+v; want the stored procedure with the decision only", got)
	}
	if got.Review == decided.Review {
		t.Error("TakeReview shares the decided review; want a copy")
	}
	if _, err := got.Decide(User{ID: "ivy"}, ProcedureConfirmed, "", now); !errors.Is(err, ErrConflict) {
		t.Errorf("Decide(decided) = %v; want ErrConflict", err)
	}
	f := (&got).Log()
	if f.ReviewedAt == nil || !f.ReviewedAt.Equal(now) || *f.ID != "p1" || f.Kind != ProcedureKind {
		t.Errorf("Log() = %+v; want the procedure's fields and its review's time", f)
	}
	if f := (&PracticumEntry{}).Log(); f.ReviewedAt != nil || f.Kind != PracticumKind {
		t.Errorf("Log() of pending hours = %+v; want no review time", f)
	}
}
