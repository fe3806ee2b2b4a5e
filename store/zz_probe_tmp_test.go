package store

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func TestZZProbe(t *testing.T) {
	dir := os.Getenv("SB_PROBE_DIR")
	if dir == "" {
		t.Skip()
	}
	ctx := context.Background()
	s, err := Open(ctx, Options{DataDir: dir, Database: "skillbook", Timeout: time.Minute, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	var a bson.M
	cur, _ := s.collection(colAttempts).Collection.Find(ctx, bson.M{}, options.Find().SetLimit(1).SetSkip(50000))
	cur.Next(ctx)
	id := cur.Current.Lookup("_id").StringValue()
	for _, c := range []struct {
		name string
		f    func() error
	}{
		{"raw findOne _id", func() error { return s.collection(colAttempts).Collection.FindOne(ctx, bson.M{"_id": id}).Decode(&a) }},
		{"raw findOne _id proj", func() error {
			return s.collection(colAttempts).Collection.FindOne(ctx, bson.M{"_id": id}, options.FindOne().SetProjection(bson.M{"pending": 0})).Decode(&a)
		}},
		{"raw find _id", func() error {
			c, err := s.collection(colAttempts).Collection.Find(ctx, bson.M{"_id": id})
			if err != nil {
				return err
			}
			var all []bson.M
			return c.All(ctx, &all)
		}},
		{"wrapped findOne _id+program", func() error {
			return s.collection(colAttempts).FindOne(ctx, bson.M{"_id": id, "programId": a["programId"]}).Decode(&a)
		}},
		{"update by _id", func() error {
			_, err := s.collection(colAttempts).UpdateOne(ctx, bson.M{"_id": id}, bson.M{"$set": bson.M{"probe": 1}})
			return err
		}},
		{"insert", func() error {
			_, err := s.collection(colAudit).InsertOne(ctx, bson.M{"_id": NewID(), "programId": "x", "n": 1})
			return err
		}},
	} {
		start := time.Now()
		for range 5 {
			if err := c.f(); err != nil {
				t.Fatal(c.name, err)
			}
		}
		t.Logf("%s: %v per call", c.name, time.Since(start)/5)
	}
}
