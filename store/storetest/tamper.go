package storetest

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	_ "modernc.org/sqlite" // the driver the SQLite engine uses

	"skillbook/store/mongo"
	"skillbook/store/sqlite"
)

// Tampering is how an intruder with direct access to the database changes
// an audit entry.
type Tampering int

const (
	// EditEntry rewrites the entry's summary, leaving its hash as it was.
	EditEntry Tampering = iota
	// DeleteEntry removes the entry.
	DeleteEntry
	// InsertEntry slips in an entry with no link (seq is ignored).
	InsertEntry
)

// forgedID is the id of an entry InsertEntry slips in.
const forgedID = "forged-entry"

// TamperAudit changes the audit entry seq of programID in st's database
// directly, behind the store's back, as how says.
func TamperAudit(tb testing.TB, st Store, programID string, seq int64, how Tampering) {
	tb.Helper()
	ctx := context.Background()
	switch s := st.(type) {
	case *sqlite.Store:
		db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(10000)")
		if err != nil {
			tb.Fatalf("open %s: %v", s.Path(), err)
		}
		defer db.Close()
		q := `UPDATE events SET doc = json_set(doc, '$.summary', 'forged') WHERE program_id = ? AND seq = ?`
		args := []any{programID, seq}
		switch how {
		case DeleteEntry:
			q = `DELETE FROM events WHERE program_id = ? AND seq = ?`
		case InsertEntry:
			q = `INSERT INTO events (id, program_id, type, at, actor_id, subject, subject_id, doc) VALUES (?, ?, 'user.updated', 0, 'x', 'user', 'x', ?)`
			args = []any{forgedID, programID, `{"id":"` + forgedID + `","programId":"` + programID + `","summary":"forged"}`}
		}
		res, err := db.ExecContext(ctx, q, args...)
		if n, _ := res.RowsAffected(); err != nil || n != 1 {
			tb.Fatalf("tamper with audit entry %d of %s: %d rows, %v", seq, programID, n, err)
		}
	case *mongo.Store:
		audit := engine.client.Database(s.DatabaseName()).Collection("audit")
		filter := bson.M{"programId": programID, "seq": seq}
		var n int64
		var err error
		switch how {
		case DeleteEntry:
			res, e := audit.DeleteOne(ctx, filter)
			if e == nil {
				n = res.DeletedCount
			}
			err = e
		case InsertEntry:
			_, err = audit.InsertOne(ctx, bson.M{"_id": forgedID, "id": forgedID, "programId": programID, "summary": "forged"})
			n = 1
		default:
			res, e := audit.UpdateOne(ctx, filter, bson.M{"$set": bson.M{"summary": "forged"}})
			if e == nil {
				n = res.ModifiedCount
			}
			err = e
		}
		if err != nil || n != 1 {
			tb.Fatalf("tamper with audit entry %d of %s: %d documents, %v", seq, programID, n, err)
		}
	default:
		tb.Fatalf("TamperAudit: unknown engine %T", st)
	}
}

// SetAttemptField writes value at the dotted path (e.g.
// "evaluation.score") of attempt id's stored document, bypassing the
// store and every rule: what anyone who can write the database could do.
// Tests of tamper evidence use it.
func SetAttemptField(tb testing.TB, st Store, id, path string, value any) {
	tb.Helper()
	ctx := context.Background()
	switch s := st.(type) {
	case *sqlite.Store:
		db, err := sql.Open("sqlite", "file:"+s.Path()+"?_pragma=busy_timeout(10000)")
		if err != nil {
			tb.Fatal(err)
		}
		defer db.Close()
		b, err := json.Marshal(value)
		if err != nil {
			tb.Fatal(err)
		}
		res, err := db.ExecContext(ctx, `UPDATE attempts SET doc = json_set(doc, ?, json(?)) WHERE id = ?`, "$."+path, string(b), id)
		if err != nil {
			tb.Fatalf("tamper with attempt %s: %v", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			tb.Fatalf("tamper with attempt %s: no such attempt", id)
		}
	case *mongo.Store:
		res, err := engine.client.Database(s.DatabaseName()).Collection("attempts").UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{path: value}})
		if err != nil {
			tb.Fatalf("tamper with attempt %s: %v", id, err)
		}
		if res.MatchedCount != 1 {
			tb.Fatalf("tamper with attempt %s: no such attempt", id)
		}
	default:
		tb.Fatalf("SetAttemptField: unknown engine %T", st)
	}
}
