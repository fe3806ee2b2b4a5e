package models

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// ExportKind is what an export contains.
type ExportKind string

// The exports a program can take of its records.
const (
	// ExportMatrix is a cohort's competency matrix: one row per student,
	// one column group per assigned checklist (CSV or XLSX).
	ExportMatrix ExportKind = "matrix"
	// ExportTranscript is one student's skills transcript (PDF).
	ExportTranscript ExportKind = "transcript"
	// ExportTranscripts is every transcript of a cohort (a ZIP of PDFs).
	ExportTranscripts ExportKind = "transcripts"
	// ExportAccreditation summarises, per competency code, which students
	// of a cohort have evidence of competency (CSV or PDF).
	ExportAccreditation ExportKind = "accreditation"
	// ExportCompetencyChecklist is the Master Competency Checklist of a
	// cohort's students or of one student (PDF or XLSX): MAERB's tracking
	// form, each competency with the checklist, grade, pass, date and
	// instructor that evidence it.
	ExportCompetencyChecklist ExportKind = "competency-checklist"
	// ExportArchive is every record of the program as gzipped
	// newline-delimited JSON, re-importable with `skillbook import`.
	ExportArchive ExportKind = "archive"
)

// ExportFormat is the file format of an export.
type ExportFormat string

// The formats; each kind allows some (see ExportFormats).
const (
	FormatCSV    ExportFormat = "csv"
	FormatXLSX   ExportFormat = "xlsx"
	FormatPDF    ExportFormat = "pdf"
	FormatZIP    ExportFormat = "zip"
	FormatNDJSON ExportFormat = "ndjson.gz"
)

// ExportFormats lists the formats of each kind, the first the default.
var ExportFormats = map[ExportKind][]ExportFormat{
	ExportMatrix:        {FormatCSV, FormatXLSX},
	ExportTranscript:    {FormatPDF},
	ExportTranscripts:   {FormatZIP},
	ExportAccreditation: {FormatCSV, FormatPDF},
	ExportArchive:       {FormatNDJSON},

	ExportCompetencyChecklist: {FormatPDF, FormatXLSX},
}

// ContentType is the media type of a file in format f.
func (f ExportFormat) ContentType() string {
	switch f {
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatPDF:
		return "application/pdf"
	case FormatZIP:
		return "application/zip"
	case FormatNDJSON:
		return "application/gzip"
	}
	return "application/octet-stream"
}

// ExportFilter narrows a cohort export. Area keeps the checklists of one
// area; From and To (DateLayout, inclusive) keep the attempts made in that
// period (an evaluation counts on the day it was graded), and standings
// are computed from those attempts only, so To gives the records as they
// stood on that day.
type ExportFilter struct {
	Area Area   `json:"area,omitempty" bson:"area,omitempty"`
	From string `json:"from,omitempty" bson:"from,omitempty"`
	To   string `json:"to,omitempty" bson:"to,omitempty"`
}

// ExportRequest says what to export.
type ExportRequest struct {
	Kind      ExportKind   `json:"kind" bson:"kind"`
	Format    ExportFormat `json:"format" bson:"format"`
	CohortID  string       `json:"cohortId,omitempty" bson:"cohortId,omitempty"`
	StudentID string       `json:"studentId,omitempty" bson:"studentId,omitempty"`
	Filter    ExportFilter `json:"filters" bson:"filters"`
}

// ExportSelection chooses the students an export reads: the students of
// a cohort, or one student, with the filter of the request.
type ExportSelection struct {
	CohortID  string
	StudentID string
	Filter    ExportFilter
	// Batch, when positive, is how many students an engine reads at once
	// (tests and benchmarks; engines have their own default).
	Batch int
	// ProgressOnly says the export reads each student's progress and not
	// their evaluations (the matrix): without a period, an engine that
	// keeps standings reads them instead of every attempt.
	ProgressOnly bool
	// Signed says the export carries each evaluation whole, step grades
	// included, as it was signed (transcripts attach their signed records);
	// other exports leave the steps out.
	Signed bool
}

