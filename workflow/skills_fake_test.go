package workflow

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
)

// fakeSkills is an in-memory store of the Skills use cases: what they read
// and the changes (with their events) they record, under the same guards
// as the engines (ids unique, versions and revisions checked).
type fakeSkills struct {
	mu          sync.Mutex
	programs    map[string]models.Program
	users       map[string]models.User
	cohorts     map[string]models.Cohort
	checklists  map[string]models.Checklist // by checklistKey
	assignments map[string]models.Assignment
	procedures  map[string]models.Procedure
	practicum   map[string]models.PracticumEntry
	events      []models.Event
	// beforeCreateDraft runs before a draft is stored; returning an error
	// makes the write fail with it (another admin took the number).
	beforeCreateDraft func(c models.Checklist) error
	// beforeUpdateChecklist runs before a version is replaced: another
	// admin's change landing between the use case's read and its write.
	beforeUpdateChecklist func()
}

var _ skillStores = (*fakeSkills)(nil)

func newFakeSkills() *fakeSkills {
	return &fakeSkills{
		programs: map[string]models.Program{}, users: map[string]models.User{}, cohorts: map[string]models.Cohort{},
		checklists: map[string]models.Checklist{}, assignments: map[string]models.Assignment{}, procedures: map[string]models.Procedure{},
		practicum: map[string]models.PracticumEntry{},
	}
}

// skillsWorld is a program with a cohort, its instructor, two of its
// students, an instructor and a student of another cohort, an admin, and a
// second program with its own admin; the library ships bp-manual v1 and
// hand-washing v1.
type skillsWorld struct {
	st                            *fakeSkills
	clk                           *clock.Fake
	skills                        *Skills
	admin, teacher, outsider      Caller
	student, classmate, loner     Caller
	foreignAdmin, foreignPupil    Caller
	cohort, otherCohort, archived models.Cohort
}

var skillsNow = time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)

func newSkillsWorld(tb testing.TB) *skillsWorld {
	tb.Helper()
	st := newFakeSkills()
	w := &skillsWorld{st: st, clk: clock.NewFake(skillsNow)}
	w.skills = newSkills(st, w.clk)
	st.programs["p1"] = models.Program{ID: "p1", Grading: models.DefaultGrading, ProcedureTargets: map[string]int{"venipuncture": 10, "capillary-puncture": 5}}
	st.programs["p2"] = models.Program{ID: "p2", Grading: models.DefaultGrading, ProcedureTargets: map[string]int{"venipuncture": 10}}
	w.cohort = st.addCohort(models.Cohort{ID: "c1", ProgramID: "p1", Name: "Fall"})
	w.otherCohort = st.addCohort(models.Cohort{ID: "c2", ProgramID: "p1", Name: "Spring"})
	w.archived = st.addCohort(models.Cohort{ID: "c3", ProgramID: "p1", Name: "Old", Archived: true})
	st.addCohort(models.Cohort{ID: "c9", ProgramID: "p2", Name: "Elsewhere"})
	user := func(id, program string, role models.Role, cohorts ...string) Caller {
		return Caller{User: st.addUser(models.User{ID: id, ProgramID: program, Name: "User " + id, Role: role, Credential: "CMA (AAMA)",
			CohortIDs: cohorts, Active: true}), RequestID: "req-" + id}
	}
	w.admin = user("admin", "p1", models.RoleAdmin)
	w.teacher = user("teacher", "p1", models.RoleInstructor, "c1", "c3")
	w.outsider = user("outsider", "p1", models.RoleInstructor, "c2")
	w.student = user("student", "p1", models.RoleStudent, "c1")
	w.classmate = user("classmate", "p1", models.RoleStudent, "c1")
	w.loner = user("loner", "p1", models.RoleStudent, "c2")
	w.foreignAdmin = user("foreign-admin", "p2", models.RoleAdmin)
	w.foreignPupil = user("foreign-pupil", "p2", models.RoleStudent, "c9")
	for _, c := range []models.Checklist{shippedChecklist("bp-manual", models.AreaVitalSigns), shippedChecklist("hand-washing", models.AreaSterilization)} {
		st.checklists[fakeChecklistKey(c.ProgramID, c.ID, c.Version)] = c
	}
	return w
}

