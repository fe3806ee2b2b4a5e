package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humafiber"

	"skillbook/exportjob"
	"skillbook/models"
)

// Exports. A GET of a file route (matrix.csv, transcript.pdf …) answers
// with the file itself when the export covers at most
// exportjob.DirectLimit students; a larger one is refused with the
// problem type export-job-required, and the client starts it as a job
// (POST /v1/exports), polls GET /v1/exports/{id} for its progress and
// downloads GET /v1/exports/{id}/file when it is done. The program archive
// is always a job. Every export, and every download of a job's file, is
// in the audit trail.

type fileOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Body               []byte
}

type cohortExportInput struct {
	ID   string `path:"id" maxLength:"64"`
	Area string `query:"area" maxLength:"40" doc:"Only the checklists of this area (vital-signs, phlebotomy, sterilization, wound-care, medication-administration)."`
	From string `query:"from" maxLength:"10" doc:"Only attempts graded on or after this date (YYYY-MM-DD)."`
	To   string `query:"to" maxLength:"10" doc:"Only attempts graded on or before this date (YYYY-MM-DD); standings are as of that date."`
}

func (in *cohortExportInput) request(kind models.ExportKind, f models.ExportFormat) models.ExportRequest {
	return models.ExportRequest{Kind: kind, Format: f, CohortID: in.ID,
		Filter: models.ExportFilter{Area: models.Area(in.Area), From: in.From, To: in.To}}
}

type studentExportInput struct {
	ID string `path:"id" maxLength:"64"`
}

