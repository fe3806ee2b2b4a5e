package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// embeddedWrites serializes conditional writes on the embedded engine.
// FerretDB 1.24 on SQLite runs an update as "find matching documents, apply
// the operators in Go, write each back by _id": two concurrent conditional
// updates of one document can both match and both write, so the version
// guards every state change relies on would not hold. MongoDB applies a
// filter and its update atomically per document. The embedded engine runs
// inside this process, so one process-wide lock around its read-modify-
// write commands restores that guarantee (SQLite has a single writer
// anyway). It is global because every Store on the engine shares it, and
// a one-slot channel so that a caller whose deadline passes stops waiting.
var embeddedWrites = make(chan struct{}, 1)

// minEmbeddedWrite is the least time a write on the embedded engine is
// given once it holds the lock (see begin).
const minEmbeddedWrite = time.Minute

// collection is a driver collection whose writes take the embedded
// engine's lock when the store runs on it. Reads go straight through.
type collection struct {
	*mongo.Collection
	serialize bool
	// files reads the embedded engine's tables for queries it would
	// answer by a scan (see engineFiles); nil elsewhere.
	files *engineFiles
}

func (s *Store) collection(name string) collection {
	return collection{Collection: s.db.Collection(name), serialize: s.serializeWrites, files: s.files}
}

// direct answers a find (its filter and options; plain says it has no
// others) from the engine's files when it can; ok is false when the
// engine must. A failure (a deadline, most likely) is the query's: handing
// it to the engine would only scan the collection after all.
func (c collection) direct(ctx context.Context, filter, sort any, skip, limit *int64, projection any, plain bool) ([]bson.Raw, bool, error) {
	if c.files == nil {
		return nil, false, nil
	}
	q, ok := findQuery(filter, sort, skip, limit, projection, plain)
	if !ok {
		return nil, false, nil
	}
	return c.files.find(ctx, c.Name(), q)
}

// Find is mongo.Collection.Find; on the embedded engine a selective query
// is answered from its files (see engineFiles).
func (c collection) Find(ctx context.Context, filter any, opts ...options.Lister[options.FindOptions]) (*mongo.Cursor, error) {
	o := applied(opts)
	docs, ok, err := c.direct(ctx, filter, o.Sort, o.Skip, o.Limit, o.Projection, o.Hint == nil && o.Min == nil && o.Max == nil && o.Collation == nil)
	switch {
	case err != nil:
		return nil, err
	case ok:
		return cursorOf(docs)
	}
	return c.Collection.Find(ctx, filter, opts...)
}

// Aggregate is mongo.Collection.Aggregate; on the embedded engine a count
// by group of a selective match is answered from its files (groupCount).
func (c collection) Aggregate(ctx context.Context, pipeline any, opts ...options.Lister[options.AggregateOptions]) (*mongo.Cursor, error) {
	if c.files != nil {
		if docs, ok, err := c.files.groupCount(ctx, c.Name(), pipeline); err != nil {
			return nil, err
		} else if ok {
			return cursorOf(docs)
		}
	}
	return c.Collection.Aggregate(ctx, pipeline, opts...)
}

// CountDocuments is mongo.Collection.CountDocuments, answered like Find.
func (c collection) CountDocuments(ctx context.Context, filter any, opts ...options.Lister[options.CountOptions]) (int64, error) {
	o := applied(opts)
	docs, ok, err := c.direct(ctx, filter, nil, o.Skip, o.Limit, bson.D{{Key: "_id", Value: 1}}, o.Hint == nil && o.Collation == nil)
	switch {
	case err != nil:
		return 0, err
	case ok:
		return int64(len(docs)), nil
	}
	return c.Collection.CountDocuments(ctx, filter, opts...)
}

