package sqlite

import (
	"context"
	"testing"

	"skillbook/models"
)

// skillLogProcedure stores p as logged by its student, pending review,
// with its audit event, as the LogProcedure use case does.
func skillLogProcedure(ctx context.Context, s *Store, p models.Procedure) (models.Procedure, bool, error) {
	if p.ID == "" {
		p.ID = newID()
	}
	now := s.now()
	p.Status, p.Review, p.Version, p.CreatedAt, p.UpdatedAt = models.ProcedurePending, nil, 1, now, now
	ev := models.Event{Type: models.EventProcedureLogged, ProgramID: p.ProgramID, Actor: models.Actor{UserID: p.StudentID},
		Subject: "procedure", SubjectID: p.ID, StudentID: p.StudentID}
	return s.CreateProcedure(ctx, p, ev)
}

func skillMustProcedure(tb testing.TB, s *Store, p models.Procedure) models.Procedure {
	tb.Helper()
	got, created, err := skillLogProcedure(context.Background(), s, p)
	if err != nil || !created {
		tb.Fatalf("CreateProcedure = %v, created %v; want a new procedure", err, created)
	}
	return got
}

// skillReview records reviewer's decision on procedure read, as read: the
// write the review use cases make, without their checks, so the store's
// own guard is what decides.
func skillReview(ctx context.Context, s *Store, read models.Procedure, reviewer models.User, status models.ProcedureStatus, reason string) (models.Procedure, error) {
	decided := read
	decided.Status, decided.Version, decided.UpdatedAt = status, read.Version+1, s.now()
	decided.Review = &models.ProcedureReview{ReviewerID: reviewer.ID, ReviewerName: reviewer.Name,
		ReviewerCredential: reviewer.Credential, ReviewedAt: decided.UpdatedAt, Reason: reason}
	ev := models.Event{Type: models.EventProcedureConfirmed, ProgramID: read.ProgramID, Actor: models.Actor{UserID: reviewer.ID},
		Subject: "procedure", SubjectID: read.ID, StudentID: read.StudentID}
	if status == models.ProcedureRejected {
		ev.Type = models.EventProcedureRejected
	}
	return s.ReviewProcedure(ctx, decided, read.Version, ev)
}

// TestSkillProcedureColumnsFollowTheReview: the columns the lists filter
// on change with the doc (the contract suite checks the review itself).
func TestSkillProcedureColumnsFollowTheReview(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	p := skillMustProcedure(t, s, models.Procedure{ProgramID: "p1", StudentID: "s1", Kind: "venipuncture", PerformedAt: "2026-03-01"})
	reviewer := models.User{ID: newID(), ProgramID: "p1", Name: "Instructor", Credential: "RMA (AMT)", Role: models.RoleInstructor}
	got, err := skillReview(ctx, s, p, reviewer, models.ProcedureConfirmed, "")
	if err != nil {
		t.Fatal(err)
	}
	var status string
	var version int64
	if err := s.reader.QueryRow(`SELECT status, version FROM procedures WHERE id = ?`, p.ID).Scan(&status, &version); err != nil ||
		status != string(got.Status) || version != 2 {
		t.Errorf("columns = %s v%d, %v; want %s v2 (in step with the doc)", status, version, err, got.Status)
	}
}
