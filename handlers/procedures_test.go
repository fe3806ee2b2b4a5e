package handlers_test

import (
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"skillbook/handlers/apitest"
	"skillbook/models"

	"skillbook/store/storetest"

	"github.com/google/uuid"
)

func logProcedure(t *testing.T, env *apitest.Env, student apitest.User, body map[string]any) models.Procedure {
	t.Helper()
	var p models.Procedure
	env.Post(t, "/v1/procedures", student.Token, body).WantStatus(t, http.StatusCreated).JSON(t, &p)
	return p
}

func TestLogProcedure(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	id := uuid.Must(uuid.NewV7()).String()
	body := map[string]any{"id": id, "kind": "venipuncture", "performedAt": "2026-03-01", "site": "Clinic A", "note": "Antecubital, first stick"}

	r := env.Post(t, "/v1/procedures", s.student.Token, body).WantStatus(t, http.StatusCreated)
	var p models.Procedure
	r.JSON(t, &p)
	if p.ID != id || p.StudentID != s.student.ID || p.Status != models.ProcedurePending || p.Site != "Clinic A" || p.Version != 1 {
		t.Errorf("POST /v1/procedures = %+v; want the student's pending venipuncture %s", p, id)
	}
	if r.Header.Get("ETag") != `"1"` || r.Header.Get("Location") != "/v1/procedures/"+id {
		t.Errorf("ETag %q, Location %q; want \"1\" and /v1/procedures/%s", r.Header.Get("ETag"), r.Header.Get("Location"), id)
	}
	// An offline retry with the same id stores nothing new.
	var again models.Procedure
	env.Post(t, "/v1/procedures", s.student.Token, body).WantStatus(t, http.StatusOK).JSON(t, &again)
	if again.ID != id || !again.CreatedAt.Equal(p.CreatedAt) {
		t.Errorf("retry = %+v; want the stored procedure", again)
	}
	// The same id with other content, or by another student, conflicts.
	changed := map[string]any{"id": id, "kind": "capillary-puncture", "performedAt": "2026-03-01"}
	env.Post(t, "/v1/procedures", s.student.Token, changed).WantProblem(t, http.StatusConflict, "conflict")
	env.Post(t, "/v1/procedures", s.classmate.Token, body).WantProblem(t, http.StatusConflict, "conflict")

	future := time.Now().UTC().Add(72 * time.Hour).Format(models.DateLayout)
	tests := []struct {
		name   string
		caller apitest.User
		body   map[string]any
		status int
		slug   string
	}{
		{"instructor", s.teacher, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"}, http.StatusForbidden, "forbidden"},
		{"admin", s.admin, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"}, http.StatusForbidden, "forbidden"},
		{"unknown kind", s.student, map[string]any{"kind": "arterial-puncture", "performedAt": "2026-03-01"}, http.StatusUnprocessableEntity, "validation-failed"},
		{"future", s.student, map[string]any{"kind": "venipuncture", "performedAt": future}, http.StatusUnprocessableEntity, "validation-failed"},
		{"not a date", s.student, map[string]any{"kind": "venipuncture", "performedAt": "yesterday"}, http.StatusUnprocessableEntity, "validation-failed"},
		{"missing date", s.student, map[string]any{"kind": "venipuncture"}, http.StatusUnprocessableEntity, "validation-failed"},
		{"id not a UUIDv7", s.student, map[string]any{"id": "6ba7b810-9dad-41d1-80b4-00c04fd430c8", "kind": "venipuncture", "performedAt": "2026-03-01"}, http.StatusUnprocessableEntity, "validation-failed"},
		{"long note", s.student, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01", "note": strings.Repeat("x", 1001)}, http.StatusUnprocessableEntity, "validation-failed"},
		{"unknown field", s.student, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01", "status": "confirmed"}, http.StatusUnprocessableEntity, "validation-failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.Post(t, "/v1/procedures", tt.caller.Token, tt.body).WantProblem(t, tt.status, tt.slug)
		})
	}
}

func TestConfirmAndRejectProcedure(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	vp := logProcedure(t, env, s.student, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})
	cp := logProcedure(t, env, s.student, map[string]any{"kind": "capillary-puncture", "performedAt": "2026-03-02"})
	path := "/v1/procedures/" + vp.ID

	for _, tt := range []struct {
		name   string
		caller apitest.User
		status int
		slug   string
	}{
		{"the student", s.student, http.StatusForbidden, "forbidden"},
		{"a classmate", s.classmate, http.StatusForbidden, "forbidden"},
		{"the admin", s.admin, http.StatusForbidden, "forbidden"},
		{"an instructor of another cohort", s.outsider, http.StatusForbidden, "forbidden"},
		{"an instructor of another program", s.foreignTeacher, http.StatusNotFound, "not-found"},
	} {
		env.Post(t, path+"/confirm", tt.caller.Token, nil).WantProblem(t, tt.status, tt.slug)
	}
	env.Do(t, apitest.Request{Method: http.MethodPost, Path: path + "/confirm", Token: s.teacher.Token,
		Header: map[string]string{"If-Match": `"7"`}}).WantProblem(t, http.StatusPreconditionFailed, "precondition-failed")

	r := env.Do(t, apitest.Request{Method: http.MethodPost, Path: path + "/confirm", Token: s.teacher.Token,
		Header: map[string]string{"If-Match": `"1"`}}).WantStatus(t, http.StatusOK)
	var got models.Procedure
	r.JSON(t, &got)
	if got.Status != models.ProcedureConfirmed || got.Version != 2 || r.Header.Get("ETag") != `"2"` ||
		got.Review == nil || got.Review.ReviewerName != "Ivy Instructor" || got.Review.ReviewerCredential != "CMA (AAMA)" {
		t.Errorf("confirm = %+v (ETag %s); want confirmed by Ivy Instructor at version 2", got, r.Header.Get("ETag"))
	}
	// Exactly once: a second decision conflicts.
	env.Post(t, path+"/confirm", s.teacher.Token, nil).WantProblem(t, http.StatusConflict, "conflict")
	env.Post(t, path+"/reject", s.teacher.Token, map[string]any{"reason": "changed my mind"}).WantProblem(t, http.StatusConflict, "conflict")

	env.Post(t, "/v1/procedures/"+cp.ID+"/reject", s.teacher.Token, map[string]any{"reason": "  "}).
		WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	env.Post(t, "/v1/procedures/"+cp.ID+"/reject", s.teacher.Token, map[string]any{}).
		WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	env.Post(t, "/v1/procedures/"+cp.ID+"/reject", s.teacher.Token, map[string]any{"reason": "Practised on a manikin, not a person"}).
		WantStatus(t, http.StatusOK).JSON(t, &got)
	if got.Status != models.ProcedureRejected || got.Review.Reason != "Practised on a manikin, not a person" {
		t.Errorf("reject = %+v; want rejected with the reason", got)
	}
	env.Post(t, "/v1/procedures/"+uuid.Must(uuid.NewV7()).String()+"/confirm", s.teacher.Token, nil).WantProblem(t, http.StatusNotFound, "not-found")

	// The student sees both decisions; progress counts only the confirmed.
	env.Get(t, path, s.student.Token).WantStatus(t, http.StatusOK).JSON(t, &got)
	if got.Status != models.ProcedureConfirmed {
		t.Errorf("GET %s = %+v; want confirmed", path, got)
	}
	var p models.StudentProgress
	env.Get(t, "/v1/me/progress", s.student.Token).WantStatus(t, http.StatusOK).JSON(t, &p)
	for _, pp := range p.Procedures {
		want := models.ProcedureCount{Confirmed: 1, Successful: 1}
		if pp.Kind == "capillary-puncture" {
			want = models.ProcedureCount{Rejected: 1}
		}
		if pp.ProcedureCount != want {
			t.Errorf("progress %s = %+v; want %+v", pp.Kind, pp.ProcedureCount, want)
		}
	}
}

func TestConcurrentConfirmationsOneWins(t *testing.T) {
	t.Parallel()
	if !storetest.EngineAtomic(t) {
		return
	}
	s := newSchool(t, nil)
	env := s.env
	second := env.NewUser(t, s.program.ID, models.RoleInstructor, func(u *models.User) { u.CohortIDs = []string{s.cohort.ID} })
	p := logProcedure(t, env, s.student, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})
	statuses := make([]int, 6)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			who := []apitest.User{s.teacher, second}[i%2]
			statuses[i] = env.Post(t, "/v1/procedures/"+p.ID+"/confirm", who.Token, nil).Status
		}()
	}
	wg.Wait()
	sort.Ints(statuses)
	if statuses[0] != http.StatusOK || statuses[1] != http.StatusConflict || statuses[len(statuses)-1] != http.StatusConflict {
		t.Errorf("concurrent confirmations = %v; want one 200 and the rest 409", statuses)
	}
}