// findQuery builds a direct query from find options; ok is false for
// options the direct path does not take.
func findQuery(filter, sort any, skip, limit *int64, projection any, plain bool) (query, bool) {
	q := query{filter: filter}
	if !plain {
		return q, false
	}
	if sort != nil {
		d, ok := asDoc(sort)
		if !ok || (len(d) > 1 && isMap(sort)) {
			return q, false // a map's order is not a sort order
		}
		q.sort = d
	}
	if projection != nil {
		d, ok := asDoc(projection)
		if !ok {
			return q, false
		}
		q.projection = d
	}
	if skip != nil {
		q.skip = max(0, *skip)
	}
	if limit != nil {
		if *limit < 0 {
			return q, false
		}
		q.limit = *limit
	}
	return q, true
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

func isMap(v any) bool {
	_, ok := v.(bson.M)
	return ok
}

// cursorOf is a cursor over documents already read.
func cursorOf(docs []bson.Raw) (*mongo.Cursor, error) {
	all := make([]any, len(docs))
	for i, d := range docs {
		all[i] = d
	}
	return mongo.NewCursorFromDocuments(all, nil, nil)
}

// begin takes the embedded engine's write lock and returns the context
// the write runs under. There it is ctx without its cancellation: the
// engine finishes a command it has received even when the client stops
// waiting, so a write abandoned midway would land after the lock is
// released, over the next writer's document (a lost update). The write
// keeps ctx's deadline or minEmbeddedWrite, whichever is later.
func (c collection) begin(ctx context.Context) (context.Context, func(), error) {
	if !c.serialize {
		return ctx, func() {}, nil
	}
	select {
	case embeddedWrites <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	// A real-time deadline for the driver, not a record time: no clock.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), minEmbeddedWrite)
	if d, ok := ctx.Deadline(); ok {
		if floor, _ := wctx.Deadline(); d.After(floor) {
			cancel()
			wctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), d)
		}
	}
	return wctx, func() { cancel(); <-embeddedWrites }, nil
}

// failed is a single result that carries err.
func failed(err error) *mongo.SingleResult {
	return mongo.NewSingleResultFromDocument(bson.Raw{5, 0, 0, 0, 0}, err, nil)
}

// FindOne is mongo.Collection.FindOne; on the embedded engine a filter of
// one _id plus conditions reads that document alone (see byID) instead of
// scanning the collection.
func (c collection) FindOne(ctx context.Context, filter any, opts ...options.Lister[options.FindOneOptions]) *mongo.SingleResult {
	if !c.serialize {
		return c.Collection.FindOne(ctx, filter, opts...)
	}
	id, rest, ok := byID(filter)
	if !ok || len(rest) == 0 || !plainFindOne(opts) {
		return c.findOneDirect(ctx, filter, opts...)
	}
	raw, err := c.Collection.FindOne(ctx, bson.M{"_id": id}).Raw()
	if err != nil {
		return failed(err)
	}
	matched, known := matchDoc(raw, rest)
	switch {
	case !known:
		return c.Collection.FindOne(ctx, filter, opts...)
	case !matched:
		return failed(mongo.ErrNoDocuments)
	}
	// The whole document: a projection only ever hides fields the models
	// ignore when decoding.
	return mongo.NewSingleResultFromDocument(raw, nil, nil)
}

// findOneDirect is FindOne answered like Find when it can be.
func (c collection) findOneDirect(ctx context.Context, filter any, opts ...options.Lister[options.FindOneOptions]) *mongo.SingleResult {
	if m, _ := filter.(bson.M); m != nil && isString(m["_id"]) {
		return c.Collection.FindOne(ctx, filter, opts...) // the engine's own lookup by _id
	}
	o := applied(opts)
	one := int64(1)
	docs, ok, err := c.direct(ctx, filter, o.Sort, o.Skip, &one, o.Projection, o.Hint == nil && o.Min == nil && o.Max == nil && o.Collation == nil)
	switch {
	case err != nil:
		return failed(err)
	case ok && len(docs) == 0:
		return failed(mongo.ErrNoDocuments)
	case ok:
		return mongo.NewSingleResultFromDocument(docs[0], nil, nil)
	}
	return c.Collection.FindOne(ctx, filter, opts...)
}

