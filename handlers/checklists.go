package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"skillbook/models"
	"skillbook/workflow"
)

// Checklist operations. Everyone in a program reads its published library
// (shipped checklists and its own); drafts, and every change, are for the
// program's admins. A draft is edited with If-Match: the ETag of a
// checklist version is its revision in quotes ("3"), and PUT without
// If-Match is refused with 428, so an edit never overwrites one it did not
// see.

type checklistListInput struct {
	Area       models.Area `query:"area" enum:"vital-signs,phlebotomy,sterilization,wound-care,medication-administration" doc:"Only checklists of this area."`
	Competency string      `query:"competency" maxLength:"64" doc:"Only checklists citing this competency code, or one of its parts: \"MAERB-2015 I.P.1\" matches \"MAERB-2015 I.P.1.a\"."`
	Q          string      `query:"q" maxLength:"100" doc:"Words that must all appear in the title, in any case."`
	Limit      int         `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"Page size."`
	Cursor     string      `query:"cursor" maxLength:"512" doc:"The nextCursor of the previous page."`
}

// checklistSummary is a checklist in a list: what it is, not its steps.
type checklistSummary struct {
	ID            string                 `json:"id"`
	Version       int                    `json:"version"`
	ProgramID     string                 `json:"programId,omitempty" doc:"Set when the program wrote this version; empty for the shipped library."`
	Area          models.Area            `json:"area"`
	Title         string                 `json:"title"`
	Competencies  []string               `json:"competencies"`
	Steps         int                    `json:"steps" doc:"Number of steps."`
	CriticalSteps int                    `json:"criticalSteps" doc:"Number of critical steps: missing one fails an attempt."`
	Status        models.ChecklistStatus `json:"status"`
	PublishedAt   *time.Time             `json:"publishedAt,omitempty"`
}

func checklistSummaryOf(c models.Checklist) checklistSummary {
	return checklistSummary{
		ID: c.ID, Version: c.Version, ProgramID: c.ProgramID, Area: c.Area, Title: c.Title,
		Competencies: c.Competencies, Steps: len(c.Steps), CriticalSteps: c.CriticalSteps(),
		Status: c.Status, PublishedAt: c.PublishedAt,
	}
}

type checklistListOutput struct {
	Body models.List[checklistSummary]
}

// listChecklists lists the current published checklists of the caller's
// program, by id.
func (s *server) listChecklists(ctx context.Context, in *checklistListInput) (*checklistListOutput, error) {
	list, err := s.app.Skills.Checklists(ctx, callerOf(ctx), models.ChecklistFilter{
		Area: in.Area, Competency: in.Competency, Text: in.Q,
		Page: models.Page{Limit: in.Limit, Cursor: in.Cursor},
	})
	if err != nil {
		return nil, err
	}
	out := &checklistListOutput{Body: models.List[checklistSummary]{Items: make([]checklistSummary, 0, len(list.Items)), NextCursor: list.NextCursor}}
	for _, c := range list.Items {
		out.Body.Items = append(out.Body.Items, checklistSummaryOf(c))
	}
	return out, nil
}

type checklistIDInput struct {
	ID string `path:"id" maxLength:"64" doc:"The checklist id, such as bp-manual."`
}

type checklistVersionInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The checklist id, such as bp-manual."`
	Version int    `path:"version" minimum:"1" maximum:"10000" doc:"The version number."`
}

type checklistOutput struct {
	Status   int
	ETag     string `header:"ETag" doc:"The version's revision; send it as If-Match to edit a draft."`
	Location string `header:"Location"`
	Body     models.Checklist
}

func checklistResponse(c models.Checklist, status int) *checklistOutput {
	return &checklistOutput{
		Status:   status,
		ETag:     etag(c.Revision),
		Location: fmt.Sprintf("/v1/checklists/%s/versions/%d", c.ID, c.Version),
		Body:     c,
	}
}

