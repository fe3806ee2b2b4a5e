package workflow

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
)

// fakeEvaluationStore is an in-memory evaluationStores: it keeps the
// guards the real engines keep (one waiting request per skill, versions,
// the PIN lock) and records every event it is given.
type fakeEvaluationStore struct {
	mu           sync.Mutex
	program      models.Program
	users        map[string]models.User
	checklists   map[string]models.Checklist
	assignments  []models.Assignment
	attempts     map[string]models.Attempt
	remediations []models.Remediation
	events       []models.Event
	// refusedTries counts RefusePINTry calls.
	refusedTries int
	// now stamps what the store stamps itself (a PIN's set time).
	now func() time.Time
}

// fakeAccounts is an in-memory Accounts: the sign-in accounts by uid.
type fakeAccounts struct {
	mu       sync.Mutex
	accounts map[string]models.AccountStatus
	calls    int
}

func (f *fakeAccounts) AccountStatus(_ context.Context, uid string) (models.AccountStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	st, ok := f.accounts[uid]
	if !ok {
		return models.AccountStatus{}, fmt.Errorf("account %s: %w", uid, models.ErrNotFound)
	}
	return st, nil
}

// set changes uid's account with edit.
func (f *fakeAccounts) set(uid string, edit func(*models.AccountStatus)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.accounts[uid]
	edit(&st)
	f.accounts[uid] = st
}

func newFakeEvaluationStore() *fakeEvaluationStore {
	return &fakeEvaluationStore{
		program:    models.Program{ID: "p1", Name: "Valley", Grading: models.DefaultGrading},
		users:      map[string]models.User{},
		checklists: map[string]models.Checklist{},
		attempts:   map[string]models.Attempt{},
	}
}

func (f *fakeEvaluationStore) Checklist(_ context.Context, programID, id string, version int) (models.Checklist, error) {
	c, ok := f.checklists[id]
	if !ok || c.Version != version || programID != f.program.ID {
		return models.Checklist{}, fmt.Errorf("checklist %s: %w", id, models.ErrNotFound)
	}
	return c, nil
}

func (f *fakeEvaluationStore) Program(_ context.Context, id string) (models.Program, error) {
	if id != f.program.ID {
		return models.Program{}, fmt.Errorf("program %s: %w", id, models.ErrNotFound)
	}
	return f.program, nil
}

