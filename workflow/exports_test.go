package workflow

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/exportjob"
	"skillbook/models"
)

var exportStart = time.Date(2026, 10, 5, 14, 30, 0, 0, time.UTC)

// exportSchool is one program with two cohorts: Ann in the first, taught
// by Ivy; Bob in the second, taught by Joe.
type exportSchool struct {
	st                        *fakeExports
	ex                        *Exports
	clk                       *clock.Fake
	admin, ivy, joe, ann, bob Caller
	retired                   Caller
	fall, spring              models.Cohort
}

func newExportSchool(t *testing.T) *exportSchool {
	t.Helper()
	s := &exportSchool{st: newFakeExports(models.Program{ID: "p1", Name: "Northside MA"}), clk: clock.NewFake(exportStart)}
	s.ex = newExports(s.st, s.clk)
	s.fall = models.Cohort{ID: "fall", ProgramID: "p1", Name: "Fall 2026"}
	s.spring = models.Cohort{ID: "spring", ProgramID: "p1", Name: "Spring 2027"}
	s.st.cohorts[s.fall.ID], s.st.cohorts[s.spring.ID] = s.fall, s.spring
	user := func(id string, role models.Role, active bool, cohorts ...string) Caller {
		u := models.User{ID: id, ProgramID: "p1", Name: strings.ToUpper(id[:1]) + id[1:], Role: role, Active: active, CohortIDs: cohorts}
		s.st.users[id] = u
		return Caller{User: u, RequestID: "req-" + id}
	}
	s.admin = user("admin", models.RoleAdmin, true)
	s.retired = user("retired", models.RoleAdmin, false)
	s.ivy = user("ivy", models.RoleInstructor, true, "fall")
	s.joe = user("joe", models.RoleInstructor, true, "spring")
	s.ann = user("ann", models.RoleStudent, true, "fall")
	s.bob = user("bob", models.RoleStudent, true, "spring")
	return s
}

func TestWhoMayExportWhat(t *testing.T) {
	s := newExportSchool(t)
	requests := map[string]models.ExportRequest{
		"matrix":           {Kind: models.ExportMatrix, CohortID: "fall"},
		"transcripts":      {Kind: models.ExportTranscripts, CohortID: "fall"},
		"accreditation":    {Kind: models.ExportAccreditation, CohortID: "fall"},
		"archive":          {Kind: models.ExportArchive},
		"ann's transcript": {Kind: models.ExportTranscript, StudentID: "ann"},
		"ivy's transcript": {Kind: models.ExportTranscript, StudentID: "ivy"},
		"another's cohort": {Kind: models.ExportMatrix, CohortID: "elsewhere"},
		"matrix as a pdf":  {Kind: models.ExportMatrix, Format: models.FormatPDF, CohortID: "fall"},
	}
	ok, forbidden, notFound, invalid := "ok", "forbidden", "not found", "invalid"
	tests := []struct {
		caller Caller
		want   map[string]string
	}{
		{s.admin, map[string]string{"matrix": ok, "transcripts": ok, "accreditation": ok, "archive": ok, "ann's transcript": ok}},
		{s.retired, map[string]string{"matrix": forbidden, "archive": forbidden, "ann's transcript": forbidden}},
		{s.ivy, map[string]string{"matrix": ok, "transcripts": ok, "accreditation": forbidden, "archive": forbidden, "ann's transcript": ok}},
		{s.joe, map[string]string{"matrix": forbidden, "transcripts": forbidden, "accreditation": forbidden, "archive": forbidden, "ann's transcript": forbidden}},
		{s.ann, map[string]string{"matrix": forbidden, "transcripts": forbidden, "accreditation": forbidden, "archive": forbidden, "ann's transcript": ok}},
		{s.bob, map[string]string{"matrix": forbidden, "ann's transcript": forbidden}},
	}
	for _, tt := range tests {
		// Whoever asks: a user who is not a student has no transcript,
		// a cohort elsewhere is not found, a bad format is invalid.
		tt.want["ivy's transcript"], tt.want["another's cohort"], tt.want["matrix as a pdf"] = notFound, notFound, invalid
		for name, want := range tt.want {
			t.Run(tt.caller.ID+"/"+name, func(t *testing.T) {
				for _, use := range []struct {
					name string
					do   func() error
				}{
					{"CreateExport", func() error {
						j, err := s.ex.CreateExport(context.Background(), tt.caller, requests[name])
						if err == nil {
							// Done at once: the cap on pending jobs is not what this tests.
							j.Status = models.ExportDone
							s.st.jobs[j.ID] = j
						}
						return err
					}},
					{"DirectExport", func() error { _, err := s.ex.DirectExport(context.Background(), tt.caller, requests[name]); return err }},
				} {
					if use.name == "DirectExport" && requests[name].Kind == models.ExportArchive && want == ok {
						continue // an archive is always a job
					}
					err := use.do()
					var ve *models.ValidationError
					got := ok
					switch {
					case errors.Is(err, models.ErrForbidden):
						got = forbidden
					case errors.Is(err, models.ErrNotFound):
						got = notFound
					case errors.As(err, &ve):
						got = invalid
					case err != nil:
						got = err.Error()
					}
					if got != want {
						t.Errorf("%s(%s, %s) = %v; want %s", use.name, tt.caller.ID, name, err, want)
					}
				}
			})
		}
	}
}