// currentChecklist returns the latest published version of a checklist.
func (s *server) currentChecklist(ctx context.Context, in *checklistIDInput) (*checklistOutput, error) {
	c, err := s.app.Skills.CurrentChecklist(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return checklistResponse(c, http.StatusOK), nil
}

type checklistVersionsOutput struct {
	Body struct {
		Items []checklistSummary `json:"items" doc:"Every version, oldest first; drafts only for admins."`
	}
}

// checklistVersions lists every version of a checklist the caller may see.
func (s *server) checklistVersions(ctx context.Context, in *checklistIDInput) (*checklistVersionsOutput, error) {
	versions, err := s.app.Skills.ChecklistVersions(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	out := &checklistVersionsOutput{}
	out.Body.Items = make([]checklistSummary, 0, len(versions))
	for _, c := range versions {
		out.Body.Items = append(out.Body.Items, checklistSummaryOf(c))
	}
	return out, nil
}

// checklistVersion returns one version of a checklist, retired ones too.
func (s *server) checklistVersion(ctx context.Context, in *checklistVersionInput) (*checklistOutput, error) {
	c, err := s.app.Skills.ChecklistVersion(ctx, callerOf(ctx), in.ID, in.Version)
	if err != nil {
		return nil, err
	}
	return checklistResponse(c, http.StatusOK), nil
}

// ChecklistContent is what an admin writes: every field of a checklist
// version but its id and number.
type ChecklistContent struct {
	Area         models.Area   `json:"area" enum:"vital-signs,phlebotomy,sterilization,wound-care,medication-administration"`
	Title        string        `json:"title" minLength:"1" maxLength:"200"`
	Purpose      string        `json:"purpose" minLength:"1" maxLength:"2000" doc:"What the student shows, and why it matters."`
	Competencies []string      `json:"competencies" minItems:"1" maxItems:"20" doc:"Competency codes with their framework, such as \"MAERB-2015 I.P.1.a\"."`
	Affective    []string      `json:"affective,omitempty" maxItems:"20" doc:"Affective competencies (codes of the affective domain, such as \"MAERB-2015 I.A.1\") an evaluation of this checklist rates met or not met."`
	Equipment    []string      `json:"equipment" minItems:"1" maxItems:"50" doc:"Each item at most 300 characters."`
	Steps        []stepInput   `json:"steps" minItems:"1" maxItems:"100"`
	Grading      gradingInput  `json:"grading,omitempty" doc:"Overrides of the program's grading rule; omitted values use the program's."`
	Sources      []sourceInput `json:"sources,omitempty" maxItems:"20" doc:"Public references the steps follow (guidelines, standards, manufacturer's instructions)."`
}

type stepInput struct {
	ID          string `json:"id" maxLength:"64" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"Unique within the checklist."`
	Text        string `json:"text" minLength:"1" maxLength:"1000"`
	Critical    bool   `json:"critical,omitempty" doc:"Missing a critical step fails the attempt whatever the score."`
	MayNotApply bool   `json:"mayNotApply,omitempty" doc:"The step may not apply to every patient, so an evaluator may grade it not applicable (with a comment); never on a critical step."`
}

type sourceInput struct {
	Publisher string `json:"publisher" minLength:"1" maxLength:"300" doc:"Who issued it, such as CDC, CLSI, OSHA or a manufacturer."`
	Title     string `json:"title" minLength:"1" maxLength:"300"`
	URL       string `json:"url" minLength:"1" maxLength:"500" doc:"An absolute http or https URL."`
}

type gradingInput struct {
	MinScore            *int `json:"minScore,omitempty" minimum:"0" maximum:"100" doc:"Lowest passing score, in percent of applicable steps."`
	RequiredEvaluations *int `json:"requiredEvaluations,omitempty" minimum:"1" maximum:"10" doc:"Passed, signed evaluations that make the skill competent."`
	MaxAttempts         *int `json:"maxAttempts,omitempty" minimum:"1" maximum:"20" doc:"Failed graded attempts before remediation."`
	RequiredPractice    *int `json:"requiredPractice,omitempty" minimum:"0" maximum:"50" doc:"Logged practice attempts before an evaluation may be requested."`
}

// checklist returns the version id/version with this content.
func (b ChecklistContent) checklist(id string, version int) models.Checklist {
	steps := make([]models.Step, len(b.Steps))
	for i, st := range b.Steps {
		steps[i] = models.Step{ID: st.ID, Text: strings.TrimSpace(st.Text), Critical: st.Critical, MayNotApply: st.MayNotApply}
	}
	var sources []models.Source
	for _, src := range b.Sources {
		sources = append(sources, models.Source{Publisher: strings.TrimSpace(src.Publisher), Title: strings.TrimSpace(src.Title), URL: strings.TrimSpace(src.URL)})
	}
	return models.Checklist{
		ID: id, Version: version, Area: b.Area,
		Title: strings.TrimSpace(b.Title), Purpose: strings.TrimSpace(b.Purpose),
		Competencies: trimAll(b.Competencies), Affective: trimAll(b.Affective), Equipment: trimAll(b.Equipment), Steps: steps,
		Grading: models.GradingOverride{
			MinScore: b.Grading.MinScore, RequiredEvaluations: b.Grading.RequiredEvaluations,
			MaxAttempts: b.Grading.MaxAttempts, RequiredPractice: b.Grading.RequiredPractice,
		},
		Sources: sources,
	}
}

func trimAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

type createChecklistInput struct {
	Body struct {
		ID string `json:"id" maxLength:"64" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" doc:"A new id, or an existing one (shipped or the program's) to draft its next version."`
		ChecklistContent
	}
}

// createChecklist drafts a new checklist, or the next version of one.
func (s *server) createChecklist(ctx context.Context, in *createChecklistInput) (*checklistOutput, error) {
	// The use case numbers the version.
	c, err := s.app.Skills.CreateDraft(ctx, callerOf(ctx), in.Body.checklist(in.Body.ID, 0))
	if err != nil {
		return nil, err
	}
	return checklistResponse(c, http.StatusCreated), nil
}

type updateChecklistInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The checklist id."`
	Version int    `path:"version" minimum:"1" maximum:"10000" doc:"The draft's version number."`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"Required: the ETag the draft was read with; 412 if it changed since, 428 when missing."`
	Body    ChecklistContent
}

// updateChecklist replaces the content of a draft.
func (s *server) updateChecklist(ctx context.Context, in *updateChecklistInput) (*checklistOutput, error) {
	rev, err := requireIfMatch(in.IfMatch, "draft")
	if err != nil {
		return nil, err
	}
	c, err := s.app.Skills.UpdateDraft(ctx, callerOf(ctx), workflow.UpdateDraftInput{Checklist: in.Body.checklist(in.ID, in.Version), Revision: rev})
	if err != nil {
		return nil, err
	}
	return checklistResponse(c, http.StatusOK), nil
}

type publishChecklistInput struct {
	ID      string `path:"id" maxLength:"64" doc:"The checklist id."`
	Version int    `path:"version" minimum:"1" maximum:"10000" doc:"The version number."`
	IfMatch string `header:"If-Match" maxLength:"40" doc:"Optional: the ETag the version was read with; 412 if it changed since."`
}

// publishChecklist publishes a draft: it becomes immutable and current.
func (s *server) publishChecklist(ctx context.Context, in *publishChecklistInput) (*checklistOutput, error) {
	rev, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	c, err := s.app.Skills.Publish(ctx, callerOf(ctx), workflow.PublishInput{ID: in.ID, Version: in.Version, Revision: rev})
	if err != nil {
		return nil, err
	}
	return checklistResponse(c, http.StatusOK), nil
}

// retireChecklist retires a published version of the program's own: no
// new assignments, still readable by version. It changes no content, so
// it needs no If-Match.
func (s *server) retireChecklist(ctx context.Context, in *checklistVersionInput) (*checklistOutput, error) {
	c, err := s.app.Skills.Retire(ctx, callerOf(ctx), in.ID, in.Version)
	if err != nil {
		return nil, err
	}
	return checklistResponse(c, http.StatusOK), nil
}
