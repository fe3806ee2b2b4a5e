package contract_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// epoch is when every case's fake clock starts.
var epoch = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// engines are the stores the suite runs on, each opened fresh per case.
var engines = []struct {
	name string
	open func(tb testing.TB, clk clock.Clock) storetest.Store
	// atomic reports whether the engine applies a conditional update
	// atomically, saying so in the test's output when it does not.
	atomic func(tb testing.TB) bool
}{
	{"sqlite", func(tb testing.TB, clk clock.Clock) storetest.Store { return storetest.SQLite(tb, clk) },
		func(testing.TB) bool { return true }},
	{"mongo", func(tb testing.TB, clk clock.Clock) storetest.Store { return storetest.NewWithClock(tb, clk) },
		storetest.AtomicUpdates},
}

// forEachEngine runs test once per engine, as a parallel subtest named
// after it, on a fresh store whose fake clock starts at epoch.
func forEachEngine(t *testing.T, test func(t *testing.T, st storetest.Store, clk *clock.Fake)) {
	t.Helper()
	t.Parallel()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			clk := clock.NewFake(epoch)
			test(t, e.open(t, clk), clk)
		})
	}
}

// forEachAtomicEngine is forEachEngine for the racing cases: an engine
// whose conditional updates are not atomic (the FerretDB stand-in) runs
// nothing and says so in the output; a real MongoDB at TEST_MONGODB_URI
// runs the case.
func forEachAtomicEngine(t *testing.T, test func(t *testing.T, st storetest.Store, clk *clock.Fake)) {
	t.Helper()
	t.Parallel()
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			if !e.atomic(t) {
				return
			}
			clk := clock.NewFake(epoch)
			test(t, e.open(t, clk), clk)
		})
	}
}

// anotherStore opens a second fresh store of the engine subtest t runs
// on (a case that moves records between stores).
func anotherStore(t *testing.T, clk clock.Clock) storetest.Store {
	t.Helper()
	for _, e := range engines {
		if strings.HasSuffix(t.Name(), "/"+e.name) {
			return e.open(t, clk)
		}
	}
	t.Fatalf("%s runs on no engine", t.Name())
	return nil
}

// admin is the actor of most cases.
var admin = models.Actor{UserID: "admin-actor", Name: "Admin", Role: models.RoleAdmin, RequestID: "req-admin"}

// newProgram stores a program and returns its id.
func newProgram(tb testing.TB, st storetest.Store) string {
	tb.Helper()
	p, err := st.CreateProgram(context.Background(), "Program")
	if err != nil {
		tb.Fatalf("CreateProgram = %v", err)
	}
	return p.ID
}

// newCohort stores a cohort named name in programID.
func newCohort(tb testing.TB, st storetest.Store, programID, name string) models.Cohort {
	tb.Helper()
	c, err := st.CreateCohort(context.Background(), admin, models.Cohort{ProgramID: programID, Name: name, StartDate: "2026-09-01"})
	if err != nil {
		tb.Fatalf("CreateCohort(%q) = %v", name, err)
	}
	return c
}

// invite stores a user of programID with email, role and cohorts.
func invite(tb testing.TB, st storetest.Store, programID, email string, role models.Role, cohorts ...string) models.User {
	tb.Helper()
	u, err := st.CreateUser(context.Background(), admin, models.User{ProgramID: programID, Email: email, Name: "User " + email, Role: role, CohortIDs: cohorts})
	if err != nil {
		tb.Fatalf("CreateUser(%s) = %v", email, err)
	}
	return u
}

// auditOf is programID's audit trail about subjectID (all of it when
// subjectID is ""), oldest first.
func auditOf(tb testing.TB, st storetest.Store, programID, subjectID string) []models.Event {
	tb.Helper()
	list, err := st.Audit(context.Background(), programID, models.AuditFilter{SubjectID: subjectID}, models.Page{Limit: 200})
	if err != nil {
		tb.Fatalf("Audit = %v", err)
	}
	out := make([]models.Event, 0, len(list.Items))
	for i := len(list.Items) - 1; i >= 0; i-- {
		out = append(out, list.Items[i])
	}
	return out
}

// auditTypes is the types of auditOf, oldest first.
func auditTypes(tb testing.TB, st storetest.Store, programID, subjectID string) []string {
	tb.Helper()
	types := []string{}
	for _, e := range auditOf(tb, st, programID, subjectID) {
		types = append(types, string(e.Type))
	}
	return types
}

// feedOf is userID's whole feed in programID, newest first.
func feedOf(tb testing.TB, st storetest.Store, programID, userID string) []models.FeedItem {
	tb.Helper()
	list, err := st.Notifications(context.Background(), programID, userID, models.FeedFilter{Order: models.FeedNewest}, models.Page{Limit: 200})
	if err != nil {
		tb.Fatalf("Notifications(%s) = %v", userID, err)
	}
	return list.Items
}

// newID is a fresh record id, as the use cases make them.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// race runs write n times at once and returns each run's error.
func race(n int, write func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = write(i) })
	}
	wg.Wait()
	return errs
}

// oneWinner fails t unless exactly one of the racing writes that returned
// errs won and every other one lost with lost.
func oneWinner(t *testing.T, what string, errs []error, lost error) {
	t.Helper()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, lost):
			t.Errorf("a losing %s = %v; want %v", what, err, lost)
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d racing %ss won; want exactly 1", won, len(errs), what)
	}
}