func TestDirectExportAnswersAndAudits(t *testing.T) {
	s := newExportSchool(t)
	f, err := s.ex.DirectExport(context.Background(), s.ivy, models.ExportRequest{Kind: models.ExportMatrix, CohortID: "fall"})
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "matrix-fall-2026-20261005-143000.csv" || f.ContentType != models.FormatCSV.ContentType() {
		t.Errorf("file = %s (%s); want named for the cohort at the clock's time", f.Name, f.ContentType)
	}
	rows, err := csv.NewReader(strings.NewReader(string(f.Body))).ReadAll()
	if err != nil || len(rows) != 2 || !slices.Contains(rows[1], "Ann") {
		t.Errorf("matrix rows = %q, %v; want a header and Ann", rows, err)
	}
	if s.st.asOf != "2026-10-05" {
		t.Errorf("standings as of %s; want the clock's day, 2026-10-05", s.st.asOf)
	}
	if len(s.st.jobs) != 1 || len(s.st.events) != 1 {
		t.Fatalf("recorded %d exports and %d events; want 1 and 1", len(s.st.jobs), len(s.st.events))
	}
	e := s.st.events[0]
	for _, j := range s.st.jobs {
		if !j.Direct || j.Status != models.ExportDone || j.Total != 1 || !j.CreatedAt.Equal(exportStart) || j.RequestedBy.UserID != "ivy" {
			t.Errorf("recorded export = %+v; want a direct one done for ivy", j)
		}
		if e.Type != models.EventExportDownloaded || e.SubjectID != j.ID || e.Actor.RequestID != "req-ivy" || !e.At.Equal(exportStart) ||
			e.Data["kind"] != "matrix" || !strings.HasPrefix(e.Summary, "exported ") {
			t.Errorf("event = %+v; want ivy's export of the matrix", e)
		}
	}

	// A cohort beyond the direct limit is a job.
	for i := range exportjob.DirectLimit {
		id := fmt.Sprintf("s%03d", i)
		s.st.users[id] = models.User{ID: id, ProgramID: "p1", Role: models.RoleStudent, Active: true, CohortIDs: []string{"fall"}}
	}
	_, err = s.ex.DirectExport(context.Background(), s.admin, models.ExportRequest{Kind: models.ExportMatrix, CohortID: "fall"})
	var re *models.RuleError
	if !errors.As(err, &re) || re.Code != "export-job-required" || !strings.Contains(re.Detail, fmt.Sprint(exportjob.DirectLimit+1)) {
		t.Errorf("DirectExport of %d students = %v; want export-job-required", exportjob.DirectLimit+1, err)
	}
}

