package contract_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"skillbook/clock"
	"skillbook/export"
	"skillbook/exportjob"
	"skillbook/models"
	"skillbook/store/storetest"
)

// class is a program seeded through the store as the API would: a cohort
// with an instructor (signing PIN set) and three students — Ann passed
// blood pressure (then amended) and failed pulse oximetry, Bob has no
// records, Cal is in another cohort — plus a remediation, a procedure and
// a program-owned checklist draft.
type class struct {
	program      models.Program
	cohort       models.Cohort
	other        models.Cohort
	instructor   models.User
	ann, bob     models.User
	cal          models.User
	pass, failed models.Attempt
}

func seedClass(tb testing.TB, s storetest.Store, clk clock.Clock) class {
	tb.Helper()
	ctx := context.Background()
	now := func() time.Time { return clk.Now().UTC().Truncate(time.Millisecond) }
	mustUpsert(tb, s)
	var c class
	var err error
	if c.program, err = s.CreateProgram(ctx, "Valley College MA"); err != nil {
		tb.Fatal(err)
	}
	p := c.program.ID
	c.cohort, c.other = newCohort(tb, s, p, "Fall 2026"), newCohort(tb, s, p, "Spring 2027")
	user := func(name string, role models.Role, cohorts ...string) models.User {
		u, err := s.CreateUser(ctx, admin, models.User{ProgramID: p, Email: strings.ToLower(strings.Fields(name)[0]) + "@example.com",
			Name: name, Role: role, Credential: map[models.Role]string{models.RoleInstructor: "CMA (AAMA)"}[role], CohortIDs: cohorts})
		if err != nil {
			tb.Fatal(err)
		}
		return u
	}
	c.instructor = user("Ivy Instructor", models.RoleInstructor, c.cohort.ID)
	if err := s.SetSigningPIN(ctx, p, c.instructor.ID, "$argon2id$v=19$fake-hash", models.Event{Type: models.EventSigningPINSet,
		ProgramID: p, Actor: admin, Subject: "user", SubjectID: c.instructor.ID, Summary: "set a new signing PIN"}); err != nil {
		tb.Fatal(err)
	}
	// Ids decide the export's order: Ann, then Bob.
	c.ann = user("Ann Archer", models.RoleStudent, c.cohort.ID)
	c.bob = user("Bob Baker", models.RoleStudent, c.cohort.ID)
	c.cal = user("Cal Carter", models.RoleStudent, c.other.ID)
	for _, id := range []string{"bp-manual", "pulse-oximetry"} {
		if _, _, err := storetest.CreateAssignment(ctx, s, admin, models.Assignment{ProgramID: p, ChecklistID: id, ChecklistVersion: 1,
			Area: models.AreaVitalSigns, CohortID: c.cohort.ID}, nil); err != nil {
			tb.Fatal(err)
		}
	}
	if _, _, err := storetest.CreateAssignment(ctx, s, admin, models.Assignment{ProgramID: p, ChecklistID: "venipuncture-evacuated-tube", ChecklistVersion: 1,
		Area: models.AreaPhlebotomy, StudentID: c.ann.ID}, nil); err != nil {
		tb.Fatal(err)
	}
	c.pass = evaluate(tb, s, clk, c, c.ann, "bp-manual", models.OutcomePassed)
	c.failed = evaluate(tb, s, clk, c, c.ann, "pulse-oximetry", models.OutcomeFailed)
	evaluate(tb, s, clk, c, c.cal, "bp-manual", models.OutcomePassed)

	am := models.Amendment{ID: newID(), EvaluationID: c.pass.Evaluation.ID, Reason: "Wrong arm recorded", Correction: "Left arm, seated",
		Signature: models.Signature{SignerID: c.instructor.ID, SignerName: c.instructor.Name, SignerCredential: c.instructor.Credential,
			SignedAt: now(), Method: models.SignedWithPIN, Meaning: models.AmendmentMeaning}}
	am.Signature.Digest = models.AmendmentRecord(&c.pass, am).Digest()
	if c.pass, err = s.AddAmendment(ctx, p, c.pass.ID, c.pass.Version, am, models.Event{Type: "evaluation.amended", ProgramID: p,
		Actor: models.ActorOf(c.instructor, "r"), Subject: "attempt", SubjectID: c.pass.ID, StudentID: c.ann.ID, Summary: "amended"}); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.CreateRemediation(ctx, models.Remediation{ID: newID(), ProgramID: p, StudentID: c.ann.ID, ChecklistID: "pulse-oximetry", Plan: "Practise twice",
		CreatedBy: admin.UserID, CreatedAt: now()}, models.Event{Type: models.EventRemediationPlanned, ProgramID: p, Actor: admin,
		Subject: "remediation", StudentID: c.ann.ID, Summary: "recorded a remediation plan"}); err != nil {
		tb.Fatal(err)
	}
	if _, _, err := storetest.CreateProcedure(ctx, s, models.ActorOf(c.ann, "r"), models.Procedure{ProgramID: p, StudentID: c.ann.ID, StudentName: c.ann.Name,
		Kind: "venipuncture", PerformedAt: "2026-10-01", Site: "Clinic"}); err != nil {
		tb.Fatal(err)
	}
	own, err := s.Checklist(ctx, p, "bp-manual", 1)
	if err != nil {
		tb.Fatal(err)
	}
	own.ID, own.Title = "bp-manual-valley", "Blood pressure (Valley)"
	if _, err := storetest.CreateChecklistDraft(ctx, s, admin, p, own); err != nil {
		tb.Fatal(err)
	}
	return c
}

