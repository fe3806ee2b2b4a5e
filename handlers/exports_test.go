package handlers_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"skillbook/export"
	"skillbook/export/pdftext"
	"skillbook/exportjob"
	"skillbook/handlers/apitest"
	"skillbook/models"
	"skillbook/store/storetest"
	"skillbook/workflow"
)

// exportClass is a class of two in vital signs: Ann passed blood
// pressure (signed, then amended) and failed pulse oximetry with a
// comment that tries formula injection; Bob has no records.
type exportClass struct {
	*class
	ann, bob        apitest.User
	signed, amended models.Attempt
	failed          models.Attempt
}

func newExportClass(t *testing.T) *exportClass {
	t.Helper()
	c := &exportClass{class: newClass(t, 2, models.AreaVitalSigns)}
	c.ann, c.bob = c.students[0], c.students[1]
	env := c.env

	first := c.request(t, c.ann, "bp-manual")
	env.Post(t, "/v1/attempts/"+first.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, first), "setting": "skills-lab", "comment": "Steady technique.", "attest": true,
	}).WantStatus(t, http.StatusCreated).JSON(t, &c.signed)
	env.Do(t, apitest.Request{Method: http.MethodPost, Path: "/v1/evaluations/" + c.signed.Evaluation.ID + "/amendments", Token: c.instructor.Token,
		Header: map[string]string{"If-Match": fmt.Sprintf(`"%d"`, c.signed.Version)},
		Body:   map[string]any{"reason": "Wrong arm recorded", "correction": "Left arm, seated.", "attest": true},
	}).WantStatus(t, http.StatusCreated).JSON(t, &c.amended)

	second := c.request(t, c.ann, "pulse-oximetry")
	env.Post(t, "/v1/attempts/"+second.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, second, firstCritical(t, c.class, second)), "setting": "clinical-site",
		"comment": "=HYPERLINK(\"http://evil.test\",\"open\")", "attest": true,
	}).WantStatus(t, http.StatusCreated).JSON(t, &c.failed)
	return c
}

func wantIn(tb testing.TB, what, text string, want ...string) {
	tb.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			tb.Errorf("%s lacks %q:\n%.3000s", what, w, text)
		}
	}
}

