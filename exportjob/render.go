// Package exportjob renders Skillbook's exports from the store with
// package export: directly, for an export small enough to answer in its
// own response, or as a background job run by a Worker, whose file is
// kept in the database for any server instance to serve.
package exportjob

import (
	"context"
	"fmt"
	"io"
	"time"

	"skillbook/export"
	"skillbook/models"
	"skillbook/store/mongo"
)

// DirectLimit is the rule for direct exports: an export covering at most
// this many students (a transcript, or a cohort of up to 100) is rendered
// in memory and answered in the response that asked for it; a larger
// cohort export, and every program archive, runs as a job (POST
// /v1/exports) that streams its file into the database.
const DirectLimit = 100

// Plan is an export whose subject was found and whose caller may take it.
type Plan struct {
	Request models.ExportRequest
	Program models.Program
	Cohort  models.Cohort
	Student models.User
	// Units is what progress counts: students, or records of an archive.
	Units int
	// Subject names the cohort, student or program exported.
	Subject string
}

// Prepare finds what r names in programID, checks that caller may export
// it (see Authorize) and counts what it covers.
func Prepare(ctx context.Context, st *mongo.Store, caller *models.User, programID string, r models.ExportRequest) (Plan, error) {
	p, err := Authorize(ctx, st, caller, programID, r)
	if err != nil {
		return Plan{}, err
	}
	switch r.Kind {
	case models.ExportArchive:
		p.Units, err = st.CountArchive(ctx, programID)
	case models.ExportTranscript:
		p.Units = 1
	default:
		p.Units, err = st.CountExportStudents(ctx, programID, mongo.ExportSelection{CohortID: p.Cohort.ID})
	}
	return p, err
}

// Authorize finds what r names in programID and checks that caller may
// export it (a nil caller is Skillbook itself: a job already checked, or
// the command line). Another program's records are models.ErrNotFound; a
// caller who may not export them, models.ErrForbidden.
func Authorize(ctx context.Context, st *mongo.Store, caller *models.User, programID string, r models.ExportRequest) (Plan, error) {
	if err := r.Validate(); err != nil {
		return Plan{}, err
	}
	p := Plan{Request: r}
	var err error
	if p.Program, err = st.Program(ctx, programID); err != nil {
		return Plan{}, err
	}
	forbidden := func(msg string) error { return fmt.Errorf("%w: %s", models.ErrForbidden, msg) }
	switch r.Kind {
	case models.ExportArchive:
		if caller != nil && caller.Role != models.RoleAdmin {
			return Plan{}, forbidden("only program admins export the full archive")
		}
		p.Subject = p.Program.Name
		return p, nil
	case models.ExportTranscript:
		if p.Student, err = st.User(ctx, programID, r.StudentID); err != nil {
			return Plan{}, err
		}
		if p.Student.Role != models.RoleStudent {
			return Plan{}, fmt.Errorf("user %s is not a student: %w", r.StudentID, models.ErrNotFound)
		}
		if caller != nil && !models.CanExport(*caller, r.Kind, "", &p.Student) {
			return Plan{}, forbidden("you may not export this student's transcript")
		}
		p.Subject = p.Student.Name
		return p, nil
	}
	if p.Cohort, err = st.Cohort(ctx, programID, r.CohortID); err != nil {
		return Plan{}, err
	}
	if caller != nil && !models.CanExport(*caller, r.Kind, p.Cohort.ID, nil) {
		if r.Kind == models.ExportAccreditation {
			return Plan{}, forbidden("only program admins export the accreditation summary")
		}
		return Plan{}, forbidden("only admins and the cohort's instructors export its records")
	}
	p.Subject = p.Cohort.Name
	return p, nil
}

// Direct reports whether p is answered in its own response (see
// DirectLimit).
func (p Plan) Direct() bool {
	return p.Request.Kind != models.ExportArchive && p.Units <= DirectLimit
}

// FileName is the name p's file is saved under.
func (p Plan) FileName(at time.Time) string {
	subject := export.FileSafe(p.Subject)
	if subject == "" {
		subject = "export"
	}
	return p.Request.FileName(subject, at)
}

