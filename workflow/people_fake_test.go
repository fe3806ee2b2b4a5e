package workflow

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
)

// fakePeople is an in-memory store of users and cohorts for the People use
// cases: it keeps the version guards and uniqueness a real engine keeps, and
// records every event written.
type fakePeople struct {
	mu      sync.Mutex
	users   map[string]models.User
	cohorts map[string]models.Cohort
	events  []models.Event
	// beforeWrite, when set, runs before each guarded write, so a test can
	// change the record first as a concurrent writer would.
	beforeWrite func(f *fakePeople)
	// lastUserFilter is the filter of the last Users call.
	lastUserFilter *models.UserFilter
	// refuseEmail makes inserting this address fail as taken meanwhile.
	refuseEmail string
}

var _ peopleStores = (*fakePeople)(nil)

func newFakePeople() *fakePeople {
	return &fakePeople{users: map[string]models.User{}, cohorts: map[string]models.Cohort{}}
}

// peopleEpoch is when the tests' fake clock starts.
var peopleEpoch = time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)

// newTestPeople returns the People use cases over f, with a fake clock and
// ids id-001, id-002, ….
func newTestPeople(f *fakePeople) (*People, *clock.Fake) {
	clk := clock.NewFake(peopleEpoch)
	p := newPeople(f, clk)
	n := 0
	p.newID = func() string { n++; return fmt.Sprintf("id-%03d", n) }
	return p, clk
}

func (f *fakePeople) addUser(u models.User) models.User {
	if u.Version == 0 {
		u.Version = 1
	}
	if u.CohortIDs == nil {
		u.CohortIDs = []string{}
	}
	f.users[u.ID] = u
	return u
}

func (f *fakePeople) addCohort(c models.Cohort) models.Cohort {
	if c.Version == 0 {
		c.Version = 1
	}
	f.cohorts[c.ID] = c
	return c
}

// eventTypes lists the types of the events written, in order.
func (f *fakePeople) eventTypes() []models.EventType {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []models.EventType
	for _, e := range f.events {
		out = append(out, e.Type)
	}
	return out
}

func (f *fakePeople) hook() {
	if f.beforeWrite != nil {
		f.beforeWrite(f)
	}
}

func (f *fakePeople) UserByUID(_ context.Context, uid string) (models.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.Bound && u.UID == uid {
			return u, nil
		}
	}
	return models.User{}, fmt.Errorf("user by uid: %w", models.ErrNotFound)
}

func (f *fakePeople) UserByEmail(_ context.Context, email string) (models.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.Email == models.NormalizeEmail(email) {
			return u, nil
		}
	}
	return models.User{}, fmt.Errorf("user by email: %w", models.ErrNotFound)
}

func (f *fakePeople) BindInvitation(_ context.Context, w models.UserWrite) (models.User, error) {
	f.hook()
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, ok := f.users[w.Before.ID]
	if !ok || cur.Bound || cur.Version != w.Before.Version {
		return models.User{}, fmt.Errorf("bind: %w", models.ErrNotFound)
	}
	cur.UID, cur.Bound, cur.UpdatedAt = w.After.UID, true, w.After.UpdatedAt
	cur.Version++
	f.users[cur.ID] = cur
	f.events = append(f.events, w.Events...)
	return cur, nil
}

func (f *fakePeople) CohortsByID(_ context.Context, ids []string) (map[string]models.Cohort, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]models.Cohort{}
	for _, id := range ids {
		if c, ok := f.cohorts[id]; ok {
			out[id] = c
		}
	}
	return out, nil
}

func (f *fakePeople) insertUser(u models.User, events []models.Event) error {
	for _, o := range f.users {
		if o.Email == u.Email || u.Email == f.refuseEmail {
			return fmt.Errorf("insert: %w: a user with email %s already exists", models.ErrConflict, u.Email)
		}
	}
	f.users[u.ID] = u
	f.events = append(f.events, events...)
	return nil
}

func (f *fakePeople) InsertUser(_ context.Context, u models.User, events ...models.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.insertUser(u, events)
}

func (f *fakePeople) User(_ context.Context, programID, id string) (models.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[id]
	if !ok || u.ProgramID != programID {
		return models.User{}, fmt.Errorf("user %s: %w", id, models.ErrNotFound)
	}
	return u, nil
}

