package storetest

import (
	"context"
	"database/sql"
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
)

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
		if how == DeleteEntry {
			q = `DELETE FROM events WHERE program_id = ? AND seq = ?`
		}
		res, err := db.ExecContext(ctx, q, programID, seq)
		if n, _ := res.RowsAffected(); err != nil || n != 1 {
			tb.Fatalf("tamper with audit entry %d of %s: %d rows, %v", seq, programID, n, err)
		}
	case *mongo.Store:
		audit := engine.client.Database(s.DatabaseName()).Collection("audit")
		filter := bson.M{"programId": programID, "seq": seq}
		var n int64
		var err error
		if how == DeleteEntry {
			res, e := audit.DeleteOne(ctx, filter)
			if e == nil {
				n = res.DeletedCount
			}
			err = e
		} else {
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