// plainFindOne reports options the FindOne fast path can ignore: none, or
// a projection.
func plainFindOne(opts []options.Lister[options.FindOneOptions]) bool {
	v := applied(opts)
	return v.Sort == nil && v.Skip == nil && v.Hint == nil && v.Max == nil && v.Min == nil
}

// InsertOne is mongo.Collection.InsertOne. On the embedded engine it takes
// the write lock too: SQLite has one writer at a time, and writers that
// meet there wait in its busy handler, which sleeps up to 100 ms a try —
// under load a queue of inserts waited seconds each. Taking turns here
// costs nothing.
func (c collection) InsertOne(ctx context.Context, doc any, opts ...options.Lister[options.InsertOneOptions]) (*mongo.InsertOneResult, error) {
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	return c.Collection.InsertOne(ctx, doc, opts...)
}

// InsertMany is mongo.Collection.InsertMany, taking turns like InsertOne.
func (c collection) InsertMany(ctx context.Context, docs any, opts ...options.Lister[options.InsertManyOptions]) (*mongo.InsertManyResult, error) {
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	return c.Collection.InsertMany(ctx, docs, opts...)
}

// UpdateOne is mongo.Collection.UpdateOne, atomic on both engines.
func (c collection) UpdateOne(ctx context.Context, filter, update any, opts ...options.Lister[options.UpdateOneOptions]) (*mongo.UpdateResult, error) {
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	if id, ok := c.guardedByID(ctx, filter, !upserts(opts)); ok {
		if id == "" {
			return &mongo.UpdateResult{}, nil
		}
		return c.Collection.UpdateOne(ctx, bson.M{"_id": id}, update, opts...)
	}
	return c.Collection.UpdateOne(ctx, filter, update, opts...)
}

// guardedByID is the embedded engine's fast path for a write whose filter
// names one _id plus guards (see byID). Called with the lock held, it
// reads that document alone and checks the guards here: ok says the fast
// path applies, and id is "" when the document does not match.
func (c collection) guardedByID(ctx context.Context, filter any, allowed bool) (id string, ok bool) {
	if !c.serialize || !allowed {
		return "", false
	}
	id, rest, ok := byID(filter)
	if !ok || len(rest) == 0 {
		return "", false
	}
	raw, err := c.Collection.FindOne(ctx, bson.M{"_id": id}).Raw()
	if err != nil {
		// Not found answers "no match"; any other failure goes the slow way
		// and reports itself there.
		return "", errors.Is(err, mongo.ErrNoDocuments)
	}
	matched, known := matchDoc(raw, rest)
	if !known {
		return "", false
	}
	if !matched {
		return "", true
	}
	return id, true
}

// upserts reports whether update options ask for an upsert, which the
// fast path does not do.
func upserts[T options.UpdateOneOptions | options.FindOneAndUpdateOptions](opts []options.Lister[T]) bool {
	var upsert *bool
	switch v := any(applied(opts)).(type) {
	case options.UpdateOneOptions:
		upsert = v.Upsert
	case options.FindOneAndUpdateOptions:
		upsert = v.Upsert
	}
	return upsert != nil && *upsert
}

// applied is the options opts set, applied in order as the driver does.
func applied[T any](opts []options.Lister[T]) T {
	var v T
	for _, o := range opts {
		for _, set := range o.List() {
			_ = set(&v)
		}
	}
	return v
}

// UpdateMany is mongo.Collection.UpdateMany, each document atomic on both
// engines.
func (c collection) UpdateMany(ctx context.Context, filter, update any, opts ...options.Lister[options.UpdateManyOptions]) (*mongo.UpdateResult, error) {
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	return c.Collection.UpdateMany(ctx, filter, update, opts...)
}

// ReplaceOne is mongo.Collection.ReplaceOne, atomic on both engines.
func (c collection) ReplaceOne(ctx context.Context, filter, replacement any, opts ...options.Lister[options.ReplaceOptions]) (*mongo.UpdateResult, error) {
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	return c.Collection.ReplaceOne(ctx, filter, replacement, opts...)
}

