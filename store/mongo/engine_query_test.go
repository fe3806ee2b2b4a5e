package mongo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// TestDirectQueriesAgreeWithTheEngine: every query the store answers from
// the embedded engine's files returns what the engine returns for it, in
// the same order, and the queries it must leave to the engine are left.
func TestDirectQueriesAgreeWithTheEngine(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Open(ctx, Options{DataDir: t.TempDir(), Database: "direct", Timeout: 30 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	if s.files == nil {
		t.Fatal("a store on the embedded engine does not read its files")
	}

	col := s.collection(colAttempts)
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	var docs []any
	for i := range 60 {
		d := bson.D{
			{Key: "_id", Value: fmt.Sprintf("a%03d", i)},
			{Key: "programId", Value: []string{"p1", "p2"}[i%2]},
			{Key: "studentId", Value: fmt.Sprintf("s%d", i%7)},
			{Key: "cohortId", Value: fmt.Sprintf("c%d", i%3)},
			{Key: "status", Value: []string{"requested", "passed", "failed", "practice"}[i%4]},
			{Key: "version", Value: int64(i % 5)},
			{Key: "score", Value: float64(i) / 2},
			{Key: "attempt", Value: int32(i % 4)},
			{Key: "createdAt", Value: base.Add(time.Duration(i%11) * time.Hour)},
			{Key: "hasPending", Value: i%9 == 0},
			{Key: "tags", Value: bson.A{fmt.Sprintf("t%d", i%4), "all"}},
			{Key: "evaluation", Value: bson.D{{Key: "id", Value: fmt.Sprintf("e%d", i)}, {Key: "by", Value: bson.D{{Key: "name", Value: "Dana <RN> & \"co\""}}}}},
			{Key: "comment", Value: "=1+1 \u00e9\u4e2d\n\ttab"},
			{Key: "pin", Value: bson.Binary{Subtype: 0, Data: []byte{0, 1, 2, byte(i)}}},
		}
		if i%6 == 0 {
			d = append(d, bson.E{Key: "archivedAt", Value: nil})
		}
		if i%5 == 0 {
			d = append(d, bson.E{Key: "signedAt", Value: base})
		}
		docs = append(docs, d)
	}
	if _, err := col.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}

	type tc struct {
		name       string
		filter     bson.M
		sort       bson.D
		skip       int64
		limit      int64
		projection bson.D
		direct     bool
	}
	tests := []tc{
		{name: "by student", filter: bson.M{"programId": "p1", "studentId": "s3"}, direct: true},
		{name: "queue, oldest first", filter: bson.M{"programId": "p2", "status": "requested", "cohortId": bson.M{"$in": bson.A{"c0", "c2"}}},
			sort: bson.D{{Key: "_id", Value: 1}}, direct: true},
		{name: "newest first, paged", filter: bson.M{"studentId": bson.M{"$in": []string{"s1", "s2"}}}, sort: bson.D{{Key: "_id", Value: -1}},
			skip: 2, limit: 5, direct: true},
		{name: "ranges and exists", filter: bson.M{"status": "passed", "version": bson.M{"$gte": 1, "$lt": 4}, "signedAt": bson.M{"$exists": false}}, direct: true},
		{name: "or", filter: bson.M{"cohortId": "c1", "$or": bson.A{bson.M{"status": "failed"}, bson.M{"score": bson.M{"$gt": 20.0}}}}, direct: true},
		{name: "array element", filter: bson.M{"studentId": "s4", "tags": "t1"}, direct: true},
		{name: "nested", filter: bson.M{"evaluation.id": "e12"}, direct: true},
		{name: "bool flag", filter: bson.M{"hasPending": true}, projection: bson.D{{Key: "_id", Value: 1}}, direct: true},
		{name: "nil matches missing and null", filter: bson.M{"studentId": "s0", "archivedAt": nil}, direct: true},
		{name: "ids", filter: bson.M{"_id": bson.M{"$in": bson.A{"a001", "a007", "a059", "zzz"}}}, direct: true},
		{name: "sorted by date then id", filter: bson.M{"status": bson.M{"$in": bson.A{"passed", "failed"}}},
			sort: bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: 1}}, limit: 7, direct: true},
		{name: "sorted by a field some lack", filter: bson.M{"cohortId": "c2"}, sort: bson.D{{Key: "signedAt", Value: 1}, {Key: "_id", Value: 1}}, direct: true},
		{name: "exclusion projection", filter: bson.M{"studentId": "s5"}, projection: bson.D{{Key: "pin", Value: 0}, {Key: "tags", Value: 0}}, direct: true},
		{name: "inclusion projection", filter: bson.M{"studentId": "s6"}, projection: bson.D{{Key: "status", Value: 1}, {Key: "version", Value: 1}}, direct: true},
		{name: "dotted inclusion projection", filter: bson.M{"studentId": "s2"},
			projection: bson.D{{Key: "status", Value: 1}, {Key: "evaluation.id", Value: 1}, {Key: "evaluation.by.name", Value: 1}, {Key: "nope.x", Value: 1}}, direct: true},
		{name: "or of pushable branches", filter: bson.M{"programId": "p1", "$or": bson.A{
			bson.M{"studentId": bson.M{"$in": bson.A{"s1", "s3"}}}, bson.M{"cohortId": bson.M{"$in": bson.A{"c2"}}}}}, direct: true},
		{name: "or with an unpushable branch", filter: bson.M{"studentId": "s1", "$or": bson.A{
			bson.M{"tags": "t1"}, bson.M{"status": "passed"}}}, direct: true},
		{name: "dotted exclusion projection", filter: bson.M{"studentId": "s3"},
			projection: bson.D{{Key: "pin", Value: 0}, {Key: "evaluation.by", Value: 0}, {Key: "comment.x", Value: 0}}, direct: true},
		{name: "empty in", filter: bson.M{"studentId": bson.M{"$in": bson.A{}}}, direct: true},
		{name: "nin and ne", filter: bson.M{"cohortId": "c0", "status": bson.M{"$nin": bson.A{"practice"}}, "version": bson.M{"$ne": int64(2)}}, direct: true},
		{name: "only the program: the engine streams it", filter: bson.M{"programId": "p1"}, direct: false},
		{name: "a page of the whole program, newest first", filter: bson.M{"programId": "p1"}, sort: bson.D{{Key: "_id", Value: -1}}, skip: 3, limit: 5, direct: true},
		{name: "a page by date", filter: bson.M{"programId": "p2"}, sort: bson.D{{Key: "createdAt", Value: -1}, {Key: "_id", Value: 1}}, limit: 4, direct: true},
		{name: "a page of a filter SQLite cannot decide", filter: bson.M{"programId": "p2", "version": bson.M{"$gt": 1}}, sort: bson.D{{Key: "_id", Value: 1}}, limit: 4, direct: false},
		{name: "unknown operator", filter: bson.M{"studentId": "s1", "comment": bson.M{"$regex": "^="}}, direct: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := query{filter: tt.filter, sort: tt.sort, skip: tt.skip, limit: tt.limit, projection: tt.projection}
			got, ok, err := s.files.find(ctx, colAttempts, q)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.direct {
				t.Fatalf("answered directly = %v; want %v", ok, tt.direct)
			}
			if !ok {
				return
			}
			o := options.Find().SetSkip(tt.skip).SetLimit(tt.limit)
			if tt.sort != nil {
				o.SetSort(tt.sort)
			}
			if tt.projection != nil {
				o.SetProjection(tt.projection)
			}
			cur, err := col.Collection.Find(ctx, tt.filter, o)
			if err != nil {
				t.Fatal(err)
			}
			var want []bson.Raw
			if err := cur.All(ctx, &want); err != nil {
				t.Fatal(err)
			}
			if tt.sort == nil {
				sortByID(got)
				sortByID(want)
			}
			if len(got) != len(want) {
				t.Fatalf("direct: %d documents %v; engine: %d %v", len(got), ids(got), len(want), ids(want))
			}
			for i := range want {
				if !bsonEqual(t, got[i], want[i]) {
					t.Errorf("document %d: direct %s\nengine %s", i, got[i], want[i])
				}
			}
		})
	}

	// A count by group agrees with the engine's aggregation.
	pipeline := bson.A{
		bson.M{"$match": bson.M{"programId": "p1", "studentId": bson.M{"$in": bson.A{"s1", "s2", "s5"}}}},
		bson.M{"$group": bson.M{"_id": bson.M{"s": "$studentId", "st": "$status"}, "n": bson.M{"$sum": 1}}},
	}
	type groupRow struct {
		Key struct {
			S  string `bson:"s"`
			St string `bson:"st"`
		} `bson:"_id"`
		N int `bson:"n"`
	}
	counts := func(docs []bson.Raw) map[string]int {
		out := map[string]int{}
		for _, d := range docs {
			var r groupRow
			if err := bson.Unmarshal(d, &r); err != nil {
				t.Fatal(err)
			}
			out[r.Key.S+"/"+r.Key.St] = r.N
		}
		return out
	}
	direct, ok, err := s.files.groupCount(ctx, colAttempts, pipeline)
	if err != nil || !ok {
		t.Fatalf("groupCount = %v, %v; want answered directly", ok, err)
	}
	cur, err := col.Collection.Aggregate(ctx, pipeline)
	if err != nil {
		t.Fatal(err)
	}
	var engine []bson.Raw
	if err := cur.All(ctx, &engine); err != nil {
		t.Fatal(err)
	}
	if got, want := counts(direct), counts(engine); fmt.Sprint(got) != fmt.Sprint(want) || len(want) == 0 {
		t.Errorf("group counts: direct %v, engine %v", got, want)
	}

	// The collection wrapper uses the direct path for the same queries.
	n, err := col.CountDocuments(ctx, bson.M{"programId": "p1", "studentId": "s3"})
	if err != nil || n == 0 {
		t.Fatalf("count = %d, %v", n, err)
	}
	var one struct {
		ID string `bson:"_id"`
	}
	if err := col.FindOne(ctx, bson.M{"evaluation.id": "e42"}).Decode(&one); err != nil || one.ID != "a042" {
		t.Fatalf("find one = %+v, %v", one, err)
	}
}

