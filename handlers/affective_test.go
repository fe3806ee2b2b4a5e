package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// TestEvaluateRefusesUndeclaredAffectiveRating: a rating of a code the
// checklist does not declare is a 422 problem naming the field, and the
// request stays waiting.
func TestEvaluateRefusesUndeclaredAffectiveRating(t *testing.T) {
	t.Parallel()
	c := newClassIn(t, apitest.New(t), 1, models.AreaVitalSigns)
	student := c.students[0]
	waiting := c.request(t, student, "bp-manual")
	p := c.env.Post(t, "/v1/attempts/"+waiting.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, waiting), "setting": "skills-lab", "attest": true,
		"affective": []map[string]string{{"code": "MAERB-2015 I.A.1", "result": "met"}},
	}).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	if len(p.Errors) == 0 || !strings.Contains(p.Errors[0].Field, "affective[0].code") || !strings.Contains(p.Errors[0].Message, "declares no affective") {
		t.Fatalf("problem = %+v; want affective[0].code: the checklist declares none", p)
	}
	var page models.List[models.Attempt]
	c.env.Get(t, "/v1/students/"+student.ID+"/attempts?status=requested", c.instructor.Token).WantStatus(t, http.StatusOK).JSON(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != waiting.ID {
		t.Fatalf("requested attempts = %+v; want the refused one still waiting", page.Items)
	}
}

// TestChecklistDraftAffectiveIsChecked: a draft's affective list takes
// only codes of the affective domain; a psychomotor code there is a 422
// naming the field.
func TestChecklistDraftAffectiveIsChecked(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	admin := env.NewUser(t, p.ID, models.RoleAdmin)
	body := newChecklistBody("wrist-pulse")
	body["affective"] = []string{"MAERB-2015 I.P.1.c"}
	pr := env.Post(t, "/v1/checklists", admin.Token, body).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	if len(pr.Errors) == 0 || !strings.Contains(pr.Errors[0].Field, "affective[0]") || !strings.Contains(pr.Errors[0].Message, "psychomotor") {
		t.Fatalf("problem = %+v; want affective[0]: a psychomotor code", pr)
	}
}
