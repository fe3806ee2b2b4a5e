package mongo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"skillbook/store/mongo"
)

// TestOpenAgainOnTheSameDataDir starts the embedded engine on a data
// directory twice, as every restart of the server does: ensuring indexes
// that exist must succeed.
func TestOpenAgainOnTheSameDataDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for i := range 2 {
		s, err := mongo.Open(context.Background(), mongo.Options{DataDir: dir, Database: "restart", Logger: quiet})
		if err != nil {
			t.Fatalf("Open #%d = %v", i+1, err)
		}
		if _, err := s.CreateProgram(context.Background(), "P"); err != nil {
			t.Fatalf("after Open #%d: %v", i+1, err)
		}
		if err := s.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