func TestExportCohortMatrix(t *testing.T) {
	t.Parallel()
	c := newExportClass(t)
	env := c.env
	path := "/v1/cohorts/" + c.cohort.ID

	r := env.Get(t, path+"/matrix.csv", c.instructor.Token).WantStatus(t, http.StatusOK)
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); !strings.HasPrefix(ct, "text/csv") ||
		!strings.HasPrefix(cd, `attachment; filename=matrix-fall-2026-`) {
		t.Errorf("headers = %q, %q", ct, cd)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("matrix has %d rows; want a header and two students", len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	byStudent := map[string][]string{rows[1][0]: rows[1], rows[2][0]: rows[2]}
	ann, bob := byStudent[c.ann.ID], byStudent[c.bob.ID]
	if ann == nil || bob == nil {
		t.Fatalf("rows = %q; want Ann and Bob", rows)
	}
	sig := c.signed.Evaluation.Signature
	for field, want := range map[string]string{
		"bp-manual: status": "competent", "bp-manual: date signed": sig.SignedAt.UTC().Format(models.DateLayout),
		"bp-manual: evaluator": sig.SignerName, "bp-manual: credential": "CMA (AAMA)", "bp-manual: attempts": "1",
		"pulse-oximetry: status": "needs-remediation", "pulse-oximetry: attempts": "1", "pulse-oximetry: evaluator": "",
		"competent": "1",
	} {
		i, ok := col[field]
		if !ok || ann[i] != want {
			t.Errorf("Ann's %q = %q; want %q", field, ann[min(i, len(ann)-1)], want)
		}
	}
	if bob[col["bp-manual: status"]] != "not-started" || bob[col["competent"]] != "0" || bob[col["bp-manual: attempts"]] != "0" {
		t.Errorf("Bob's row = %q", bob)
	}

	r = env.Get(t, path+"/matrix.xlsx?area=vital-signs", c.admin.Token).WantStatus(t, http.StatusOK)
	x, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sheet, _ := x.GetRows(export.MatrixSheet)
	if len(sheet) != 4 || sheet[2][0] != c.ann.ID || sheet[2][col["bp-manual: status"]] != "competent" {
		t.Errorf("XLSX matrix = %q", sheet)
	}
	summary, _ := x.GetRows(export.SummarySheet)
	if len(summary) < 2 {
		t.Errorf("XLSX summary = %q", summary)
	}

	// Another area has no columns; a bad filter is refused.
	r = env.Get(t, path+"/matrix.csv?area=phlebotomy", c.admin.Token).WantStatus(t, http.StatusOK)
	if head, _, _ := strings.Cut(string(r.Body), "\n"); head != "student id,student,email,competent,assigned,percent,"+
		"capillary-puncture: successful,capillary-puncture: confirmed,venipuncture: successful,venipuncture: confirmed,"+
		"practicum hours confirmed,practicum hours required" {
		t.Errorf("phlebotomy header = %q", head)
	}
	env.Get(t, path+"/matrix.csv?from=2026-13-01", c.admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
}

func TestExportTranscripts(t *testing.T) {
	t.Parallel()
	c := newExportClass(t)
	env := c.env

	r := env.Get(t, "/v1/students/"+c.ann.ID+"/transcript.pdf", c.ann.Token).WantStatus(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type = %q", ct)
	}
	sig, am := c.signed.Evaluation.Signature, c.amended.Amendments[0]
	wantIn(t, "Ann's transcript", pdftext.Of(t, r.Body), c.ann.Name, c.program.Name, "Cohort: Fall 2026",
		"Sign-off digest: "+sig.Digest, "Amendment digest: "+am.Signature.Digest, "Wrong arm recorded", "Correction: Left arm, seated.",
		"Clinical site", "Failed", "Comment: =HYPERLINK", "MAERB-2015 I.P.1.a - Measure and record blood pressure", "Page 1 of")

	r = env.Get(t, "/v1/students/"+c.bob.ID+"/transcript.pdf", c.instructor.Token).WantStatus(t, http.StatusOK)
	wantIn(t, "Bob's transcript", pdftext.Of(t, r.Body), c.bob.Name, "Not started", "No graded evaluations.", "None yet.")

	r = env.Get(t, "/v1/cohorts/"+c.cohort.ID+"/transcripts.zip", c.instructor.Token).WantStatus(t, http.StatusOK)
	zr, err := zip.NewReader(bytes.NewReader(r.Body), int64(len(r.Body)))
	if err != nil || len(zr.File) != 2 {
		t.Fatalf("ZIP = %v, %v; want two transcripts", zr, err)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !strings.Contains(pdftext.Of(t, b), "Skills transcript") {
			t.Errorf("%s is not a transcript", f.Name)
		}
	}

	// Students take only their own; admins only do accreditation.
	env.Get(t, "/v1/students/"+c.ann.ID+"/transcript.pdf", c.bob.Token).WantProblem(t, http.StatusForbidden, "forbidden")
	env.Get(t, "/v1/cohorts/"+c.cohort.ID+"/accreditation.csv", c.instructor.Token).WantProblem(t, http.StatusForbidden, "forbidden")
	r = env.Get(t, "/v1/cohorts/"+c.cohort.ID+"/accreditation.pdf", c.admin.Token).WantStatus(t, http.StatusOK)
	wantIn(t, "accreditation PDF", pdftext.Of(t, r.Body), "Competency evidence summary", "MAERB-2015 I.P.1.a", "1 of 2", "MAERB-2015 I.P.1.i")
	r = env.Get(t, "/v1/cohorts/"+c.cohort.ID+"/accreditation.csv", c.admin.Token).WantStatus(t, http.StatusOK)
	rows, _ := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	for _, row := range rows {
		if row[0] == "MAERB-2015 I.P.1.a" && (row[5] != "1" || row[7] != c.bob.Name) {
			t.Errorf("accreditation row = %q; want Ann evidenced, Bob not", row)
		}
	}

	// Every export is in the audit trail: who took whose records.
	var trail models.List[models.Event]
	env.Get(t, "/v1/audit?type=export.downloaded&limit=200", c.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &trail)
	if len(trail.Items) != 5 {
		t.Errorf("audit has %d exports; want 5", len(trail.Items))
	}
	found := false
	for _, e := range trail.Items {
		if e.Actor.UserID == c.instructor.ID && e.StudentID == c.bob.ID && e.Data["kind"] == "transcript" {
			found = true
		}
	}
	if !found {
		t.Errorf("the instructor's export of Bob's transcript is not in the audit trail: %+v", trail.Items)
	}
}

// runExportJobs runs every queued export job.
func runExportJobs(tb testing.TB, st storetest.Store) {
	tb.Helper()
	w := exportjob.NewWorker(st, slog.New(slog.NewTextHandler(io.Discard, nil)), 0)
	for {
		ran, err := w.RunOnce(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if !ran {
			return
		}
	}
}

type exportJobView struct {
	models.ExportJob
	DownloadURL string `json:"downloadUrl"`
}

func TestExportJobs(t *testing.T) {
	t.Parallel()
	c := newExportClass(t)
	env := c.env

	var job exportJobView
	r := env.Post(t, "/v1/exports", c.admin.Token, map[string]any{"kind": "archive"}).WantStatus(t, http.StatusAccepted)
	r.JSON(t, &job)
	if job.Status != models.ExportQueued || job.Request.Format != models.FormatNDJSON || r.Header.Get("Location") != "/v1/exports/"+job.ID {
		t.Fatalf("job = %+v (Location %q)", job, r.Header.Get("Location"))
	}
	env.Get(t, "/v1/exports/"+job.ID+"/file", c.admin.Token).WantProblem(t, http.StatusConflict, "conflict")
	env.Get(t, "/v1/exports/"+job.ID, c.instructor.Token).WantProblem(t, http.StatusNotFound, "not-found")
	env.Post(t, "/v1/exports", c.instructor.Token, map[string]any{"kind": "archive"}).WantProblem(t, http.StatusForbidden, "forbidden")
	env.Post(t, "/v1/exports", c.admin.Token, map[string]any{"kind": "matrix", "format": "pdf", "cohortId": c.cohort.ID}).
		WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")

	runExportJobs(t, env.Store)
	env.Get(t, "/v1/exports/"+job.ID, c.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &job)
	if job.Status != models.ExportDone || job.Percent != 100 || job.DownloadURL != "/v1/exports/"+job.ID+"/file" || job.Size == 0 {
		t.Fatalf("finished job = %+v", job)
	}
	r = env.Get(t, job.DownloadURL, c.admin.Token).WantStatus(t, http.StatusOK)
	if int64(len(r.Body)) != job.Size || r.Header.Get("Content-Type") != "application/gzip" {
		t.Errorf("download = %d bytes (%s); want %d", len(r.Body), r.Header.Get("Content-Type"), job.Size)
	}
	ar, err := export.NewArchiveReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	for {
		_, _, err := ar.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := ar.Counts(); n["attempt"] != 2 || n["user"] != 4 || n["cohort"] != 1 || n["audit"] == 0 {
		t.Errorf("archive counts = %v", n)
	}

	// An instructor's own matrix job: they and admins follow it; a student does not.
	var mine exportJobView
	env.Post(t, "/v1/exports", c.instructor.Token, map[string]any{"kind": "matrix", "format": "xlsx", "cohortId": c.cohort.ID,
		"filters": map[string]any{"area": "vital-signs"}}).WantStatus(t, http.StatusAccepted).JSON(t, &mine)
	runExportJobs(t, env.Store)
	r = env.Get(t, "/v1/exports/"+mine.ID+"/file", c.instructor.Token).WantStatus(t, http.StatusOK)
	if _, err := excelize.OpenReader(bytes.NewReader(r.Body)); err != nil {
		t.Errorf("job XLSX: %v", err)
	}
	env.Get(t, "/v1/exports/"+mine.ID, c.admin.Token).WantStatus(t, http.StatusOK)
	env.Get(t, "/v1/exports/"+mine.ID, c.ann.Token).WantProblem(t, http.StatusNotFound, "not-found")
	var trail models.List[models.Event]
	env.Get(t, "/v1/audit?subjectId="+mine.ID, c.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &trail)
	var types []string
	for _, e := range trail.Items {
		types = append(types, string(e.Type))
	}
	if strings.Join(types, " ") != "export.downloaded export.completed export.requested" {
		t.Errorf("audit of the job = %v", types)
	}
}

func TestExportFileIsGoneOnceExpired(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaVitalSigns)
	var job exportJobView
	c.env.Post(t, "/v1/exports", c.instructor.Token, map[string]any{"kind": "matrix", "cohortId": c.cohort.ID}).
		WantStatus(t, http.StatusAccepted).JSON(t, &job)
	// A worker keeping files for a nanosecond: the file expires as it is written.
	w := exportjob.NewWorker(c.env.Store, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Nanosecond)
	if ran, err := w.RunOnce(context.Background()); !ran || err != nil {
		t.Fatalf("RunOnce = %v, %v", ran, err)
	}
	c.env.Get(t, "/v1/exports/"+job.ID+"/file", c.instructor.Token).WantProblem(t, http.StatusGone, "gone")
	if _, err := c.env.Store.SweepExports(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.env.Get(t, "/v1/exports/"+job.ID, c.instructor.Token).WantStatus(t, http.StatusOK).JSON(t, &job)
	if job.Status != models.ExportExpired || job.DownloadURL != "" {
		t.Errorf("job after the sweep = %+v; want expired, without a download link", job)
	}
	c.env.Get(t, "/v1/exports/"+job.ID+"/file", c.instructor.Token).WantProblem(t, http.StatusGone, "gone")
}

func TestExportOfALargeCohortIsAJob(t *testing.T) {
	t.Parallel()
	c := newClass(t, 0, models.AreaVitalSigns)
	for i := range exportjob.DirectLimit + 1 {
		if _, err := c.env.Store.CreateUser(context.Background(), models.SystemActor, models.User{ProgramID: c.program.ID,
			Email: "bulk" + strings.Repeat("x", i%3) + uuid.Must(uuid.NewV7()).String()[24:] + "@test.skillbook.test", Name: "Bulk student",
			Role: models.RoleStudent, CohortIDs: []string{c.cohort.ID}}); err != nil {
			t.Fatal(err)
		}
	}
	c.env.Get(t, "/v1/cohorts/"+c.cohort.ID+"/matrix.csv", c.admin.Token).WantProblem(t, http.StatusUnprocessableEntity, "export-job-required")
	var job exportJobView
	c.env.Post(t, "/v1/exports", c.admin.Token, map[string]any{"kind": "matrix", "cohortId": c.cohort.ID}).
		WantStatus(t, http.StatusAccepted).JSON(t, &job)
	if job.Total != exportjob.DirectLimit+1 {
		t.Errorf("job total = %d", job.Total)
	}
	runExportJobs(t, c.env.Store)
	r := c.env.Get(t, "/v1/exports/"+job.ID+"/file", c.admin.Token).WantStatus(t, http.StatusOK)
	rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil || len(rows) != exportjob.DirectLimit+2 {
		t.Errorf("job CSV = %d rows, %v; want a header and %d students", len(rows), err, exportjob.DirectLimit+1)
	}
}

// Rows of the authorization matrix (authz_test.go) for exports.
var (
	exportCohort = cohortStaff
	exportAdmin  = grid(
		"403 403 403",
		"403 403 403",
		"403 403 403",
		"200 200 404",
		"404 404 200",
		"403 403 403",
		"403 403 403",
		"403 403 403",
		"403 403 403")
	// Starting a matrix export is open to all; the cohort decides.
	exportCreated = grid(
		"403 403 404",
		"202 403 404",
		"403 202 404",
		"202 202 404",
		"404 404 202",
		"403 403 404",
		"403 403 404",
		"403 403 403",
		"403 403 404")
	// An export job is followed by its requester (here the record
	// student) and the program's admins.
	exportFollow = grid(
		"200 404 404",
		"404 404 404",
		"404 404 404",
		"200 200 404",
		"404 404 200",
		"404 404 404",
		"404 404 404",
		"403 403 403",
		"200 404 404")
)

// studentExport is a finished transcript job the record student asked for.
func (w *authzWorld) studentExport(t *testing.T, r *authzRecords) models.ExportJob {
	t.Helper()
	ctx := context.Background()
	p := must(exportjob.Prepare(ctx, w.env.Store, nil, r.program.ID,
		models.ExportRequest{Kind: models.ExportTranscript, StudentID: r.student.ID}))(t)
	job := must(w.env.Store.CreateExportJob(ctx, models.ActorOf(r.student, ""), p.Job()))(t)
	runExportJobs(t, w.env.Store)
	return job
}

func exportRows() []authzRoute {
	cohortFile := func(name string) func(*testing.T, *authzWorld, int, int) apitest.Request {
		return get(func(_ *authzWorld, r *authzRecords) string { return "/v1/cohorts/" + r.cohort.ID + "/" + name })
	}
	job := func(suffix string) func(*testing.T, *authzWorld, int, int) apitest.Request {
		return func(t *testing.T, w *authzWorld, _, rec int) apitest.Request {
			return apitest.Request{Method: http.MethodGet, Path: "/v1/exports/" + w.studentExport(t, w.recs[rec]).ID + suffix}
		}
	}
	return []authzRoute{
		{http.MethodGet, "/v1/cohorts/{id}/matrix.csv", cohortFile("matrix.csv"), exportCohort},
		{http.MethodGet, "/v1/cohorts/{id}/matrix.xlsx", cohortFile("matrix.xlsx"), exportCohort},
		{http.MethodGet, "/v1/cohorts/{id}/transcripts.zip", cohortFile("transcripts.zip"), exportCohort},
		{http.MethodGet, "/v1/cohorts/{id}/accreditation.csv", cohortFile("accreditation.csv"), exportAdmin},
		{http.MethodGet, "/v1/cohorts/{id}/accreditation.pdf", cohortFile("accreditation.pdf"), exportAdmin},
		{http.MethodGet, "/v1/cohorts/{id}/competency-checklist.pdf", cohortFile("competency-checklist.pdf"), exportAdmin},
		{http.MethodGet, "/v1/cohorts/{id}/competency-checklist.xlsx", cohortFile("competency-checklist.xlsx"), exportAdmin},
		{http.MethodGet, "/v1/students/{id}/competency-checklist.pdf", get(func(_ *authzWorld, r *authzRecords) string {
			return "/v1/students/" + r.student.ID + "/competency-checklist.pdf"
		}), exportAdmin},
		{http.MethodGet, "/v1/students/{id}/competency-checklist.xlsx", get(func(_ *authzWorld, r *authzRecords) string {
			return "/v1/students/" + r.student.ID + "/competency-checklist.xlsx"
		}), exportAdmin},
		{http.MethodGet, "/v1/students/{id}/transcript.pdf", get(func(_ *authzWorld, r *authzRecords) string {
			return "/v1/students/" + r.student.ID + "/transcript.pdf"
		}), seeStudent},
		{http.MethodPost, "/v1/exports", post(fixed("/v1/exports"), func(_ *authzWorld, _ int, r *authzRecords) any {
			return map[string]any{"kind": "matrix", "cohortId": r.cohort.ID}
		}), exportCreated},
		{http.MethodGet, "/v1/exports/{id}", job(""), exportFollow},
		{http.MethodGet, "/v1/exports/{id}/file", job("/file"), exportFollow},
	}
}

// TestPendingExportJobsAreCapped: a user with MaxPendingExports jobs
// queued or running gets 429 with Retry-After for the next, until one
// ends; another user is not held up.
func TestPendingExportJobsAreCapped(t *testing.T) {
	t.Parallel()
	c := newExportClass(t)
	env := c.env
	matrix := map[string]any{"kind": "matrix", "cohortId": c.cohort.ID}
	for range workflow.MaxPendingExports {
		env.Post(t, "/v1/exports", c.instructor.Token, matrix).WantStatus(t, http.StatusAccepted)
	}
	r := env.Post(t, "/v1/exports", c.instructor.Token, matrix)
	r.WantProblem(t, http.StatusTooManyRequests, "too-many-pending-exports")
	if got := r.Header.Get("Retry-After"); got != "30" {
		t.Errorf("Retry-After = %q; want 30", got)
	}
	env.Post(t, "/v1/exports", c.admin.Token, matrix).WantStatus(t, http.StatusAccepted)

	runExportJobs(t, env.Store)
	env.Post(t, "/v1/exports", c.instructor.Token, matrix).WantStatus(t, http.StatusAccepted)
}

// TestCompetencyChecklistExports: the Master Competency Checklist of a
// cohort and of one student, directly (PDF, XLSX) and as a job; admins
// only; one subject, cohort or student.
func TestCompetencyChecklistExports(t *testing.T) {
	t.Parallel()
	c := newExportClass(t)
	env := c.env
	r := env.Get(t, "/v1/cohorts/"+c.cohort.ID+"/competency-checklist.pdf", c.admin.Token).WantStatus(t, http.StatusOK)
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=competency-checklist-fall-2026-") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	wantIn(t, "cohort MCC", pdftext.Of(t, r.Body), "Master Competency Checklist", "Student: "+c.ann.Name, "Student: "+c.bob.Name,
		"Psychomotor competencies passed: 1 of 32.", "I.P.1.a Measure and record blood")

	r = env.Get(t, "/v1/students/"+c.ann.ID+"/competency-checklist.xlsx", c.admin.Token).WantStatus(t, http.StatusOK)
	book, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows(export.MCCSheet)
	if len(rows) != 33 || rows[1][4] != "I.P.1.a" || rows[1][10] != "Pass" || rows[1][11] != c.instructor.Name {
		t.Fatalf("Ann's MCC: %d rows, first %q; want 32 codes, I.P.1.a passed, signed by %s", len(rows), rows[1], c.instructor.Name)
	}
	env.Get(t, "/v1/students/"+c.ann.ID+"/competency-checklist.pdf", c.instructor.Token).WantProblem(t, http.StatusForbidden, "forbidden")
	env.Post(t, "/v1/exports", c.admin.Token, map[string]any{"kind": "competency-checklist", "cohortId": c.cohort.ID, "studentId": c.ann.ID}).
		WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")

	var job exportJobView
	env.Post(t, "/v1/exports", c.admin.Token, map[string]any{"kind": "competency-checklist", "format": "xlsx", "studentId": c.bob.ID}).
		WantStatus(t, http.StatusAccepted).JSON(t, &job)
	runExportJobs(t, env.Store)
	env.Get(t, "/v1/exports/"+job.ID, c.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &job)
	if job.Status != models.ExportDone || job.Total != 1 || !strings.HasSuffix(job.FileName, ".xlsx") {
		t.Fatalf("job = %+v; want done, one student, an xlsx", job.ExportJob)
	}
}
