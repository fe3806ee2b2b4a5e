package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"

	fbauth "firebase.google.com/go/v4/auth"
	"github.com/google/uuid"

	"skillbook/checklists"
	"skillbook/clock"
	"skillbook/models"
	"skillbook/seed"
)

// demoPassword is the password of every demo sign-in; they exist only in
// the local auth emulator.
const demoPassword = "skillbook-demo"

// demoProgram names the demo program; its admin's address finds it again.
const demoProgram = "Demo Medical Assistant Program"

// The demo program: two cohorts (0 started about nine months ago and is
// nearly done, 1 started a month ago), with 12 students each.
const (
	demoStudents = 24
	demoCohorts  = 2
)

type demoUser struct {
	email, name, credential string
	role                    models.Role
	cohorts                 []int // see seed.Person
}

// demoUsers are the fixed sign-ins. The walkthrough signs in as the first
// student, in the young cohort with most of the program ahead, and as the
// instructor, who teaches both cohorts.
var demoUsers = []demoUser{
	{"admin@demo.skillbook.test", "Dana Director", "", models.RoleAdmin, nil},
	{"instructor@demo.skillbook.test", "Ian Instructor", "CMA (AAMA)", models.RoleInstructor, []int{0, 1}},
	{"student1@demo.skillbook.test", "Sam Student", "", models.RoleStudent, []int{1}},
	{"student2@demo.skillbook.test", "Riley Student", "", models.RoleStudent, []int{0}},
	{"student3@demo.skillbook.test", "Jordan Student", "", models.RoleStudent, []int{1}},
}

// demoUID is a demo user's sign-in uid: the same in every emulator, so a
// restarted emulator (make run starts a fresh one) signs in the same user.
func demoUID(email string) string {
	local, _, _ := strings.Cut(email, "@")
	return "demo-" + local
}

// demoTour is what the demo prints: the program, its sign-ins and the
// records the walkthrough uses.
type demoTour struct {
	program models.Program
	cohorts map[string]string // names by id
	users   map[string]models.User
	// summary is set when this run seeded the program.
	summary *seed.Summary
	// skill is a checklist the student may request now; nil when none is
	// left (the walkthrough was run for every skill).
	skill *models.Checklist
}

// seedDemo makes sure the demo program exists, seeding it once with two
// cohorts, the whole library assigned with due dates, and a signed history
// (signed with key, the server's own); then that every one of its people
// can sign in to the auth emulator with the demo password. A second run on
// the same data changes nothing in the store.
func seedDemo(ctx context.Context, st engine, client *fbauth.Client, key models.RecordSigner, clk clock.Clock, log *slog.Logger) (demoTour, error) {
	tour := demoTour{cohorts: map[string]string{}, users: map[string]models.User{}}
	admin, err := st.UserByEmail(ctx, demoUsers[0].email)
	switch {
	case errors.Is(err, models.ErrNotFound):
		if tour.program, err = seedDemoProgram(ctx, st, key, clk, &tour); err != nil {
			return tour, err
		}
	case err != nil:
		return tour, err
	default:
		if tour.program, err = st.Program(ctx, admin.ProgramID); err != nil {
			return tour, err
		}
	}
	people, err := programUsers(ctx, st, tour.program.ID)
	if err != nil {
		return tour, err
	}
	if err := ensureSignIns(ctx, client, people); err != nil {
		return tour, err
	}
	for _, u := range people {
		tour.users[u.Email] = u
	}
	cohorts, err := st.Cohorts(ctx, tour.program.ID, models.CohortFilter{}, models.Page{Limit: 100})
	if err != nil {
		return tour, err
	}
	for _, c := range cohorts.Items {
		tour.cohorts[c.ID] = c.Name
	}
	if len(cohorts.Items) == 0 {
		log.Warn("the data directory holds a demo program of an earlier release, without cohorts or history: move SKILLBOOK_DATA_DIR away and start again for the full demo")
	}
	student, ok := tour.users[demoUsers[2].email]
	if !ok {
		return tour, fmt.Errorf("demo student %s is missing from program %s", demoUsers[2].email, tour.program.ID)
	}
	tour.skill, err = requestable(ctx, st, tour.program, student, clk)
	return tour, err
}

