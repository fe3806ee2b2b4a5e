package mongo

import (
	"context"
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"skillbook/models"
)

// The archive holds every record of a program as stored: the program,
// users, cohorts, its own checklist versions, assignments, attempts (with
// evaluations, signatures and amendments), remediations, procedures,
// practicum hours, the audit trail, then the shipped checklist versions its assignments and
// attempts name. Two things are left out on purpose: signing-PIN hashes
// (a PIN has so few values that its hash is as good as the PIN; pinSet is
// written false, so instructors set a PIN again after an import), and the
// notification feed, devices and idempotency keys, which are delivery
// state rather than records. Events still waiting in a document are
// written as audit entries, so none is lost.

// Archive record kinds.
const (
	ArchiveProgram          = "program"
	ArchiveLibraryChecklist = "libraryChecklist"
)

// archiveSources are the collections of an archive, in the order written.
var archiveSources = []struct{ kind, col string }{
	{ArchiveProgram, colPrograms},
	{"user", colUsers},
	{"cohort", colCohorts},
	{"checklist", colChecklists},
	{"assignment", colAssignments},
	{"attempt", colAttempts},
	{"remediation", colRemediations},
	{"procedure", colProcedures},
	{"practicum", colPracticum},
	{"audit", colAudit},
}

// archiveCollection maps a record kind to its collection.
func archiveCollection(kind string) (string, bool) {
	if kind == ArchiveLibraryChecklist {
		return colChecklists, true
	}
	for _, src := range archiveSources {
		if src.kind == kind {
			return src.col, true
		}
	}
	return "", false
}

func archiveFilter(kind, programID string) bson.M {
	if kind == ArchiveProgram {
		return bson.M{"_id": programID}
	}
	return bson.M{"programId": programID}
}

// CountArchive counts the records an archive of programID holds, besides
// shipped checklist versions and pending events.
func (s *Store) CountArchive(ctx context.Context, programID string) (int, error) {
	total := 0
	for _, src := range archiveSources {
		cctx, cancel := s.boundExport(ctx)
		n, err := s.collection(src.col).CountDocuments(cctx, archiveFilter(src.kind, programID))
		cancel()
		if err != nil {
			return 0, translate(err, "count "+src.col)
		}
		total += int(n)
	}
	return total, nil
}

// EachArchiveRecord calls fn with every record of programID, kind by kind,
// each document as canonical Extended JSON, reading with cursors so one
// document is in memory at a time.
func (s *Store) EachArchiveRecord(ctx context.Context, programID string, fn func(kind string, doc []byte) error) error {
	if programID == "" {
		return errEmptyProgram
	}
	refs := map[string]bool{}
	for _, src := range archiveSources {
		err := s.eachRaw(ctx, src.col, archiveFilter(src.kind, programID), func(raw bson.Raw) error {
			if src.col == colAssignments || src.col == colAttempts {
				id, _ := raw.Lookup("checklistId").StringValueOK()
				v, _ := raw.Lookup("checklistVersion").AsInt64OK()
				refs[checklistKey("", id, int(v))] = true
			}
			doc, events, err := archiveDoc(src.col, raw)
			if err != nil {
				return fmt.Errorf("archive %s: %w", src.col, err)
			}
			for _, e := range events {
				if err := emitExtJSON(fn, "audit", auditEntry{ID: e.ID, Event: e}); err != nil {
					return err
				}
			}
			if err := emitExtJSON(fn, src.kind, doc); err != nil {
				return err
			}
			if src.col != colAttempts {
				return nil
			}
			var a models.Attempt
			if err := bson.Unmarshal(raw, &a); err != nil {
				return fmt.Errorf("archive %s: %w", src.col, err)
			}
			lines, err := models.SignedEntryLines(&a)
			for _, line := range lines {
				if err == nil {
					err = fn(models.ArchiveSignedRecord, line)
				}
			}
			return err
		})
		if err != nil {
			return err
		}
	}
	for _, key := range sortedKeys(refs) {
		ctx, cancel := s.bound(ctx)
		var raw bson.Raw
		err := s.collection(colChecklists).FindOne(ctx, bson.M{"_id": key}, options.FindOne().SetProjection(hideEvents)).Decode(&raw)
		cancel()
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return translate(err, "archive shipped checklist "+key)
		}
		if err := emitExtJSON(fn, ArchiveLibraryChecklist, raw); err != nil {
			return err
		}
	}
	return nil
}

