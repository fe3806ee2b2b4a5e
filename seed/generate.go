// Package seed fills a program with realistic records for load tests,
// benchmarks and demos: a roster of admins, credentialed instructors and
// students in cohorts started months apart, the whole checklist library
// assigned to every cohort, practice, evaluation requests, graded
// evaluations with a realistic pass/fail mix (signed passes with real
// digests, failures with failed critical steps, returned requests),
// amendments, remediation plans, logged live procedures, practicum hours,
// devices and the audit trail of all of it. It also creates the matching sign-ins in the
// Firebase Auth emulator.
package seed

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"skillbook/models"
)

// Options shape a seeded program.
type Options struct {
	Students int
	Cohorts  int
	// Seed makes the program reproducible: the same seed gives the same
	// people and the same history, shifted to Now.
	Seed uint64
	// Now is the moment the history leads up to.
	Now time.Time
	// Bind, when set, binds every user to the sign-in uid it returns for
	// the user's id; otherwise users are invitations waiting for a first
	// sign-in.
	Bind func(userID string) string
	// PINHash, when set, is the signing-PIN hash of the instructors who
	// have set one (about two in three).
	PINHash string
	// Audit adds the audit entry of every change the history implies.
	Audit bool
	// Key signs the history's evaluations and amendments, as the server's
	// key signs live ones.
	Key models.RecordSigner
	// People, when set, are the first people of their role, in order (the
	// demo's fixed sign-ins): their names and addresses replace generated
	// ones, and a UID binds the user to that sign-in whatever Bind says.
	People []Person
}

// Person is a seeded user's fixed identity.
type Person struct {
	Role        models.Role
	Name, Email string
	// Credential is an instructor's; a generated one when empty.
	Credential string
	UID        string
	// Cohorts, when set, are where the person is instead of the generated
	// placement, as indexes of the cohorts from the oldest (0): the one
	// cohort of a student, those an instructor teaches.
	Cohorts []int
}

// Limits of a seeded program.
const (
	MaxStudents = 100000
	MaxCohorts  = 500
)

// programLength is how long a cohort's program runs (a 40-week
// certificate).
const programLength = 40 * 7 * 24 * time.Hour

// Account is a seeded user as the load tool needs it.
type Account struct {
	UserID    string      `json:"userId"`
	Email     string      `json:"email"`
	Name      string      `json:"name"`
	Role      models.Role `json:"role"`
	CohortIDs []string    `json:"cohortIds"`
	UID       string      `json:"uid,omitempty"`
	Active    bool        `json:"active"`
}

// Summary counts what Generate made.
type Summary struct {
	Admins, Instructors, Students, Cohorts, Assignments  int
	Practice, Requested, Passed, Failed, Returned        int
	Amendments, Remediations, Procedures, Devices, Audit int
	// Practicum counts practicum entries (a day's hours at a site).
	Practicum int
}

// Attempts is the number of attempts of every kind.
func (s Summary) Attempts() int { return s.Practice + s.Requested + s.Passed + s.Failed + s.Returned }

// Validate checks the options.
func (o Options) Validate() error {
	var errs []string
	if o.Students < 1 || o.Students > MaxStudents {
		errs = append(errs, fmt.Sprintf("students must be 1 to %d", MaxStudents))
	}
	if o.Cohorts < 1 || o.Cohorts > MaxCohorts || o.Cohorts > max(o.Students, 1) {
		errs = append(errs, fmt.Sprintf("cohorts must be 1 to %d and at most the number of students", MaxCohorts))
	}
	if o.Now.IsZero() {
		errs = append(errs, "now is required")
	}
	if o.Key == nil {
		errs = append(errs, "a signing key is required")
	}
	// The roster always has two admins, two instructors per cohort and
	// every student.
	most := map[models.Role]int{models.RoleAdmin: 2, models.RoleInstructor: 2 * o.Cohorts, models.RoleStudent: o.Students}
	count := map[models.Role]int{}
	for _, p := range o.People {
		if count[p.Role]++; count[p.Role] > most[p.Role] {
			errs = append(errs, fmt.Sprintf("at most %d fixed people may be %ss", most[p.Role], p.Role))
		}
		if p.Name == "" || p.Email == "" {
			errs = append(errs, "a fixed person needs a name and an email")
		}
		for _, k := range p.Cohorts {
			if k < 0 || k >= o.Cohorts {
				errs = append(errs, fmt.Sprintf("%s is placed in cohort %d of %d", p.Email, k, o.Cohorts))
			}
		}
		if p.Role == models.RoleStudent && len(p.Cohorts) > 1 || p.Role == models.RoleAdmin && len(p.Cohorts) > 0 {
			errs = append(errs, fmt.Sprintf("%s: a student is in one cohort, an admin in none", p.Email))
		}
	}
	if len(errs) > 0 {
		return errors.New("seed: " + strings.Join(errs, "; "))
	}
	return nil
}

