package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"skillbook/store/sqlite"
)

// raw remembers where each test store keeps its data, so a test can change
// it behind the store's back.
var raw sync.Map // Store → rawTarget

type rawTarget struct {
	sqliteDir string
	mongoDB   string
}

// SetAttemptField writes value at the dotted path (e.g.
// "evaluation.score") of attempt id's stored document, bypassing the
// store and every rule: what anyone who can write the database could do.
// Tests of tamper evidence use it.
func SetAttemptField(tb testing.TB, st Store, id, path string, value any) {
	tb.Helper()
	t, ok := raw.Load(st)
	if !ok {
		tb.Fatalf("storetest: %T was not made by storetest", st)
	}
	ctx := context.Background()
	switch target := t.(rawTarget); {
	case target.sqliteDir != "":
		db, err := sql.Open("sqlite", "file:"+filepath.Join(target.sqliteDir, sqlite.FileName)+"?_pragma=busy_timeout(10000)")
		if err != nil {
			tb.Fatal(err)
		}
		defer db.Close()
		res, err := db.ExecContext(ctx, `UPDATE attempts SET doc = json_set(doc, ?, json(?)) WHERE id = ?`, "$."+path, jsonValue(tb, value), id)
		if err != nil {
			tb.Fatalf("tamper with attempt %s: %v", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			tb.Fatalf("tamper with attempt %s: no such attempt", id)
		}
	default:
		res, err := engine.client.Database(target.mongoDB).Collection("attempts").UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{path: value}})
		if err != nil {
			tb.Fatalf("tamper with attempt %s: %v", id, err)
		}
		if res.MatchedCount != 1 {
			tb.Fatalf("tamper with attempt %s: no such attempt", id)
		}
	}
}

func jsonValue(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
