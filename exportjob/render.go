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

	"skillbook/clock"
	"skillbook/export"
	"skillbook/models"
)

// DirectLimit is the rule for direct exports: an export covering at most
// this many students (a transcript, or a cohort of up to 100) is rendered
// in memory and answered in the response that asked for it; a larger
// cohort export, and every program archive, runs as a job (POST
// /v1/exports) that streams its file into the database.
const DirectLimit = 100

// Plan is an export whose subject was found: what it covers, and when it
// is written.
type Plan struct {
	Request models.ExportRequest
	Program models.Program
	Cohort  models.Cohort
	Student models.User
	// Units is what progress counts: students, or records of an archive.
	Units int
	// Subject names the cohort, student or program exported.
	Subject string
	// At is when the export is written: its files say they were generated
	// then, and standings are as of that day (see Today).
	At time.Time
}

// Finder is what planning an export reads of the store.
type Finder interface {
	Program(ctx context.Context, id string) (models.Program, error)
	Cohort(ctx context.Context, programID, id string) (models.Cohort, error)
	User(ctx context.Context, programID, id string) (models.User, error)
	// CountArchive counts the records of a program's archive.
	CountArchive(ctx context.Context, programID string) (int, error)
	// CountExportStudents counts the students sel chooses.
	CountExportStudents(ctx context.Context, programID string, sel models.ExportSelection) (int, error)
}

// Source is what rendering an export reads of the store.
type Source interface {
	// EachStudentRecord calls fn with the records of each student sel
	// chooses, in id order, as they stood on asOf (models.DateLayout).
	EachStudentRecord(ctx context.Context, program models.Program, sel models.ExportSelection, asOf string,
		fn func(*models.StudentRecord) error) error
	// ExportColumns returns the checklists of a cohort's matrix.
	ExportColumns(ctx context.Context, programID, cohortID string, area models.Area) ([]models.ChecklistColumn, error)
	// ExportStaff returns the program's instructors and admins by id.
	ExportStaff(ctx context.Context, programID string) (map[string]models.User, error)
	// EachArchiveRecord calls fn with every record of a program's
	// archive, as its kind and extended JSON.
	EachArchiveRecord(ctx context.Context, programID string, fn func(kind string, doc []byte) error) error
}

// Prepare plans r for Skillbook itself (a job, checked when it was asked
// for; the command line): it finds what r names in programID (see Find),
// counts what it covers and dates it by clk (the system clock when nil).
// A person's export goes through workflow.Exports, which checks that they
// may take it.
func Prepare(ctx context.Context, st Finder, clk clock.Clock, programID string, r models.ExportRequest) (Plan, error) {
	if clk == nil {
		clk = clock.System{}
	}
	p, err := Find(ctx, st, programID, r)
	if err != nil {
		return Plan{}, err
	}
	if err := Count(ctx, st, &p); err != nil {
		return Plan{}, err
	}
	p.At = clk.Now().UTC()
	return p, nil
}

// Find validates r and finds what it names in programID: the program, and
// the cohort or student. Another program's records, and a transcript of a
// user who is not a student, are models.ErrNotFound.
func Find(ctx context.Context, st Finder, programID string, r models.ExportRequest) (Plan, error) {
	if err := r.Validate(); err != nil {
		return Plan{}, err
	}
	p := Plan{Request: r}
	var err error
	if p.Program, err = st.Program(ctx, programID); err != nil {
		return Plan{}, err
	}
	switch r.Kind {
	case models.ExportArchive:
		p.Subject = p.Program.Name
		return p, nil
	case models.ExportTranscript, models.ExportCompetencyChecklist:
		if r.StudentID == "" {
			break // a cohort's competency checklist
		}
		if p.Student, err = st.User(ctx, programID, r.StudentID); err != nil {
			return Plan{}, err
		}
		if p.Student.Role != models.RoleStudent {
			return Plan{}, fmt.Errorf("user %s is not a student: %w", r.StudentID, models.ErrNotFound)
		}
		p.Subject = p.Student.Name
		return p, nil
	}
	if p.Cohort, err = st.Cohort(ctx, programID, r.CohortID); err != nil {
		return Plan{}, err
	}
	p.Subject = p.Cohort.Name
	return p, nil
}

