package handlers

import (
	"context"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
)

// Cohort operations. A program's admins create, rename, re-date and
// archive its cohorts; everyone reads the cohorts they may see (admins the
// whole program, instructors those they teach, students their own). The
// ETag of a cohort is its version in quotes; PATCH needs If-Match.

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
	c, err := s.app.People.CreateCohort(ctx, callerOf(ctx), workflow.CreateCohortInput{
		Name: in.Body.Name, StartDate: in.Body.StartDate, EndDate: in.Body.EndDate,
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
	list, err := s.app.People.Cohorts(ctx, callerOf(ctx), workflow.CohortsInput{
		Archived: in.Archived, Page: models.Page{Limit: in.Limit, Cursor: in.Cursor},
	})
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
	c, err := s.app.People.Cohort(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
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
	version, err := requireIfMatch(in.IfMatch, "cohort")
	if err != nil {
		return nil, err
	}
	c, err := s.app.People.UpdateCohort(ctx, callerOf(ctx), workflow.UpdateCohortInput{
		ID: in.ID, Version: version, Name: in.Body.Name, StartDate: in.Body.StartDate, EndDate: in.Body.EndDate,
	})
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
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	c, err := s.app.People.ArchiveCohort(ctx, callerOf(ctx), workflow.CohortStateInput{ID: in.ID, Version: version})
	if err != nil {
		return nil, err
	}
	return cohortResponse(c, http.StatusOK), nil
}

// unarchiveCohort brings an archived cohort back.
func (s *server) unarchiveCohort(ctx context.Context, in *archiveCohortInput) (*cohortOutput, error) {
	version, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	c, err := s.app.People.UnarchiveCohort(ctx, callerOf(ctx), workflow.CohortStateInput{ID: in.ID, Version: version})
	if err != nil {
		return nil, err
	}
	return cohortResponse(c, http.StatusOK), nil
}
