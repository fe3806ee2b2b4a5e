package load

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"

	"github.com/google/uuid"

	"skillbook/models"
	"skillbook/seed"
)

// Route names of the report: the API's path templates, with what a POST
// to /v1/attempts does.
const (
	routeProgress    = "GET /v1/me/progress"
	routeAssignments = "GET /v1/me/assignments"
	routeRequest     = "POST /v1/attempts (evaluation request)"
	routePractice    = "POST /v1/attempts (practice)"
	routeQueue       = "GET /v1/queue"
	routeChecklist   = "GET /v1/checklists/{id}/versions/{version}"
	routeSignOff     = "POST /v1/attempts/{id}/evaluations"
	routeCohort      = "GET /v1/cohorts/{id}/progress"
	routeAudit       = "GET /v1/audit"
	routeExport      = "POST /v1/exports"
)

// user is one virtual user: it acts, one request at a time, until ctx
// ends.
type user interface {
	act(ctx context.Context) error
}

// weighted picks an action by weight.
type weighted struct {
	weight int
	do     func(ctx context.Context) error
}

func choose(rnd *rand.Rand, actions []weighted) func(ctx context.Context) error {
	total := 0
	for _, a := range actions {
		total += a.weight
	}
	n := rnd.IntN(total)
	for _, a := range actions {
		if n < a.weight {
			return a.do
		}
		n -= a.weight
	}
	return actions[len(actions)-1].do
}

// student reads their dashboard and assignments, logs practice and
// requests evaluations of skills they are not competent in.
type student struct {
	c      *client
	rnd    *rand.Rand
	skills []models.SkillProgress
}

func (s *student) act(ctx context.Context) error {
	if s.skills == nil {
		return s.assignments(ctx)
	}
	return choose(s.rnd, []weighted{
		{35, s.progress},
		{35, s.assignments},
		{15, s.request},
		{15, s.practice},
	})(ctx)
}

func (s *student) progress(ctx context.Context) error {
	_, err := s.c.call(ctx, routeProgress, http.MethodGet, "/v1/me/progress", nil, nil, nil)
	return err
}

func (s *student) assignments(ctx context.Context) error {
	var list models.List[models.SkillProgress]
	r, err := s.c.call(ctx, routeAssignments, http.MethodGet, "/v1/me/assignments?limit=200", nil, nil, &list)
	if err == nil && r.status == http.StatusOK {
		s.skills = list.Items
	}
	return err
}

// request asks for an evaluation of a skill that can take one.
func (s *student) request(ctx context.Context) error {
	var open []int
	for i, sk := range s.skills {
		switch sk.Status {
		case models.SkillNotStarted, models.SkillPractising, models.SkillNeedsRemediation, models.SkillOverdue:
			if sk.Practice >= sk.RequiredPractice {
				open = append(open, i)
			}
		}
	}
	if len(open) == 0 {
		return s.assignments(ctx)
	}
	i := open[s.rnd.IntN(len(open))]
	body := map[string]any{"id": newID(), "checklistId": s.skills[i].ChecklistID, "kind": models.AttemptEvaluation}
	r, err := s.c.call(ctx, routeRequest, http.MethodPost, "/v1/attempts", body, map[string]string{"Idempotency-Key": newID()}, nil)
	if err == nil && (r.status == http.StatusCreated || r.status == http.StatusConflict) {
		s.skills[i].Status = models.SkillAwaitingEvaluation
	}
	return err
}

// practice logs a practice attempt of a skill not yet competent.
func (s *student) practice(ctx context.Context) error {
	var open []int
	for i, sk := range s.skills {
		if sk.Status != models.SkillCompetent {
			open = append(open, i)
		}
	}
	if len(open) == 0 {
		return s.progress(ctx)
	}
	sk := &s.skills[open[s.rnd.IntN(len(open))]]
	body := map[string]any{"id": newID(), "checklistId": sk.ChecklistID, "kind": models.AttemptPractice, "note": "Practised in open lab."}
	r, err := s.c.call(ctx, routePractice, http.MethodPost, "/v1/attempts", body, map[string]string{"Idempotency-Key": newID()}, nil)
	if err == nil && r.status == http.StatusCreated {
		sk.Practice++
	}
	return err
}

// instructor reads the queue and grades and signs what waits in it.
type instructor struct {
	c         *client
	rnd       *rand.Rand
	library   *library
	waiting   []models.Attempt
	failShare float64
}

type queueItem struct {
	Attempt models.Attempt `json:"attempt"`
}

func (in *instructor) act(ctx context.Context) error {
	if len(in.waiting) == 0 {
		return in.queue(ctx)
	}
	return choose(in.rnd, []weighted{{55, in.queue}, {45, in.signOff}})(ctx)
}

