package handlers

import (
	"context"
	"mime"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
)

// Roster import. An admin uploads a CSV of the program's people; the
// People.ImportRoster use case checks every row, writes the valid ones and
// reports the rejected ones with a reason.

type importRosterInput struct {
	DryRun      bool   `query:"dryRun" doc:"Check every row and report what importing would do, without writing anything."`
	ContentType string `header:"Content-Type" doc:"text/csv"`
	RawBody     []byte `contentType:"text/csv" doc:"A header row naming the columns email, name, role, cohort and optionally credential (any order and case), then one user per row; UTF-8, at most 1 MiB and 5,000 rows."`
}

type rosterOutput struct {
	Body models.RosterReport
}

// importRoster checks and applies a roster file.
func (s *server) importRoster(ctx context.Context, in *importRosterInput) (*rosterOutput, error) {
	if mt, _, err := mime.ParseMediaType(in.ContentType); err != nil || mt != "text/csv" {
		return nil, newProblem(http.StatusUnsupportedMediaType, "send the roster as text/csv")
	}
	report, err := s.app.People.ImportRoster(ctx, callerOf(ctx), workflow.ImportRosterInput{CSV: in.RawBody, DryRun: in.DryRun})
	if err != nil {
		return nil, err
	}
	return &rosterOutput{Body: report}, nil
}
