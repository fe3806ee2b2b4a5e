package workflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"skillbook/models"
	"skillbook/roster"
)

// RosterStore is what importing a roster needs: the program's cohorts, the
// users the file names and the active admins to check it against, and
// writing the new users and the changes in batches, each user its own
// guarded write with its own audit event.
type RosterStore interface {
	ProgramCohorts(ctx context.Context, programID string) ([]models.Cohort, error)
	UsersByEmail(ctx context.Context, emails []string) (map[string]models.User, error)
	ActiveAdmins(ctx context.Context, programID string) (int64, error)
	// InsertUsers stores each w.After with its w.Events and returns, in
	// order, nil or the error that refused each; err is a failure of the
	// store itself.
	InsertUsers(ctx context.Context, ws []models.UserWrite) (refused []error, err error)
	// SaveUsers writes each change as SaveUser does and returns, in order,
	// the users as stored or the error that refused each; err is a failure
	// of the store itself.
	SaveUsers(ctx context.Context, ws []models.UserWrite) ([]models.User, []error, error)
}

// Each admin has rosterImportsPerAdmin imports at once, then one every
// rosterImportsEvery: an import of 5,000 rows reads and writes that many
// users, and a correction and a retry fit in the burst.
const (
	rosterImportsPerAdmin = 10
	rosterImportsEvery    = time.Minute
)

// ImportRosterInput is a roster file (CSV) and whether only to check it.
type ImportRosterInput struct {
	CSV []byte
	// DryRun checks every row and reports what importing would do,
	// without writing anything.
	DryRun bool
}

// ImportRoster checks every row of a roster file against the program (see
// roster.Plan), then writes the valid rows one user at a time, each as its
// own version-guarded write with its own audit entry, and reports the
// rejected ones with a reason. Importing the same file again finds every
// row unchanged and writes nothing. A write the store refuses because of
// its row (a change made meanwhile, the program's last admin) rejects the
// row; any other failure ends the import, and the rows written so far stay
// (importing the file again finishes it).
func (p *People) ImportRoster(ctx context.Context, caller Caller, in ImportRosterInput) (models.RosterReport, error) {
	if ok, wait := p.rosters.allow(caller.ID); !ok {
		return models.RosterReport{}, &models.Limited{Code: "too-many-roster-imports", RetryAfter: wait,
			Detail: fmt.Sprintf("you imported %d rosters in a short time; wait before importing another", rosterImportsPerAdmin)}
	}
	file, err := roster.Parse(in.CSV)
	if err != nil {
		return models.RosterReport{}, err
	}
	st, err := p.rosterState(ctx, caller, file)
	if err != nil {
		return models.RosterReport{}, err
	}
	decisions := roster.Plan(file, st)
	if !in.DryRun {
		if err := p.applyRoster(ctx, caller, decisions); err != nil {
			return models.RosterReport{}, err
		}
	}
	report := models.RosterReport{DryRun: in.DryRun, Rows: make([]models.RosterOutcome, 0, len(decisions))}
	for _, d := range decisions {
		report.Add(d.Outcome)
	}
	return report, nil
}

// rosterState reads what the file is checked against.
func (p *People) rosterState(ctx context.Context, caller Caller, file *roster.File) (roster.State, error) {
	st := roster.State{ProgramID: caller.ProgramID, Caller: caller.User}
	var err error
	if st.Cohorts, err = p.store.ProgramCohorts(ctx, caller.ProgramID); err != nil {
		return st, err
	}
	emails := make([]string, 0, len(file.Rows))
	for _, r := range file.Rows {
		if r.Problem == "" && r.Email != "" {
			emails = append(emails, r.Email)
		}
	}
	if st.Users, err = p.store.UsersByEmail(ctx, emails); err != nil {
		return st, err
	}
	admins, err := p.store.ActiveAdmins(ctx, caller.ProgramID)
	st.ActiveAdmins = int(admins)
	return st, err
}

// applyRoster writes the planned rows: the new users in batches, then the
// changes one by one, and marks the rows the store refused.
func (p *People) applyRoster(ctx context.Context, caller Caller, ds []roster.Decision) error {
	now, actor := p.now(), caller.Actor()
	var creates, updates []models.UserWrite
	var createAt, updateAt []int
	for i, d := range ds {
		switch d.Outcome.Result {
		case models.RosterCreated:
			u := d.User
			u.Normalize()
			u.ID = p.newID()
			u.Active, u.Version = true, 1
			u.CreatedAt, u.UpdatedAt = now, now
			creates = append(creates, models.UserWrite{After: u,
				Events: []models.Event{models.UserInvitedEvent(models.EventRosterUserCreated, actor, u, now)}})
			createAt = append(createAt, i)
		case models.RosterUpdated:
			next := d.User
			ev, changed := models.UserChangedEvent(models.EventRosterUserUpdated, actor, d.Existing, next, now)
			if !changed {
				ds[i].Outcome.Result = models.RosterUnchanged
				continue
			}
			next.UpdatedAt = now
			updates = append(updates, models.UserWrite{Before: d.Existing, After: next, Events: []models.Event{ev}})
			updateAt = append(updateAt, i)
		}
	}
	if len(creates) > 0 {
		refused, err := p.store.InsertUsers(ctx, creates)
		if err != nil {
			return err
		}
		for j, i := range createAt {
			if refused[j] != nil {
				rejectRow(&ds[i].Outcome, refused[j])
			} else {
				ds[i].Outcome.UserID = creates[j].After.ID
			}
		}
	}
	if len(updates) > 0 {
		_, refused, err := p.store.SaveUsers(ctx, updates)
		if err != nil {
			return err
		}
		for j, i := range updateAt {
			if refused[j] != nil {
				rejectRow(&ds[i].Outcome, refused[j])
			}
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
		return wordsAfter(err, models.ErrConflict, "the user was changed while the file was imported; import the file again")
	case errors.Is(err, models.ErrForbidden):
		return wordsAfter(err, models.ErrForbidden, "you may not make this change")
	}
	return "the row could not be written"
}

// wordsAfter returns the words an error puts after a sentinel ("conflict:
// a user with email x already exists"), which are meant for people, or
// fallback when there are none.
func wordsAfter(err, sentinel error, fallback string) string {
	msg, prefix := err.Error(), sentinel.Error()+": "
	if i := strings.LastIndex(msg, prefix); i >= 0 {
		return msg[i+len(prefix):]
	}
	return fallback
}