// Validate checks that the kind, format, subject and filters fit together;
// an empty format becomes the kind's default.
func (r *ExportRequest) Validate() error {
	var v ValidationError
	formats, ok := ExportFormats[r.Kind]
	if !ok {
		v.Add("kind", "must be matrix, transcript, transcripts, accreditation, competency-checklist or archive")
		return v.Err()
	}
	if r.Format == "" {
		r.Format = formats[0]
	}
	if !slices.Contains(formats, r.Format) {
		v.Add("format", "a %s export is written as %v", r.Kind, formats)
	}
	switch r.Kind {
	case ExportTranscript:
		if r.StudentID == "" {
			v.Add("studentId", "is required for a transcript")
		}
		if r.CohortID != "" {
			v.Add("cohortId", "is not used by a transcript; give studentId")
		}
	case ExportCompetencyChecklist:
		if (r.CohortID == "") == (r.StudentID == "") {
			v.Add("cohortId", "give either cohortId (every student of a cohort) or studentId (one student) for a competency checklist")
		}
	case ExportArchive:
		if r.CohortID != "" || r.StudentID != "" || r.Filter != (ExportFilter{}) {
			v.Add("kind", "an archive holds the whole program: give no cohortId, studentId or filters")
		}
	default:
		if r.CohortID == "" {
			v.Add("cohortId", "is required for a %s export", r.Kind)
		}
		if r.StudentID != "" {
			v.Add("studentId", "is not used by a %s export", r.Kind)
		}
	}
	if r.Filter.Area != "" && !r.Filter.Area.Valid() {
		v.Add("filters.area", "must be one of %s", joinAreas())
	}
	for field, d := range map[string]string{"filters.from": r.Filter.From, "filters.to": r.Filter.To} {
		if _, err := time.Parse(DateLayout, d); d != "" && err != nil {
			v.Add(field, "must be a date such as 2026-09-01")
		}
	}
	if r.Filter.From != "" && r.Filter.To != "" && r.Filter.To < r.Filter.From {
		v.Add("filters.to", "must not be before filters.from")
	}
	return v.Err()
}

// FileName is the name a download of r is saved under; subject names the
// cohort or student (already made safe for a file name by the caller).
func (r ExportRequest) FileName(subject string, at time.Time) string {
	ext := string(r.Format)
	if r.Kind == ExportArchive {
		ext = "ndjson.gz"
	}
	return fmt.Sprintf("%s-%s-%s.%s", r.Kind, subject, at.UTC().Format("20060102-150405"), ext)
}

// Apply narrows progress records to the filter's area and returns the
// attempts of its period, which the records' standings are then derived
// from.
func (f ExportFilter) Apply(r *ProgressRecords, attempts []Attempt) []Attempt {
	if f.Area != "" {
		r.Assignments = slices.DeleteFunc(r.Assignments, func(a Assignment) bool { return a.Area != f.Area })
	}
	if f.From != "" || f.To != "" {
		// The period's days are the program's (UTC for one without a
		// time zone).
		loc := r.Program.Location()
		attempts = slices.DeleteFunc(attempts, func(a Attempt) bool {
			d := AttemptDateIn(a, loc)
			return (f.From != "" && d < f.From) || (f.To != "" && d > f.To)
		})
	}
	return attempts
}

// HasPeriod says the filter narrows attempts by date.
func (f ExportFilter) HasPeriod() bool { return f.From != "" || f.To != "" }

// AttemptDate is the day an attempt counts on (DateLayout, UTC): the day
// it was graded, or requested when it was not graded.
func AttemptDate(a Attempt) string {
	if a.Evaluation != nil {
		return a.Evaluation.EvaluatedAt.UTC().Format(DateLayout)
	}
	return a.RequestedAt.UTC().Format(DateLayout)
}

// AttemptDateIn is AttemptDate in loc.
func AttemptDateIn(a Attempt, loc *time.Location) string {
	if a.Evaluation != nil {
		return a.Evaluation.EvaluatedAt.In(loc).Format(DateLayout)
	}
	return a.RequestedAt.In(loc).Format(DateLayout)
}

// StudentRecord is one student's records as an export shows them.
type StudentRecord struct {
	Student User
	// CohortNames names the student's cohorts.
	CohortNames []string
	Progress    StudentProgress
	// Evaluations are the student's graded or returned evaluations with
	// their amendments, oldest first (none for an export of progress
	// alone).
	Evaluations []Attempt
	// Standings are the student's standings by checklist, which the
	// progress was computed from.
	Standings map[string]Standing
}