func sortByID(docs []bson.Raw) {
	for i := range docs {
		for j := i + 1; j < len(docs); j++ {
			if docs[j].Lookup("_id").StringValue() < docs[i].Lookup("_id").StringValue() {
				docs[i], docs[j] = docs[j], docs[i]
			}
		}
	}
}

func ids(docs []bson.Raw) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Lookup("_id").StringValue()
	}
	return out
}

// bsonEqual compares two documents by their extended JSON, which keeps
// field order and types.
func bsonEqual(t *testing.T, a, b bson.Raw) bool {
	t.Helper()
	ja, err := bson.MarshalExtJSON(a, true, false)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := bson.MarshalExtJSON(b, true, false)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}

// TestBulkSeedRebuildsValueIndexes: a seed large enough to load without
// the value indexes leaves them all in place afterwards, and queries
// through them find every document.
func TestBulkSeedRebuildsValueIndexes(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := Open(ctx, Options{DataDir: t.TempDir(), Database: "bulk", Timeout: time.Minute,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.Background())
	indexCount := func() int {
		var n int
		if err := s.files.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name LIKE '%\_value\_%' ESCAPE '\'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := indexCount()
	if before == 0 {
		t.Fatal("no value indexes after Open")
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	var b models.SeedBatch
	for i := range bulkLoadDocs {
		b.Devices = append(b.Devices, models.Device{Token: fmt.Sprintf("tok-%05d", i), ProgramID: "p",
			UserID: fmt.Sprintf("u%03d", i%500), Platform: models.Platform("android"), CreatedAt: now, RefreshedAt: now})
	}
	n, err := s.InsertSeed(ctx, b)
	if err != nil || n != bulkLoadDocs {
		t.Fatalf("InsertSeed = %d, %v", n, err)
	}
	if after := indexCount(); after != before {
		t.Fatalf("value indexes: %d after the bulk seed, %d before", after, before)
	}
	got, ok, err := s.files.find(ctx, colDevices, query{filter: bson.M{"userId": "u042"}})
	if err != nil || !ok || len(got) != bulkLoadDocs/500 {
		t.Fatalf("devices of one user = %d, %v, %v; want %d", len(got), ok, err, bulkLoadDocs/500)
	}
}