func (f *fakePeople) Users(_ context.Context, programID string, fl models.UserFilter, _ models.Page) (models.List[models.User], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastUserFilter = &fl
	out := models.List[models.User]{Items: []models.User{}}
	for _, u := range f.users {
		if u.ProgramID != programID || (fl.Role != "" && u.Role != fl.Role) {
			continue
		}
		if fl.AnyCohort != nil && !slices.ContainsFunc(u.CohortIDs, func(c string) bool { return slices.Contains(fl.AnyCohort, c) }) {
			continue
		}
		out.Items = append(out.Items, u)
	}
	slices.SortFunc(out.Items, func(a, b models.User) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (f *fakePeople) ActiveAdmins(_ context.Context, programID string) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n int64
	for _, u := range f.users {
		if u.ProgramID == programID && u.ActiveAdmin() {
			n++
		}
	}
	return n, nil
}

func (f *fakePeople) saveUser(w models.UserWrite) (models.User, error) {
	cur, ok := f.users[w.Before.ID]
	if !ok || cur.Version != w.Before.Version {
		return models.User{}, fmt.Errorf("save user: %w", models.ErrPreconditionFailed)
	}
	u := w.After
	u.Version = cur.Version + 1
	f.users[u.ID] = u
	f.events = append(f.events, w.Events...)
	return u, nil
}

func (f *fakePeople) SaveUser(_ context.Context, w models.UserWrite) (models.User, error) {
	f.hook()
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.saveUser(w)
}

func (f *fakePeople) InsertCohort(_ context.Context, c models.Cohort, events ...models.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.cohorts {
		if o.ProgramID == c.ProgramID && models.CohortNameKey(o.Name) == models.CohortNameKey(c.Name) {
			return fmt.Errorf("create cohort: %w: a cohort named %q already exists", models.ErrConflict, c.Name)
		}
	}
	f.cohorts[c.ID] = c
	f.events = append(f.events, events...)
	return nil
}

func (f *fakePeople) Cohort(_ context.Context, programID, id string) (models.Cohort, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.cohorts[id]
	if !ok || c.ProgramID != programID {
		return models.Cohort{}, fmt.Errorf("cohort %s: %w", id, models.ErrNotFound)
	}
	return c, nil
}

func (f *fakePeople) Cohorts(_ context.Context, programID string, fl models.CohortFilter, _ models.Page) (models.List[models.Cohort], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := models.List[models.Cohort]{Items: []models.Cohort{}}
	for _, c := range f.cohorts {
		if c.ProgramID == programID && c.Archived == fl.Archived && (fl.IDs == nil || slices.Contains(fl.IDs, c.ID)) {
			out.Items = append(out.Items, c)
		}
	}
	slices.SortFunc(out.Items, func(a, b models.Cohort) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (f *fakePeople) SaveCohort(_ context.Context, before, after models.Cohort, events ...models.Event) (models.Cohort, error) {
	f.hook()
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, ok := f.cohorts[before.ID]
	if !ok || cur.Version != before.Version {
		return models.Cohort{}, fmt.Errorf("save cohort: %w", models.ErrPreconditionFailed)
	}
	after.Version = cur.Version + 1
	f.cohorts[after.ID] = after
	f.events = append(f.events, events...)
	return after, nil
}

func (f *fakePeople) ProgramCohorts(_ context.Context, programID string) ([]models.Cohort, error) {
	l, err := f.Cohorts(context.Background(), programID, models.CohortFilter{}, models.Page{})
	if err != nil {
		return nil, err
	}
	archived, err := f.Cohorts(context.Background(), programID, models.CohortFilter{Archived: true}, models.Page{})
	return append(l.Items, archived.Items...), err
}

func (f *fakePeople) UsersByEmail(_ context.Context, emails []string) (map[string]models.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]models.User{}
	for _, u := range f.users {
		if slices.ContainsFunc(emails, func(e string) bool { return models.NormalizeEmail(e) == u.Email }) {
			out[u.Email] = u
		}
	}
	return out, nil
}

func (f *fakePeople) InsertUsers(_ context.Context, ws []models.UserWrite) ([]error, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	errs := make([]error, len(ws))
	for i, w := range ws {
		errs[i] = f.insertUser(w.After, w.Events)
	}
	return errs, nil
}

func (f *fakePeople) SaveUsers(_ context.Context, ws []models.UserWrite) ([]models.User, []error, error) {
	f.hook()
	f.mu.Lock()
	defer f.mu.Unlock()
	out, errs := make([]models.User, len(ws)), make([]error, len(ws))
	for i, w := range ws {
		out[i], errs[i] = f.saveUser(w)
	}
	return out, errs, nil
}

// The program of the People tests: an admin, an instructor of cohort
// "fall", a student in it, and a student of "spring".
const peopleProgram = "p"

type peopleFixture struct {
	store                                 *fakePeople
	people                                *People
	clock                                 *clock.Fake
	admin, instructor, student, student2  models.User
	fall, spring, archived, foreignCohort models.Cohort
}

func newPeopleFixture(tb testing.TB) *peopleFixture {
	tb.Helper()
	f := newFakePeople()
	x := &peopleFixture{store: f}
	x.people, x.clock = newTestPeople(f)
	x.fall = f.addCohort(models.Cohort{ID: "fall", ProgramID: peopleProgram, Name: "Fall 2026", StartDate: "2026-09-01"})
	x.spring = f.addCohort(models.Cohort{ID: "spring", ProgramID: peopleProgram, Name: "Spring 2027", StartDate: "2027-01-15"})
	x.archived = f.addCohort(models.Cohort{ID: "old", ProgramID: peopleProgram, Name: "Fall 2024", StartDate: "2024-09-01", Archived: true})
	x.foreignCohort = f.addCohort(models.Cohort{ID: "elsewhere", ProgramID: "q", Name: "Elsewhere", StartDate: "2026-09-01"})
	x.admin = f.addUser(models.User{ID: "u-admin", ProgramID: peopleProgram, Email: "admin@example.com", Name: "Ada Admin", Role: models.RoleAdmin, Active: true, Bound: true, UID: "uid-admin"})
	x.instructor = f.addUser(models.User{ID: "u-ina", ProgramID: peopleProgram, Email: "ina@example.com", Name: "Ina", Role: models.RoleInstructor, CohortIDs: []string{"fall"}, Active: true, Bound: true, UID: "uid-ina"})
	x.student = f.addUser(models.User{ID: "u-sam", ProgramID: peopleProgram, Email: "sam@example.com", Name: "Sam", Role: models.RoleStudent, CohortIDs: []string{"fall"}, Active: true, Bound: true, UID: "uid-sam"})
	x.student2 = f.addUser(models.User{ID: "u-sue", ProgramID: peopleProgram, Email: "sue@example.com", Name: "Sue", Role: models.RoleStudent, CohortIDs: []string{"spring"}, Active: true, Bound: true, UID: "uid-sue"})
	return x
}

// peopleCaller is u calling in request "req-1".
func peopleCaller(u models.User) Caller { return Caller{User: u, RequestID: "req-1"} }