// seedDemoProgram writes the demo program: the first seed whose history
// holds every kind of record the demo shows (a small program does not
// always have a remediation plan), with something left for the student of
// the walkthrough to request.
func seedDemoProgram(ctx context.Context, st engine, key models.RecordSigner, clk clock.Clock, tour *demoTour) (models.Program, error) {
	lib, err := checklists.Library()
	if err != nil {
		return models.Program{}, fmt.Errorf("checklist library:\n%w", err)
	}
	o := seed.Options{Students: demoStudents, Cohorts: demoCohorts, Now: clk.Now(), Audit: true, Key: key}
	for _, du := range demoUsers {
		o.People = append(o.People, seed.Person{Role: du.role, Name: du.name, Email: du.email, Credential: du.credential,
			UID: demoUID(du.email), Cohorts: du.cohorts})
	}
	p, err := st.CreateProgram(ctx, demoProgram)
	if err != nil {
		return p, err
	}
	for o.Seed = 1; o.Seed <= 50; o.Seed++ {
		batch, _, sum, err := seed.Generate(p, lib, o)
		if err != nil {
			return p, err
		}
		if !tellsTheStory(batch, sum) {
			continue
		}
		if _, err := st.InsertSeed(ctx, batch); err != nil {
			return p, fmt.Errorf("seed program %s: %w", p.ID, err)
		}
		tour.summary = &sum
		return p, nil
	}
	return p, errors.New("no seed gave the demo every kind of record")
}

// tellsTheStory reports whether a generated program has practice, requests
// waiting, passes, failures, a remediation plan, an amendment, procedures
// and practicum hours confirmed, waiting and rejected, and a skill the
// walkthrough's student never requested.
func tellsTheStory(b models.SeedBatch, s seed.Summary) bool {
	if min(s.Practice, s.Requested, s.Passed, s.Failed, s.Remediations, s.Amendments, s.Procedures, s.Practicum) == 0 {
		return false
	}
	hours := map[models.ProcedureStatus]bool{}
	for _, p := range b.Practicum {
		hours[p.Status] = true
	}
	if len(hours) < 3 {
		return false
	}
	var student string
	for _, u := range b.Users {
		if u.Email == demoUsers[2].email {
			student = u.ID
		}
	}
	requested := map[string]bool{}
	for _, a := range b.Attempts {
		if a.StudentID == student && a.Kind == models.AttemptEvaluation {
			requested[a.ChecklistID] = true
		}
	}
	return len(requested) < len(b.Assignments)/len(b.Cohorts)
}

// programUsers lists every user of a program.
func programUsers(ctx context.Context, st engine, programID string) ([]models.User, error) {
	var out []models.User
	page := models.Page{Limit: 200}
	for {
		list, err := st.Users(ctx, programID, models.UserFilter{}, page)
		if err != nil {
			return nil, err
		}
		out = append(out, list.Items...)
		if list.NextCursor == "" {
			return out, nil
		}
		page.Cursor = list.NextCursor
	}
}