// attachment is a Content-Disposition that saves the file as name.
func attachment(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

// directExport answers r with its file, when it is small enough
// (exportjob.DirectLimit); the use case records it in the audit trail.
func (s *server) directExport(ctx context.Context, r models.ExportRequest) (*fileOutput, error) {
	f, err := s.app.Exports.DirectExport(ctx, callerOf(ctx), r)
	if err != nil {
		return nil, err
	}
	return &fileOutput{ContentType: f.ContentType, ContentDisposition: attachment(f.Name), CacheControl: "no-store", Body: f.Body}, nil
}

func (s *server) matrixCSV(ctx context.Context, in *cohortExportInput) (*fileOutput, error) {
	return s.directExport(ctx, in.request(models.ExportMatrix, models.FormatCSV))
}

func (s *server) matrixXLSX(ctx context.Context, in *cohortExportInput) (*fileOutput, error) {
	return s.directExport(ctx, in.request(models.ExportMatrix, models.FormatXLSX))
}

func (s *server) accreditationCSV(ctx context.Context, in *cohortExportInput) (*fileOutput, error) {
	return s.directExport(ctx, in.request(models.ExportAccreditation, models.FormatCSV))
}

func (s *server) accreditationPDF(ctx context.Context, in *cohortExportInput) (*fileOutput, error) {
	return s.directExport(ctx, in.request(models.ExportAccreditation, models.FormatPDF))
}

func (s *server) transcriptsZIP(ctx context.Context, in *cohortExportInput) (*fileOutput, error) {
	return s.directExport(ctx, in.request(models.ExportTranscripts, models.FormatZIP))
}

func (s *server) transcriptPDF(ctx context.Context, in *studentExportInput) (*fileOutput, error) {
	return s.directExport(ctx, models.ExportRequest{Kind: models.ExportTranscript, Format: models.FormatPDF, StudentID: in.ID})
}

func (s *server) cohortCompetencyChecklistPDF(ctx context.Context, in *cohortExportInput) (*fileOutput, error) {
	return s.directExport(ctx, in.request(models.ExportCompetencyChecklist, models.FormatPDF))
}

func (s *server) cohortCompetencyChecklistXLSX(ctx context.Context, in *cohortExportInput) (*fileOutput, error) {
	return s.directExport(ctx, in.request(models.ExportCompetencyChecklist, models.FormatXLSX))
}

func (s *server) studentCompetencyChecklistPDF(ctx context.Context, in *studentExportInput) (*fileOutput, error) {
	return s.directExport(ctx, models.ExportRequest{Kind: models.ExportCompetencyChecklist, Format: models.FormatPDF, StudentID: in.ID})
}

func (s *server) studentCompetencyChecklistXLSX(ctx context.Context, in *studentExportInput) (*fileOutput, error) {
	return s.directExport(ctx, models.ExportRequest{Kind: models.ExportCompetencyChecklist, Format: models.FormatXLSX, StudentID: in.ID})
}

type createExportInput struct {
	Body struct {
		Kind      string `json:"kind" enum:"matrix,transcript,transcripts,accreditation,competency-checklist,archive" doc:"What to export."`
		Format    string `json:"format,omitempty" required:"false" enum:"csv,xlsx,pdf,zip,ndjson.gz" doc:"matrix: csv or xlsx; transcript: pdf; transcripts: zip; accreditation: csv or pdf; competency-checklist: pdf or xlsx; archive: ndjson.gz. Defaults to the first."`
		CohortID  string `json:"cohortId,omitempty" required:"false" maxLength:"64" doc:"The cohort of a matrix, transcripts, accreditation or competency-checklist export."`
		StudentID string `json:"studentId,omitempty" required:"false" maxLength:"64" doc:"The student of a transcript, or of a competency-checklist of one student."`
		Filters   struct {
			Area string `json:"area,omitempty" required:"false" maxLength:"40"`
			From string `json:"from,omitempty" required:"false" maxLength:"10"`
			To   string `json:"to,omitempty" required:"false" maxLength:"10"`
		} `json:"filters,omitempty" required:"false"`
	}
}

// exportView is an export as the API shows it.
type exportView struct {
	models.ExportJob
	// DownloadURL fetches the file once the export is done.
	DownloadURL string `json:"downloadUrl,omitempty"`
}

func viewOf(j models.ExportJob) exportView {
	v := exportView{ExportJob: j}
	if j.Status == models.ExportDone && !j.Direct {
		v.DownloadURL = "/v1/exports/" + j.ID + "/file"
	}
	return v
}

type exportJobOutput struct {
	Location string `header:"Location"`
	Body     exportView
}

// createExport queues an export job for a worker to write.
func (s *server) createExport(ctx context.Context, in *createExportInput) (*exportJobOutput, error) {
	b := in.Body
	r := models.ExportRequest{Kind: models.ExportKind(b.Kind), Format: models.ExportFormat(b.Format), CohortID: b.CohortID, StudentID: b.StudentID,
		Filter: models.ExportFilter{Area: models.Area(b.Filters.Area), From: b.Filters.From, To: b.Filters.To}}
	job, err := s.app.Exports.CreateExport(ctx, callerOf(ctx), r)
	if err != nil {
		return nil, err
	}
	return &exportJobOutput{Location: "/v1/exports/" + job.ID, Body: viewOf(job)}, nil
}

type exportInput struct {
	ID string `path:"id" maxLength:"64"`
}

type exportOutput struct {
	Body exportView
}

// export shows an export's progress, and its download link once done.
func (s *server) export(ctx context.Context, in *exportInput) (*exportOutput, error) {
	j, err := s.app.Exports.Export(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &exportOutput{Body: viewOf(j)}, nil
}

type streamOutput struct {
	Body func(huma.Context)
}

// exportFileTimeout bounds streaming one file to a client.
const exportFileTimeout = 30 * time.Minute

// exportFile streams a finished job's file from the database, a chunk at
// a time: 409 until the job is done, 410 once its file expired.
func (s *server) exportFile(ctx context.Context, in *exportInput) (*streamOutput, error) {
	f, err := s.app.Exports.ExportFile(ctx, callerOf(ctx), in.ID)
	if errors.Is(err, models.ErrExportExpired) {
		return nil, newProblem(http.StatusGone, models.ErrExportExpired.Error())
	}
	if err != nil {
		return nil, err
	}
	j := f.Job
	return &streamOutput{Body: func(hctx huma.Context) {
		hctx.SetHeader("Content-Type", j.ContentType)
		hctx.SetHeader("Content-Disposition", attachment(j.FileName))
		hctx.SetHeader("Cache-Control", "no-store")
		hctx.SetStatus(http.StatusOK)
		// The body is sent after the handler returns and its context is
		// cancelled: the reader gets a context of its own.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), exportFileTimeout)
		r := f.Open(rctx)
		humafiber.Unwrap(hctx).Context().SetBodyStream(&closeCancel{ReadCloser: r, cancel: cancel}, int(j.Size))
	}}, nil
}

// closeCancel cancels a stream's context when the stream is closed.
type closeCancel struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *closeCancel) Close() error {
	defer c.cancel()
	return c.ReadCloser.Close()
}

// exportOp is the operation of a direct export route answering format f.
func exportOp(id, path, summary string, f models.ExportFormat) huma.Operation {
	return huma.Operation{OperationID: id, Method: http.MethodGet, Path: path, Summary: summary,
		Description: fmt.Sprintf("Answered directly for at most %d students; a larger cohort answers 422 export-job-required "+
			"(start it with POST /v1/exports). Recorded in the audit trail.", exportjob.DirectLimit),
		Tags: []string{"Exports"}, Security: bearer, Responses: fileResponses(f.ContentType()),
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity}}
}

// fileResponses documents a route answering a file of contentType (or of
// any of more).
func fileResponses(contentType string, more ...string) map[string]*huma.Response {
	content := map[string]*huma.MediaType{}
	for _, ct := range append([]string{contentType}, more...) {
		content[ct] = &huma.MediaType{Schema: &huma.Schema{Type: "string", Format: "binary"}}
	}
	return map[string]*huma.Response{"200": {Description: "The file, as an attachment.", Content: content}}
}