// Job is the job record of p, for the mongo.
func (p Plan) Job() models.ExportJob {
	return models.ExportJob{ProgramID: p.Program.ID, Request: p.Request, Subject: p.Subject, Total: p.Units}
}

// Today is the date standings are computed for, as the progress API does:
// the earliest date anywhere on Earth (UTC-12).
func Today() string { return time.Now().UTC().Add(-12 * time.Hour).Format(models.DateLayout) }

// asOf is the date of an export's standings: the end of its period, or
// today.
func asOf(f models.ExportFilter) string {
	if t := Today(); f.To == "" || f.To > t {
		return t
	}
	return f.To
}

// archiveBeat is how many archive records pass between progress reports.
const archiveBeat = 500

// Render writes p to w. progress, when not nil, is called with the units
// done after each student (every 500 records of an archive) and may stop
// the export by returning an error.
func Render(ctx context.Context, st *mongo.Store, p Plan, w io.Writer, progress func(done, total int) error) error {
	if progress == nil {
		progress = func(int, int) error { return nil }
	}
	now := time.Now().UTC()
	r := p.Request
	if r.Kind == models.ExportArchive {
		return renderArchive(ctx, st, p, w, now, progress)
	}
	sel := mongo.ExportSelection{CohortID: p.Cohort.ID, StudentID: r.StudentID, Filter: r.Filter}
	done := 0
	students := func(fn func(*models.StudentRecord) error) error {
		return st.EachStudentRecord(ctx, p.Program, sel, asOf(r.Filter), func(rec *models.StudentRecord) error {
			if err := fn(rec); err != nil {
				return err
			}
			done++
			return progress(done, p.Units)
		})
	}
	cohort := export.Cohort{ProgramName: p.Program.Name, CohortName: p.Cohort.Name, Filter: r.Filter, GeneratedAt: now}
	if r.Kind == models.ExportMatrix {
		var err error
		if cohort.Columns, err = st.ExportColumns(ctx, p.Program.ID, p.Cohort.ID, r.Filter.Area); err != nil {
			return err
		}
	}
	transcript := func() (export.Transcript, error) {
		staff, err := st.ExportStaff(ctx, p.Program.ID)
		return export.Transcript{ProgramName: p.Program.Name, GeneratedAt: now, Filter: r.Filter, Staff: staff}, err
	}
	switch {
	case r.Kind == models.ExportMatrix && r.Format == models.FormatCSV:
		return export.MatrixCSV(w, cohort, students)
	case r.Kind == models.ExportMatrix && r.Format == models.FormatXLSX:
		return export.MatrixXLSX(w, cohort, students)
	case r.Kind == models.ExportAccreditation && r.Format == models.FormatCSV:
		return export.AccreditationCSV(w, cohort, students)
	case r.Kind == models.ExportAccreditation && r.Format == models.FormatPDF:
		return export.AccreditationPDF(w, cohort, students)
	case r.Kind == models.ExportTranscripts:
		t, err := transcript()
		if err != nil {
			return err
		}
		return export.TranscriptsZIP(w, t, students)
	case r.Kind == models.ExportTranscript:
		t, err := transcript()
		if err != nil {
			return err
		}
		found := false
		err = students(func(rec *models.StudentRecord) error {
			found = true
			return export.TranscriptPDF(w, t, rec)
		})
		if err == nil && !found {
			err = fmt.Errorf("transcript of %s: %w", r.StudentID, models.ErrNotFound)
		}
		return err
	}
	return fmt.Errorf("export %s as %s: %w", r.Kind, r.Format, models.ErrNotFound)
}

func renderArchive(ctx context.Context, st *mongo.Store, p Plan, w io.Writer, now time.Time, progress func(int, int) error) error {
	aw, err := export.NewArchiveWriter(w, export.ArchiveHeader{ProgramID: p.Program.ID, ProgramName: p.Program.Name, ExportedAt: now})
	if err != nil {
		return err
	}
	done := 0
	err = st.EachArchiveRecord(ctx, p.Program.ID, func(kind string, doc []byte) error {
		if err := aw.Write(kind, doc); err != nil {
			return err
		}
		if done++; done%archiveBeat == 0 {
			return progress(min(done, p.Units), p.Units)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := aw.Close(); err != nil {
		return err
	}
	return progress(p.Units, p.Units)
}