func (f *fakeEvaluationStore) SkillAttempts(_ context.Context, programID string, skills []models.StudentSkill) ([]models.Attempt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []models.Attempt
	for _, a := range f.attempts {
		if a.ProgramID == programID && slices.Contains(skills, models.StudentSkill{StudentID: a.StudentID, ChecklistID: a.ChecklistID}) {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f *fakeEvaluationStore) RemediationsOf(_ context.Context, programID string, studentIDs []string) ([]models.Remediation, error) {
	var out []models.Remediation
	for _, r := range f.remediations {
		if r.ProgramID == programID && slices.Contains(studentIDs, r.StudentID) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeEvaluationStore) AssignmentFor(_ context.Context, student models.User, checklistID string) (models.Assignment, error) {
	for _, a := range f.assignments {
		if a.ChecklistID == checklistID && (a.StudentID == student.ID || student.InCohort(a.CohortID)) {
			return a, nil
		}
	}
	return models.Assignment{}, fmt.Errorf("assignment %s: %w", checklistID, models.ErrNotFound)
}

func (f *fakeEvaluationStore) usersWhere(keep func(models.User) bool) []models.User {
	var out []models.User
	for _, u := range f.users {
		if keep(u) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(x, y models.User) int { return cmp.Compare(x.ID, y.ID) })
	return out
}

func (f *fakeEvaluationStore) CohortInstructors(_ context.Context, programID, cohortID string) ([]models.User, error) {
	return f.usersWhere(func(u models.User) bool {
		return u.ProgramID == programID && u.Role == models.RoleInstructor && u.InCohort(cohortID)
	}), nil
}

func (f *fakeEvaluationStore) ProgramAdmins(_ context.Context, programID string) ([]models.User, error) {
	return f.usersWhere(func(u models.User) bool { return u.ProgramID == programID && u.Role == models.RoleAdmin }), nil
}

func (f *fakeEvaluationStore) User(_ context.Context, programID, id string) (models.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok || u.ProgramID != programID {
		return models.User{}, fmt.Errorf("user %s: %w", id, models.ErrNotFound)
	}
	return u, nil
}

func (f *fakeEvaluationStore) CreateAttempt(_ context.Context, a models.Attempt, events ...models.Event) (models.Attempt, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if old, ok := f.attempts[a.ID]; ok {
		if old.StudentID == a.StudentID && old.ChecklistID == a.ChecklistID && old.Kind == a.Kind {
			return old, false, nil
		}
		return models.Attempt{}, false, fmt.Errorf("create attempt: %w: id taken", models.ErrConflict)
	}
	for _, old := range f.attempts {
		if a.Status.Waiting() && old.Status.Waiting() && old.StudentID == a.StudentID && old.ChecklistID == a.ChecklistID {
			return models.Attempt{}, false, fmt.Errorf("create attempt: %w: a request is waiting", models.ErrConflict)
		}
	}
	a.Version = 1
	f.attempts[a.ID] = a
	f.events = append(f.events, events...)
	return a, true, nil
}

func (f *fakeEvaluationStore) Attempt(_ context.Context, programID, id string) (models.Attempt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.attempts[id]
	if !ok || a.ProgramID != programID {
		return models.Attempt{}, fmt.Errorf("attempt %s: %w", id, models.ErrNotFound)
	}
	return a, nil
}

func (f *fakeEvaluationStore) AttemptByEvaluation(_ context.Context, programID, evaluationID string) (models.Attempt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.attempts {
		if a.ProgramID == programID && a.Evaluation != nil && a.Evaluation.ID == evaluationID {
			return a, nil
		}
	}
	return models.Attempt{}, fmt.Errorf("evaluation %s: %w", evaluationID, models.ErrNotFound)
}

func (f *fakeEvaluationStore) EvaluateAttempt(_ context.Context, programID, attemptID string, version int64, status models.AttemptStatus, e models.Evaluation, events ...models.Event) (models.Attempt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.attempts[attemptID]
	if !ok || a.ProgramID != programID {
		return models.Attempt{}, fmt.Errorf("attempt %s: %w", attemptID, models.ErrNotFound)
	}
	if a.Version != version || a.Status != models.StatusRequested {
		return models.Attempt{}, fmt.Errorf("evaluate attempt %s: %w", attemptID, models.ErrConflict)
	}
	a.Evaluation, a.Status = &e, status
	a.Version++
	f.attempts[a.ID] = a
	f.events = append(f.events, events...)
	return a, nil
}

func (f *fakeEvaluationStore) AddAmendment(_ context.Context, programID, attemptID string, version int64, am models.Amendment, ev models.Event) (models.Attempt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.attempts[attemptID]
	if !ok || a.ProgramID != programID || a.Version != version || a.Evaluation == nil {
		return models.Attempt{}, fmt.Errorf("amend attempt %s: %w", attemptID, models.ErrConflict)
	}
	a.Amendments = append(slices.Clone(a.Amendments), am)
	a.Version++
	f.attempts[a.ID] = a
	f.events = append(f.events, ev)
	return a, nil
}

func (f *fakeEvaluationStore) VoidAttempt(_ context.Context, programID, attemptID string, version int64, am models.Amendment, ev models.Event) (models.Attempt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.attempts[attemptID]
	if !ok || a.ProgramID != programID || a.Version != version || a.Evaluation == nil ||
		(a.Status != models.StatusPassed && a.Status != models.StatusFailed) {
		return models.Attempt{}, fmt.Errorf("void attempt %s: %w", attemptID, models.ErrConflict)
	}
	a.Amendments = append(slices.Clone(a.Amendments), am)
	a.Status = models.StatusVoided
	a.Version++
	f.attempts[a.ID] = a
	f.events = append(f.events, ev)
	return a, nil
}

func (f *fakeEvaluationStore) UpdateProgramSettings(_ context.Context, programID string, patch models.SettingsPatch, ev models.Event) (models.Program, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if programID != f.program.ID {
		return models.Program{}, fmt.Errorf("program %s: %w", programID, models.ErrNotFound)
	}
	f.program.Policies = maps.Clone(f.program.Policies)
	patch.Apply(&f.program)
	f.events = append(f.events, ev)
	return f.program, nil
}

func (f *fakeEvaluationStore) Queue(_ context.Context, programID string, filter models.QueueFilter, page models.Page) (models.List[models.Attempt], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := models.List[models.Attempt]{Items: []models.Attempt{}}
	for _, a := range f.attempts {
		if a.ProgramID == programID && a.Status == models.StatusRequested &&
			(filter.CohortIDs == nil || slices.Contains(filter.CohortIDs, a.CohortID)) && (filter.Area == "" || a.Area == filter.Area) {
			out.Items = append(out.Items, a)
		}
	}
	slices.SortFunc(out.Items, func(x, y models.Attempt) int { return cmp.Compare(x.ID, y.ID) })
	return out, nil
}

func (f *fakeEvaluationStore) SetSigningPIN(_ context.Context, programID, userID, hash string, ev models.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[userID]
	if !ok || u.ProgramID != programID {
		return fmt.Errorf("set signing PIN: %w", models.ErrNotFound)
	}
	u.PINHash, u.PINFailures, u.PINSet = hash, 0, true
	u.PINLockedAt, u.PINRefused = nil, 0
	at := f.now().UTC()
	u.PINSetAt = &at
	f.users[userID] = u
	f.events = append(f.events, ev)
	return nil
}

func (f *fakeEvaluationStore) RecordPINTry(_ context.Context, programID, userID string, ok bool, maxFailures int, tried, locked models.Event) (int, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, found := f.users[userID]
	if !found || u.ProgramID != programID {
		return 0, false, fmt.Errorf("record PIN try: %w", models.ErrNotFound)
	}
	if u.PINFailures >= maxFailures {
		u.PINRefused++
		f.users[userID] = u
		return maxFailures, true, nil
	}
	if ok {
		u.PINFailures = 0
	} else {
		u.PINFailures++
	}
	f.events = append(f.events, tried)
	if u.PINFailures >= maxFailures {
		at := evalStart
		u.PINLockedAt, u.PINRefused = &at, 0
		f.events = append(f.events, locked)
	}
	f.users[userID] = u
	return u.PINFailures, false, nil
}

func (f *fakeEvaluationStore) RefusePINTry(_ context.Context, programID, userID string, maxFailures int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refusedTries++
	if u, ok := f.users[userID]; ok && u.ProgramID == programID && u.PINFailures >= maxFailures {
		u.PINRefused++
		f.users[userID] = u
	}
	return nil
}

func (f *fakeEvaluationStore) CreateRemediation(_ context.Context, r models.Remediation, ev models.Event) (models.Remediation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.remediations = append(f.remediations, r)
	f.events = append(f.events, ev)
	return r, nil
}

// eventTypes lists the types of the events recorded so far, in order.
func (f *fakeEvaluationStore) eventTypes() []models.EventType {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]models.EventType, len(f.events))
	for i, e := range f.events {
		out[i] = e.Type
	}
	return out
}

// evalWorld is a program with one cohort, its instructor, an admin, two
// students and a three-step checklist assigned to the cohort, over a fake
// store and a fake clock.
type evalWorld struct {
	store      *fakeEvaluationStore
	accounts   *fakeAccounts
	clock      *clock.Fake
	app        *Evaluations
	admin      Caller
	instructor Caller
	outsider   Caller // an instructor of another cohort
	student    Caller
	classmate  Caller
	checklist  models.Checklist
}

var evalStart = time.Date(2026, 12, 1, 9, 30, 0, 123456789, time.UTC)

func newEvalWorld(tb testing.TB) *evalWorld {
	tb.Helper()
	st := newFakeEvaluationStore()
	w := &evalWorld{store: st, clock: clock.NewFake(evalStart), accounts: &fakeAccounts{accounts: map[string]models.AccountStatus{}}}
	st.now = w.clock.Now
	w.app = newEvaluations(st, w.clock, EphemeralSigning())
	w.app.accounts = w.accounts
	add := func(id, name string, role models.Role, cohorts ...string) Caller {
		u := models.User{ID: id, ProgramID: "p1", Name: name, Role: role, CohortIDs: cohorts, Active: true, Bound: true, UID: "uid-" + id}
		w.accounts.accounts[u.UID] = models.AccountStatus{SessionsValidAfter: evalStart.Add(-time.Hour)}
		if role == models.RoleInstructor {
			u.Credential = "CMA (AAMA)"
		}
		st.users[id] = u
		return Caller{User: u, RequestID: "req-" + id}
	}
	w.admin = add("adm", "Ada Admin", models.RoleAdmin)
	w.instructor = add("ivy", "Ivy Instructor", models.RoleInstructor, "c1")
	w.outsider = add("oz", "Oz Other", models.RoleInstructor, "c2")
	w.student = add("ann", "Ann Archer", models.RoleStudent, "c1")
	w.classmate = add("bob", "Bob Baker", models.RoleStudent, "c1")
	w.checklist = models.Checklist{ID: "bp-manual", Version: 1, Area: models.AreaVitalSigns, Title: "Measure blood pressure",
		Steps: []models.Step{
			{ID: "hand-hygiene", Text: "Perform hand hygiene.", Critical: true},
			{ID: "cuff", Text: "Place the cuff."},
			{ID: "record", Text: "Record the reading."},
		}}
	st.checklists[w.checklist.ID] = w.checklist
	st.assignments = append(st.assignments, models.Assignment{ID: "as1", ProgramID: "p1", ChecklistID: "bp-manual", ChecklistVersion: 1, CohortID: "c1"})
	return w
}

// request has caller request an evaluation of the checklist.
func (w *evalWorld) request(tb testing.TB, caller Caller) models.Attempt {
	tb.Helper()
	out, err := w.app.CreateAttempt(context.Background(), caller, NewAttempt{ChecklistID: w.checklist.ID, Kind: models.AttemptEvaluation})
	if err != nil {
		tb.Fatalf("request evaluation: %v", err)
	}
	return out.Attempt
}

// grades passes every step except those in failed.
func (w *evalWorld) grades(failed ...string) []models.StepGrade {
	var out []models.StepGrade
	for _, s := range w.checklist.Steps {
		g := models.StepGrade{StepID: s.ID, Result: models.StepPass}
		if slices.Contains(failed, s.ID) {
			g = models.StepGrade{StepID: s.ID, Result: models.StepFail, Comment: "Missed"}
		}
		out = append(out, g)
	}
	return out
}

// evaluate has caller evaluate attempt a.
func (w *evalWorld) evaluate(tb testing.TB, caller Caller, a models.Attempt, in EvaluateInput) models.Attempt {
	tb.Helper()
	in.AttemptID = a.ID
	out, err := w.app.Evaluate(context.Background(), caller, in)
	if err != nil {
		tb.Fatalf("evaluate: %v", err)
	}
	return out
}

func (f *fakeEvaluationStore) StudentAttempts(_ context.Context, programID, studentID string, filter models.AttemptFilter, page models.Page) (models.List[models.Attempt], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := models.List[models.Attempt]{Items: []models.Attempt{}}
	for _, a := range f.attempts {
		if a.ProgramID == programID && a.StudentID == studentID &&
			(filter.ChecklistID == "" || a.ChecklistID == filter.ChecklistID) && (filter.Status == "" || a.Status == filter.Status) &&
			(filter.From.IsZero() || !a.RequestedAt.Before(filter.From)) && (filter.To.IsZero() || a.RequestedAt.Before(filter.To)) {
			out.Items = append(out.Items, a)
		}
	}
	slices.SortFunc(out.Items, func(x, y models.Attempt) int { return -cmp.Compare(x.ID, y.ID) })
	return out, nil
}