// Count sets p.Units: the students p covers, or the records of an
// archive.
func Count(ctx context.Context, st Finder, p *Plan) error {
	var err error
	switch p.Request.Kind {
	case models.ExportArchive:
		p.Units, err = st.CountArchive(ctx, p.Program.ID)
	case models.ExportTranscript:
		p.Units = 1
	case models.ExportCompetencyChecklist:
		if p.Request.StudentID != "" {
			p.Units = 1
			break
		}
		p.Units, err = st.CountExportStudents(ctx, p.Program.ID, models.ExportSelection{CohortID: p.Cohort.ID})
	default:
		p.Units, err = st.CountExportStudents(ctx, p.Program.ID, models.ExportSelection{CohortID: p.Cohort.ID})
	}
	return err
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

// Job is the job record of p, before it is recorded.
func (p Plan) Job() models.ExportJob {
	return models.ExportJob{ProgramID: p.Program.ID, Request: p.Request, Subject: p.Subject, Total: p.Units}
}

// Today is the date standings are computed for at at, as the progress API
// does: the earliest date anywhere on Earth (UTC-12).
func Today(at time.Time) string { return at.UTC().Add(-12 * time.Hour).Format(models.DateLayout) }

// asOf is the date of an export's standings at at: the end of its period,
// or today.
func asOf(f models.ExportFilter, at time.Time, p models.Program) string {
	t := Today(at)
	if p.TimeZone != "" {
		// A program with a time zone has its own today.
		t = p.Today(at)
	}
	if f.To == "" || f.To > t {
		return t
	}
	return f.To
}

// archiveBeat is how many archive records pass between progress reports.
const archiveBeat = 500

// Render writes p to w, as generated at p.At. progress, when not nil, is
// called with the units done after each student (every 500 records of an
// archive) and may stop the export by returning an error.
func Render(ctx context.Context, st Source, p Plan, w io.Writer, progress func(done, total int) error) error {
	if progress == nil {
		progress = func(int, int) error { return nil }
	}
	now := p.At.UTC()
	r := p.Request
	if r.Kind == models.ExportArchive {
		return renderArchive(ctx, st, p, w, now, progress)
	}
	sel := models.ExportSelection{CohortID: p.Cohort.ID, StudentID: r.StudentID, Filter: r.Filter, ProgressOnly: r.Kind == models.ExportMatrix,
		Signed: r.Kind == models.ExportTranscript || r.Kind == models.ExportTranscripts}
	done := 0
	students := func(fn func(*models.StudentRecord) error) error {
		return st.EachStudentRecord(ctx, p.Program, sel, asOf(r.Filter, now, p.Program), func(rec *models.StudentRecord) error {
			if err := fn(rec); err != nil {
				return err
			}
			done++
			return progress(done, p.Units)
		})
	}
	cohort := export.Cohort{ProgramName: p.Program.Name, CohortName: p.Cohort.Name, Filter: r.Filter, GeneratedAt: now,
		Frameworks: p.Program.CompetencyFrameworks(), EvidenceRules: p.Program.EvidenceRules, Location: p.Program.Location(), ProcedureKinds: models.ProcedureKinds(p.Program.ProcedureTargets)}
	if r.Kind == models.ExportMatrix {
		var err error
		if cohort.Columns, err = st.ExportColumns(ctx, p.Program.ID, p.Cohort.ID, r.Filter.Area); err != nil {
			return err
		}
	}
	transcript := func() (export.Transcript, error) {
		staff, err := st.ExportStaff(ctx, p.Program.ID)
		return export.Transcript{ProgramName: p.Program.Name, GeneratedAt: now, Filter: r.Filter, Staff: staff,
			Location: p.Program.Location()}, err
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
	case r.Kind == models.ExportCompetencyChecklist:
		return competencyChecklist(w, cohort, r, students)
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

func renderArchive(ctx context.Context, st Source, p Plan, w io.Writer, now time.Time, progress func(int, int) error) error {
	aw, err := export.NewArchiveWriter(w, export.ArchiveHeader{ProgramID: p.Program.ID, ProgramName: p.Program.Name, ExportedAt: now})
	if err != nil {
		return err
	}
	done := 0
	err = st.EachArchiveRecord(ctx, p.Program.ID, func(kind string, doc []byte) error {
		if err := aw.Write(kind, doc); err != nil {
			return err
		}
		if kind == models.ArchiveSignedRecord {
			return nil // derived from the attempt before it, not counted
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

// competencyChecklist writes the Master Competency Checklist of a cohort,
// or of one student (who must be found).
func competencyChecklist(w io.Writer, cohort export.Cohort, r models.ExportRequest, students export.Students) error {
	found := false
	each := func(fn func(*models.StudentRecord) error) error {
		return students(func(rec *models.StudentRecord) error { found = true; return fn(rec) })
	}
	var err error
	if r.Format == models.FormatXLSX {
		err = export.CompetencyChecklistXLSX(w, cohort, each)
	} else {
		err = export.CompetencyChecklistPDF(w, cohort, each)
	}
	if err == nil && r.StudentID != "" && !found {
		err = fmt.Errorf("competency checklist of %s: %w", r.StudentID, models.ErrNotFound)
	}
	return err
}
