package sqlite

import (
	"errors"
	"slices"
	"testing"

	"skillbook/models"
)

// Fixtures of other areas' records (programs, users and their cohorts,
// attempts, remediations), inserted with plain SQL as their tables hold
// them.

func skillInsert(tb testing.TB, s *Store, q string, args ...any) {
	tb.Helper()
	if _, err := s.writer.Exec(q, args...); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
}

func skillProgram(tb testing.TB, s *Store, id string) {
	tb.Helper()
	doc, _ := encode(models.Program{ID: id, Name: id})
	skillInsert(tb, s, `INSERT INTO programs (id, name, created_at, doc) VALUES (?, ?, ?, ?)`, id, id, ms(s.now()), doc)
}

// skillUser stores a user of program with role in cohorts.
func skillUser(tb testing.TB, s *Store, programID, id string, role models.Role, cohorts ...string) models.User {
	tb.Helper()
	u := models.User{ID: id, ProgramID: programID, Email: id + "@example.com", Name: "User " + id, Role: role, CohortIDs: cohorts,
		Active: true, Version: 1, CreatedAt: s.now()}
	doc, _ := encode(u)
	skillInsert(tb, s, `INSERT INTO users (id, program_id, email, uid, role, active, version, created_at, doc) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?)`,
		id, programID, u.Email, "uid-"+id, string(role), ms(u.CreatedAt), doc)
	for _, c := range cohorts {
		skillInsert(tb, s, `INSERT INTO cohort_members (cohort_id, user_id, program_id, role) VALUES (?, ?, ?, ?)`, c, id, programID, string(role))
	}
	u.UID = "uid-" + id
	return u
}

