package store

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestZZProbe2(t *testing.T) {
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
	docs, ok, err := s.files.find(ctx, colUsers, query{filter: bson.M{"role": "student"}, limit: 250})
	t.Logf("users: %d %v %v", len(docs), ok, err)
	var ids []string
	var prog string
	for _, d := range docs {
		ids = append(ids, d.Lookup("_id").StringValue())
		prog = d.Lookup("programId").StringValue()
	}
	start := time.Now()
	docs, ok, err = s.files.find(ctx, colAttempts, query{filter: bson.M{"programId": prog, "studentId": bson.M{"$in": ids}}, projection: toD(progressAttemptFields)})
	t.Logf("attempts: %d %v %v in %v", len(docs), ok, err, time.Since(start))
}

func toD(m bson.M) bson.D { d, _ := asDoc(m); return d }