func TestExportJobIsFollowedByItsRequesterAndAdmins(t *testing.T) {
	s := newExportSchool(t)
	ctx := context.Background()
	j, err := s.ex.CreateExport(ctx, s.ann, models.ExportRequest{Kind: models.ExportTranscript, StudentID: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != models.ExportQueued || j.Direct || j.Request.Format != models.FormatPDF || j.Total != 1 || j.Subject != "Ann" ||
		!j.CreatedAt.Equal(exportStart) || j.RequestedBy.UserID != "ann" {
		t.Errorf("job = %+v; want ann's transcript queued", j)
	}
	if got := s.st.eventsOf(j.ID); !slices.Equal(got, []models.EventType{models.EventExportRequested}) {
		t.Errorf("events = %v; want requested", got)
	}
	for _, tt := range []struct {
		caller Caller
		ok     bool
	}{{s.ann, true}, {s.admin, true}, {s.bob, false}, {s.ivy, false}} {
		_, err := s.ex.Export(ctx, tt.caller, j.ID)
		if tt.ok != (err == nil) || !tt.ok && !errors.Is(err, models.ErrNotFound) {
			t.Errorf("Export(%s's job, as %s) = %v; want found %v", "ann", tt.caller.ID, err, tt.ok)
		}
	}
}

func TestExportFileOnlyWhileDone(t *testing.T) {
	s := newExportSchool(t)
	ctx := context.Background()
	j, err := s.ex.CreateExport(ctx, s.ivy, models.ExportRequest{Kind: models.ExportMatrix, CohortID: "fall"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ex.ExportFile(ctx, s.ivy, j.ID); !errors.Is(err, models.ErrConflict) {
		t.Errorf("ExportFile of a queued job = %v; want ErrConflict", err)
	}
	s.st.finish(j.ID, []byte("student id,student\n"), exportStart.Add(24*time.Hour))

	s.clk.Advance(time.Hour)
	f, err := s.ex.ExportFile(ctx, s.ivy, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := f.Open(ctx)
	body, _ := io.ReadAll(r)
	r.Close()
	if string(body) != "student id,student\n" || f.Job.ID != j.ID {
		t.Errorf("file = %q of %s", body, f.Job.ID)
	}
	if got := s.st.eventsOf(j.ID); !slices.Equal(got, []models.EventType{models.EventExportRequested, models.EventExportDownloaded}) {
		t.Errorf("events = %v; want requested, downloaded", got)
	}
	if e := s.st.events[len(s.st.events)-1]; !e.At.Equal(exportStart.Add(time.Hour)) || e.Actor.UserID != "ivy" || !strings.HasPrefix(e.Summary, "downloaded ") {
		t.Errorf("download event = %+v; want ivy's at the clock's time", e)
	}
	if _, err := s.ex.ExportFile(ctx, s.ann, j.ID); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("ExportFile of ivy's job as ann = %v; want ErrNotFound", err)
	}

	// Ivy no longer teaches the cohort: the file is no longer hers.
	ivy := s.ivy
	ivy.CohortIDs = nil
	if _, err := s.ex.ExportFile(ctx, ivy, j.ID); !errors.Is(err, models.ErrForbidden) {
		t.Errorf("ExportFile after leaving the cohort = %v; want ErrForbidden", err)
	}

	// Its retention passes: gone, even before a sweep marks it expired.
	s.clk.Advance(23 * time.Hour)
	if _, err := s.ex.ExportFile(ctx, s.ivy, j.ID); !errors.Is(err, models.ErrExportExpired) {
		t.Errorf("ExportFile at its expiry = %v; want ErrExportExpired", err)
	}
	expired := s.st.jobs[j.ID]
	expired.Status = models.ExportExpired
	s.st.jobs[j.ID] = expired
	if _, err := s.ex.ExportFile(ctx, s.admin, j.ID); !errors.Is(err, models.ErrExportExpired) {
		t.Errorf("ExportFile of an expired job = %v; want ErrExportExpired", err)
	}
	if n := s.st.jobs[j.ID].Downloads; n != 1 {
		t.Errorf("downloads = %d; want 1", n)
	}
}

func TestExportFileOfADirectExportIsNotFound(t *testing.T) {
	s := newExportSchool(t)
	ctx := context.Background()
	if _, err := s.ex.DirectExport(ctx, s.admin, models.ExportRequest{Kind: models.ExportMatrix, CohortID: "fall"}); err != nil {
		t.Fatal(err)
	}
	for id := range s.st.jobs {
		if _, err := s.ex.ExportFile(ctx, s.admin, id); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("ExportFile of a direct export = %v; want ErrNotFound", err)
		}
	}
}

// TestPendingExportsAreCapped: a user has at most MaxPendingExports jobs
// queued or running; the next is refused with a wait until one ends, and
// another user is not held up.
func TestPendingExportsAreCapped(t *testing.T) {
	s := newExportSchool(t)
	matrix := models.ExportRequest{Kind: models.ExportMatrix, CohortID: "fall"}
	var jobs []models.ExportJob
	for range MaxPendingExports {
		j, err := s.ex.CreateExport(context.Background(), s.ivy, matrix)
		if err != nil {
			t.Fatalf("CreateExport %d = %v", len(jobs)+1, err)
		}
		jobs = append(jobs, j)
	}
	running := jobs[0]
	running.Status = models.ExportRunning
	s.st.jobs[running.ID] = running
	events := len(s.st.events)
	_, err := s.ex.CreateExport(context.Background(), s.ivy, matrix)
	var l *models.Limited
	if !errors.As(err, &l) || l.Code != "too-many-pending-exports" || l.RetryAfter <= 0 {
		t.Fatalf("CreateExport beyond the cap = %v; want too-many-pending-exports with a wait", err)
	}
	if len(s.st.jobs) != MaxPendingExports || len(s.st.events) != events {
		t.Errorf("the refused job left %d jobs, %d new events; want %d, none", len(s.st.jobs), len(s.st.events)-events, MaxPendingExports)
	}
	if _, err := s.ex.CreateExport(context.Background(), s.admin, matrix); err != nil {
		t.Errorf("another user's job = %v; want queued", err)
	}
	if _, err := s.ex.DirectExport(context.Background(), s.ivy, matrix); err != nil {
		t.Errorf("a direct export at the cap = %v; want it answered (it is no job)", err)
	}
	for _, status := range []models.ExportStatus{models.ExportDone, models.ExportFailed} {
		j := jobs[len(jobs)-1]
		jobs = jobs[:len(jobs)-1]
		j.Status = status
		s.st.jobs[j.ID] = j
		if _, err := s.ex.CreateExport(context.Background(), s.ivy, matrix); err != nil {
			t.Errorf("CreateExport after a job ended %s = %v; want queued", status, err)
		}
	}
}