// shippedChecklist is a valid published checklist of the shipped library.
func shippedChecklist(id string, area models.Area) models.Checklist {
	c := validChecklist(id)
	c.Area, c.Version, c.Status, c.Revision = area, 1, models.ChecklistPublished, 1
	c.Digest = c.ContentDigest()
	return c
}

// validChecklist is valid content for checklist id, without a version.
func validChecklist(id string) models.Checklist {
	return models.Checklist{
		ID: id, Area: models.AreaVitalSigns, Title: "Count a pulse at the wrist " + id,
		Purpose: "The student counts a radial pulse.", Competencies: []string{"MAERB-2015 I.P.1.c"}, Equipment: []string{"Watch"},
		Steps: []models.Step{{ID: "hand-hygiene", Text: "Perform hand hygiene.", Critical: true}, {ID: "count", Text: "Count for 30 seconds."}},
	}
}

func (f *fakeSkills) addCohort(c models.Cohort) models.Cohort { f.cohorts[c.ID] = c; return c }
func (f *fakeSkills) addUser(u models.User) models.User       { f.users[u.ID] = u; return u }

// eventTypes lists the types of the events recorded so far.
func (f *fakeSkills) eventTypes() []models.EventType {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]models.EventType, len(f.events))
	for i, e := range f.events {
		out[i] = e.Type
	}
	return out
}

func fakeChecklistKey(programID, id string, version int) string {
	return fmt.Sprintf("%s/%s/%d", cmp.Or(programID, "library"), id, version)
}

func fakeNotFound(what string) error { return fmt.Errorf("%s: %w", what, models.ErrNotFound) }

func (f *fakeSkills) Program(_ context.Context, id string) (models.Program, error) {
	p, ok := f.programs[id]
	if !ok {
		return models.Program{}, fakeNotFound("program " + id)
	}
	return p, nil
}

func (f *fakeSkills) User(_ context.Context, programID, id string) (models.User, error) {
	u, ok := f.users[id]
	if !ok || u.ProgramID != programID {
		return models.User{}, fakeNotFound("user " + id)
	}
	return u, nil
}

func (f *fakeSkills) Cohort(_ context.Context, programID, id string) (models.Cohort, error) {
	c, ok := f.cohorts[id]
	if !ok || c.ProgramID != programID {
		return models.Cohort{}, fakeNotFound("cohort " + id)
	}
	return c, nil
}

func (f *fakeSkills) CohortStudents(_ context.Context, programID, cohortID string) ([]models.User, error) {
	var out []models.User
	for _, u := range f.sortedUsers() {
		if u.ProgramID == programID && u.Role == models.RoleStudent && u.InCohort(cohortID) {
			out = append(out, u)
		}
	}
	return out, nil
}

func (f *fakeSkills) sortedUsers() []models.User {
	out := make([]models.User, 0, len(f.users))
	for _, u := range f.users {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b models.User) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// rank orders two versions of one number as the engines do: the program's
// published or retired one, then the shipped one, then the program's draft.
func fakeRank(c models.Checklist) int {
	switch {
	case c.ProgramID == "":
		return 1
	case c.Status == models.ChecklistDraft:
		return 2
	}
	return 0
}

// visible is every version programID sees, one per (id, version), by id
// then version.
func (f *fakeSkills) visible(programID string) []models.Checklist {
	best := map[string]models.Checklist{}
	for _, c := range f.checklists {
		if c.ProgramID != "" && c.ProgramID != programID {
			continue
		}
		k := fmt.Sprintf("%s/%d", c.ID, c.Version)
		if b, ok := best[k]; !ok || fakeRank(c) < fakeRank(b) {
			best[k] = c
		}
	}
	out := make([]models.Checklist, 0, len(best))
	for _, c := range best {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b models.Checklist) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Version, b.Version))
	})
	return out
}

func (f *fakeSkills) Checklist(_ context.Context, programID, id string, version int) (models.Checklist, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.visible(programID) {
		if c.ID == id && c.Version == version {
			return c, nil
		}
	}
	return models.Checklist{}, fakeNotFound(fmt.Sprintf("checklist %s version %d", id, version))
}