// ensureSignIns creates the emulator account of every active user that
// has none: with the uid a user is bound to, or for a pending invitation
// by address (its first sign-in binds it). An account holding a bound
// user's address under another uid (an earlier demo in a long-running
// emulator) is replaced.
func ensureSignIns(ctx context.Context, client *fbauth.Client, users []models.User) error {
	const lookupBatch = 100 // the lookup endpoint's limit
	var missing []models.User
	for start := 0; start < len(users); start += lookupBatch {
		chunk := users[start:min(start+lookupBatch, len(users))]
		ids := make([]fbauth.UserIdentifier, 0, len(chunk))
		for _, u := range chunk {
			if u.Bound {
				ids = append(ids, fbauth.UIDIdentifier{UID: u.UID})
			} else {
				ids = append(ids, fbauth.EmailIdentifier{Email: u.Email})
			}
		}
		found, err := client.GetUsers(ctx, ids)
		if err != nil {
			return fmt.Errorf("look up emulator sign-ins: %w", err)
		}
		have := map[string]bool{}
		for _, r := range found.Users {
			have[r.UID], have[strings.ToLower(r.Email)] = true, true
		}
		for _, u := range chunk {
			exists := have[u.UID]
			if !u.Bound {
				exists = have[strings.ToLower(u.Email)]
			}
			if u.Active && !exists {
				missing = append(missing, u)
			}
		}
	}
	for _, u := range missing {
		params := (&fbauth.UserToCreate{}).Email(u.Email).Password(demoPassword).DisplayName(u.Name).EmailVerified(true)
		if u.Bound {
			params = params.UID(u.UID)
		}
		_, err := client.CreateUser(ctx, params)
		if fbauth.IsEmailAlreadyExists(err) && u.Bound {
			var other *fbauth.UserRecord
			if other, err = client.GetUserByEmail(ctx, u.Email); err == nil {
				if err = client.DeleteUser(ctx, other.UID); err == nil {
					_, err = client.CreateUser(ctx, params)
				}
			}
		}
		if err != nil && !fbauth.IsUIDAlreadyExists(err) && !fbauth.IsEmailAlreadyExists(err) {
			return fmt.Errorf("create emulator sign-in %s: %w", u.Email, err)
		}
	}
	return nil
}

// requestable is the first assigned checklist, in curriculum order, that
// student may request an evaluation of now: not started or practising,
// no request waiting; nil when there is none.
func requestable(ctx context.Context, st engine, p models.Program, student models.User, clk clock.Clock) (*models.Checklist, error) {
	records, err := st.ProgressRecords(ctx, p.ID, []models.User{student})
	if err != nil {
		return nil, err
	}
	records.Program = p
	progress := models.StudentProgressOf(student, &records, models.ProgressDate(clk.Now()))
	for _, s := range progress.Skills {
		if (s.Status != models.SkillNotStarted && s.Status != models.SkillPractising) || s.OpenRequestID != "" || s.Practice < s.RequiredPractice {
			continue
		}
		c, err := st.Checklist(ctx, p.ID, s.ChecklistID, s.ChecklistVersion)
		if err != nil {
			return nil, err
		}
		return &c, nil
	}
	return nil, nil
}

