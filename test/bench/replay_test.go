package bench_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// sessionFields are what the driver adds to every command it sends; a
// replay through RunCommand adds its own.
var sessionFields = []string{"lsid", "$db", "$clusterTime", "$readPreference", "txnNumber", "autocommit", "startTransaction", "apiVersion"}

// replay sends cmds again, straight through the driver, in order, and
// returns how long that took. A find or aggregate is drained with the
// getMores it needs (the recorded getMores named the API's own cursors);
// a write that fails is fatal, since the state was meant to be restored.
func replay(tb testing.TB, db *mongo.Database, cmds []command) time.Duration {
	tb.Helper()
	ctx := context.Background()
	prepared := make([]bson.D, 0, len(cmds))
	kinds := make([]string, 0, len(cmds))
	for _, c := range cmds {
		if c.name == "getMore" || c.name == "killCursors" {
			continue
		}
		var d bson.D
		if err := bson.Unmarshal(c.cmd, &d); err != nil {
			tb.Fatal(err)
		}
		d = slices.DeleteFunc(d, func(e bson.E) bool { return slices.Contains(sessionFields, e.Key) })
		prepared = append(prepared, d)
		kinds = append(kinds, c.name)
	}
	start := time.Now()
	for i, d := range prepared {
		switch kinds[i] {
		case "find", "aggregate":
			cur, err := db.RunCommandCursor(ctx, d)
			if err != nil {
				tb.Fatalf("replay %s: %v", kinds[i], err)
			}
			var docs []bson.Raw
			if err := cur.All(ctx, &docs); err != nil {
				tb.Fatalf("replay %s: %v", kinds[i], err)
			}
		default:
			var reply bson.M
			if err := db.RunCommand(ctx, d).Decode(&reply); err != nil {
				tb.Fatalf("replay %s: %v", kinds[i], err)
			}
			if we, ok := reply["writeErrors"]; ok {
				tb.Fatalf("replay %s: write errors %v", kinds[i], we)
			}
		}
	}
	return time.Since(start)
}

// undo reverts the writes of cmds: documents they inserted are deleted and
// the one document they were allowed to change, keep (collection and
// _id), is put back as snapshot. Any other write is fatal: the benchmark
// would no longer replay the same work.
func undo(tb testing.TB, db *mongo.Database, cmds []command, keepCol, keepID string, snapshot bson.Raw) {
	tb.Helper()
	ctx := context.Background()
	for _, c := range cmds {
		col := c.cmd.Index(0).Value().StringValue()
		switch c.name {
		case "insert":
			docs, err := c.cmd.LookupErr("documents")
			if err != nil {
				tb.Fatalf("insert into %s without documents: %v", col, err)
			}
			vals, err := docs.Array().Values()
			if err != nil {
				tb.Fatal(err)
			}
			var ids bson.A
			for _, v := range vals {
				ids = append(ids, v.Document().Lookup("_id"))
			}
			if _, err := db.Collection(col).DeleteMany(ctx, bson.M{"_id": bson.M{"$in": ids}}); err != nil {
				tb.Fatal(err)
			}
		case "update", "findAndModify", "delete":
			if col != keepCol || !targets(c, keepID) {
				tb.Fatalf("undo: %s on %s outside the restored document: %s", c.name, col, c.cmd)
			}
		}
	}
	if _, err := db.Collection(keepCol).ReplaceOne(ctx, bson.M{"_id": keepID}, snapshot); err != nil {
		tb.Fatal(err)
	}
}

// targets reports whether a write command's filters all select _id id.
func targets(c command, id string) bool {
	var cmd struct {
		Query   bson.M `bson:"query"`
		Updates []struct {
			Q bson.M `bson:"q"`
		} `bson:"updates"`
		Deletes []struct {
			Q bson.M `bson:"q"`
		} `bson:"deletes"`
	}
	if err := bson.Unmarshal(c.cmd, &cmd); err != nil {
		return false
	}
	filters := []bson.M{}
	if c.name == "findAndModify" {
		filters = append(filters, cmd.Query)
	}
	for _, u := range cmd.Updates {
		filters = append(filters, u.Q)
	}
	for _, d := range cmd.Deletes {
		filters = append(filters, d.Q)
	}
	for _, f := range filters {
		if f["_id"] != id {
			return false
		}
	}
	return len(filters) > 0
}

// snapshot reads a document as stored.
func snapshot(tb testing.TB, db *mongo.Database, col, id string) bson.Raw {
	tb.Helper()
	raw, err := db.Collection(col).FindOne(context.Background(), bson.M{"_id": id}).Raw()
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}