func (f *fakeSkills) CurrentChecklist(_ context.Context, programID, id string) (models.Checklist, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var cur *models.Checklist
	for _, c := range f.visible(programID) {
		if c.ID == id && c.Status == models.ChecklistPublished {
			cur = &c
		}
	}
	if cur == nil {
		return models.Checklist{}, fakeNotFound("current checklist " + id)
	}
	return *cur, nil
}

func (f *fakeSkills) ChecklistVersions(_ context.Context, programID, id string) ([]models.Checklist, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []models.Checklist
	for _, c := range f.visible(programID) {
		if c.ID == id {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, fakeNotFound("checklist " + id)
	}
	return out, nil
}

// Checklists returns every match on one page: paging is the engines'.
func (f *fakeSkills) Checklists(_ context.Context, programID string, flt models.ChecklistFilter) (models.List[models.Checklist], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	current := map[string]models.Checklist{}
	for _, c := range f.visible(programID) {
		if c.Status == models.ChecklistPublished {
			current[c.ID] = c
		}
	}
	out := models.List[models.Checklist]{Items: []models.Checklist{}}
	for _, c := range current {
		if flt.Matches(c) {
			out.Items = append(out.Items, c)
		}
	}
	slices.SortFunc(out.Items, func(a, b models.Checklist) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func (f *fakeSkills) ChecklistNumbering(_ context.Context, programID, id string) (latest, draft int, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.checklists {
		if c.ID != id || (c.ProgramID != "" && c.ProgramID != programID) {
			continue
		}
		latest = max(latest, c.Version)
		if c.ProgramID == programID && c.Status == models.ChecklistDraft {
			draft = c.Version
		}
	}
	return latest, draft, nil
}

func (f *fakeSkills) CreateChecklistDraft(_ context.Context, c models.Checklist, events ...models.Event) (models.Checklist, error) {
	if f.beforeCreateDraft != nil {
		if err := f.beforeCreateDraft(c); err != nil {
			return models.Checklist{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	k := fakeChecklistKey(c.ProgramID, c.ID, c.Version)
	if _, ok := f.checklists[k]; ok {
		return models.Checklist{}, fmt.Errorf("create checklist %s: %w", k, models.ErrConflict)
	}
	f.checklists[k] = c
	f.events = append(f.events, events...)
	return c, nil
}

func (f *fakeSkills) OwnChecklist(_ context.Context, programID, id string, version int) (models.Checklist, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.checklists[fakeChecklistKey(programID, id, version)]
	if !ok || c.ProgramID != programID {
		return models.Checklist{}, fakeNotFound(fmt.Sprintf("checklist %s version %d", id, version))
	}
	return c, nil
}

func (f *fakeSkills) UpdateChecklist(_ context.Context, c models.Checklist, revision int64, events ...models.Event) (models.Checklist, error) {
	if hook := f.beforeUpdateChecklist; hook != nil {
		f.beforeUpdateChecklist = nil
		hook()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	k := fakeChecklistKey(c.ProgramID, c.ID, c.Version)
	cur, ok := f.checklists[k]
	switch {
	case !ok || c.ProgramID == "":
		return models.Checklist{}, fakeNotFound("checklist " + k)
	case cur.Revision != revision:
		return models.Checklist{}, fmt.Errorf("update checklist %s: %w", k, models.ErrPreconditionFailed)
	}
	f.checklists[k] = c
	f.events = append(f.events, events...)
	return c, nil
}

func (f *fakeSkills) CreateAssignment(_ context.Context, a models.Assignment, events ...models.Event) (models.Assignment, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a.ID == "" {
		a.ID = a.Key()
	}
	if stored, ok := f.assignments[a.ID]; ok {
		return stored, false, nil
	}
	f.assignments[a.ID] = a
	f.events = append(f.events, events...)
	return a, true, nil
}

func (f *fakeSkills) Assignments(_ context.Context, programID string, flt models.AssignmentFilter, _ models.Page) (models.List[models.Assignment], error) {
	out := models.List[models.Assignment]{Items: []models.Assignment{}}
	for _, a := range f.assignments {
		if a.ProgramID == programID && (flt.CohortID == "" || a.CohortID == flt.CohortID) && (flt.StudentID == "" || a.StudentID == flt.StudentID) {
			out.Items = append(out.Items, a)
		}
	}
	slices.SortFunc(out.Items, func(a, b models.Assignment) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func (f *fakeSkills) StudentIDsInCohorts(_ context.Context, programID string, cohortIDs []string) ([]string, error) {
	ids := []string{}
	for _, u := range f.sortedUsers() {
		if u.ProgramID == programID && u.Role == models.RoleStudent && slices.ContainsFunc(cohortIDs, u.InCohort) {
			ids = append(ids, u.ID)
		}
	}
	return ids, nil
}

func (f *fakeSkills) Procedure(_ context.Context, programID, id string) (models.Procedure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.procedures[id]
	if !ok || p.ProgramID != programID {
		return models.Procedure{}, fakeNotFound("procedure " + id)
	}
	return p, nil
}

func (f *fakeSkills) Procedures(_ context.Context, programID string, flt models.ProcedureFilter, _ models.Page) (models.List[models.Procedure], error) {
	out := models.List[models.Procedure]{Items: []models.Procedure{}}
	for _, p := range f.procedures {
		if p.ProgramID != programID || (flt.StudentIDs != nil && !slices.Contains(flt.StudentIDs, p.StudentID)) ||
			(flt.Status != "" && p.Status != flt.Status) {
			continue
		}
		out.Items = append(out.Items, p)
	}
	slices.SortFunc(out.Items, func(a, b models.Procedure) int { return cmp.Compare(b.ID, a.ID) })
	return out, nil
}

func (f *fakeSkills) CreateProcedure(_ context.Context, p models.Procedure, events ...models.Event) (models.Procedure, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if stored, ok := f.procedures[p.ID]; ok {
		if stored.ProgramID != p.ProgramID {
			return models.Procedure{}, false, fmt.Errorf("create procedure %s: %w", p.ID, models.ErrConflict)
		}
		return stored, false, nil
	}
	f.procedures[p.ID] = p
	f.events = append(f.events, events...)
	return p, true, nil
}

func (f *fakeSkills) ReviewProcedure(_ context.Context, decided models.Procedure, version int64, events ...models.Event) (models.Procedure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, ok := f.procedures[decided.ID]
	switch {
	case !ok || cur.ProgramID != decided.ProgramID:
		return models.Procedure{}, fakeNotFound("procedure " + decided.ID)
	case cur.Status != models.ProcedurePending || cur.Version != version:
		return models.Procedure{}, fmt.Errorf("review procedure %s: %w", decided.ID, models.ErrConflict)
	}
	f.procedures[decided.ID] = decided
	f.events = append(f.events, events...)
	return decided, nil
}

func (f *fakeSkills) ProgressRecords(ctx context.Context, programID string, students []models.User) (models.ProgressRecords, error) {
	r := models.ProgressRecords{Checklists: map[models.ChecklistRef]models.Checklist{}, Procedures: map[string]map[string]models.ProcedureCount{}}
	for _, a := range f.assignments {
		if a.ProgramID == programID && slices.ContainsFunc(students, a.AppliesTo) {
			r.Assignments = append(r.Assignments, a)
		}
	}
	slices.SortFunc(r.Assignments, func(a, b models.Assignment) int { return cmp.Compare(a.ID, b.ID) })
	for _, ref := range r.NeededChecklists() {
		if c, err := f.Checklist(ctx, programID, ref.ID, ref.Version); err == nil {
			r.Checklists[ref] = c
		}
	}
	return r, nil
}

func (f *fakeSkills) CohortProgress(ctx context.Context, programID, cohortID string, page models.Page) (models.CohortProgressPage, error) {
	students, _ := f.CohortStudents(ctx, programID, cohortID)
	items, next, err := pageSlice(students, page)
	if err != nil {
		return models.CohortProgressPage{}, err
	}
	r, err := f.ProgressRecords(ctx, programID, items)
	return models.CohortProgressPage{Students: models.List[models.User]{Items: items, NextCursor: next}, Records: r}, err
}