func TestListProcedures(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	mine := logProcedure(t, env, s.student, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})
	logProcedure(t, env, s.student, map[string]any{"kind": "capillary-puncture", "performedAt": "2026-03-02"})
	logProcedure(t, env, s.classmate, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})
	logProcedure(t, env, s.stranger, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})
	logProcedure(t, env, s.alien, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})
	env.Post(t, "/v1/procedures/"+mine.ID+"/confirm", s.teacher.Token, nil).WantStatus(t, http.StatusOK)

	tests := []struct {
		name   string
		caller apitest.User
		query  string
		status int
		want   int
	}{
		{"student: own", s.student, "", http.StatusOK, 2},
		{"student: own by id", s.student, "?studentId=" + s.student.ID, http.StatusOK, 2},
		{"student: own confirmed", s.student, "?status=confirmed", http.StatusOK, 1},
		{"student: a classmate", s.student, "?studentId=" + s.classmate.ID, http.StatusForbidden, 0},
		{"student: another program's", s.student, "?studentId=" + s.alien.ID, http.StatusNotFound, 0},
		{"teacher: the cohort", s.teacher, "", http.StatusOK, 3},
		{"teacher: pending", s.teacher, "?status=pending", http.StatusOK, 2},
		{"teacher: one student", s.teacher, "?studentId=" + s.classmate.ID, http.StatusOK, 1},
		{"teacher: a student of another cohort", s.teacher, "?studentId=" + s.stranger.ID, http.StatusForbidden, 0},
		{"outsider: own cohort", s.outsider, "", http.StatusOK, 1},
		{"admin: program", s.admin, "", http.StatusOK, 4},
		{"admin: one student", s.admin, "?studentId=" + s.stranger.ID, http.StatusOK, 1},
		{"admin: another program's student", s.admin, "?studentId=" + s.alien.ID, http.StatusNotFound, 0},
		{"admin: not a student", s.admin, "?studentId=" + s.teacher.ID, http.StatusNotFound, 0},
		{"foreign admin: own program", s.foreignAdmin, "", http.StatusOK, 1},
		{"bad status", s.admin, "?status=lost", http.StatusUnprocessableEntity, 0},
		{"bad limit", s.admin, "?limit=201", http.StatusUnprocessableEntity, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := env.Get(t, "/v1/procedures"+tt.query, tt.caller.Token)
			if tt.status != http.StatusOK {
				r.WantProblem(t, tt.status, map[int]string{403: "forbidden", 404: "not-found", 422: "validation-failed"}[tt.status])
				return
			}
			var list models.List[models.Procedure]
			r.WantStatus(t, http.StatusOK).JSON(t, &list)
			if len(list.Items) != tt.want {
				t.Errorf("GET /v1/procedures%s = %d items; want %d", tt.query, len(list.Items), tt.want)
			}
		})
	}

	// Pages of one, newest first.
	var seen []string
	cursor := ""
	for {
		var list models.List[models.Procedure]
		env.Get(t, "/v1/procedures?limit=1&cursor="+cursor, s.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &list)
		for _, p := range list.Items {
			seen = append(seen, p.ID)
		}
		if cursor = list.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != 4 || !sort.SliceIsSorted(seen, func(i, j int) bool { return seen[i] > seen[j] }) {
		t.Errorf("pages = %v; want 4 procedures newest first", seen)
	}
}

func TestGetProcedureAccess(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	p := logProcedure(t, s.env, s.student, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})
	for _, tt := range []struct {
		name   string
		caller apitest.User
		status int
	}{
		{"student", s.student, http.StatusOK},
		{"teacher", s.teacher, http.StatusOK},
		{"admin", s.admin, http.StatusOK},
		{"classmate", s.classmate, http.StatusForbidden},
		{"outsider", s.outsider, http.StatusForbidden},
		{"foreign admin", s.foreignAdmin, http.StatusNotFound},
	} {
		r := s.env.Get(t, "/v1/procedures/"+p.ID, tt.caller.Token)
		if r.Status != tt.status {
			t.Errorf("GET /v1/procedures/{id} as %s = %d; want %d", tt.name, r.Status, tt.status)
		}
		if tt.status == http.StatusOK && r.Header.Get("ETag") != `"1"` {
			t.Errorf("GET /v1/procedures/{id} ETag = %q; want \"1\"", r.Header.Get("ETag"))
		}
	}
}