func emitExtJSON(fn func(string, []byte) error, kind string, v any) error {
	b, err := bson.MarshalExtJSON(v, true, false)
	if err != nil {
		return fmt.Errorf("archive %s: encode: %w", kind, err)
	}
	return fn(kind, b)
}

// eachRaw calls fn with every document of col matching q, in natural
// order (no sort, so the engine streams rather than sorts).
func (s *Store) eachRaw(ctx context.Context, col string, q bson.M, fn func(bson.Raw) error) error {
	opts := options.Find().SetBatchSize(500)
	if col == colAudit {
		// In chain order: an import links them again in the order read.
		opts.SetSort(bson.D{{Key: "seq", Value: 1}})
	}
	cur, err := s.collection(col).Find(ctx, q, opts)
	if err != nil {
		return translate(err, "read "+col)
	}
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		if err := fn(cur.Current); err != nil {
			return err
		}
	}
	return translate(cur.Err(), "read "+col)
}

// archiveDoc returns raw as archived: without signing-PIN secrets, and
// with its pending events taken out (returned, to be archived as audit
// entries).
func archiveDoc(col string, raw bson.Raw) (bson.Raw, []models.Event, error) {
	var events []models.Event
	if v, err := raw.LookupErr(fieldPending); err == nil {
		var pending map[string]models.Event
		if err := v.Unmarshal(&pending); err != nil {
			return nil, nil, err
		}
		for _, id := range sortedKeys(pending) {
			events = append(events, pending[id])
		}
	}
	if len(events) == 0 && col != colUsers {
		return raw, nil, nil
	}
	elems, err := raw.Elements()
	if err != nil {
		return nil, nil, err
	}
	idx, out := bsoncore.ReserveLength(nil)
	for _, e := range elems {
		switch key := e.Key(); {
		case col == colUsers && (key == "pinHash" || key == "pinFailures" || key == "pinLockedAt" || key == "pinRefused" || key == "pinSetAt"):
		case col == colUsers && key == "pinSet":
			out = bsoncore.AppendBooleanElement(out, key, false)
		case len(events) > 0 && key == fieldPending:
			out = bsoncore.AppendDocumentElement(out, key, bsoncore.NewDocumentBuilder().Build())
		case len(events) > 0 && key == fieldPendingIDs:
			out = bsoncore.AppendArrayElement(out, key, bsoncore.NewArrayBuilder().Build())
		case len(events) > 0 && key == fieldHasPending:
			out = bsoncore.AppendBooleanElement(out, key, false)
		default:
			out = append(out, e...)
		}
	}
	out = append(out, 0)
	out = bsoncore.UpdateLength(out, idx, int32(len(out)))
	return bson.Raw(out), events, nil
}

// ArchiveImport writes an archive's records into a store that does not
// hold the program yet (or holds it with no records), keeping every id,
// so signature digests, which cover ids, still verify.
type ArchiveImport struct {
	s         *Store
	programID string
	replace   bool
	batches   map[string][]any
	counts    map[string]int
}

// importBatch is how many documents one insert carries.
const importBatch = 500

// BeginArchiveImport checks that programID may be imported here.
func (s *Store) BeginArchiveImport(ctx context.Context, programID string) (models.ArchiveImport, error) {
	if programID == "" {
		return nil, errEmptyProgram
	}
	for _, src := range archiveSources[1:] {
		cctx, cancel := s.bound(ctx)
		n, err := s.collection(src.col).CountDocuments(cctx, bson.M{"programId": programID}, options.Count().SetLimit(1))
		cancel()
		if err != nil {
			return nil, translate(err, "check "+src.col)
		}
		if n > 0 {
			return nil, fmt.Errorf("import program %s: %w: the program already holds %s records here; import into a store without it", programID, models.ErrConflict, src.kind)
		}
	}
	_, err := s.Program(ctx, programID)
	switch {
	case errors.Is(err, models.ErrNotFound):
	case err != nil:
		return nil, err
	}
	return &ArchiveImport{s: s, programID: programID, replace: err == nil, batches: map[string][]any{}, counts: map[string]int{}}, nil
}

