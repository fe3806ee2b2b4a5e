package handlers_test

import (
	"net/http"
	"net/url"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
	"skillbook/store/storetest"
)

func TestAuditList(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	env.Get(t, "/v1/me", s.admin.Token).WantStatus(t, http.StatusOK) // accepting the invitation is audited too
	p := logProcedure(t, env, s.student, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})
	env.Post(t, "/v1/procedures/"+p.ID+"/confirm", s.teacher.Token, nil).WantStatus(t, http.StatusOK)
	logProcedure(t, env, s.classmate, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})
	logProcedure(t, env, s.alien, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})

	audit := func(t *testing.T, caller apitest.User, q url.Values) models.List[models.Event] {
		t.Helper()
		var list models.List[models.Event]
		env.Get(t, "/v1/audit?"+q.Encode(), caller.Token).WantStatus(t, http.StatusOK).JSON(t, &list)
		return list
	}
	all := audit(t, s.admin, nil)
	if len(all.Items) == 0 {
		t.Fatal("GET /v1/audit = no entries; want the program's trail")
	}
	for i, e := range all.Items {
		if e.ProgramID != s.program.ID {
			t.Errorf("entry %d of program %s; want only %s", i, e.ProgramID, s.program.ID)
		}
		if i > 0 && e.ID > all.Items[i-1].ID {
			t.Errorf("entry %d is older than entry %d; want newest first", i-1, i)
		}
	}
	if all.Items[0].Type != "procedure.logged" || all.Items[0].Actor.UserID != s.classmate.ID {
		t.Errorf("newest entry = %+v; want the classmate's procedure.logged", all.Items[0])
	}

	tests := []struct {
		name  string
		query url.Values
		types []string
	}{
		{"by subject id", url.Values{"subjectId": {p.ID}}, []string{"procedure.confirmed", "procedure.logged"}},
		{"by type", url.Values{"type": {"procedure.confirmed"}}, []string{"procedure.confirmed"}},
		{"by actor", url.Values{"actorId": {s.teacher.ID}}, []string{"procedure.confirmed"}},
		{"by student and subject", url.Values{"studentId": {s.student.ID}, "subject": {"procedure"}}, []string{"procedure.confirmed", "procedure.logged"}},
		{"by student, another program's", url.Values{"studentId": {s.alien.ID}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := audit(t, s.admin, tt.query)
			var types []string
			for _, e := range got.Items {
				types = append(types, string(e.Type))
			}
			if len(types) != len(tt.types) {
				t.Fatalf("GET /v1/audit?%s = %v; want %v", tt.query.Encode(), types, tt.types)
			}
			for i := range types {
				if types[i] != tt.types[i] {
					t.Errorf("GET /v1/audit?%s = %v; want %v", tt.query.Encode(), types, tt.types)
				}
			}
		})
	}
	// Pages of one walk the same trail.
	var n int
	q := url.Values{"limit": {"1"}}
	for {
		page := audit(t, s.admin, q)
		n += len(page.Items)
		if page.NextCursor == "" {
			break
		}
		q.Set("cursor", page.NextCursor)
	}
	if n != len(all.Items) {
		t.Errorf("paged audit = %d entries; want %d", n, len(all.Items))
	}
	// The other program's admin sees only their own program's trail.
	for _, e := range audit(t, s.foreignAdmin, nil).Items {
		if e.ProgramID != s.foreign.ID {
			t.Errorf("foreign admin sees %+v", e)
		}
	}

	for _, caller := range []apitest.User{s.student, s.teacher} {
		env.Get(t, "/v1/audit", caller.Token).WantProblem(t, http.StatusForbidden, "forbidden")
	}
	env.Get(t, "/v1/audit", "").WantProblem(t, http.StatusUnauthorized, "unauthenticated")
	env.Get(t, "/v1/audit?cursor=%21%21", s.admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
}

// TestAuditIsAppendOnly checks that no route changes or removes an audit
// entry.
func TestAuditIsAppendOnly(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	admin := env.NewUser(t, p.ID, models.RoleAdmin)
	var list models.List[models.Event]
	env.Get(t, "/v1/audit", admin.Token).WantStatus(t, http.StatusOK).JSON(t, &list)
	if len(list.Items) == 0 {
		t.Fatal("no audit entries to try to change")
	}
	id := list.Items[0].ID
	for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodPost} {
		for _, path := range []string{"/v1/audit", "/v1/audit/" + id} {
			r := env.Do(t, apitest.Request{Method: method, Path: path, Token: admin.Token, Body: map[string]any{"summary": "edited"}})
			if r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s = %d; want 404 or 405", method, path, r.Status)
			}
		}
	}
	var again models.List[models.Event]
	env.Get(t, "/v1/audit", admin.Token).WantStatus(t, http.StatusOK).JSON(t, &again)
	if len(again.Items) != len(list.Items) || again.Items[0].ID != id || again.Items[0].Summary != list.Items[0].Summary {
		t.Errorf("audit changed: %+v; want %+v", again.Items, list.Items)
	}
}

// TestAuditVerification checks the chain route: admins see their
// program's chain intact, then its first broken link once an entry is
// changed in the database; others are refused.
func TestAuditVerification(t *testing.T) {
	t.Parallel()
	s := newSchool(t, nil)
	env := s.env
	logProcedure(t, env, s.student, map[string]any{"kind": "venipuncture", "performedAt": "2026-03-01"})

	var list models.List[models.Event]
	env.Get(t, "/v1/audit", s.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &list)
	newest := list.Items[0]
	if newest.Seq != int64(len(list.Items)) || len(newest.Hash) != 64 || newest.PrevHash != list.Items[1].Hash {
		t.Fatalf("newest entry links seq %d, hash %q, previous %q; want seq %d after %q", newest.Seq, newest.Hash, newest.PrevHash,
			len(list.Items), list.Items[1].Hash)
	}

	var v models.AuditVerification
	env.Get(t, "/v1/audit/verification", s.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &v)
	if !v.Intact || v.ProgramID != s.program.ID || v.Entries != newest.Seq || v.HeadSeq != newest.Seq || v.HeadHash != newest.Hash || v.Break != nil {
		t.Errorf("GET /v1/audit/verification = %+v; want intact up to entry %d (%s)", v, newest.Seq, newest.Hash)
	}

	storetest.TamperAudit(t, env.Store, s.program.ID, 2, storetest.EditEntry)
	env.Get(t, "/v1/audit/verification", s.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &v)
	if v.Intact || v.Break == nil || v.Break.Seq != 2 || v.Break.Reason != models.BreakHash {
		t.Errorf("GET /v1/audit/verification after entry 2 changed = %+v (break %+v); want broken at 2", v, v.Break)
	}

	for _, caller := range []apitest.User{s.teacher, s.student} {
		env.Get(t, "/v1/audit/verification", caller.Token).WantProblem(t, http.StatusForbidden, "forbidden")
	}
	env.Get(t, "/v1/audit/verification", "").WantProblem(t, http.StatusUnauthorized, "unauthenticated")
}