// print writes the sign-ins and the walkthrough, every command ready to
// paste, with api the address the server listens on and emulator the auth
// emulator's host:port.
func (t demoTour) print(w io.Writer, emulator string, api net.Addr) {
	host := "127.0.0.1"
	port := ""
	if a, ok := api.(*net.TCPAddr); ok {
		if !a.IP.IsUnspecified() {
			host = a.IP.String()
		}
		port = fmt.Sprint(a.Port)
	}
	base := "http://" + net.JoinHostPort(host, port)
	var b strings.Builder
	fmt.Fprintf(&b, "\n=== Skillbook demo: %s ===\n", t.program.Name)
	fmt.Fprintf(&b, "Sign-ins (auth emulator at %s, password %q for all):\n", emulator, demoPassword)
	for _, du := range demoUsers {
		u := t.users[du.email]
		var in []string
		for _, id := range u.CohortIDs {
			in = append(in, t.cohorts[id])
		}
		row := fmt.Sprintf("  %-12s %-32s %-16s %s", du.role, du.email, du.name, strings.Join(in, ", "))
		b.WriteString(strings.TrimRight(row, " ") + "\n")
	}
	if s := t.summary; s != nil {
		fmt.Fprintf(&b, "Seeded: %d students in %d cohorts, %d assignments with due dates, and their history:\n"+
			"  %d practice attempts, %d requests waiting in the queue, %d passed and signed, %d failed (%d remediation plans),\n"+
			"  %d returned, %d amendments, %d procedures, %d days of practicum hours at externship sites.\n",
			s.Students, s.Cohorts, s.Assignments, s.Practice, s.Requested, s.Passed, s.Failed, s.Remediations, s.Returned, s.Amendments, s.Procedures,
			s.Practicum)
	}
	student, instructor := t.users[demoUsers[2].email], t.users[demoUsers[1].email]
	signIn := func(v string, du demoUser) {
		fmt.Fprintf(&b, `  %s=$(curl -s "$SIGNIN" -H 'Content-Type: application/json' -d '{"email":"%s","password":"%s","returnSecureToken":true}' | sed -n -E 's/.*"idToken": *"([^"]+)".*/\1/p')`+"\n",
			v, du.email, demoPassword)
		fmt.Fprintf(&b, "  curl -s \"$API/v1/me\" -H \"Authorization: Bearer $%s\"; echo\n", v)
	}
	if t.skill == nil {
		fmt.Fprintf(&b, "\nNo assigned skill is left for %s to request (or the data directory holds a demo of an earlier release): move it away for a fresh demo and its walkthrough.\n", student.Name)
	} else {
		c := t.skill
		attempt := uuid.Must(uuid.NewV7()).String()
		fmt.Fprintf(&b, "\n%s (paste into a shell; curl and sed):\n", demoWalkthrough)
		fmt.Fprintf(&b, "  API=%s\n", base)
		fmt.Fprintf(&b, "  SIGNIN='http://%s/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo'\n", emulator)
		fmt.Fprintf(&b, "  # 1. Sign in as the student %s (an ID token from the auth emulator)\n", student.Name)
		signIn("STUDENT", demoUsers[2])
		fmt.Fprintf(&b, "  # 2. Request an evaluation of %q\n", c.Title)
		fmt.Fprintf(&b, `  curl -s "$API/v1/attempts" -H "Authorization: Bearer $STUDENT" -H 'Content-Type: application/json' -d '{"id":"%s","checklistId":"%s","kind":"evaluation"}'; echo`+"\n",
			attempt, c.ID)
		fmt.Fprintf(&b, "  # 3. Sign in as the instructor %s, who teaches %s's cohort\n", instructor.Name, student.Name)
		signIn("INSTRUCTOR", demoUsers[1])
		fmt.Fprintf(&b, "  # 4. Grade every step, attest that you observed it, and sign\n")
		fmt.Fprintf(&b, `  curl -s "$API/v1/attempts/%s/evaluations" -H "Authorization: Bearer $INSTRUCTOR" -H 'Content-Type: application/json' -d '{"attest":true,"setting":"skills-lab","comment":"Performed to standard.","steps":[`, attempt)
		for i, s := range c.Steps {
			sep := ","
			if i == len(c.Steps)-1 {
				sep = "]}'; echo"
			}
			if i%3 == 0 {
				b.WriteString("\n    ")
			}
			fmt.Fprintf(&b, `{"stepId":"%s","result":"pass"}%s`, s.ID, sep)
		}
		fmt.Fprintf(&b, "\n  # 5. Download %s's transcript, with the evaluation just signed\n", student.Name)
		fmt.Fprintf(&b, "  curl -s -o transcript.pdf \"$API/v1/students/%s/transcript.pdf\" -H \"Authorization: Bearer $STUDENT\" && echo saved transcript.pdf\n", student.ID)
	}
	fmt.Fprintf(&b, "\nAlso: the instructor's queue %s/v1/queue, a cohort's progress %s/v1/cohorts/{id}/progress, the audit trail (admin) %s/v1/audit.\n", base, base, base)
	fmt.Fprintf(&b, "Practicum: %s (nearly done) logged externship hours, %s/v1/practicum-hours (as them, or as the instructor for every student taught),\n"+
		"  counted against the %d h requirement in %s/v1/me/progress and the transcript.\n",
		t.users[demoUsers[3].email].Name, base, t.program.PracticumRequirement(), base)
	fmt.Fprintf(&b, "The app (sign in with the accounts above, on a phone or a narrow window): %s/app/\n", base)
	fmt.Fprintf(&b, "API description: %s/openapi.json   docs: %s/docs\n\n", base, base)
	io.WriteString(w, b.String())
}

// demoWalkthrough heads the walkthrough's commands (its test finds them by
// it): every indented line up to the next blank line.
const demoWalkthrough = "Try the whole flow"