// SortEvaluations orders evaluations by the time they were graded.
func SortEvaluations(as []Attempt) {
	slices.SortStableFunc(as, func(a, b Attempt) int {
		return cmp.Or(a.Evaluation.EvaluatedAt.Compare(b.Evaluation.EvaluatedAt), cmp.Compare(a.ID, b.ID))
	})
}

// EvaluationsOf returns the evaluations of checklistID among evaluations.
func (r *StudentRecord) EvaluationsOf(checklistID string) []Attempt {
	var out []Attempt
	for _, a := range r.Evaluations {
		if a.ChecklistID == checklistID {
			out = append(out, a)
		}
	}
	return out
}

// GradedAttempts counts the passed and failed evaluations of checklistID.
func (r *StudentRecord) GradedAttempts(checklistID string) int {
	n := 0
	for _, g := range r.Standings[checklistID].Graded {
		if g.Status == StatusPassed || g.Status == StatusFailed {
			n++
		}
	}
	return n
}

// ExportStatus is where an export is.
type ExportStatus string

// An export job is queued until a worker claims it, running while one
// writes it, then done (its file is kept until ExpiresAt), failed, or
// expired (the file was removed). A direct export, answered in the
// response that asked for it, is recorded as done with no file.
const (
	ExportQueued  ExportStatus = "queued"
	ExportRunning ExportStatus = "running"
	ExportDone    ExportStatus = "done"
	ExportFailed  ExportStatus = "failed"
	ExportExpired ExportStatus = "expired"
)

// ExportJob is one export: its request, who asked, and where it is.
type ExportJob struct {
	ID          string        `json:"id" bson:"_id"`
	ProgramID   string        `json:"programId" bson:"programId"`
	Request     ExportRequest `json:"request" bson:"request"`
	RequestedBy Actor         `json:"requestedBy" bson:"requestedBy"`
	// Subject names what was exported (a cohort or student name).
	Subject string       `json:"subject" bson:"subject"`
	Direct  bool         `json:"direct" bson:"direct"`
	Status  ExportStatus `json:"status" bson:"status"`
	// Done out of Total units (students, or records for an archive).
	Done    int `json:"done" bson:"done"`
	Total   int `json:"total" bson:"total"`
	Percent int `json:"percent" bson:"percent"`
	// Attempts counts the workers that took the job up.
	Attempts    int        `json:"attempts" bson:"attempts"`
	Error       string     `json:"error,omitempty" bson:"error,omitempty"`
	FileName    string     `json:"fileName,omitempty" bson:"fileName,omitempty"`
	ContentType string     `json:"contentType,omitempty" bson:"contentType,omitempty"`
	Size        int64      `json:"size,omitempty" bson:"size,omitempty"`
	Downloads   int        `json:"downloads" bson:"downloads"`
	CreatedAt   time.Time  `json:"createdAt" bson:"createdAt"`
	StartedAt   *time.Time `json:"startedAt,omitempty" bson:"startedAt,omitempty"`
	FinishedAt  *time.Time `json:"finishedAt,omitempty" bson:"finishedAt,omitempty"`
	ExpiresAt   *time.Time `json:"expiresAt,omitempty" bson:"expiresAt,omitempty"`
	Version     int64      `json:"version" bson:"version"`
}

// PercentOf is done out of total in whole percent, 0 when total is 0.
func PercentOf(done, total int) int {
	if total <= 0 {
		return 0
	}
	return min(100, done*100/total)
}

// ErrExportExpired is a download of an export whose file was removed
// (its retention passed); the API answers 410 Gone.
var ErrExportExpired = errors.New("the file of this export expired and was removed; start the export again")

// DirectExportJob is the record of r's export answered in the response
// that asked for it: done at at, with no file, covering total students.
func DirectExportJob(id, programID string, r ExportRequest, subject string, total int, by Actor, at time.Time) ExportJob {
	return ExportJob{ID: id, ProgramID: programID, Request: r, RequestedBy: by, Subject: subject, Direct: true,
		Status: ExportDone, Done: total, Total: total, Percent: 100, CreatedAt: at, StartedAt: &at, FinishedAt: &at, Version: 1}
}

// QueuedExportJob is the record of r's export job, queued at at for a
// worker to write; total is what progress counts.
func QueuedExportJob(id, programID string, r ExportRequest, subject string, total int, by Actor, at time.Time) ExportJob {
	return ExportJob{ID: id, ProgramID: programID, Request: r, RequestedBy: by, Subject: subject,
		Status: ExportQueued, Total: total, CreatedAt: at, Version: 1}
}

