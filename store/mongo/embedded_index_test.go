package mongo_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"skillbook/store/mongo"
)

// TestEmbeddedLooksUpByIDThroughAnIndex: on the embedded engine, the query
// the engine runs for a lookup by _id is answered from an index, for the
// collections that exist at start-up and for one created later.
func TestEmbeddedLooksUpByIDThroughAnIndex(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	st, err := mongo.Open(ctx, mongo.Options{DataDir: dir, Database: "skillbook", Timeout: 30 * time.Second, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())

	file := filepath.Join(dir, "ferretdb", "skillbook.sqlite")
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	tables := engineTables(t, db)
	if len(tables) < 10 {
		t.Fatalf("engine tables = %v; want every collection created at start-up", tables)
	}
	for name, table := range tables {
		if plan := lookupPlan(t, db, table); !strings.Contains(plan, "USING INDEX") {
			t.Errorf("lookup by _id in %s: plan %q; want an index", name, plan)
		}
	}

}

// TestEmbeddedIndexesCollectionsCreatedLater: a collection created while
// the engine runs gets its _id lookup index within seconds, no restart.
func TestEmbeddedIndexesCollectionsCreatedLater(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	emb, err := mongo.StartEmbedded(ctx, dir, quietLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	client, err := mongo.Connect(ctx, emb.URI(), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(context.Background())
	late := client.Database("later").Collection("late_arrival")
	if _, err := late.InsertOne(ctx, bson.M{"_id": "x", "n": 1}); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "ferretdb", "later.sqlite")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	waitCtx, stopWaiting := context.WithTimeout(ctx, 30*time.Second)
	defer stopWaiting()
	for {
		table, ok := engineTables(t, db)["late_arrival"]
		if ok && strings.Contains(lookupPlan(t, db, table), "USING INDEX") {
			break
		}
		if err := emb.AwaitIndexPass(waitCtx); err != nil {
			t.Fatalf("a collection created after start-up has no _id lookup index after 30 s")
		}
	}
	// The engine still finds, changes and deletes by _id with the index.
	if _, err := late.UpdateOne(ctx, bson.M{"_id": "x"}, bson.M{"$inc": bson.M{"n": 1}}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		N int `bson:"n"`
	}
	if err := late.FindOne(ctx, bson.M{"_id": "x"}).Decode(&got); err != nil || got.N != 2 {
		t.Fatalf("find by _id after indexing = %+v, %v; want n 2", got, err)
	}
	if res, err := late.DeleteOne(ctx, bson.M{"_id": "x"}); err != nil || res.DeletedCount != 1 {
		t.Fatalf("delete by _id = %+v, %v", res, err)
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// engineTables maps collection names to the engine's table names.
func engineTables(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT name, table_name FROM _ferretdb_collections`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, table string
		if err := rows.Scan(&name, &table); err != nil {
			t.Fatal(err)
		}
		out[name] = table
	}
	return out
}

// lookupPlan is SQLite's plan for the statement FerretDB 1.24 runs to find
// one document by _id.
func lookupPlan(t *testing.T, db *sql.DB, table string) string {
	t.Helper()
	rows, err := db.Query(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "`+table+`" WHERE _ferretdb_sjson->'$._id' = ?`, `"x"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}
