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
	counts, err := export.Import(ctx, r, im, testKey.KeySet())
	read = r.Counts()
	// Every signed evaluation and amendment is followed by its signed
	// record, which is derived from it and not imported.
	if err == nil && read[models.ArchiveSignedRecord] == 0 {
		tb.Errorf("the archive carries no signed records (read %v)", read)
	}
	delete(read, models.ArchiveSignedRecord)
	return read, counts, err
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
			"remediation": 1, "procedure": 1, "practicum": 1, libraryKind: 3} {
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
			if strings.Contains(u, "pinHash") || strings.Contains(u, "argon2") || strings.Contains(u, "pinRefused") || strings.Contains(u, "pinLockedAt") ||
				!strings.Contains(u, `"pinSet":false`) {
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
		if n, err := src.CountArchive(ctx, c.program.ID); err != nil || n != 17+len(before["audit"]) {
			t.Errorf("CountArchive = %d, %v; want %d", n, err, 17+len(before["audit"]))
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
					u.PINSet, u.PINHash, u.PINFailures, u.PINSetAt = false, "", 0, nil
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
				if n, err := dst.CountArchive(ctx, c.program.ID); err != nil || n != 17+len(before["audit"]) {
					t.Errorf("CountArchive after the move = %d, %v; want %d", n, err, 17+len(before["audit"]))
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