// skillHistory stores practice attempts of student at checklist id and
// then one graded evaluation per outcome.
func skillHistory(tb testing.TB, s *Store, student models.User, id string, practice int, outcomes ...models.Outcome) {
	tb.Helper()
	base := models.Attempt{ProgramID: student.ProgramID, StudentID: student.ID, StudentName: student.Name, CohortID: "c1",
		ChecklistID: id, ChecklistVersion: 1, ChecklistTitle: id, Area: models.AreaVitalSigns, Version: 1}
	put := func(a models.Attempt) {
		a.ID, a.RequestedAt, a.OpenSlot = newID(), s.now(), ""
		a.OpenSlot = a.ID
		evaluationID := ""
		if a.Evaluation != nil {
			evaluationID = a.Evaluation.ID
		}
		doc, _ := encode(a)
		skillInsert(tb, s, `INSERT INTO attempts (id, program_id, student_id, cohort_id, checklist_id, area, kind, status, open_slot,
			evaluation_id, requested_at, version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
			a.ID, a.ProgramID, a.StudentID, a.CohortID, a.ChecklistID, string(a.Area), string(a.Kind), string(a.Status), a.OpenSlot,
			evaluationID, ms(a.RequestedAt), doc)
	}
	for range practice {
		a := base
		a.Kind, a.Status, a.Note = models.AttemptPractice, models.StatusPracticed, "my note"
		a.Steps = []models.StepGrade{{StepID: "hand-hygiene", Result: models.StepPass}}
		put(a)
	}
	for _, o := range outcomes {
		a := base
		a.Kind = models.AttemptEvaluation
		e := &models.Evaluation{ID: newID(), EvaluatorID: "i1", Outcome: o, Score: 100, Setting: models.SettingSkillsLab, Comment: "ok",
			Steps: []models.StepGrade{{StepID: "hand-hygiene", Result: models.StepPass}}, EvaluatedAt: s.now()}
		a.Status = models.StatusFailed
		if o == models.OutcomePassed {
			a.Status = models.StatusPassed
			e.Signature = &models.Signature{SignerID: "i1", SignerName: "Ivy Instructor", SignerCredential: "CMA (AAMA)",
				SignedAt: e.EvaluatedAt, Method: models.SignedInSession, Meaning: models.SignatureMeaning}
		}
		a.Evaluation = e
		put(a)
	}
}

func skillRemediation(tb testing.TB, s *Store, programID, studentID, checklistID string) {
	tb.Helper()
	r := models.Remediation{ID: newID(), ProgramID: programID, StudentID: studentID, ChecklistID: checklistID, Plan: "Practise", CreatedAt: s.now()}
	doc, _ := encode(r)
	skillInsert(tb, s, `INSERT INTO remediations (id, program_id, student_id, checklist_id, created_at, doc) VALUES (?, ?, ?, ?, ?, ?)`,
		r.ID, r.ProgramID, r.StudentID, r.ChecklistID, ms(r.CreatedAt), doc)
}

func TestSkillProgressRecordsLoadsWhatAppliesToStudents(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	skillMustUpsert(t, s)
	const p, other = "p1", "p2"
	skillProgram(t, s, p)
	skillProgram(t, s, other)
	amy := skillUser(t, s, p, "amy", models.RoleStudent, "c1")
	ben := skillUser(t, s, p, "ben", models.RoleStudent, "c1", "c2")
	cal := skillUser(t, s, p, "cal", models.RoleStudent, "c3")

	skillAssign(t, s, p, "c1", "", "bp-manual", "2026-05-01")
	skillAssign(t, s, p, "c2", "", "pulse-oximetry", "")
	skillAssign(t, s, p, "", amy.ID, "temperature-oral", "")
	skillAssign(t, s, p, "c3", "", "apical-pulse", "")
	skillAssign(t, s, p, "", cal.ID, "height-weight", "")
	skillAssign(t, s, other, "c1", "", "hand-washing", "")
	skillHistory(t, s, amy, "bp-manual", 2, models.OutcomeFailed, models.OutcomePassed)
	skillHistory(t, s, ben, "pulse-oximetry", 1)
	skillHistory(t, s, cal, "apical-pulse", 1)
	skillRemediation(t, s, p, amy.ID, "bp-manual")
	skillRemediation(t, s, p, cal.ID, "apical-pulse")
	skillMustProcedure(t, s, models.Procedure{ProgramID: p, StudentID: amy.ID, Kind: "venipuncture", PerformedAt: "2026-03-01"})

	r, err := s.ProgressRecords(ctx, p, []models.User{amy, ben})
	if err != nil {
		t.Fatal(err)
	}
	var assigned []string
	for _, a := range r.Assignments {
		assigned = append(assigned, a.ChecklistID)
	}
	slices.Sort(assigned)
	if want := []string{"bp-manual", "pulse-oximetry", "temperature-oral"}; !slices.Equal(assigned, want) {
		t.Errorf("Assignments = %v; want %v", assigned, want)
	}
	// The standings read model holds amy's and ben's attempts as progress
	// reads them, and nobody else's.
	if len(r.Standings) != 2 || r.Standings[cal.ID] != nil {
		t.Errorf("Standings of %d students; want amy's and ben's only", len(r.Standings))
	}
	amyBP := r.Standings[amy.ID]["bp-manual"]
	if amyBP.Practice != 2 || len(amyBP.Graded) != 2 || amyBP.OpenRequestID != "" {
		t.Errorf("amy at bp-manual = %+v; want 2 practices and 2 graded evaluations", amyBP)
	}
	for _, g := range amyBP.Graded {
		if g.AttemptID == "" || g.EvaluatedAt.IsZero() {
			t.Errorf("graded %+v: want its attempt and date", g)
		}
		if g.Status == models.StatusPassed && (g.Signer != "Ivy Instructor" || g.SignedAt == nil) {
			t.Errorf("passed %+v: want its signature", g)
		}
	}
	if st := r.Standings[ben.ID]["pulse-oximetry"]; st.Practice != 1 || len(st.Graded) != 0 {
		t.Errorf("ben at pulse-oximetry = %+v; want 1 practice", st)
	}
	if len(r.Remediations) != 1 || r.Remediations[0].StudentID != amy.ID {
		t.Errorf("Remediations = %+v; want amy's one", r.Remediations)
	}
	if len(r.Checklists) != 3 {
		t.Errorf("Checklists = %d; want the 3 assigned versions", len(r.Checklists))
	}
	if c := r.Checklists[models.ChecklistRef{ID: "bp-manual", Version: 1}]; c.Title == "" || len(c.Competencies) == 0 {
		t.Errorf("Checklists[bp-manual 1] = %+v; want the library version", c)
	}
	if got := r.Procedures[amy.ID]["venipuncture"]; got.Pending != 1 {
		t.Errorf("Procedures[amy] = %+v; want 1 pending venipuncture", r.Procedures[amy.ID])
	}

	r.Program = models.Program{ID: p, Grading: models.DefaultGrading, ProcedureTargets: models.DefaultProcedureTargets}
	got := models.StudentProgressOf(amy, &r, "2026-03-01")
	if got.Overall.Assigned != 2 || got.Overall.Competent != 1 || len(got.Competencies) == 0 {
		t.Errorf("amy's progress = %+v; want 1 of 2 competent with codes", got.Overall)
	}

	empty, err := s.ProgressRecords(ctx, p, nil)
	if err != nil || len(empty.Assignments) != 0 || empty.Standings == nil || len(empty.Standings) != 0 || len(empty.Checklists) != 0 {
		t.Errorf("ProgressRecords(nobody) = %+v, %v; want empty", empty, err)
	}
}

func TestSkillChecklistsByRefPrefersProgramsOwnVersion(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	skillMustUpsert(t, s)
	const p = "p1"
	own := skillMustDraft(t, s, p, skillChecklist("pulse-count"))
	skillMustPublish(t, s, p, own.ID, own.Version)
	unpublished := skillMustDraft(t, s, p, skillChecklist("pulse-draft"))

	refs := []models.ChecklistRef{
		{ID: "bp-manual", Version: 1}, {ID: own.ID, Version: own.Version}, {ID: "bp-manual", Version: 99},
		{ID: unpublished.ID, Version: unpublished.Version},
	}
	for range 2 { // cold, then from the cache
		got, err := s.ChecklistsByRef(ctx, p, refs)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[models.ChecklistRef{ID: own.ID, Version: own.Version}].ProgramID != p ||
			got[models.ChecklistRef{ID: "bp-manual", Version: 1}].ProgramID != "" ||
			got[models.ChecklistRef{ID: own.ID, Version: own.Version}].Status != models.ChecklistPublished {
			t.Errorf("ChecklistsByRef = %v; want bp-manual from the library and the program's own", got)
		}
	}
	if got, err := s.ChecklistsByRef(ctx, "p2", []models.ChecklistRef{{ID: own.ID, Version: own.Version}}); err != nil || len(got) != 0 {
		t.Errorf("ChecklistsByRef(other program) = %v, %v; want nothing", got, err)
	}
	// More refs than one query takes.
	var many []models.ChecklistRef
	for i := range refsPerQuery + 5 {
		many = append(many, models.ChecklistRef{ID: "bp-manual", Version: i + 1})
	}
	if got, err := s.ChecklistsByRef(ctx, p, many); err != nil || len(got) != 1 {
		t.Errorf("ChecklistsByRef(%d refs) = %d, %v; want 1", len(many), len(got), err)
	}
}

func TestSkillStudentIDsInCohortsAndCohortProgress(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	skillMustUpsert(t, s)
	skillProgram(t, s, "p1")
	skillProgram(t, s, "p2")
	var c1 []string
	for _, id := range []string{"s5", "s1", "s4", "s2", "s3"} {
		skillUser(t, s, "p1", id, models.RoleStudent, "c1")
		c1 = append(c1, id)
	}
	skillUser(t, s, "p1", "s6", models.RoleStudent, "c1", "c2")
	skillUser(t, s, "p1", "s7", models.RoleStudent, "c3")
	skillUser(t, s, "p1", "i1", models.RoleInstructor, "c1")
	skillUser(t, s, "p2", "x1", models.RoleStudent, "c1")
	c1 = append(c1, "s6")
	slices.Sort(c1)

	ids, err := s.StudentIDsInCohorts(ctx, "p1", []string{"c1", "c2"})
	slices.Sort(ids)
	if err != nil || !slices.Equal(ids, c1) {
		t.Errorf("StudentIDsInCohorts(c1, c2) = %v, %v; want %v (each once, students of the program only)", ids, err, c1)
	}
	if ids, err := s.StudentIDsInCohorts(ctx, "p1", nil); err != nil || ids == nil || len(ids) != 0 {
		t.Errorf("StudentIDsInCohorts(none) = %v, %v; want empty", ids, err)
	}

	skillAssign(t, s, "p1", "c1", "", "bp-manual", "")
	var got []string
	page := models.Page{Limit: 4}
	for {
		cp, err := s.CohortProgress(ctx, "p1", "c1", page)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range cp.Students.Items {
			got = append(got, u.ID)
			if u.UID != "uid-"+u.ID || u.Name == "" {
				t.Errorf("student %+v: want them whole, uid included", u)
			}
		}
		if len(cp.Records.Assignments) != 1 || len(cp.Records.Checklists) != 1 {
			t.Errorf("CohortProgress records = %d assignments, %d checklists; want 1, 1", len(cp.Records.Assignments), len(cp.Records.Checklists))
		}
		if cp.Students.NextCursor == "" {
			break
		}
		page.Cursor = cp.Students.NextCursor
	}
	if !slices.Equal(got, c1) {
		t.Errorf("CohortProgress students = %v; want %v (by id, students only)", got, c1)
	}
	var ve *models.ValidationError
	if _, err := s.CohortProgress(ctx, "p1", "c1", models.Page{Cursor: "***"}); !errors.As(err, &ve) {
		t.Errorf("CohortProgress(bad cursor) = %v; want a ValidationError", err)
	}
	if _, err := s.CohortProgress(ctx, "", "c1", models.Page{}); err == nil {
		t.Errorf("CohortProgress(no program) = nil; want an error")
	}
	if cp, err := s.CohortProgress(ctx, "p2", "c3", models.Page{}); err != nil || len(cp.Students.Items) != 0 || cp.Students.NextCursor != "" {
		t.Errorf("CohortProgress(empty cohort) = %+v, %v; want no students", cp.Students, err)
	}
}
