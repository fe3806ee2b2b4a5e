package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// Writes of a roster import. Each user is still one document written with
// its own event, atomic on its own, as InsertUser and SaveUser write it;
// what differs is that the inserts travel in batches and the events of all
// the writes are relayed together at the end, so a file of thousands of
// rows costs a few round trips per batch instead of several per row.

// rosterBatch bounds the documents of one insert.
const rosterBatch = 500

// bulkUpdateBatch bounds the updates of one bulk write. FerretDB 1.24 (the
// tests' stand-in) keeps every statement's query open until the whole
// command ends, so about a hundred statements in one command take every
// SQLite connection and the command deadlocks.
const bulkUpdateBatch = 50

// InsertUsers stores new users for a roster import, each w.After with
// its w.Events, as InsertUser stores one. It returns, in order, nil or the
// error that refused each user (models.ErrConflict for an email taken
// meanwhile). A failure of the store itself is returned as err; the users
// inserted before it stay, and importing again completes the rest.
func (s *Store) InsertUsers(ctx context.Context, ws []models.UserWrite) ([]error, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	errs := make([]error, len(ws))
	docs := make([]any, 0, len(ws))
	written := make([]writtenDoc, 0, len(ws))
	for _, w := range ws {
		if w.After.ProgramID == "" {
			return nil, fmt.Errorf("import users: %w", errEmptyProgram)
		}
		events := s.eventsWithIDs(w.Events)
		doc, err := userDoc(w.After, events)
		if err != nil {
			return nil, fmt.Errorf("import user %s: %w", w.After.Email, err)
		}
		docs = append(docs, doc)
		written = append(written, writtenDoc{id: w.After.ID, events: events})
	}

	inserted := written[:0:0]
	for start := 0; start < len(docs); start += rosterBatch {
		end := min(start+rosterBatch, len(docs))
		failed := map[int]bool{}
		_, err := s.collection(colUsers).InsertMany(ctx, docs[start:end], options.InsertMany().SetOrdered(false))
		var bwe mongo.BulkWriteException
		switch {
		case errors.As(err, &bwe) && bwe.WriteConcernError == nil:
			for _, we := range bwe.WriteErrors {
				i := start + we.Index
				failed[i] = true
				if mongo.IsDuplicateKeyError(we) {
					errs[i] = fmt.Errorf("import user: %w: a user with email %s already exists", models.ErrConflict, ws[i].After.Email)
				} else {
					errs[i] = translate(we, "import user "+ws[i].After.Email)
				}
			}
		case err != nil:
			s.relayWritten(ctx, colUsers, inserted)
			return nil, translate(err, "import users")
		}
		for j := start; j < end; j++ {
			if !failed[j] {
				inserted = append(inserted, written[j])
			}
		}
	}
	s.relayWritten(ctx, colUsers, inserted)
	return errs, nil
}

