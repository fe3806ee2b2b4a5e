package mongo

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"skillbook/models"
)

// Audit chain collections: each program's chain head, and the signed
// checkpoints of heads.
const (
	colAuditHeads       = "auditHeads"
	colAuditCheckpoints = "auditCheckpoints"
)

// chainBatch is how many entries one advance of a head links.
const chainBatch = 200

// chainRetries bounds how often an append retries a head another relay
// moved first.
const chainRetries = 100

// auditHeadDoc is a program's chain head. Moving it is the commit point of
// an append: one version-guarded single-document write links a batch of
// entries (kept in Tail) after the head, so two relays cannot give two
// entries one sequence number. The entries are then written to the trail;
// a relay that crashes in between leaves them in Tail, and whoever next
// reads the head writes them first.
type auditHeadDoc struct {
	ProgramID string       `bson:"_id"`
	Seq       int64        `bson:"seq"`
	Hash      string       `bson:"hash"`
	At        time.Time    `bson:"at"`
	Version   int64        `bson:"version"`
	Tail      []auditEntry `bson:"tail"`
}

func (h auditHeadDoc) head() models.AuditHead {
	return models.AuditHead{ProgramID: h.ProgramID, Seq: h.Seq, Hash: h.Hash, At: h.At}
}

// sortEvents puts events in the order they were made (time, then id).
func sortEvents(events []models.Event) {
	slices.SortFunc(events, func(a, b models.Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
}

// appendAuditEntries links events into their programs' chains, in the
// order given, and stores them in the trail. Each event is linked once
// however often it is relayed.
func (s *Store) appendAuditEntries(ctx context.Context, events []models.Event) error {
	var order []string
	byProgram := map[string][]models.Event{}
	for _, e := range events {
		if _, ok := byProgram[e.ProgramID]; !ok {
			order = append(order, e.ProgramID)
		}
		byProgram[e.ProgramID] = append(byProgram[e.ProgramID], e)
	}
	for _, p := range order {
		for batch := range slices.Chunk(byProgram[p], chainBatch) {
			if err := s.appendChain(ctx, p, batch); err != nil {
				return err
			}
		}
	}
	return nil
}

// appendChain links batch (events of programID) after the program's head.
func (s *Store) appendChain(ctx context.Context, programID string, batch []models.Event) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	for range chainRetries {
		h, err := s.readAuditHead(ctx, programID)
		if err != nil {
			return err
		}
		// One read says which of the batch are linked already and
		// whether the head's tail was written (in order, so its last
		// entry there means all are).
		ids := make([]string, 0, len(batch)+1)
		for _, e := range batch {
			ids = append(ids, e.ID)
		}
		var last auditEntry
		if len(h.Tail) > 0 {
			last = h.Tail[len(h.Tail)-1]
			ids = append(ids, last.ID)
		}
		linked, err := s.linkedSeqs(ctx, programID, ids)
		if err != nil {
			return err
		}
		if len(h.Tail) > 0 && linked[last.ID] != last.Seq {
			if err := s.writeTail(ctx, h); err != nil {
				return err
			}
		}
		todo := unlinked(h, batch, linked)
		if len(todo) == 0 {
			return nil
		}
		next := nextAuditHead(h, todo)
		moved, err := s.moveAuditHead(ctx, h.Version, next)
		if err != nil {
			return err
		}
		if moved {
			return s.writeTail(ctx, next)
		}
	}
	return fmt.Errorf("append audit entries of %s: %w: the chain head kept moving", programID, models.ErrConflict)
}

// nextAuditHead is head h moved over events, which it keeps as its tail.
func nextAuditHead(h auditHeadDoc, events []models.Event) auditHeadDoc {
	next := auditHeadDoc{ProgramID: h.ProgramID, Version: h.Version + 1}
	head := h.head()
	for _, e := range events {
		head.Link(&e)
		next.Tail = append(next.Tail, auditEntry{ID: e.ID, Event: e})
	}
	next.Seq, next.Hash, next.At = head.Seq, head.Hash, head.At
	return next
}

// readAuditHead reads programID's chain head (version 0 before its first
// entry).
func (s *Store) readAuditHead(ctx context.Context, programID string) (auditHeadDoc, error) {
	var h auditHeadDoc
	err := s.collection(colAuditHeads).FindOne(ctx, bson.M{"_id": programID}).Decode(&h)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return auditHeadDoc{ProgramID: programID}, nil
	}
	return h, translate(err, "read audit head of "+programID)
}