func (in *instructor) queue(ctx context.Context) error {
	var page models.List[queueItem]
	r, err := in.c.call(ctx, routeQueue, http.MethodGet, "/v1/queue?limit=20", nil, nil, &page)
	if err == nil && r.status == http.StatusOK {
		in.waiting = in.waiting[:0]
		for _, it := range page.Items {
			in.waiting = append(in.waiting, it.Attempt)
		}
	}
	return err
}

// signOff grades a request from the last queue page: most pass and are
// signed, some fail on a critical step.
func (in *instructor) signOff(ctx context.Context) error {
	i := in.rnd.IntN(len(in.waiting))
	a := in.waiting[i]
	in.waiting = append(in.waiting[:i], in.waiting[i+1:]...)
	cl, err := in.library.get(ctx, in.c, a.ChecklistID, a.ChecklistVersion)
	if err != nil {
		return err
	}
	failing := ""
	if in.rnd.Float64() < in.failShare {
		for _, st := range cl.Steps {
			if st.Critical {
				failing = st.ID
				break
			}
		}
	}
	steps := make([]models.StepGrade, 0, len(cl.Steps))
	for _, st := range cl.Steps {
		g := models.StepGrade{StepID: st.ID, Result: models.StepPass}
		if st.ID == failing {
			g.Result, g.Comment = models.StepFail, "Missed: "+st.Text
		}
		steps = append(steps, g)
	}
	body := map[string]any{"steps": steps, "setting": models.SettingSkillsLab, "attest": true}
	if failing != "" {
		body["comment"] = "Review the critical steps and request again."
	}
	_, err = in.c.call(ctx, routeSignOff, http.MethodPost, "/v1/attempts/"+escape(a.ID)+"/evaluations", body,
		map[string]string{"Idempotency-Key": newID()}, nil)
	return err
}

// library caches checklist versions for every instructor of a run.
type library struct {
	mu   sync.Mutex
	byID map[string]models.Checklist
}

func (l *library) get(ctx context.Context, c *client, id string, version int) (models.Checklist, error) {
	key := fmt.Sprintf("%s@%d", id, version)
	l.mu.Lock()
	cl, ok := l.byID[key]
	l.mu.Unlock()
	if ok {
		return cl, nil
	}
	r, err := c.call(ctx, routeChecklist, http.MethodGet, fmt.Sprintf("/v1/checklists/%s/versions/%d", escape(id), version), nil, nil, &cl)
	if err != nil {
		return cl, err
	}
	if r.status != http.StatusOK {
		return cl, fmt.Errorf("checklist %s: status %d", key, r.status)
	}
	l.mu.Lock()
	l.byID[key] = cl
	l.mu.Unlock()
	return cl, nil
}

// admin watches cohort progress and the audit trail, looks at the whole
// queue, and exports when the API offers exports.
type admin struct {
	c       *client
	rnd     *rand.Rand
	cohorts []string
	exports bool
}

func (ad *admin) act(ctx context.Context) error {
	actions := []weighted{{50, ad.cohort}, {20, ad.audit}, {15, ad.queue}}
	if ad.exports {
		actions = append(actions, weighted{15, ad.export})
	}
	return choose(ad.rnd, actions)(ctx)
}

func (ad *admin) cohort(ctx context.Context) error {
	id := ad.cohorts[ad.rnd.IntN(len(ad.cohorts))]
	_, err := ad.c.call(ctx, routeCohort, http.MethodGet, "/v1/cohorts/"+escape(id)+"/progress?limit=50", nil, nil, nil)
	return err
}

func (ad *admin) audit(ctx context.Context) error {
	_, err := ad.c.call(ctx, routeAudit, http.MethodGet, "/v1/audit?limit=50", nil, nil, nil)
	return err
}

func (ad *admin) queue(ctx context.Context) error {
	_, err := ad.c.call(ctx, routeQueue, http.MethodGet, "/v1/queue?limit=50", nil, nil, nil)
	return err
}

// export asks for a cohort's competency matrix as CSV.
func (ad *admin) export(ctx context.Context) error {
	id := ad.cohorts[ad.rnd.IntN(len(ad.cohorts))]
	body := map[string]any{"kind": models.ExportMatrix, "format": models.FormatCSV, "cohortId": id}
	_, err := ad.c.call(ctx, routeExport, http.MethodPost, "/v1/exports", body, map[string]string{"Idempotency-Key": newID()}, nil)
	return err
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// accountsOf returns the active accounts of role in m, in cohorts for
// students and instructors.
func accountsOf(m seed.Manifest, role models.Role) []seed.Account {
	var out []seed.Account
	for _, a := range m.Of(role) {
		if role == models.RoleAdmin || len(a.CohortIDs) > 0 {
			out = append(out, a)
		}
	}
	return out
}
