package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
)

// testEpoch is when every test's fake clock starts.
var testEpoch = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// openTest opens a store in a fresh directory on a fake clock, closed when
// the test ends.
func openTest(tb testing.TB) (*Store, *clock.Fake) {
	tb.Helper()
	clk := clock.NewFake(testEpoch)
	s, err := Open(context.Background(), Options{Dir: tb.TempDir(), Clock: clk})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, clk
}

func TestOpenMigratesAndPings(t *testing.T) {
	s, _ := openTest(t)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping = %v", err)
	}
	var v int
	if err := s.reader.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != SchemaVersion() {
		t.Fatalf("user_version = %d; want %d", v, SchemaVersion())
	}
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1"} {
		var got string
		if err := s.writer.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q; want %q", pragma, got, want)
		}
	}
}

func TestASecondOpenOfTheDirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(t.Context(), Options{Dir: dir})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid ") {
		t.Fatalf("second Open = %v; want ErrLocked naming the holder", err)
	}
	s.Close()
	again, err := Open(t.Context(), Options{Dir: dir})
	if err != nil {
		t.Fatalf("Open after Close = %v", err)
	}
	again.Close()
}

func TestADatabaseFromANewerBinaryIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.Exec("PRAGMA user_version = 9999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(t.Context(), Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("Open = %v; want a refusal naming the newer schema", err)
	}
}

func TestAFerretDBDirectoryIsRefusedWithTheWayToMoveIt(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "ferretdb"), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := Open(t.Context(), Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "skillbook export") || !strings.Contains(err.Error(), "skillbook import") {
		t.Fatalf("Open = %v; want a refusal with the export/import steps", err)
	}
}

func TestRecordEventsAppendsOnceAndQueuesOneNotificationPerRecipient(t *testing.T) {
	s, _ := openTest(t)
	ev := models.Event{ID: "e1", Type: models.EventEvaluationSigned, ProgramID: "p1", Actor: models.Actor{UserID: "u1"},
		Subject: "attempt", SubjectID: "a1", StudentID: "s1",
		Notify: []models.Notification{{UserID: "s1", Category: "evaluation-results", Title: "t", Body: "b"}, {UserID: "s1"}, {UserID: "i1", Category: "x"}}}
	for range 2 { // a repeat records nothing twice
		if err := s.write(t.Context(), func(tx *sql.Tx) error { return s.recordEvents(t.Context(), tx, ev) }); err != nil {
			t.Fatal(err)
		}
	}
	var events, notes int
	if err := s.reader.QueryRow("SELECT count(*) FROM events").Scan(&events); err != nil {
		t.Fatal(err)
	}
	if err := s.reader.QueryRow("SELECT count(*) FROM notifications").Scan(&notes); err != nil {
		t.Fatal(err)
	}
	if events != 1 || notes != 2 {
		t.Fatalf("events, notifications = %d, %d; want 1, 2", events, notes)
	}
	var at int64
	if err := s.reader.QueryRow("SELECT created_at FROM notifications WHERE user_id = 's1'").Scan(&at); err != nil {
		t.Fatal(err)
	}
	if got := fromMS(at); !got.Equal(testEpoch) {
		t.Fatalf("notification created_at = %v; want the clock's %v", got, testEpoch)
	}
}

func TestAFailedWriteLeavesNothing(t *testing.T) {
	s, _ := openTest(t)
	boom := errors.New("boom")
	err := s.write(t.Context(), func(tx *sql.Tx) error {
		if err := s.recordEvents(t.Context(), tx, models.Event{ID: "e1", ProgramID: "p1", Type: models.EventCohortCreated}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("write = %v; want %v", err, boom)
	}
	var n int
	if err := s.reader.QueryRow("SELECT count(*) FROM events").Scan(&n); err != nil || n != 0 {
		t.Fatalf("events after a failed write = %d (%v); want 0", n, err)
	}
}