// evaluate requests and grades an evaluation of student at checklist id,
// signed with a valid digest when it passes.
func evaluate(tb testing.TB, s storetest.Store, clk clock.Clock, c class, student models.User, id string, o models.Outcome) models.Attempt {
	tb.Helper()
	ctx := context.Background()
	cl, err := s.Checklist(ctx, c.program.ID, id, 1)
	if err != nil {
		tb.Fatal(err)
	}
	now := clk.Now().UTC().Truncate(time.Millisecond)
	req, _, err := s.CreateAttempt(ctx, models.Attempt{ID: newID(), ProgramID: c.program.ID, StudentID: student.ID,
		StudentName: student.Name, CohortID: student.CohortIDs[0], ChecklistID: id, ChecklistVersion: 1, ChecklistTitle: cl.Title,
		Area: cl.Area, Kind: models.AttemptEvaluation, Status: models.StatusRequested, RequestedAt: now},
		models.Event{Type: models.EventEvaluationRequested, ProgramID: c.program.ID, Actor: models.ActorOf(student, "r"), Subject: "attempt", StudentID: student.ID})
	if err != nil {
		tb.Fatal(err)
	}
	var steps []models.StepGrade
	for i, st := range cl.Steps {
		g := models.StepGrade{StepID: st.ID, Result: models.StepPass}
		if o == models.OutcomeFailed && i == 0 {
			g = models.StepGrade{StepID: st.ID, Result: models.StepFail, Comment: "=1+1 forgot hand hygiene"}
		}
		steps = append(steps, g)
	}
	e := models.Evaluation{ID: newID(), EvaluatorID: c.instructor.ID, Steps: steps, Setting: models.SettingSkillsLab,
		Score: 100, Outcome: o, Grading: models.DefaultGrading, EvaluatedAt: now}
	if o == models.OutcomeFailed {
		e.Score, e.Comment = 90, "Review hand hygiene"
	} else {
		sig := models.Signature{SignerID: c.instructor.ID, SignerName: c.instructor.Name, SignerCredential: c.instructor.Credential,
			SignedAt: now, Method: models.SignedInSession, Meaning: models.SignatureMeaning}
		a := req
		a.Evaluation = &e
		sig.Digest = models.EvaluationRecord(&a, sig).Digest()
		e.Signature = &sig
	}
	status, _ := models.Transition(req.Status, o.Action(), models.RelInstructor)
	out, err := s.EvaluateAttempt(ctx, c.program.ID, req.ID, req.Version, status, e)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestEachStudentRecordReadsInBatches(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		c := seedClass(t, s, clk)
		for _, batch := range []int{1, 2, 0} {
			var got []*models.StudentRecord
			sel := models.ExportSelection{CohortID: c.cohort.ID, Batch: batch}
			if err := s.EachStudentRecord(ctx, c.program, sel, "2099-01-01", func(r *models.StudentRecord) error {
				got = append(got, r)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Student.ID != c.ann.ID || got[1].Student.ID != c.bob.ID {
				t.Fatalf("batch %d: records = %d; want Ann then Bob (id order), not Cal of another cohort", batch, len(got))
			}
			ann, bob := got[0], got[1]
			if n := len(ann.Evaluations); n != 2 {
				t.Fatalf("Ann's evaluations = %d; want 2", n)
			}
			pass := ann.Evaluations[0]
			if pass.ID != c.pass.ID || len(pass.Amendments) != 1 || pass.Amendments[0].Reason != "Wrong arm recorded" || len(pass.Evaluation.Steps) != 0 {
				t.Errorf("Ann's pass = %+v; want its amendment and no step grades", pass)
			}
			if pass.Evaluation.Signature.Digest != models.EvaluationRecord(&c.pass, *c.pass.Evaluation.Signature).Digest() {
				t.Errorf("the stored digest does not verify")
			}
			if ann.Progress.Overall.Assigned != 3 || ann.Progress.Overall.Competent != 1 || !slices.Contains(ann.Progress.Competencies, "MAERB-2015 I.P.1.a") {
				t.Errorf("Ann's progress = %+v", ann.Progress.Overall)
			}
			if len(bob.Evaluations) != 0 || bob.Progress.Overall.Assigned != 2 || bob.Progress.Overall.Competent != 0 {
				t.Errorf("Bob = %+v", bob.Progress.Overall)
			}
			if !slices.Equal(ann.CohortNames, []string{"Fall 2026"}) {
				t.Errorf("cohort names = %v", ann.CohortNames)
			}
		}

		cols, err := s.ExportColumns(ctx, c.program.ID, c.cohort.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, col := range cols {
			ids = append(ids, col.ChecklistID)
		}
		if want := []string{"bp-manual", "pulse-oximetry", "venipuncture-evacuated-tube"}; !slices.Equal(ids, want) {
			t.Errorf("columns = %v; want %v (Ann's own assignment included)", ids, want)
		}
		if cols, err := s.ExportColumns(ctx, c.program.ID, c.cohort.ID, models.AreaPhlebotomy); err != nil || len(cols) != 1 || cols[0].ChecklistID != "venipuncture-evacuated-tube" {
			t.Errorf("phlebotomy columns = %+v, %v; want Ann's venipuncture only", cols, err)
		}

		// Filters: the phlebotomy area only; a period before anything
		// happened.
		sel := models.ExportSelection{CohortID: c.cohort.ID, Batch: 1}
		count := 0
		sel.Filter = models.ExportFilter{Area: models.AreaPhlebotomy}
		if err := s.EachStudentRecord(ctx, c.program, sel, "2099-01-01", func(r *models.StudentRecord) error {
			count += r.Progress.Overall.Assigned
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if count != 1 {
			t.Errorf("phlebotomy skills assigned = %d; want Ann's venipuncture only", count)
		}
		sel.Filter = models.ExportFilter{To: "2000-01-01"}
		if err := s.EachStudentRecord(ctx, c.program, sel, "2000-01-01", func(r *models.StudentRecord) error {
			if len(r.Evaluations) != 0 || r.Progress.Overall.Competent != 0 {
				t.Errorf("%s before 2000: %d evaluations, %d competent; want none", r.Student.Name, len(r.Evaluations), r.Progress.Overall.Competent)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountExportStudents(ctx, c.program.ID, models.ExportSelection{CohortID: c.cohort.ID}); n != 2 || err != nil {
			t.Errorf("CountExportStudents = %d, %v; want 2", n, err)
		}

		// One student: a transcript. An instructor or another program's
		// student is not one.
		for _, tc := range []struct {
			programID, studentID string
			want                 int
		}{{c.program.ID, c.cal.ID, 1}, {c.program.ID, c.instructor.ID, 0}, {"another-program", c.cal.ID, 0}} {
			n, err := s.CountExportStudents(ctx, tc.programID, models.ExportSelection{StudentID: tc.studentID})
			if err != nil || n != tc.want {
				t.Errorf("CountExportStudents(%s, %s) = %d, %v; want %d", tc.programID, tc.studentID, n, err, tc.want)
			}
			var seen []string
			program := c.program
			program.ID = tc.programID
			if err := s.EachStudentRecord(ctx, program, models.ExportSelection{StudentID: tc.studentID}, "2099-01-01", func(r *models.StudentRecord) error {
				seen = append(seen, r.Student.ID)
				if len(r.Evaluations) != 1 || r.Evaluations[0].ChecklistID != "bp-manual" {
					t.Errorf("Cal's evaluations = %+v; want his pass", r.Evaluations)
				}
				return nil
			}); err != nil || len(seen) != tc.want {
				t.Errorf("EachStudentRecord(%s, %s) = %v, %v; want %d records", tc.programID, tc.studentID, seen, err, tc.want)
			}
		}

		// fn's error stops the export.
		stop := errors.New("stop")
		calls := 0
		if err := s.EachStudentRecord(ctx, c.program, models.ExportSelection{CohortID: c.cohort.ID, Batch: 1}, "2099-01-01", func(*models.StudentRecord) error {
			calls++
			return stop
		}); !errors.Is(err, stop) || calls != 1 {
			t.Errorf("EachStudentRecord after fn failed = %v after %d calls; want stop after 1", err, calls)
		}

		staff, err := s.ExportStaff(ctx, c.program.ID)
		if err != nil || len(staff) != 1 || staff[c.instructor.ID].Name != "Ivy Instructor" || staff[c.instructor.ID].PINHash != "" {
			t.Errorf("ExportStaff = %+v, %v; want Ivy, without her PIN", staff, err)
		}
	})
}

// archiveOf writes programID's archive and returns it with its records by
// kind, sorted.
func archiveOf(tb testing.TB, s storetest.Store, programID string) ([]byte, map[string][]string) {
	tb.Helper()
	var buf bytes.Buffer
	w, err := export.NewArchiveWriter(&buf, export.ArchiveHeader{ProgramID: programID})
	if err != nil {
		tb.Fatal(err)
	}
	records := map[string][]string{}
	err = s.EachArchiveRecord(context.Background(), programID, func(kind string, doc []byte) error {
		records[kind] = append(records[kind], string(doc))
		return w.Write(kind, doc)
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	for _, docs := range records {
		slices.Sort(docs)
	}
	return buf.Bytes(), records
}

// importArchive imports archive data into s.
func importArchive(tb testing.TB, s storetest.Store, data []byte) (read, imported map[string]int, err error) {
	tb.Helper()
	ctx := context.Background()
	r, err := export.NewArchiveReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	im, err := s.BeginArchiveImport(ctx, r.Header().ProgramID)
	if err != nil {
		return nil, nil, err
	}
	for {
		kind, doc, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		if err := im.Add(ctx, kind, doc); err != nil {
			im.Abort()
			return r.Counts(), nil, err
		}
	}
	counts, err := im.Close(ctx)
	return r.Counts(), counts, err
}

// libraryKind is the archive kind of the shipped checklists (the same on
// both engines).
const libraryKind = "libraryChecklist"

// withoutLibrary returns records without the shipped checklists, and
// those by their digests: they are the target's own, stored at its
// start-up (the same content, their own timestamps).
func withoutLibrary(records map[string][]string) (rest map[string][]string, digests []string) {
	rest = map[string][]string{}
	for kind, docs := range records {
		if kind != libraryKind {
			rest[kind] = docs
		}
	}
	for _, d := range records[libraryKind] {
		i := strings.Index(d, `"digest":"`)
		digests = append(digests, d[i:i+80])
	}
	return rest, digests
}

func TestArchiveRoundTripIntoAnEmptyStoreLosesNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, src storetest.Store, clk *clock.Fake) {
		dst := anotherStore(t, clk)
		ctx := context.Background()
		c := seedClass(t, src, clk)
		data, before := archiveOf(t, src, c.program.ID)

		for kind, want := range map[string]int{"program": 1, "user": 4, "cohort": 2, "checklist": 1, "assignment": 3, "attempt": 3,
			"remediation": 1, "procedure": 1, libraryKind: 3} {
			if got := len(before[kind]); got != want {
				t.Errorf("archive holds %d %s records; want %d", got, kind, want)
			}
		}
		if len(before["audit"]) < 16 {
			t.Errorf("archive holds %d audit entries; want every change", len(before["audit"]))
		}
		// Both engines write the MongoDB engine's form, so either imports
		// the other's archive.
		for _, u := range before["user"] {
			if strings.Contains(u, "pinHash") || strings.Contains(u, "argon2") || !strings.Contains(u, `"pinSet":false`) {
				t.Errorf("archived user keeps signing-PIN secrets: %s", u)
			}
			if !strings.Contains(u, `"uid":"invited:`) || !strings.Contains(u, `"_id":"`) {
				t.Errorf("archived user is not in the MongoDB engine's form: %s", u)
			}
		}
		if !strings.Contains(before["attempt"][0], `"requestedAt":{"$date":{"$numberLong":"`) || !strings.Contains(before["attempt"][0], `"openSlot":"`) {
			t.Errorf("archived attempt is not canonical Extended JSON of the stored form: %s", before["attempt"][0])
		}
		if !strings.Contains(before["checklist"][0], `"_id":"`+c.program.ID+`/bp-manual-valley/1"`) {
			t.Errorf("archived checklist lacks the MongoDB engine's key: %s", before["checklist"][0])
		}
		if n, err := src.CountArchive(ctx, c.program.ID); err != nil || n != 16+len(before["audit"]) {
			t.Errorf("CountArchive = %d, %v; want %d", n, err, 16+len(before["audit"]))
		}
		if err := src.EachArchiveRecord(ctx, "", func(string, []byte) error { return nil }); err == nil {
			t.Errorf("an archive of no program was written")
		}

		// Import into a store that does not hold the program (the shipped
		// library is there, as at every start-up).
		mustUpsert(t, dst)
		read, counts, err := importArchive(t, dst, data)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(read, counts); diff != "" {
			t.Errorf("imported counts (-read +imported):\n%s", diff)
		}

		// Every record is back, byte for byte.
		_, after := archiveOf(t, dst, c.program.ID)
		before, beforeLib := withoutLibrary(before)
		after, afterLib := withoutLibrary(after)
		if diff := cmp.Diff(beforeLib, afterLib); diff != "" {
			t.Errorf("shipped checklists after the round trip (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("records after the round trip (-before +after):\n%s", diff)
		}
		// And reads as the same domain records: signatures still verify.
		got, err := dst.Attempt(ctx, c.program.ID, c.pass.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c.pass, got); diff != "" {
			t.Errorf("amended attempt after import (-before +after):\n%s", diff)
		}
		if sig := got.Evaluation.Signature; sig.Digest != models.EvaluationRecord(&got, *sig).Digest() ||
			got.Amendments[0].Signature.Digest != models.AmendmentRecord(&got, got.Amendments[0]).Digest() {
			t.Errorf("digests no longer verify after import")
		}
		var records []*models.StudentRecord
		if err := dst.EachStudentRecord(ctx, c.program, models.ExportSelection{StudentID: c.ann.ID}, "2099-01-01", func(r *models.StudentRecord) error {
			records = append(records, r)
			return nil
		}); err != nil || len(records) != 1 || records[0].Evaluations[0].ID != c.pass.ID {
			t.Fatalf("Ann's record after import = %v, %v", records, err)
		}
		ann, err := dst.User(ctx, c.program.ID, c.ann.ID)
		if err != nil || ann.Email != c.ann.Email || !slices.Equal(ann.CohortIDs, c.ann.CohortIDs) {
			t.Errorf("Ann after import = %+v, %v", ann, err)
		}
		if ivy, err := dst.User(ctx, c.program.ID, c.instructor.ID); err != nil || ivy.PINSet || ivy.PINHash != "" || ivy.PINFailures != 0 {
			t.Errorf("instructor after import = %+v, %v; want no PIN, to be set again", ivy, err)
		}
		for _, u := range []models.User{c.ann, c.instructor} {
			if n := notified(t, dst, c.program.ID, u.ID); n != 0 {
				t.Errorf("notifications of %s after import = %d; want none (delivery state is not archived)", u.Name, n)
			}
		}

		// A second import of the same program is refused.
		if _, err := dst.BeginArchiveImport(ctx, c.program.ID); !errors.Is(err, models.ErrConflict) {
			t.Errorf("second import = %v; want conflict", err)
		}
	})
}

// TestExportJobWrittenAsTheWorkerDoesImportsElsewhere runs an archive job
// the way exportjob's worker does — claim, render into a chunked file,
// finish — then downloads the file and imports it into another store.
func TestExportJobWrittenAsTheWorkerDoesImportsElsewhere(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		dst := anotherStore(t, clk)
		ctx := context.Background()
		c := seedClass(t, s, clk)
		units, err := s.CountArchive(ctx, c.program.ID)
		if err != nil {
			t.Fatal(err)
		}
		plan := exportjob.Plan{Request: models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}, Program: c.program,
			Subject: c.program.Name, Units: units, At: clk.Now()}
		if _, err := s.CreateExportJob(ctx, admin, plan.Job()); err != nil {
			t.Fatal(err)
		}
		claimed, ok, err := s.ClaimExport(ctx, "w", time.Minute)
		if err != nil || !ok {
			t.Fatalf("ClaimExport = %v, %v", ok, err)
		}
		file := s.CreateExportFile(ctx, c.program.ID, claimed.FileID)
		var last int
		if err := exportjob.Render(ctx, s, plan, file, func(done, total int) error {
			last = done
			return s.ExportProgress(ctx, "w", claimed.Job.ID, done, total, time.Minute)
		}); err != nil {
			t.Fatal(err)
		}
		if err := file.Close(); err != nil {
			t.Fatal(err)
		}
		if last != units {
			t.Errorf("progress ended at %d; want %d", last, units)
		}
		done, err := s.FinishExport(ctx, "w", claimed, models.FinishedFile{Name: plan.FileName(plan.At), ContentType: plan.Request.Format.ContentType(),
			Size: file.Size(), Chunks: file.Chunks(), Units: units}, clk.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		fileID, chunks, err := s.ExportFileOf(ctx, done)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(s.OpenExportFile(ctx, c.program.ID, fileID, chunks))
		if err != nil || int64(len(data)) != done.Size {
			t.Fatalf("download = %d bytes, %v; want %d", len(data), err, done.Size)
		}
		mustUpsert(t, dst)
		if _, _, err := importArchive(t, dst, data); err != nil {
			t.Fatal(err)
		}
		_, want := archiveOf(t, s, c.program.ID)
		_, got := archiveOf(t, dst, c.program.ID)
		// The archive holds the job's request, not its completion.
		if len(got["audit"]) != len(want["audit"])-1 {
			t.Errorf("imported %d audit entries; want %d (all but the job's completion)", len(got["audit"]), len(want["audit"])-1)
		}
		delete(want, "audit")
		delete(got, "audit")
		want, _ = withoutLibrary(want)
		got, _ = withoutLibrary(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("records after the job's archive was imported (-source +imported):\n%s", diff)
		}

		// A matrix renders from the same reads.
		var csv bytes.Buffer
		matrix := exportjob.Plan{Request: models.ExportRequest{Kind: models.ExportMatrix, Format: models.FormatCSV, CohortID: c.cohort.ID},
			Program: c.program, Cohort: c.cohort, Subject: c.cohort.Name, Units: 2, At: clk.Now()}
		if err := exportjob.Render(ctx, s, matrix, &csv, nil); err != nil {
			t.Fatal(err)
		}
		if out := csv.String(); !strings.Contains(out, "Ann Archer") || !strings.Contains(out, "Bob Baker") || strings.Contains(out, "Cal Carter") {
			t.Errorf("matrix =\n%s\nwant Ann and Bob, not Cal", out)
		}
	})
}

// TestArchiveMovesBetweenEngines: a program archived on one engine imports
// whole into the other (the way off the FerretDB engine, and between
// SQLite and MongoDB either way).
func TestArchiveMovesBetweenEngines(t *testing.T) {
	t.Parallel()
	for _, from := range engines {
		for _, to := range engines {
			if from.name == to.name {
				continue
			}
			t.Run(from.name+"-to-"+to.name, func(t *testing.T) {
				t.Parallel()
				clk := clock.NewFake(epoch)
				src, dst := from.open(t, clk), to.open(t, clk)
				ctx := context.Background()
				c := seedClass(t, src, clk)
				data, before := archiveOf(t, src, c.program.ID)
				mustUpsert(t, dst)
				read, counts, err := importArchive(t, dst, data)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(read, counts); diff != "" {
					t.Errorf("imported counts (-read +imported):\n%s", diff)
				}
				// Each engine writes its own form (field order, the MongoDB
				// engine's relay fields): the same records, by kind, and the
				// same domain records read back.
				_, after := archiveOf(t, dst, c.program.ID)
				for kind, docs := range before {
					if len(after[kind]) != len(docs) {
						t.Errorf("%s records after the move = %d; want %d", kind, len(after[kind]), len(docs))
					}
				}
				for _, id := range []string{c.instructor.ID, c.ann.ID, c.bob.ID, c.cal.ID} {
					u, err := src.User(ctx, c.program.ID, id)
					if err != nil {
						t.Fatal(err)
					}
					got, err := dst.User(ctx, c.program.ID, id)
					// An archive carries no PIN; an unbound user's uid is
					// the engine's own marker (never shown: Bound says it).
					u.PINSet, u.PINHash, u.PINFailures = false, "", 0
					if !u.Bound {
						u.UID, got.UID = "", ""
					}
					if err != nil || !cmp.Equal(u, got) {
						t.Errorf("%s after the move (-%s +%s):\n%s%v", u.Name, from.name, to.name, cmp.Diff(u, got), err)
					}
				}
				for _, co := range []models.Cohort{c.cohort, c.other} {
					if got, err := dst.Cohort(ctx, c.program.ID, co.ID); err != nil || !cmp.Equal(co, got) {
						t.Errorf("cohort %s after the move (-%s +%s):\n%s%v", co.Name, from.name, to.name, cmp.Diff(co, got), err)
					}
				}
				if n, err := dst.CountArchive(ctx, c.program.ID); err != nil || n != 16+len(before["audit"]) {
					t.Errorf("CountArchive after the move = %d, %v; want %d", n, err, 16+len(before["audit"]))
				}
				got, err := dst.Attempt(ctx, c.program.ID, c.pass.ID)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(c.pass, got); diff != "" {
					t.Errorf("amended attempt after the move (-%s +%s):\n%s", from.name, to.name, diff)
				}
				if sig := got.Evaluation.Signature; sig.Digest != models.EvaluationRecord(&got, *sig).Digest() ||
					got.Amendments[0].Signature.Digest != models.AmendmentRecord(&got, got.Amendments[0]).Digest() {
					t.Errorf("digests no longer verify after the move")
				}
				var records []*models.StudentRecord
				if err := dst.EachStudentRecord(ctx, c.program, models.ExportSelection{CohortID: c.cohort.ID}, "2099-01-01", func(r *models.StudentRecord) error {
					records = append(records, r)
					return nil
				}); err != nil || len(records) != 2 || len(records[0].Evaluations) != 2 || records[0].Progress.Overall.Competent != 1 {
					t.Errorf("the cohort's records after the move = %d records, %v; want Ann's two evaluations, one competent skill, and Bob", len(records), err)
				}
			})
		}
	}
}
