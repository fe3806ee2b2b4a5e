package handlers

import (
	"context"
	"fmt"
	"net/http"

	"skillbook/models"
	"skillbook/store/mongo"
)

// Cohort operations. A program's admins create, rename, re-date and
// archive its cohorts; everyone reads the cohorts they may see (admins the
// whole program, instructors those they teach, students their own). The
// ETag of a cohort is its version in quotes; PATCH needs If-Match.

// requireProgramAdmin refuses anyone but an admin of the program.
func requireProgramAdmin(caller models.User, doing string) error {
	if caller.Role != models.RoleAdmin {
		return fmt.Errorf("%w: only program admins may %s", models.ErrForbidden, doing)
	}
	return nil
}

// ifMatchVersion reads an optional If-Match header: 0 when absent or "*".
func ifMatchVersion(h string) (int64, error) {
	if h == "" {
		return 0, nil
	}
	return parseIfMatch(h)
}

type cohortOutput struct {
	Status   int
	ETag     string `header:"ETag" doc:"The cohort's version; send it as If-Match to change the cohort."`
	Location string `header:"Location"`
	Body     models.Cohort
}

func cohortResponse(c models.Cohort, status int) *cohortOutput {
	out := &cohortOutput{Status: status, ETag: etag(c.Version), Body: c}
	if status == http.StatusCreated {
		out.Location = "/v1/cohorts/" + c.ID
	}
	return out
}

type createCohortInput struct {
	Body struct {
		Name      string `json:"name" minLength:"1" maxLength:"120" doc:"Unique in the program, in any case."`
		StartDate string `json:"startDate" maxLength:"10" doc:"First day, such as 2026-09-01."`
		EndDate   string `json:"endDate,omitempty" maxLength:"10" doc:"Last day, after startDate."`
	}
}

// createCohort adds a cohort to the caller's program.
func (s *server) createCohort(ctx context.Context, in *createCohortInput) (*cohortOutput, error) {
	caller := callerFrom(ctx)
	if err := requireProgramAdmin(caller, "create cohorts"); err != nil {
		return nil, err
	}
	c, err := s.store.CreateCohort(ctx, models.ActorOf(caller, requestIDFrom(ctx)), models.Cohort{
		ProgramID: caller.ProgramID, Name: in.Body.Name, StartDate: in.Body.StartDate, EndDate: in.Body.EndDate,
	})
	if err != nil {
		return nil, err
	}
	return cohortResponse(c, http.StatusCreated), nil
}

type listCohortsInput struct {
	Archived bool   `query:"archived" doc:"true lists archived cohorts instead of active ones."`
	Limit    int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Page size."`
	Cursor   string `query:"cursor" maxLength:"512" doc:"The nextCursor of the previous page."`
}

type listCohortsOutput struct {
	Body models.List[models.Cohort]
}

// listCohorts lists the cohorts the caller may see, in creation order.
func (s *server) listCohorts(ctx context.Context, in *listCohortsInput) (*listCohortsOutput, error) {
	caller := callerFrom(ctx)
	f := mongo.CohortFilter{Archived: in.Archived}
	if caller.Role != models.RoleAdmin {
		f.IDs = append([]string{}, caller.CohortIDs...)
	}
	list, err := s.store.Cohorts(ctx, caller.ProgramID, f, models.Page{Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return nil, err
	}
	return &listCohortsOutput{Body: list}, nil
}

type cohortIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The cohort id."`
}

// cohort returns one cohort the caller may see.
func (s *server) cohort(ctx context.Context, in *cohortIDInput) (*cohortOutput, error) {
	caller := callerFrom(ctx)
	c, err := s.store.Cohort(ctx, caller.ProgramID, in.ID)
	if err != nil {
		return nil, err
	}
	if !models.CanSeeCohort(caller, c) {
		return nil, fmt.Errorf("cohort %s: %w", in.ID, models.ErrNotFound)
	}
	return cohortResponse(c, http.StatusOK), nil
}

type updateCohortInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The cohort id."`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"Required: the ETag the cohort was read with; 412 if it changed since, 428 when missing."`
	Body    struct {
		Name      *string `json:"name,omitempty" minLength:"1" maxLength:"120"`
		StartDate *string `json:"startDate,omitempty" maxLength:"10" doc:"Such as 2026-09-01."`
		EndDate   *string `json:"endDate,omitempty" maxLength:"10" doc:"An empty string removes the end date."`
	}
}

// updateCohort renames a cohort or changes its dates.
func (s *server) updateCohort(ctx context.Context, in *updateCohortInput) (*cohortOutput, error) {
	caller := callerFrom(ctx)
	if err := requireProgramAdmin(caller, "change cohorts"); err != nil {
		return nil, err
	}
	version, err := requireIfMatch(in.IfMatch, "cohort")
	if err != nil {
		return nil, err
	}
	c, err := s.store.UpdateCohort(ctx, models.ActorOf(caller, requestIDFrom(ctx)), caller.ProgramID, in.ID, version,
		mongo.CohortChange{Name: in.Body.Name, StartDate: in.Body.StartDate, EndDate: in.Body.EndDate})
	if err != nil {
		return nil, err
	}
	return cohortResponse(c, http.StatusOK), nil
}

type archiveCohortInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The cohort id."`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"Optional: the ETag the cohort was read with; 412 if it changed since."`
}

// archiveCohort archives a cohort: its records stay, it leaves the default
// lists and takes no new members.
func (s *server) archiveCohort(ctx context.Context, in *archiveCohortInput) (*cohortOutput, error) {
	return s.setCohortArchived(ctx, in, true)
}

// unarchiveCohort brings an archived cohort back.
func (s *server) unarchiveCohort(ctx context.Context, in *archiveCohortInput) (*cohortOutput, error) {
	return s.setCohortArchived(ctx, in, false)
}

func (s *server) setCohortArchived(ctx context.Context, in *archiveCohortInput, archived bool) (*cohortOutput, error) {
	caller := callerFrom(ctx)
	if err := requireProgramAdmin(caller, "archive cohorts"); err != nil {
		return nil, err
	}
	version, err := ifMatchVersion(in.IfMatch)
	if err != nil {
		return nil, err
	}
	c, err := s.store.SetCohortArchived(ctx, models.ActorOf(caller, requestIDFrom(ctx)), caller.ProgramID, in.ID, archived, version)
	if err != nil {
		return nil, err
	}
	return cohortResponse(c, http.StatusOK), nil
}
