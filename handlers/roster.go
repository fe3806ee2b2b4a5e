package handlers

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strings"

	"skillbook/models"
	"skillbook/roster"
	"skillbook/store/mongo"
)

// Roster import. An admin uploads a CSV of the program's people; every row
// is checked first, then the valid rows are written one by one, each as its
// own version-guarded write with its own audit entry, and the rejected ones
// are reported with a reason. Importing the same file again finds every
// row unchanged and writes nothing.

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
	caller := callerFrom(ctx)
	if err := requireProgramAdmin(caller, "import rosters"); err != nil {
		return nil, err
	}
	if mt, _, err := mime.ParseMediaType(in.ContentType); err != nil || mt != "text/csv" {
		return nil, newProblem(http.StatusUnsupportedMediaType, "send the roster as text/csv")
	}
	file, err := roster.Parse(in.RawBody)
	if err != nil {
		return nil, err
	}
	st, err := s.rosterState(ctx, caller, file)
	if err != nil {
		return nil, err
	}
	decisions := roster.Plan(file, st)
	if !in.DryRun {
		if err := s.applyRoster(ctx, models.ActorOf(caller, requestIDFrom(ctx)), caller.ProgramID, decisions); err != nil {
			return nil, err
		}
	}
	report := models.RosterReport{DryRun: in.DryRun, Rows: make([]models.RosterOutcome, 0, len(decisions))}
	for _, d := range decisions {
		report.Add(d.Outcome)
	}
	return &rosterOutput{Body: report}, nil
}

// rosterState reads what the file is checked against.
func (s *server) rosterState(ctx context.Context, caller models.User, file *roster.File) (roster.State, error) {
	st := roster.State{ProgramID: caller.ProgramID, Caller: caller}
	var err error
	if st.Cohorts, err = s.store.ProgramCohorts(ctx, caller.ProgramID); err != nil {
		return st, err
	}
	emails := make([]string, 0, len(file.Rows))
	for _, r := range file.Rows {
		if r.Problem == "" && r.Email != "" {
			emails = append(emails, r.Email)
		}
	}
	if st.Users, err = s.store.UsersByEmail(ctx, emails); err != nil {
		return st, err
	}
	admins, err := s.store.ActiveAdmins(ctx, caller.ProgramID)
	st.ActiveAdmins = int(admins)
	return st, err
}

// applyRoster writes the planned rows: the new users in batches, then the
// changes one by one, each user its own guarded write and audit entry. A
// write the store refuses because of the row (a rule, or a change made
// meanwhile) rejects the row; any other failure ends the import, and the
// rows written so far stay (importing the file again finishes it).
func (s *server) applyRoster(ctx context.Context, actor models.Actor, programID string, ds []roster.Decision) error {
	var creates []models.User
	var updates []mongo.UserUpdate
	var createAt, updateAt []int
	for i, d := range ds {
		switch d.Outcome.Result {
		case models.RosterCreated:
			creates, createAt = append(creates, d.User), append(createAt, i)
		case models.RosterUpdated:
			u := d.User
			updates = append(updates, mongo.UserUpdate{ID: d.Existing.ID, Version: d.Existing.Version, Change: mongo.UserChange{
				Name: &u.Name, Role: &u.Role, Credential: &u.Credential, CohortIDs: u.CohortIDs, FromRoster: true,
			}})
			updateAt = append(updateAt, i)
		}
	}
	created, errs, err := s.store.ImportUsers(ctx, actor, creates)
	if err != nil {
		return err
	}
	for j, i := range createAt {
		if errs[j] != nil {
			rejectRow(&ds[i].Outcome, errs[j])
		} else {
			ds[i].Outcome.UserID = created[j].ID
		}
	}
	if _, errs, err = s.store.UpdateUsers(ctx, actor, programID, updates); err != nil {
		return err
	}
	for j, i := range updateAt {
		if errs[j] != nil {
			rejectRow(&ds[i].Outcome, errs[j])
		}
	}
	return nil
}

// rejectRow marks a row the store refused.
func rejectRow(o *models.RosterOutcome, err error) {
	o.Result, o.Reason = models.RosterRejected, rowReason(err)
}

// rowReason words a store refusal of a roster row for the report.
func rowReason(err error) string {
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		parts := make([]string, 0, len(ve.Problems))
		for _, p := range ve.Problems {
			parts = append(parts, p.Field+": "+p.Message)
		}
		return strings.Join(parts, "; ")
	case errors.Is(err, models.ErrPreconditionFailed), errors.Is(err, models.ErrNotFound):
		return "the user was changed while the file was imported; import the file again"
	case errors.Is(err, models.ErrConflict):
		return detailAfter(err, models.ErrConflict, "the user was changed while the file was imported; import the file again")
	case errors.Is(err, models.ErrForbidden):
		return detailAfter(err, models.ErrForbidden, "you may not make this change")
	}
	return "the row could not be written"
}