// Add imports one record of kind given as canonical Extended JSON.
func (im *ArchiveImport) Add(ctx context.Context, kind string, extJSON []byte) error {
	col, ok := archiveCollection(kind)
	if !ok {
		return fmt.Errorf("import: unknown record kind %q", kind)
	}
	var raw bson.Raw
	if err := bson.UnmarshalExtJSON(extJSON, true, &raw); err != nil {
		return fmt.Errorf("import %s: %w", kind, err)
	}
	owner, _ := raw.Lookup("programId").StringValueOK()
	want := im.programID
	switch kind {
	case ArchiveProgram:
		owner, _ = raw.Lookup("_id").StringValueOK()
	case ArchiveLibraryChecklist:
		want = ""
	}
	if owner != want {
		return fmt.Errorf("import %s: a record of program %q in an archive of %q", kind, owner, im.programID)
	}
	if kind == ArchiveProgram && im.replace {
		ctx, cancel := im.s.bound(ctx)
		defer cancel()
		if _, err := im.s.collection(col).ReplaceOne(ctx, bson.M{"_id": im.programID}, raw); err != nil {
			return translate(err, "import program")
		}
		im.counts[kind]++
		return nil
	}
	im.batches[kind] = append(im.batches[kind], raw)
	if len(im.batches[kind]) >= importBatch {
		return im.flush(ctx, kind)
	}
	return nil
}

func (im *ArchiveImport) flush(ctx context.Context, kind string) error {
	docs := im.batches[kind]
	if len(docs) == 0 {
		return nil
	}
	n, err := im.s.ImportDocuments(ctx, kind, docs)
	im.counts[kind] += n
	im.batches[kind] = docs[:0]
	return err
}

// Abort gives up an import. The MongoDB engine stores records as they
// are added (there is no transaction to roll back): what was added stays,
// and importing the archive again completes it.
func (im *ArchiveImport) Abort() {}

// Close writes what is buffered and returns how many records of each kind
// were imported (shipped checklist versions and audit entries already
// present count too).
func (im *ArchiveImport) Close(ctx context.Context) (map[string]int, error) {
	for _, kind := range sortedKeys(im.batches) {
		if err := im.flush(ctx, kind); err != nil {
			return im.counts, err
		}
	}
	return im.counts, nil
}

// ImportDocuments inserts prepared documents of an archive record kind in
// one unordered insert and reports how many are stored. An audit entry or
// shipped checklist version that is already there is left alone; any
// other duplicate is a conflict. Benchmarks seed with it too.
func (s *Store) ImportDocuments(ctx context.Context, kind string, docs []any) (int, error) {
	col, ok := archiveCollection(kind)
	if !ok {
		return 0, fmt.Errorf("import: unknown record kind %q", kind)
	}
	if len(docs) == 0 {
		return 0, nil
	}
	if kind == "audit" {
		return s.importAudit(ctx, docs)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	res, err := s.collection(col).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	var bwe mongo.BulkWriteException
	if errors.As(err, &bwe) && bwe.WriteConcernError == nil && (kind == "audit" || kind == ArchiveLibraryChecklist) {
		for _, we := range bwe.WriteErrors {
			if !mongo.IsDuplicateKeyError(we) {
				return 0, translate(err, "import "+kind)
			}
		}
		return len(docs), nil
	}
	if err != nil {
		return 0, translate(err, "import "+kind)
	}
	return len(res.InsertedIDs), nil
}

// importAudit links an archive's audit entries into this store's chain of
// their program, in the archive's order, whatever links they carried
// where they were written (as the SQLite engine does). An entry already
// here is left alone.
func (s *Store) importAudit(ctx context.Context, docs []any) (int, error) {
	events := make([]models.Event, 0, len(docs))
	for _, d := range docs {
		raw, err := bson.Marshal(d)
		if err != nil {
			return 0, fmt.Errorf("import audit: %w", err)
		}
		var a auditEntry
		if err := bson.Unmarshal(raw, &a); err != nil {
			return 0, fmt.Errorf("import audit: %w", err)
		}
		e := a.Event
		if e.ID == "" {
			e.ID = a.ID
		}
		e.Seq, e.PrevHash, e.Hash = 0, "", ""
		events = append(events, e)
	}
	if err := s.appendAuditEntries(ctx, events); err != nil {
		return 0, fmt.Errorf("import audit: %w", err)
	}
	return len(docs), nil
}