// moveAuditHead replaces the head at version with next, unless another
// relay moved it first.
func (s *Store) moveAuditHead(ctx context.Context, version int64, next auditHeadDoc) (bool, error) {
	if version == 0 {
		_, err := s.collection(colAuditHeads).InsertOne(ctx, next)
		if isDuplicateKey(err) {
			return false, nil
		}
		return err == nil, translate(err, "start audit chain of "+next.ProgramID)
	}
	res, err := s.collection(colAuditHeads).ReplaceOne(ctx, bson.M{"_id": next.ProgramID, "version": version}, next)
	if err != nil {
		return false, translate(err, "move audit head of "+next.ProgramID)
	}
	return res.MatchedCount == 1, nil
}

// writeTail writes the entries the head's last move linked into the trail,
// in order.
func (s *Store) writeTail(ctx context.Context, h auditHeadDoc) error {
	writes := make([]mongo.WriteModel, 0, len(h.Tail))
	for _, e := range h.Tail {
		doc, err := auditEntryDoc(e)
		if err != nil {
			return fmt.Errorf("append audit entries of %s: %w", h.ProgramID, err)
		}
		// A replace, not an insert: an entry written before the trail
		// was chained is linked in place.
		writes = append(writes, mongo.NewReplaceOneModel().SetFilter(bson.M{"_id": e.ID}).SetReplacement(doc).SetUpsert(true))
	}
	_, err := s.collection(colAudit).BulkWrite(ctx, writes, options.BulkWrite().SetOrdered(true))
	return translate(err, "append audit entries of "+h.ProgramID)
}

// auditEntryDoc is e as stored: its data last, keys sorted (a Go map
// comes out in any order), so the same entry is always the same document
// and an archive imported elsewhere stores it byte for byte.
func auditEntryDoc(e auditEntry) (bson.Raw, error) {
	data := e.Data
	e.Data = nil
	raw, err := bson.Marshal(e)
	if err != nil || len(data) == 0 {
		return raw, err
	}
	doc := slices.Clone(raw[:len(raw)-1])
	idx, doc := bsoncore.AppendDocumentElementStart(doc, "data")
	for _, k := range slices.Sorted(maps.Keys(data)) {
		doc = bsoncore.AppendStringElement(doc, k, data[k])
	}
	doc, err = bsoncore.AppendDocumentEnd(doc, idx)
	if err != nil {
		return nil, err
	}
	doc = append(doc, 0)
	return bsoncore.UpdateLength(doc, 0, int32(len(doc))), nil
}

// linkedSeqs returns the sequence numbers of the entries of ids that are
// linked in the trail.
func (s *Store) linkedSeqs(ctx context.Context, programID string, ids []string) (map[string]int64, error) {
	cur, err := s.collection(colAudit).Find(ctx, bson.M{"_id": bson.M{"$in": ids}, "seq": bson.M{"$gt": 0}},
		options.Find().SetProjection(bson.M{"_id": 1, "seq": 1}))
	if err != nil {
		return nil, translate(err, "read audit entries of "+programID)
	}
	var found []struct {
		ID  string `bson:"_id"`
		Seq int64  `bson:"seq"`
	}
	if err := cur.All(ctx, &found); err != nil {
		return nil, translate(err, "read audit entries of "+programID)
	}
	out := make(map[string]int64, len(found))
	for _, f := range found {
		out[f.ID] = f.Seq
	}
	return out, nil
}

// unlinked returns the events of batch not yet in the chain head h ends:
// neither in its tail nor linked in the trail (linked), each once.
func unlinked(h auditHeadDoc, batch []models.Event, linked map[string]int64) []models.Event {
	seen := map[string]bool{}
	for _, e := range h.Tail {
		seen[e.ID] = true
	}
	var out []models.Event
	for _, e := range batch {
		if seen[e.ID] || linked[e.ID] > 0 {
			continue
		}
		seen[e.ID] = true
		out = append(out, e)
	}
	return out
}

// chainBacklog links the entries written before the trail was chained (no
// seq) into their programs' chains, oldest first (ids are UUIDv7).
func (s *Store) chainBacklog(ctx context.Context) error {
	for {
		// One program at a time, until none has an unchained entry.
		var one struct {
			ProgramID string `bson:"programId"`
		}
		err := s.collection(colAudit).FindOne(ctx, bson.M{"seq": nil}, options.FindOne().SetProjection(bson.M{"programId": 1})).Decode(&one)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil
		}
		if err != nil {
			return translate(err, "find unchained audit entries")
		}
		p := one.ProgramID
		cur, err := s.collection(colAudit).Find(ctx, bson.M{"programId": p, "seq": nil}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
		if err != nil {
			return translate(err, "read unchained audit entries of "+p)
		}
		var batch []models.Event
		for cur.Next(ctx) {
			var a auditEntry
			if err := cur.Decode(&a); err != nil {
				cur.Close(ctx)
				return translate(err, "read unchained audit entries of "+p)
			}
			a.Event.ID = a.ID
			batch = append(batch, a.Event)
			if len(batch) == chainBatch {
				if err := s.appendChain(ctx, p, batch); err != nil {
					cur.Close(ctx)
					return err
				}
				batch = batch[:0]
			}
		}
		err = cur.Err()
		cur.Close(ctx)
		if err != nil {
			return translate(err, "read unchained audit entries of "+p)
		}
		if err := s.appendChain(ctx, p, batch); err != nil {
			return err
		}
	}
}

