package handlers_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// TestMyInstructors: a student lists exactly the active instructors of
// their own cohorts (not another cohort's, another program's, or a
// deactivated one), without emails, page by page; staff are refused.
func TestMyInstructors(t *testing.T) {
	t.Parallel()
	tn := newTenancy(t)
	in := func(ids ...string) func(*models.User) { return func(u *models.User) { u.CohortIDs = ids } }
	both := tn.env.NewUser(t, tn.program.ID, models.RoleInstructor, in(tn.cohort.ID, tn.cohort2.ID), func(u *models.User) { u.Name, u.Credential = "Both Cohorts", "RMA (AMT)" })
	only2 := tn.env.NewUser(t, tn.program.ID, models.RoleInstructor, in(tn.cohort2.ID))
	gone := tn.env.NewUser(t, tn.program.ID, models.RoleInstructor, in(tn.cohort.ID))
	tn.env.Post(t, "/v1/users/"+gone.ID+"/deactivate", tn.admin.Token, nil).WantStatus(t, http.StatusOK)
	elsewhere := tn.env.NewUser(t, tn.otherCohort.ProgramID, models.RoleInstructor, in(tn.otherCohort.ID))
	loner := tn.env.NewUser(t, tn.program.ID, models.RoleStudent)

	ids := func(items []models.Instructor) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.ID)
		}
		return out
	}
	tests := []struct {
		name   string
		caller apitest.User
		want   []string
	}{
		{"a student sees their cohort's instructors", tn.student, []string{tn.instructor.ID, both.ID}},
		{"another cohort's student sees theirs", tn.student2, []string{both.ID, only2.ID}},
		{"a student in no cohort sees nobody", loner, nil},
		{"another program's student sees only their program's", tn.otherStudent, []string{elsewhere.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []models.Instructor
			path := "/v1/me/instructors?limit=1"
			for pages := 0; ; pages++ {
				if pages > 5 {
					t.Fatal("too many pages")
				}
				r := tn.env.Get(t, path, tt.caller.Token).WantStatus(t, http.StatusOK)
				if raw := string(r.Body); strings.Contains(raw, `"email"`) {
					t.Fatalf("answer carries an email: %s", raw)
				}
				var list models.List[models.Instructor]
				r.JSON(t, &list)
				if len(list.Items) > 1 {
					t.Fatalf("page of %d; want at most 1", len(list.Items))
				}
				got = append(got, list.Items...)
				if list.NextCursor == "" {
					break
				}
				path = "/v1/me/instructors?limit=1&cursor=" + list.NextCursor
			}
			if !slices.Equal(ids(got), tt.want) {
				t.Errorf("instructors = %v; want %v", ids(got), tt.want)
			}
			for _, it := range got {
				if it.ID == both.ID && (it.Name != "Both Cohorts" || it.Credential != "RMA (AMT)") {
					t.Errorf("instructor = %+v; want name and credential", it)
				}
			}
		})
	}

	tn.run(t, []scenario{
		{"instructors use /v1/users", "GET", "/v1/me/instructors", tn.instructor, nil, nil, 403, "forbidden"},
		{"admins use /v1/users", "GET", "/v1/me/instructors", tn.admin, nil, nil, 403, "forbidden"},
		{"a bad cursor", "GET", "/v1/me/instructors?cursor=nonsense", tn.student, nil, nil, 422, "validation-failed"},
		{"a page too large", "GET", "/v1/me/instructors?limit=201", tn.student, nil, nil, 422, "validation-failed"},
	})
}