// gen is one generation in progress.
type gen struct {
	o   Options
	rnd *rand.Rand // the shape of the program: people, outcomes, times
	ids *rand.Rand // the random bits of ids
	now time.Time
	p   models.Program
	tag string
	// lib is the current version of each checklist, in curriculum order.
	lib     []models.Checklist
	grading map[string]models.Grading

	b        models.SeedBatch
	accounts []Account
	sum      Summary

	admin       models.User // the program director, who sets things up
	admins      []models.User
	cohorts     []cohortPlan
	instructors map[string][]models.User // by cohort id
}

type cohortPlan struct {
	models.Cohort
	start time.Time
}

// Generate prepares every record of a seeded program p whose checklist
// library is lib. Nothing is written; the store's InsertSeed writes the batch.
func Generate(p models.Program, lib []models.Checklist, o Options) (models.SeedBatch, []Account, Summary, error) {
	if err := o.Validate(); err != nil {
		return models.SeedBatch{}, nil, Summary{}, err
	}
	h := fnv.New64a()
	h.Write([]byte(p.ID))
	g := &gen{
		o:           o,
		rnd:         rand.New(rand.NewPCG(o.Seed, 0x5eed)),
		ids:         rand.New(rand.NewPCG(o.Seed, h.Sum64())),
		now:         o.Now.UTC().Truncate(time.Millisecond),
		p:           p,
		tag:         "p" + strings.ReplaceAll(p.ID, "-", "")[20:28],
		grading:     map[string]models.Grading{},
		instructors: map[string][]models.User{},
	}
	g.lib = currentVersions(lib)
	if len(g.lib) == 0 {
		return models.SeedBatch{}, nil, Summary{}, errors.New("seed: the checklist library is empty")
	}
	for _, c := range g.lib {
		g.grading[c.ID] = c.Grading.Apply(p.Grading)
	}
	g.roster()
	g.assignAll()
	for i := range g.b.Users {
		if u := g.b.Users[i]; u.Role == models.RoleStudent {
			g.history(u)
		}
	}
	g.devices()
	g.practicum()
	return g.b, g.accounts, g.sum, nil
}

