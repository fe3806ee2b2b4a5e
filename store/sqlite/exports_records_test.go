package sqlite

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"skillbook/exportjob"
	"skillbook/models"
)

func TestExportEachStudentRecordReadsInBatches(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	c := exportSeed(t, s)
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

	// Filters: the phlebotomy area only; a period before anything happened.
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
}

// TestExportJobWrittenAsTheWorkerDoesImportsElsewhere runs an archive job
// the way exportjob's worker does — claim, render into a chunked file,
// finish — then downloads the file and imports it into another store.
func TestExportJobWrittenAsTheWorkerDoesImportsElsewhere(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	c := exportSeed(t, s)
	units, err := s.CountArchive(ctx, c.program.ID)
	if err != nil {
		t.Fatal(err)
	}
	plan := exportjob.Plan{Request: models.ExportRequest{Kind: models.ExportArchive, Format: models.FormatNDJSON}, Program: c.program,
		Subject: c.program.Name, Units: units, At: clk.Now()}
	if _, err := s.CreateExportJob(ctx, exportAdmin, plan.Job()); err != nil {
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
	dst, _ := openTest(t)
	exportLibrary(t, dst)
	if _, _, err := exportImport(t, dst, data); err != nil {
		t.Fatal(err)
	}
	_, want := exportArchiveOf(t, s, c.program.ID)
	_, got := exportArchiveOf(t, dst, c.program.ID)
	// The archive holds the job's request, not its completion.
	if len(got["audit"]) != len(want["audit"])-1 {
		t.Errorf("imported %d audit entries; want %d (all but the job's completion)", len(got["audit"]), len(want["audit"])-1)
	}
	delete(want, "audit")
	delete(got, "audit")
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
}
