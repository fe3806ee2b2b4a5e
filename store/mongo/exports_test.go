package mongo_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"skillbook/clock"
	"skillbook/export"
	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

// exClass is a program seeded through the store as the API would: a
// cohort with an instructor (signing PIN set) and three students — Ann
// passed blood pressure (then amended) and failed pulse oximetry, Bob has
// no records, Cal is in another cohort — plus a remediation, a procedure
// and a program-owned checklist draft.
type exClass struct {
	program      models.Program
	cohort       models.Cohort
	other        models.Cohort
	instructor   models.User
	ann, bob     models.User
	cal          models.User
	pass, failed models.Attempt
}

func exSeed(tb testing.TB, s *mongo.Store) exClass {
	tb.Helper()
	ctx := context.Background()
	mustUpsert(tb, s)
	var c exClass
	var err error
	if c.program, err = s.CreateProgram(ctx, "Valley College MA"); err != nil {
		tb.Fatal(err)
	}
	p := c.program.ID
	for _, co := range []*models.Cohort{&c.cohort, &c.other} {
		name := "Fall 2026"
		if co == &c.other {
			name = "Spring 2027"
		}
		if *co, err = s.CreateCohort(ctx, admin, models.Cohort{ProgramID: p, Name: name, StartDate: "2026-09-01"}); err != nil {
			tb.Fatal(err)
		}
	}
	user := func(name string, role models.Role, cohorts ...string) models.User {
		u, err := s.CreateUser(ctx, admin, models.User{ProgramID: p, Email: strings.ToLower(strings.Fields(name)[0]) + "-" + mongo.NewID()[24:] + "@example.com",
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
	c.pass = exEvaluate(tb, s, c, c.ann, "bp-manual", models.OutcomePassed)
	c.failed = exEvaluate(tb, s, c, c.ann, "pulse-oximetry", models.OutcomeFailed)
	exEvaluate(tb, s, c, c.cal, "bp-manual", models.OutcomePassed)

	am := models.Amendment{ID: mongo.NewID(), EvaluationID: c.pass.Evaluation.ID, Reason: "Wrong arm recorded", Correction: "Left arm, seated",
		Signature: models.Signature{SignerID: c.instructor.ID, SignerName: c.instructor.Name, SignerCredential: c.instructor.Credential,
			SignedAt: time.Now().UTC().Truncate(time.Millisecond), Method: models.SignedWithPIN, Meaning: models.AmendmentMeaning}}
	am.Signature.Digest = models.AmendmentRecord(&c.pass, am).Digest()
	if c.pass, err = s.AddAmendment(ctx, p, c.pass.ID, c.pass.Version, am, models.Event{Type: "evaluation.amended", ProgramID: p,
		Actor: models.ActorOf(c.instructor, "r"), Subject: "attempt", SubjectID: c.pass.ID, StudentID: c.ann.ID, Summary: "amended"}); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.CreateRemediation(ctx, models.Remediation{ID: mongo.NewID(), ProgramID: p, StudentID: c.ann.ID, ChecklistID: "pulse-oximetry", Plan: "Practise twice",
		CreatedBy: admin.UserID, CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}, models.Event{Type: models.EventRemediationPlanned, ProgramID: p, Actor: admin,
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

// exEvaluate requests and grades an evaluation of student at checklist
// id, signed with a valid digest when it passes.
func exEvaluate(tb testing.TB, s *mongo.Store, c exClass, student models.User, id string, o models.Outcome) models.Attempt {
	tb.Helper()
	ctx := context.Background()
	cl, err := s.Checklist(ctx, c.program.ID, id, 1)
	if err != nil {
		tb.Fatal(err)
	}
	req, _, err := s.CreateAttempt(ctx, models.Attempt{ID: mongo.NewID(), ProgramID: c.program.ID, StudentID: student.ID,
		StudentName: student.Name, CohortID: student.CohortIDs[0], ChecklistID: id, ChecklistVersion: 1, ChecklistTitle: cl.Title,
		Area: cl.Area, Kind: models.AttemptEvaluation, Status: models.StatusRequested, RequestedAt: time.Now().UTC().Truncate(time.Millisecond)},
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
	now := time.Now().UTC().Truncate(time.Millisecond)
	e := models.Evaluation{ID: mongo.NewID(), EvaluatorID: c.instructor.ID, Steps: steps, Setting: models.SettingSkillsLab,
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

func TestExportFileChunksRoundTripOnTheEngine(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	for _, size := range []int{0, 10, mongo.ExportChunkSize, 2*mongo.ExportChunkSize + 12345} {
		data := make([]byte, size)
		rand.Read(data)
		id := mongo.NewID()
		w := s.CreateExportFile(ctx, "p1", id)
		// Write in odd pieces, as writers do.
		for rest := data; len(rest) > 0; {
			n := min(len(rest), 7777)
			if _, err := w.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if w.Size() != int64(size) || w.Chunks() != (size+mongo.ExportChunkSize-1)/mongo.ExportChunkSize {
			t.Errorf("size %d: wrote %d bytes in %d chunks", size, w.Size(), w.Chunks())
		}
		got, err := io.ReadAll(s.OpenExportFile(ctx, "p1", id, w.Chunks()))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("size %d: read back %d bytes, %v; want the same bytes", size, len(got), err)
		}
		if size > 0 {
			if _, err := io.ReadAll(s.OpenExportFile(ctx, "other-program", id, w.Chunks())); err == nil {
				t.Errorf("another program read the file")
			}
			if err := s.DeleteExportFile(ctx, id); err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(s.OpenExportFile(ctx, "p1", id, w.Chunks())); !errors.Is(err, models.ErrNotFound) {
				t.Errorf("read after delete = %v; want not found", err)
			}
		}
	}
}

func TestExportJobIsTakenOverAfterItsWorkerDies(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := storetest.NewWithClock(t, clk)
	ctx := context.Background()
	p := mustProgram(t, s)
	job, err := s.CreateExportJob(ctx, admin, models.ExportJob{ProgramID: p, Subject: "Fall 2026", Total: 10,
		Request: models.ExportRequest{Kind: models.ExportMatrix, Format: models.FormatCSV, CohortID: "c1"}})
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != models.ExportQueued {
		t.Fatalf("new job = %+v", job)
	}

	// Worker A claims it, writes part of a file and dies.
	a, ok, err := s.ClaimExport(ctx, "worker-a", 1500*time.Millisecond)
	if err != nil || !ok || a.Job.ID != job.ID || a.Job.Attempts != 1 {
		t.Fatalf("ClaimExport(a) = %+v, %v, %v", a, ok, err)
	}
	if err := s.ExportProgress(ctx, "worker-a", job.ID, 3, 10, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ExportJob(ctx, p, job.ID); got.Status != models.ExportRunning || got.Percent != 30 {
		t.Errorf("job while running = %+v; want running at 30%%", got)
	}
	partial := s.CreateExportFile(ctx, p, a.FileID)
	partial.Write(make([]byte, mongo.ExportChunkSize+1))
	if _, ok, _ := s.ClaimExport(ctx, "worker-b", time.Minute); ok {
		t.Fatalf("a job under a live lease was claimed again")
	}
	clk.Advance(1500 * time.Millisecond)

	// Worker B takes it over with a new file; A's writes now fail.
	b, ok, err := s.ClaimExport(ctx, "worker-b", time.Minute)
	if err != nil || !ok || b.Job.ID != job.ID || b.Job.Attempts != 2 || b.FileID == a.FileID {
		t.Fatalf("ClaimExport(b) = %+v, %v, %v", b, ok, err)
	}
	if err := s.ExportProgress(ctx, "worker-a", job.ID, 5, 10, time.Minute); !errors.Is(err, models.ErrConflict) {
		t.Errorf("progress of the dead worker = %v; want conflict", err)
	}
	if err := s.RemoveStaleExportFiles(ctx, job.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(s.OpenExportFile(ctx, p, a.FileID, 1)); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("the dead worker's chunks = %v; want removed", err)
	}
	w := s.CreateExportFile(ctx, p, b.FileID)
	w.Write([]byte("student id,student\n"))
	w.Close()
	if _, err := s.FinishExport(ctx, "worker-a", a, models.FinishedFile{Name: "x.csv"}, clk.Now().Add(time.Hour)); !errors.Is(err, models.ErrConflict) {
		t.Errorf("finish by the dead worker = %v; want conflict", err)
	}
	done, err := s.FinishExport(ctx, "worker-b", b, models.FinishedFile{Name: "matrix.csv", ContentType: "text/csv", Size: w.Size(), Chunks: w.Chunks()},
		clk.Now().Add(-time.Second))
	if err != nil || done.Status != models.ExportDone || done.Percent != 100 || done.Size != w.Size() || done.Attempts != 2 {
		t.Fatalf("FinishExport = %+v, %v", done, err)
	}
	fileID, chunks, err := s.ExportFileOf(ctx, done)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(s.OpenExportFile(ctx, p, fileID, chunks)); string(got) != "student id,student\n" {
		t.Errorf("file = %q", got)
	}
	if err := s.RecordExportDownload(ctx, done, models.ExportEvent(models.EventExportDownloaded, admin, done, time.Now())); err != nil {
		t.Fatal(err)
	}

	// Its time is up: the sweep removes the file.
	if n, err := s.SweepExports(ctx); err != nil || n != 1 {
		t.Fatalf("SweepExports = %d, %v; want 1 expired", n, err)
	}
	if got, _ := s.ExportJob(ctx, p, job.ID); got.Status != models.ExportExpired || got.Downloads != 1 {
		t.Errorf("job after expiry = %+v", got)
	}
	if _, err := io.ReadAll(s.OpenExportFile(ctx, p, fileID, chunks)); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("expired file = %v; want removed", err)
	}
	trail, err := s.Audit(ctx, p, mongo.AuditFilter{SubjectID: job.ID}, models.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range trail.Items {
		types = append(types, string(e.Type))
	}
	if want := []string{"export.expired", "export.downloaded", "export.completed", "export.requested"}; !slices.Equal(types, want) {
		t.Errorf("audit of the job = %v; want %v", types, want)
	}
}

func TestExportJobFailsAfterItsAttempts(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	s := storetest.NewWithClock(t, clk)
	ctx := context.Background()
	p := mustProgram(t, s)
	job, err := s.CreateExportJob(ctx, admin, models.ExportJob{ProgramID: p, Request: models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range mongo.MaxExportAttempts {
		if _, ok, err := s.ClaimExport(ctx, "w", time.Millisecond); !ok || err != nil {
			t.Fatalf("claim %d = %v, %v", i+1, ok, err)
		}
		clk.Advance(time.Millisecond) // the lease runs out
	}
	if _, ok, _ := s.ClaimExport(ctx, "w", time.Millisecond); ok {
		t.Errorf("a job was claimed a %d. time", mongo.MaxExportAttempts+1)
	}
	if _, err := s.SweepExports(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ExportJob(ctx, p, job.ID); got.Status != models.ExportFailed || got.Error == "" {
		t.Errorf("job = %+v; want failed with a reason", got)
	}
}

func TestEachStudentRecordReadsInBatches(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	c := exSeed(t, s)
	var got []*models.StudentRecord
	sel := models.ExportSelection{CohortID: c.cohort.ID, Batch: 1}
	if err := s.EachStudentRecord(ctx, c.program, sel, "2099-01-01", func(r *models.StudentRecord) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Student.ID != c.ann.ID || got[1].Student.ID != c.bob.ID {
		t.Fatalf("records = %d; want Ann then Bob (id order), not Cal of another cohort", len(got))
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

	// Filters: the phlebotomy area only; a period before anything happened.
	count := 0
	sel.Filter = models.ExportFilter{Area: models.AreaPhlebotomy}
	s.EachStudentRecord(ctx, c.program, sel, "2099-01-01", func(r *models.StudentRecord) error {
		count += r.Progress.Overall.Assigned
		return nil
	})
	if count != 1 {
		t.Errorf("phlebotomy skills assigned = %d; want Ann's venipuncture only", count)
	}
	sel.Filter = models.ExportFilter{To: "2000-01-01"}
	s.EachStudentRecord(ctx, c.program, sel, "2000-01-01", func(r *models.StudentRecord) error {
		if len(r.Evaluations) != 0 || r.Progress.Overall.Competent != 0 {
			t.Errorf("%s before 2000: %d evaluations, %d competent; want none", r.Student.Name, len(r.Evaluations), r.Progress.Overall.Competent)
		}
		return nil
	})
	if n, err := s.CountExportStudents(ctx, c.program.ID, models.ExportSelection{CohortID: c.cohort.ID}); n != 2 || err != nil {
		t.Errorf("CountExportStudents = %d, %v; want 2", n, err)
	}
}

// archiveOf writes programID's archive and returns it with its records.
func archiveOf(tb testing.TB, s *mongo.Store, programID string) ([]byte, map[string][]string) {
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

func TestArchiveRoundTripIntoAnEmptyStoreLosesNothing(t *testing.T) {
	t.Parallel()
	src, dst := storetest.New(t), storetest.New(t)
	ctx := context.Background()
	c := exSeed(t, src)
	data, before := archiveOf(t, src, c.program.ID)

	for kind, want := range map[string]int{"program": 1, "user": 4, "cohort": 2, "checklist": 1, "assignment": 3, "attempt": 3,
		"remediation": 1, "procedure": 1, mongo.ArchiveLibraryChecklist: 3} {
		if got := len(before[kind]); got != want {
			t.Errorf("archive holds %d %s records; want %d", got, kind, want)
		}
	}
	if len(before["audit"]) < 15 {
		t.Errorf("archive holds %d audit entries; want every change", len(before["audit"]))
	}
	for _, u := range before["user"] {
		if strings.Contains(u, "pinHash") || strings.Contains(u, "argon2") || strings.Contains(u, "pinRefused") || strings.Contains(u, "pinLockedAt") ||
			!strings.Contains(u, `"pinSet":false`) {
			t.Errorf("archived user keeps signing-PIN secrets: %s", u)
		}
	}
	if n, err := src.CountArchive(ctx, c.program.ID); err != nil || n != 16+len(before["audit"]) {
		t.Errorf("CountArchive = %d, %v", n, err)
	}

	// Import into a store that does not hold the program (the shipped
	// library is there, as at every start-up).
	mustUpsert(t, dst)
	r, err := export.NewArchiveReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	im, err := dst.BeginArchiveImport(ctx, r.Header().ProgramID)
	if err != nil {
		t.Fatal(err)
	}
	for {
		kind, doc, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Add(ctx, kind, doc); err != nil {
			t.Fatal(err)
		}
	}
	counts, err := im.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r.Counts(), counts); diff != "" {
		t.Errorf("imported counts (-read +imported):\n%s", diff)
	}

	// Every record is back, byte for byte. (Shipped checklist versions
	// are the target's own, stored at its start-up: the same content by
	// digest, their own timestamps.)
	_, after := archiveOf(t, dst, c.program.ID)
	shipped := func(docs []string) (digests []string) {
		for _, d := range docs {
			i := strings.Index(d, `"digest":"`)
			digests = append(digests, d[i:i+80])
		}
		return digests
	}
	if diff := cmp.Diff(shipped(before[mongo.ArchiveLibraryChecklist]), shipped(after[mongo.ArchiveLibraryChecklist])); diff != "" {
		t.Errorf("shipped checklists after the round trip (-before +after):\n%s", diff)
	}
	delete(before, mongo.ArchiveLibraryChecklist)
	delete(after, mongo.ArchiveLibraryChecklist)
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
	ann, err := dst.User(ctx, c.program.ID, c.ann.ID)
	if err != nil || ann.Email != c.ann.Email || !slices.Equal(ann.CohortIDs, c.ann.CohortIDs) {
		t.Errorf("Ann after import = %+v, %v", ann, err)
	}

	// A second import of the same program is refused.
	if _, err := dst.BeginArchiveImport(ctx, c.program.ID); !errors.Is(err, models.ErrConflict) {
		t.Errorf("second import = %v; want conflict", err)
	}
}