// FindOneAndUpdate is mongo.Collection.FindOneAndUpdate, atomic on both
// engines. The result is decoded before the lock is released.
func (c collection) FindOneAndUpdate(ctx context.Context, filter, update any, opts ...options.Lister[options.FindOneAndUpdateOptions]) *mongo.SingleResult {
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return failed(err)
	}
	defer end()
	if id, ok := c.guardedByID(ctx, filter, !upserts(opts)); ok {
		if id == "" {
			return failed(mongo.ErrNoDocuments)
		}
		filter = bson.M{"_id": id}
	} else if id, ok, err := c.firstMatch(ctx, filter, opts); err != nil {
		return failed(err)
	} else if ok {
		if id == "" {
			return failed(mongo.ErrNoDocuments)
		}
		filter = bson.M{"_id": id}
	}
	return settled(c.serialize, c.Collection.FindOneAndUpdate(ctx, filter, update, opts...))
}

// firstMatch finds, on the embedded engine's files, the _id of the
// document a findAndModify would change ("" when none matches); ok is
// false when the engine must look. Called with the write lock held, so the
// document stays the first match until the write by _id.
func (c collection) firstMatch(ctx context.Context, filter any, opts []options.Lister[options.FindOneAndUpdateOptions]) (id string, ok bool, err error) {
	if c.files == nil || upserts(opts) {
		return "", false, nil
	}
	o := applied(opts)
	one := int64(1)
	docs, ok, err := c.direct(ctx, filter, o.Sort, nil, &one, bson.D{{Key: "_id", Value: 1}}, o.Hint == nil && o.Collation == nil && o.ArrayFilters == nil)
	if err != nil || !ok {
		return "", false, err
	}
	if len(docs) == 0 {
		return "", true, nil
	}
	id, ok = docs[0].Lookup("_id").StringValueOK()
	return id, ok, nil
}

// FindOneAndDelete is mongo.Collection.FindOneAndDelete, atomic on both
// engines.
func (c collection) FindOneAndDelete(ctx context.Context, filter any, opts ...options.Lister[options.FindOneAndDeleteOptions]) *mongo.SingleResult {
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return failed(err)
	}
	defer end()
	return settled(c.serialize, c.Collection.FindOneAndDelete(ctx, filter, opts...))
}

// settled reads a single result while the lock is held, so nothing of the
// command is left for after it.
func settled(serialize bool, r *mongo.SingleResult) *mongo.SingleResult {
	if !serialize {
		return r
	}
	var raw bson.Raw
	if err := r.Decode(&raw); err != nil {
		return failed(err)
	}
	return mongo.NewSingleResultFromDocument(raw, nil, nil)
}

// DeleteOne is mongo.Collection.DeleteOne, atomic on both engines.
func (c collection) DeleteOne(ctx context.Context, filter any, opts ...options.Lister[options.DeleteOneOptions]) (*mongo.DeleteResult, error) {
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	if id, ok := c.guardedByID(ctx, filter, true); ok {
		if id == "" {
			return &mongo.DeleteResult{}, nil
		}
		filter = bson.M{"_id": id}
	}
	return c.Collection.DeleteOne(ctx, filter, opts...)
}

// DeleteMany is mongo.Collection.DeleteMany on both engines.
func (c collection) DeleteMany(ctx context.Context, filter any, opts ...options.Lister[options.DeleteManyOptions]) (*mongo.DeleteResult, error) {
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	return c.Collection.DeleteMany(ctx, filter, opts...)
}

// BulkWrite is mongo.Collection.BulkWrite; its updates are conditional
// writes too.
func (c collection) BulkWrite(ctx context.Context, models []mongo.WriteModel, opts ...options.Lister[options.BulkWriteOptions]) (*mongo.BulkWriteResult, error) {
	ctx, end, err := c.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	return c.Collection.BulkWrite(ctx, models, opts...)
}

// detectEngine reports whether the server is FerretDB, whose writes need
// the in-process lock.
func detectEngine(ctx context.Context, db *mongo.Database) (ferret bool, err error) {
	var info bson.M
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false, translate(err, "detect store engine")
	}
	_, ferret = info["ferretdbVersion"]
	return ferret, nil
}