// currentVersions keeps the newest published version of each checklist,
// ordered by area in curriculum order, then id.
func currentVersions(lib []models.Checklist) []models.Checklist {
	latest := map[string]models.Checklist{}
	for _, c := range lib {
		if c.Status != "" && c.Status != models.ChecklistPublished {
			continue
		}
		if old, ok := latest[c.ID]; !ok || c.Version > old.Version {
			latest[c.ID] = c
		}
	}
	out := make([]models.Checklist, 0, len(latest))
	for _, c := range latest {
		out = append(out, c)
	}
	rank := func(a models.Area) int { return slices.Index(models.Areas, a) }
	slices.SortFunc(out, func(a, b models.Checklist) int {
		return cmp.Or(cmp.Compare(rank(a.Area), rank(b.Area)), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// idAt is a UUIDv7 stamped with t, so that ordering by id orders by the
// time a record was made, as for ids made live.
func (g *gen) idAt(t time.Time) string {
	var u uuid.UUID
	binary.BigEndian.PutUint64(u[8:], g.ids.Uint64())
	binary.BigEndian.PutUint64(u[0:], g.ids.Uint64())
	ms := uint64(t.UnixMilli())
	u[0], u[1], u[2], u[3], u[4], u[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = u[6]&0x0f | 0x70
	u[8] = u[8]&0x3f | 0x80
	return u.String()
}

// days is a duration of d days.
func days(d float64) time.Duration { return time.Duration(d * float64(24*time.Hour)) }

// between is a uniform random number in [lo, hi).
func (g *gen) between(lo, hi float64) float64 { return lo + g.rnd.Float64()*(hi-lo) }

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.rnd.Float64() < p }

func pick[T any](g *gen, xs []T) T { return xs[g.rnd.IntN(len(xs))] }

// stamp is t as the store keeps times: UTC, milliseconds.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// event records an audit entry when the options ask for them.
func (g *gen) event(e models.Event) {
	if !g.o.Audit {
		return
	}
	e.At = stamp(e.At)
	e.ID = g.idAt(e.At)
	e.ProgramID = g.p.ID
	g.b.Audit = append(g.b.Audit, e)
	g.sum.Audit++
}

// roster makes the cohorts, admins, instructors and students.
func (g *gen) roster() {
	n, c := g.o.Students, g.o.Cohorts
	oldest := 0.95
	if c == 1 {
		oldest = 0.55
	}
	founded := g.now.Add(-time.Duration(oldest*float64(programLength)) - days(60))

	nAdmins := 2
	if n >= 1000 {
		nAdmins = 3
	}
	for i := range nAdmins {
		at := founded.Add(days(float64(i) * 3))
		actor := models.SystemActor
		if i > 0 {
			actor = models.ActorOf(g.admin, "")
		}
		u := g.user(models.RoleAdmin, i, "", nil, at, actor)
		if i == 0 {
			g.admin = u
		}
		g.admins = append(g.admins, u)
	}
	by := models.ActorOf(g.admin, "")

	names := map[string]bool{}
	for k := range c {
		progress := oldest
		if c > 1 {
			progress = oldest - 0.85*float64(k)/float64(c-1)
		}
		start := g.now.Add(-time.Duration(progress * float64(programLength))).Truncate(24 * time.Hour)
		shift := []string{"Day", "Evening", "Weekend"}[k%3]
		name := fmt.Sprintf("MA %s %d %s", start.Month().String()[:3], start.Year(), shift)
		for i := 2; names[strings.ToLower(name)]; i++ {
			name = fmt.Sprintf("MA %s %d %s %d", start.Month().String()[:3], start.Year(), shift, i)
		}
		names[strings.ToLower(name)] = true
		created := stamp(latest(start.Add(-days(30)), founded.Add(days(7))))
		co := models.Cohort{ID: g.idAt(created), ProgramID: g.p.ID, Name: name,
			StartDate: start.Format(models.DateLayout), EndDate: start.Add(programLength).Format(models.DateLayout),
			Version: 1, CreatedAt: created, UpdatedAt: created}
		g.cohorts = append(g.cohorts, cohortPlan{Cohort: co, start: start})
		g.b.Cohorts = append(g.b.Cohorts, co)
		g.sum.Cohorts++
		g.event(models.Event{Type: "cohort.created", Actor: by, At: created, Subject: "cohort", SubjectID: co.ID,
			Summary: fmt.Sprintf("created cohort %q", co.Name), Data: map[string]string{"name": co.Name, "startDate": co.StartDate, "endDate": co.EndDate}})
	}

	// One instructor per 20 students, at least two per cohort; about a
	// third teach a second cohort.
	nInstr := max(2*c, (n+19)/20)
	for i := range nInstr {
		home := g.cohorts[i%c]
		cohorts := []string{home.ID}
		if c > 1 && g.chance(0.3) {
			cohorts = append(cohorts, g.cohorts[(i+1)%c].ID)
		}
		if p, ok := g.person(models.RoleInstructor, i); ok && len(p.Cohorts) > 0 {
			home, cohorts = g.cohorts[p.Cohorts[0]], nil
			for _, k := range p.Cohorts {
				cohorts = append(cohorts, g.cohorts[k].ID)
			}
		}
		at := home.CreatedAt.Add(days(g.between(1, 20)))
		u := g.user(models.RoleInstructor, i, pick(g, credentials), cohorts, at, by)
		for _, id := range cohorts {
			g.instructors[id] = append(g.instructors[id], u)
		}
	}
	for i := range n {
		home := g.cohorts[i%c]
		if p, ok := g.person(models.RoleStudent, i); ok && len(p.Cohorts) > 0 {
			home = g.cohorts[p.Cohorts[0]]
		}
		at := home.start.Add(-days(g.between(5, 25)))
		g.user(models.RoleStudent, i, "", []string{home.ID}, at, by)
	}
}

// user makes one user, bound to a sign-in when the options say so.
func (g *gen) user(role models.Role, n int, credential string, cohorts []string, at time.Time, actor models.Actor) models.User {
	at = stamp(earliest(at, g.now.Add(-time.Hour)))
	// A fixed person still draws a generated one, so the rest of the
	// program is the one the seed always gives.
	who := g.newPerson(string(role), n, g.tag)
	fixed, isFixed := g.person(role, n)
	if isFixed {
		who = person{name: fixed.Name, email: fixed.Email}
		if fixed.Credential != "" && role == models.RoleInstructor {
			credential = fixed.Credential
		}
	}
	if cohorts == nil {
		cohorts = []string{}
	}
	u := models.User{ID: g.idAt(at), ProgramID: g.p.ID, Email: who.email, Name: who.name, Role: role,
		CohortIDs: cohorts, Active: true, Version: 1, CreatedAt: at, UpdatedAt: at}
	switch role {
	case models.RoleInstructor:
		u.Credential = credential
		if g.o.PINHash != "" && g.chance(0.66) {
			u.PINHash, u.PINSet = g.o.PINHash, true
			u.Version++
		}
		g.sum.Instructors++
	case models.RoleAdmin:
		g.sum.Admins++
	case models.RoleStudent:
		// About one student in a hundred has withdrawn.
		if g.chance(0.01) {
			u.Active = false
			u.Version++
		}
		g.sum.Students++
	}
	if uid := g.uid(fixed, u.ID); uid != "" {
		u.UID, u.Bound = uid, true
		u.Version++
		u.UpdatedAt = stamp(earliest(at.Add(days(g.between(0.1, 3))), g.now.Add(-time.Minute)))
	}
	g.b.Users = append(g.b.Users, u)
	g.accounts = append(g.accounts, Account{UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role,
		CohortIDs: u.CohortIDs, UID: u.UID, Active: u.Active})
	ev := models.Event{Type: "user.invited", Actor: actor, At: at, Subject: "user", SubjectID: u.ID,
		Summary: fmt.Sprintf("invited %s as %s", u.Email, u.Role),
		Data: map[string]string{"email": u.Email, "role": string(u.Role), "name": u.Name, "credential": u.Credential,
			"cohortIds": strings.Join(u.CohortIDs, ",")}}
	if role == models.RoleStudent {
		ev.StudentID = u.ID
	}
	g.event(ev)
	return u
}

// person is the n-th fixed person of role, if there is one.
func (g *gen) person(role models.Role, n int) (Person, bool) {
	for _, p := range g.o.People {
		if p.Role != role {
			continue
		}
		if n == 0 {
			return p, true
		}
		n--
	}
	return Person{}, false
}

// uid is the sign-in a user is bound to: a fixed person's own, else what
// Bind says, else none.
func (g *gen) uid(fixed Person, userID string) string {
	switch {
	case fixed.UID != "":
		return fixed.UID
	case g.o.Bind != nil:
		return g.o.Bind(userID)
	}
	return ""
}

// assignAll assigns the whole library to every cohort, each area due in
// turn over the program.
func (g *gen) assignAll() {
	by := models.ActorOf(g.admin, "")
	for _, co := range g.cohorts {
		at := stamp(earliest(co.start.Add(-days(3)), g.now.Add(-time.Hour)))
		for _, cl := range g.lib {
			area := slices.Index(models.Areas, cl.Area)
			due := co.start.Add(time.Duration(float64(area+1) / float64(len(models.Areas)) * 0.9 * float64(programLength)))
			a := models.Assignment{ProgramID: g.p.ID, ChecklistID: cl.ID, ChecklistVersion: cl.Version, Area: cl.Area,
				CohortID: co.ID, DueDate: due.Format(models.DateLayout), AssignedBy: g.admin.ID, Version: 1, CreatedAt: at}
			a.ID = a.Key()
			g.b.Assignments = append(g.b.Assignments, a)
			g.sum.Assignments++
			g.event(models.Event{Type: "assignment.created", Actor: by, At: at, Subject: "assignment", SubjectID: a.ID,
				Summary: fmt.Sprintf("assigned %s v%d to cohort %s", a.ChecklistID, a.ChecklistVersion, a.CohortID),
				Data: map[string]string{"checklistId": a.ChecklistID, "checklistVersion": fmt.Sprint(a.ChecklistVersion),
					"cohortId": a.CohortID, "studentId": "", "dueDate": a.DueDate}})
		}
	}
}

// devices registers the phones of most users.
func (g *gen) devices() {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	token := func() string {
		b := make([]byte, 0, 163)
		for range 22 {
			b = append(b, alphabet[g.rnd.IntN(len(alphabet))])
		}
		b = append(b, ":APA91b"...)
		for range 134 {
			b = append(b, alphabet[g.rnd.IntN(len(alphabet))])
		}
		return string(b)
	}
	for _, u := range g.b.Users {
		if !u.Active || !g.chance(map[models.Role]float64{models.RoleStudent: 0.85, models.RoleInstructor: 0.9, models.RoleAdmin: 0.6}[u.Role]) {
			continue
		}
		n := 1
		if g.chance(0.15) {
			n = 2
		}
		for range n {
			created := stamp(latest(u.CreatedAt, g.now.Add(-days(g.between(1, 200)))))
			refreshed := stamp(latest(created, g.now.Add(-days(g.between(0, 20)))))
			platform := models.PlatformAndroid
			switch r := g.rnd.Float64(); {
			case r < 0.55:
				platform = models.PlatformIOS
			case r > 0.95:
				platform = models.PlatformWeb
			}
			g.b.Devices = append(g.b.Devices, models.Device{Token: token(), ProgramID: g.p.ID, UserID: u.ID, Platform: platform,
				AppVersion: pick(g, []string{"1.3.0", "1.4.1", "1.4.2"}), CreatedAt: created, RefreshedAt: refreshed})
			g.sum.Devices++
		}
	}
}

// earliest is the earlier of two times, latest the later.
func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// clamp01 keeps x in [0, 1].
func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }
