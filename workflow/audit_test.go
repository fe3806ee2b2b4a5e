package workflow

import (
	"context"
	"errors"
	"testing"

	"skillbook/models"
)

func TestAuditIsForAdminsOfTheirProgram(t *testing.T) {
	st := newFakeNotices()
	st.audit = []models.Event{
		{ID: "e1", ProgramID: "p1", Type: models.EventExportRequested},
		{ID: "e2", ProgramID: "p2", Type: models.EventExportRequested},
		{ID: "e3", ProgramID: "p1", Type: models.EventExportDownloaded},
	}
	n, _ := noticesWith(st)
	ctx := context.Background()
	for _, role := range []models.Role{models.RoleInstructor, models.RoleStudent} {
		if _, err := n.Audit(ctx, callerAs("u", role), AuditInput{}); !errors.Is(err, models.ErrForbidden) {
			t.Errorf("Audit as %s = %v; want ErrForbidden", role, err)
		}
	}
	f := models.AuditFilter{ActorID: "a", StudentID: "s", Subject: "export", SubjectID: "x", Type: models.EventExportRequested}
	got, err := n.Audit(ctx, callerAs("admin", models.RoleAdmin), AuditInput{Filter: f})
	if err != nil || len(got.Items) != 1 || got.Items[0].ID != "e1" {
		t.Errorf("Audit = %+v, %v; want e1 only", got.Items, err)
	}
	if st.lastAudit.programID != "p1" || st.lastAudit.filter != f {
		t.Errorf("Audit asked the store for %+v; want program p1 and filter %+v", st.lastAudit, f)
	}
}