// exportVerbs says in words what each export event did.
var exportVerbs = map[EventType]string{
	EventExportRequested:  "asked for",
	EventExportCompleted:  "wrote",
	EventExportFailed:     "could not write",
	EventExportExpired:    "removed the file of",
	EventExportDownloaded: "downloaded",
}

// exportWhat names each kind of export in a summary.
var exportWhat = map[ExportKind]string{
	ExportMatrix:              "the competency matrix of cohort",
	ExportTranscript:          "the skills transcript of",
	ExportTranscripts:         "the skills transcripts of cohort",
	ExportAccreditation:       "the accreditation summary of cohort",
	ExportCompetencyChecklist: "the Master Competency Checklist of",
	ExportArchive:             "the full archive of program",
}

// ExportEvent is the audit event typ of export j caused by actor at at:
// who took (or asked for, or was given) whose records. A direct export's
// download reads "exported". The engine gives it its id.
func ExportEvent(typ EventType, actor Actor, j ExportJob, at time.Time) Event {
	r := j.Request
	verb := exportVerbs[typ]
	if typ == EventExportDownloaded && j.Direct {
		verb = "exported"
	}
	data := map[string]string{"kind": string(r.Kind), "format": string(r.Format), "exportId": j.ID,
		"cohortId": r.CohortID, "studentId": r.StudentID, "area": string(r.Filter.Area),
		"from": r.Filter.From, "to": r.Filter.To, "students": fmt.Sprint(j.Total), "direct": fmt.Sprint(j.Direct)}
	return Event{Type: typ, ProgramID: j.ProgramID, Actor: actor, At: at, Subject: "export", SubjectID: j.ID,
		StudentID: r.StudentID, Summary: fmt.Sprintf("%s %s %q (%s)", verb, exportWhat[r.Kind], j.Subject, r.Format), Data: data}
}

// ClaimedExport is a job leased to a worker, with the id of the file this
// attempt writes (a new one per attempt, so a dead worker's partial file
// is never mistaken for this one's).
type ClaimedExport struct {
	Job    ExportJob
	FileID string
}

// FinishedFile describes the file a finished export job wrote.
type FinishedFile struct {
	Name, ContentType string
	Size              int64
	Chunks            int
	// Units is what the file covers (students, or archive records).
	Units int
}

// ExportFileWriter writes an export file into the store chunk by chunk,
// so no file is ever held whole in memory; Close writes the last chunk.
type ExportFileWriter interface {
	io.WriteCloser
	Size() int64
	Chunks() int
}

// ArchiveImport restores one program's archive into a store, one record
// (kind and Extended JSON document) at a time. Close finishes it and
// counts what was stored by kind; Abort gives up, keeping what the engine
// cannot take back.
type ArchiveImport interface {
	Add(ctx context.Context, kind string, extJSON []byte) error
	Close(ctx context.Context) (map[string]int, error)
	Abort()
}

// EachRecord builds the export record of each of students, in order, from
// r (their progress records, standings included) and attempts (theirs of
// the export's period; none for an export of progress alone), naming their
// cohorts from cohortNames, and calls fn with it. Both engines' exports
// end with it.
func EachRecord(students []User, r *ProgressRecords, attempts []Attempt, asOf string, cohortNames map[string]string, fn func(*StudentRecord) error) error {
	attemptsOf := map[string][]Attempt{}
	for _, a := range attempts {
		attemptsOf[a.StudentID] = append(attemptsOf[a.StudentID], a)
	}
	remediations := map[string][]Remediation{}
	for _, m := range r.Remediations {
		remediations[m.StudentID] = append(remediations[m.StudentID], m)
	}
	for _, st := range students {
		own := *r
		own.Remediations = remediations[st.ID]
		rec := &StudentRecord{Student: st, Progress: StudentProgressOf(st, &own, asOf), Standings: r.Standings[st.ID]}
		for _, c := range st.CohortIDs {
			if n, ok := cohortNames[c]; ok {
				rec.CohortNames = append(rec.CohortNames, n)
			}
		}
		for _, a := range attemptsOf[st.ID] {
			if a.Kind == AttemptEvaluation && a.Evaluation != nil {
				rec.Evaluations = append(rec.Evaluations, a)
			}
		}
		SortEvaluations(rec.Evaluations)
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}