// CohortsByID returns the cohorts with ids, of any program, keyed by id;
// ids no cohort has are absent. Only the fields that say whether a user may
// join one are read: id, program, name and archived.
func (s *Store) CohortsByID(ctx context.Context, ids []string) (map[string]models.Cohort, error) {
	out := map[string]models.Cohort{}
	if len(ids) == 0 {
		return out, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	found, err := findBulk[models.Cohort](ctx, s, colCohorts, bson.M{"_id": bson.M{"$in": ids}},
		bson.M{"_id": 1, "programId": 1, "name": 1, "archived": 1}, "check cohorts")
	if err != nil {
		return nil, err
	}
	for _, c := range found {
		out[c.ID] = c
	}
	return out, nil
}

// SaveUsers writes changes of users for a roster import one by one, each
// as SaveUser writes it (guarded by its version, the program kept with an
// active admin), and relays their events together at the end. It returns,
// in order, each user after the change or the error that refused it; a
// failure of the store itself is returned as err, the changes made before
// it kept.
func (s *Store) SaveUsers(ctx context.Context, ws []models.UserWrite) ([]models.User, []error, error) {
	out := make([]models.User, len(ws))
	errs := make([]error, len(ws))
	var written []writtenDoc
	defer func() { s.relayWritten(ctx, colUsers, written) }()
	for i, w := range ws {
		u, err := s.saveUser(ctx, w)
		if err == nil {
			written = append(written, writtenDoc{id: u.ID})
			u, err = s.keepAnAdmin(ctx, w, u)
		}
		switch {
		case err == nil:
			out[i] = u
		case errors.Is(err, models.ErrConflict), errors.Is(err, models.ErrPreconditionFailed):
			errs[i] = err
		default:
			return nil, nil, err
		}
	}
	return out, errs, nil
}

// writtenDoc is a document this request wrote with pending events. events
// may be left out; relayWritten then reads them.
type writtenDoc struct {
	id     string
	events []models.Event
}

// relayWritten relays the events of documents just written, as relay does
// one by one, in a few round trips whatever their number: the documents'
// events read in one query (when not known), the audit entries in one
// insert (each idempotent on its event id), notifications queued, each
// document's relayed events removed in one bulk write of updates by _id,
// and the flags of documents left with no events cleared in one update.
// Like relayAfter, a failure is logged and left to the sweep.
func (s *Store) relayWritten(ctx context.Context, col string, docs []writtenDoc) {
	if err := s.relayBatch(ctx, col, docs); err != nil {
		s.log.Warn("relay events later", "collection", col, "documents", len(docs), "error", err)
	}
}

func (s *Store) relayBatch(ctx context.Context, col string, docs []writtenDoc) error {
	if len(docs) == 0 {
		return nil
	}
	// A batch gets time in proportion to its size: a few hundred documents'
	// clears can take longer than one call's deadline.
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.timeout+time.Duration(len(docs))*100*time.Millisecond)
		defer cancel()
	}
	if err := s.readPending(ctx, col, docs); err != nil {
		return err
	}
	var entries []models.Event
	for _, d := range docs {
		for _, e := range d.events {
			entries = append(entries, e)
			if len(e.Notify) > 0 {
				if err := s.enqueueNotifications(ctx, e); err != nil {
					return err
				}
			}
		}
	}
	// Linked into the chain in the order they were made, a batch per
	// head move (each entry once, however often it is relayed).
	sortEvents(entries)
	if err := s.appendAuditEntries(ctx, entries); err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	var clears []mongo.WriteModel
	ids := make([]string, 0, len(docs))
	for _, d := range docs {
		ids = append(ids, d.id)
		if len(d.events) == 0 {
			continue
		}
		unset, eids := bson.M{}, bson.A{}
		for _, e := range d.events {
			unset[fieldPending+"."+e.ID] = ""
			eids = append(eids, e.ID)
		}
		clears = append(clears, mongo.NewUpdateOneModel().SetFilter(bson.M{"_id": d.id}).
			SetUpdate(bson.M{"$unset": unset, "$pullAll": bson.M{fieldPendingIDs: eids}}))
	}
	for batch := range slices.Chunk(clears, bulkUpdateBatch) {
		if _, err := s.collection(col).BulkWrite(ctx, batch, options.BulkWrite().SetOrdered(false)); err != nil {
			return translate(err, "relay: clear "+col)
		}
	}
	_, err := s.collection(col).UpdateMany(ctx, bson.M{"_id": bson.M{"$in": ids}, fieldPendingIDs + ".0": bson.M{"$exists": false}},
		bson.M{"$set": bson.M{fieldHasPending: false}})
	return translate(err, "relay: clear flags "+col)
}

// readPending fills in the events of the documents that lack them.
func (s *Store) readPending(ctx context.Context, col string, docs []writtenDoc) error {
	var ids []string
	at := map[string]int{}
	for i, d := range docs {
		if d.events == nil {
			ids = append(ids, d.id)
			at[d.id] = i
		}
	}
	if len(ids) == 0 {
		return nil
	}
	found, err := findBulk[pendingOf](ctx, s, col, bson.M{"_id": bson.M{"$in": ids}},
		bson.M{"_id": 1, fieldPending: 1}, "relay: read "+col)
	if err != nil {
		return err
	}
	for _, f := range found {
		d := &docs[at[f.ID]]
		d.events = []models.Event{}
		for _, e := range f.Pending {
			d.events = append(d.events, e)
		}
	}
	return nil
}
