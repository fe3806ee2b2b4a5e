package sqlite

import (
	"bytes"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.mongodb.org/mongo-driver/v2/bson"

	"skillbook/export"
	"skillbook/models"
)

// exportArchiveOf writes programID's archive and returns it with its
// records by kind, sorted.
func exportArchiveOf(tb testing.TB, s *Store, programID string) ([]byte, map[string][]string) {
	tb.Helper()
	var buf bytes.Buffer
	w, err := export.NewArchiveWriter(&buf, export.ArchiveHeader{ProgramID: programID})
	if err != nil {
		tb.Fatal(err)
	}
	records := map[string][]string{}
	err = s.EachArchiveRecord(tb.Context(), programID, func(kind string, doc []byte) error {
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

// exportImport imports archive data into s.
func exportImport(tb testing.TB, s *Store, data []byte) (read, imported map[string]int, err error) {
	tb.Helper()
	ctx := tb.Context()
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
	// Signed records are derived from the attempts, not imported.
	delete(read, models.ArchiveSignedRecord)
	return read, counts, err
}

// exportRows returns query's rows, each as its columns joined.
func exportRows(tb testing.TB, s *Store, query string, args ...any) []string {
	tb.Helper()
	rows, err := s.reader.Query(query, args...)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		var parts []string
		for _, v := range vals {
			if !v.Valid {
				parts = append(parts, "NULL")
			} else {
				parts = append(parts, v.String)
			}
		}
		out = append(out, strings.Join(parts, "|"))
	}
	slices.Sort(out)
	return out
}

// TestExportArchiveRoundTripKeepsTheColumns: an archive imported into an
// empty store gives back every row with the columns beside its doc (PIN
// secrets aside: an archive carries none), and no delivery state (the
// contract suite checks the records as the store answers them).
func TestExportArchiveRoundTripKeepsTheColumns(t *testing.T) {
	src, _ := openTest(t)
	dst, _ := openTest(t)
	c := exportSeed(t, src)
	data, before := exportArchiveOf(t, src, c.program.ID)
	exportLibrary(t, dst)
	if _, _, err := exportImport(t, dst, data); err != nil {
		t.Fatal(err)
	}
	// The fixture's shipped checklists carry the same times in both
	// stores: the library records are equal too.
	if _, after := exportArchiveOf(t, dst, c.program.ID); !cmp.Equal(before, after) {
		t.Errorf("records after the round trip (-before +after):\n%s", cmp.Diff(before, after))
	}
	for _, q := range []string{
		`SELECT * FROM programs WHERE id = ?`,
		`SELECT id, program_id, email, uid, role, active, version, created_at, doc FROM users WHERE program_id = ? AND role = 'student'`,
		`SELECT * FROM cohort_members WHERE program_id = ?`,
		`SELECT * FROM cohorts WHERE program_id = ?`,
		`SELECT * FROM checklists WHERE program_id = ?`,
		`SELECT * FROM assignments WHERE program_id = ?`,
		`SELECT * FROM attempts WHERE program_id = ?`,
		`SELECT * FROM remediations WHERE program_id = ?`,
		`SELECT * FROM procedures WHERE program_id = ?`,
		`SELECT * FROM events WHERE program_id = ?`,
	} {
		if diff := cmp.Diff(exportRows(t, src, q, c.program.ID), exportRows(t, dst, q, c.program.ID)); diff != "" {
			t.Errorf("%s after the round trip (-before +after):\n%s", q, diff)
		}
	}
	if got := exportRows(t, dst, `SELECT pin_hash, pin_failures, json_extract(doc, '$.signingPinSet') FROM users WHERE id = ?`, c.instructor.ID); !slices.Equal(got, []string{"|0|0"}) {
		t.Errorf("instructor's PIN after import = %v; want none, to be set again", got)
	}
	var n int
	if err := dst.reader.QueryRow(`SELECT count(*) FROM notifications`).Scan(&n); err != nil || n != 0 {
		t.Errorf("notifications after import = %d, %v; want none (delivery state is not archived)", n, err)
	}
}

func TestExportArchiveImportIsAllOrNothing(t *testing.T) {
	src, _ := openTest(t)
	c := exportSeed(t, src)
	data, _ := exportArchiveOf(t, src, c.program.ID)

	// A store that holds the program's users elsewhere (the same emails)
	// refuses the users; nothing of the archive stays.
	dst, _ := openTest(t)
	exportLibrary(t, dst)
	other := exportProgram(t, dst)
	exportExec(t, dst, `INSERT INTO users (id, program_id, email, role, active, version, created_at, doc) VALUES ('x', ?, ?, 'student', 1, 1, 0, '{}')`,
		other, models.NormalizeEmail(c.bob.Email))
	if _, _, err := exportImport(t, dst, data); !errors.Is(err, models.ErrConflict) {
		t.Fatalf("import with a taken email = %v; want conflict", err)
	}
	for _, table := range []string{"programs", "users", "cohorts", "attempts", "events"} {
		var n int
		dst.reader.QueryRow(`SELECT count(*) FROM `+table+` WHERE `+map[bool]string{true: "id", false: "program_id"}[table == "programs"]+` = ?`, c.program.ID).Scan(&n)
		if n != 0 {
			t.Errorf("%d %s rows left after a failed import; want none", n, table)
		}
	}
	// The writer is free again.
	exportProgram(t, dst)

	// A record of another program is refused.
	im, err := dst.BeginArchiveImport(t.Context(), "p-other")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := bson.MarshalExtJSON(models.Program{ID: "p-else"}, true, false)
	if err := im.Add(t.Context(), ArchiveProgram, doc); err == nil || !strings.Contains(err.Error(), "p-else") {
		t.Errorf("Add of another program's record = %v; want refused", err)
	}
	if _, err := im.Close(t.Context()); err == nil {
		t.Errorf("Close after a failed Add = nil; want its error")
	}
	im, err = dst.BeginArchiveImport(t.Context(), "p-other")
	if err != nil {
		t.Fatal(err)
	}
	if err := im.Add(t.Context(), "device", []byte(`{}`)); err == nil {
		t.Errorf("Add of an unknown kind = nil; want refused")
	}
	im.Abort()
}

// TestExportArchiveImportReadsTheMongoDBEnginesForm imports records as the
// MongoDB (and FerretDB) engine archives them: unbound uids marked
// "invited:", events still pending in a document, shipped checklists
// keyed by _id.
func TestExportArchiveImportReadsTheMongoDBEnginesForm(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	exportLibrary(t, s)
	im, err := s.BeginArchiveImport(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	add := func(kind string, d bson.D) {
		t.Helper()
		doc, err := bson.MarshalExtJSON(d, true, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := im.Add(ctx, kind, doc); err != nil {
			t.Fatalf("Add %s: %v", kind, err)
		}
	}
	pending := bson.E{Key: "_pending", Value: bson.D{}}
	add("program", bson.D{{Key: "_id", Value: "p1"}, {Key: "name", Value: "Valley"}, {Key: "createdAt", Value: testEpoch}})
	add("user", bson.D{{Key: "_id", Value: "u1"}, {Key: "programId", Value: "p1"}, {Key: "email", Value: "Ann@Example.com"}, {Key: "name", Value: "Ann"},
		{Key: "role", Value: "student"}, {Key: "cohortIds", Value: bson.A{"c1"}}, {Key: "uid", Value: "invited:u1"}, {Key: "pinSet", Value: false},
		{Key: "active", Value: true}, {Key: "version", Value: int64(3)}, {Key: "createdAt", Value: testEpoch}, pending})
	add("user", bson.D{{Key: "_id", Value: "u2"}, {Key: "programId", Value: "p1"}, {Key: "email", Value: "ivy@example.com"}, {Key: "name", Value: "Ivy"},
		{Key: "role", Value: "instructor"}, {Key: "uid", Value: "firebase-uid-2"}, {Key: "active", Value: true}, {Key: "version", Value: int64(1)}})
	add("cohort", bson.D{{Key: "_id", Value: "c1"}, {Key: "programId", Value: "p1"}, {Key: "name", Value: "Fall 2026"}, {Key: "nameKey", Value: "fall 2026"},
		{Key: "startDate", Value: "2026-09-01"}, {Key: "version", Value: int64(1)}, {Key: "createdAt", Value: testEpoch}})
	add("attempt", bson.D{{Key: "_id", Value: "a1"}, {Key: "programId", Value: "p1"}, {Key: "studentId", Value: "u1"}, {Key: "cohortId", Value: "c1"},
		{Key: "checklistId", Value: "bp-manual"}, {Key: "checklistVersion", Value: int32(1)}, {Key: "area", Value: "vital-signs"},
		{Key: "kind", Value: "evaluation"}, {Key: "status", Value: "requested"}, {Key: "openSlot", Value: "open"},
		{Key: "requestedAt", Value: testEpoch}, {Key: "version", Value: int64(1)}, pending, {Key: "_pendingIds", Value: bson.A{}}})
	add("audit", bson.D{{Key: "_id", Value: "e1"}, {Key: "id", Value: "e1"}, {Key: "type", Value: "user.invited"}, {Key: "programId", Value: "p1"},
		{Key: "actor", Value: bson.D{{Key: "userId", Value: "admin"}}}, {Key: "at", Value: testEpoch}, {Key: "subject", Value: "user"},
		{Key: "subjectId", Value: "u1"}, {Key: "notify", Value: bson.A{bson.D{{Key: "userId", Value: "u1"}}}}})
	lib := exportChecklistOf(t, s, "", "bp-manual")
	raw, err := bson.Marshal(archiveChecklist{Key: "library/bp-manual/1", Checklist: lib})
	if err != nil {
		t.Fatal(err)
	}
	var libDoc bson.D
	if err := bson.Unmarshal(raw, &libDoc); err != nil {
		t.Fatal(err)
	}
	add(ArchiveLibraryChecklist, libDoc) // already there: left alone
	counts, err := im.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"program": 1, "user": 2, "cohort": 1, "attempt": 1, "audit": 1, ArchiveLibraryChecklist: 1}; !cmp.Equal(counts, want) {
		t.Errorf("counts = %v; want %v", counts, want)
	}
	for q, want := range map[string][]string{
		`SELECT id, email, uid, version FROM users`:                                  {"u1|ann@example.com|NULL|3", "u2|ivy@example.com|firebase-uid-2|1"},
		`SELECT cohort_id, user_id, role FROM cohort_members`:                        {"c1|u1|student"},
		`SELECT name_key FROM cohorts`:                                               {"fall 2026"},
		`SELECT open_slot, status, json_extract(doc, '$.checklistId') FROM attempts`: {"open|requested|bp-manual"},
		`SELECT id, subject_id, json_extract(doc, '$.notify') FROM events`:           {"e1|u1|NULL"},
		`SELECT count(*) FROM notifications`:                                         {"0"},
		`SELECT count(*) FROM checklists WHERE checklist_id = 'bp-manual'`:           {"1"},
	} {
		if got := exportRows(t, s, q); !slices.Equal(got, want) {
			t.Errorf("%s = %v; want %v", q, got, want)
		}
	}
}