// VerifyAudit walks programID's audit chain in sequence order with one
// cursor, up to the head it read first (entries appended meanwhile are
// the next walk's), and reports its first broken link, or that it is
// intact. It also holds the chain to the program's latest checkpoint.
func (s *Store) VerifyAudit(ctx context.Context, programID string) (models.AuditVerification, error) {
	if programID == "" {
		return models.AuditVerification{}, errEmptyProgram
	}
	h, err := s.readAuditHead(ctx, programID)
	if err != nil {
		return models.AuditVerification{}, err
	}
	// A walk only reads: entries a relay linked but did not write before
	// it stopped are a gap until the sweep relays their events again.
	var cp *models.AuditCheckpoint
	switch c, err := s.LatestAuditCheckpoint(ctx, programID); {
	case err == nil:
		cp = &c
	case !errors.Is(err, models.ErrNotFound):
		return models.AuditVerification{}, err
	}
	check := models.NewChainCheck(programID, cp)
	what := "verify audit chain of " + programID
	cur, err := s.collection(colAudit).Find(ctx, bson.M{"programId": programID, "seq": bson.M{"$gt": 0, "$lte": h.Seq}},
		options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetBatchSize(chainBatch).SetProjection(bson.M{"notify": 0}))
	if err != nil {
		return models.AuditVerification{}, translate(err, what)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var a auditEntry
		if err := cur.Decode(&a); err != nil {
			var seq struct {
				Seq int64 `bson:"seq"`
			}
			_ = cur.Decode(&seq)
			a = auditEntry{Event: models.Event{ID: "?", Seq: seq.Seq}}
		}
		if !check.Add(a.Event) {
			break
		}
	}
	if err := cur.Err(); err != nil {
		return models.AuditVerification{}, translate(err, what)
	}
	// Every entry is written linked (Init links older ones): one without
	// a link was slipped in.
	var unlinked auditEntry
	switch err := s.collection(colAudit).FindOne(ctx, bson.M{"programId": programID, "seq": nil},
		options.FindOne().SetProjection(bson.M{"_id": 1})).Decode(&unlinked); {
	case err == nil:
		check.Unlinked(unlinked.ID)
	case !errors.Is(err, mongo.ErrNoDocuments):
		return models.AuditVerification{}, translate(err, what)
	}
	return check.Result(h.head()), nil
}

// AuditHeads lists every program's audit chain head.
func (s *Store) AuditHeads(ctx context.Context) ([]models.AuditHead, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	cur, err := s.collection(colAuditHeads).Find(ctx, bson.M{},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(bson.M{"tail": 0}))
	if err != nil {
		return nil, translate(err, "list audit heads")
	}
	var heads []auditHeadDoc
	if err := cur.All(ctx, &heads); err != nil {
		return nil, translate(err, "list audit heads")
	}
	out := make([]models.AuditHead, len(heads))
	for i, h := range heads {
		out[i] = h.head()
	}
	return out, nil
}

// LatestAuditCheckpoint returns programID's newest chain checkpoint, or
// models.ErrNotFound before its first.
func (s *Store) LatestAuditCheckpoint(ctx context.Context, programID string) (models.AuditCheckpoint, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var c models.AuditCheckpoint
	err := s.collection(colAuditCheckpoints).FindOne(ctx, bson.M{"programId": programID},
		options.FindOne().SetSort(bson.D{{Key: "seq", Value: -1}})).Decode(&c)
	return c, translate(err, "latest audit checkpoint of "+programID)
}

// AppendAuditCheckpoint stores c; a second checkpoint at the same sequence
// number of a program is models.ErrConflict.
func (s *Store) AppendAuditCheckpoint(ctx context.Context, c models.AuditCheckpoint) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	_, err := s.collection(colAuditCheckpoints).InsertOne(ctx, c)
	return translate(err, fmt.Sprintf("append audit checkpoint of %s at %d", c.ProgramID, c.Seq))
}

// DatabaseName is the name of the store's database (tests that play an
// intruder with direct access to it open it).
func (s *Store) DatabaseName() string { return s.db.Name() }
