package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"skillbook/models"
)

// opsAssertNoScan fails when the plan of query reads a whole table (or a
// whole index) instead of seeking through an index.
func opsAssertNoScan(tb testing.TB, db *sql.DB, query string, args ...any) {
	tb.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatalf("EXPLAIN QUERY PLAN %s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			tb.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	for _, d := range plan {
		if strings.HasPrefix(d, "SCAN ") {
			tb.Errorf("plan of %q scans: %s", query, strings.Join(plan, "; "))
		}
	}
}

// opsKeys is how many idempotency keys the store holds.
func opsKeys(tb testing.TB, db *sql.DB) int {
	tb.Helper()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM idempotency").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestOpsBackupWhileWritingRestoresEveryAcknowledgedRow backs the store up
// while goroutines write, restores the backup into a fresh directory and
// opens it: every write acknowledged before the backup began is there, and
// the snapshot holds no half of anything.
func TestOpsBackupWhileWritingRestoresEveryAcknowledgedRow(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.BeginIdempotent(ctx, fmt.Sprintf("w%d-%d", w, i), strings.Repeat("f", 500), clk.Now(), time.Minute); err != nil {
					t.Errorf("BeginIdempotent: %v", err)
					return
				}
				acked.Add(1)
			}
		}()
	}
	for acked.Load() < 200 {
		runtime.Gosched() // let the writers get going
	}
	before := acked.Load()
	file := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, file); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	after := acked.Load()
	close(stop)
	wg.Wait()
	if err := s.Backup(ctx, file); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Backup over an existing file = %v; want fs.ErrExist", err)
	}
	if err := s.Backup(ctx, filepath.Join(t.TempDir(), "more.db")); err != nil {
		t.Errorf("a second Backup: %v", err)
	}

	dir := t.TempDir()
	if err := Restore(file, dir); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	restored, err := Open(ctx, Options{Dir: dir, Clock: clk})
	if err != nil {
		t.Fatalf("Open the restored directory: %v", err)
	}
	defer restored.Close()
	n := int64(opsKeys(t, restored.reader))
	if n < before || n > after+4 {
		t.Fatalf("restored keys = %d; want at least the %d acknowledged before the backup and at most %d", n, before, after+4)
	}
	// The restored store works: its keys replay, it takes new writes.
	if _, err := restored.BeginIdempotent(ctx, "w0-0", strings.Repeat("f", 500), clk.Now(), time.Minute); !errors.Is(err, models.ErrIdempotencyInFlight) {
		t.Errorf("BeginIdempotent of a restored key = %v; want ErrIdempotencyInFlight", err)
	}
	if got, err := restored.BeginIdempotent(ctx, "new", "b", clk.Now(), time.Minute); got != nil || err != nil {
		t.Errorf("BeginIdempotent on the restored store = %v, %v", got, err)
	}
}

// TestOpsBackupDirReadsAHeldDirectory: the command line's backup takes a
// snapshot of a directory a running store holds and writes to, without
// its lock; and of a directory nobody holds.
func TestOpsBackupDirReadsAHeldDirectory(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		if _, err := s.BeginIdempotent(t.Context(), fmt.Sprint("k", i), "b", time.Now(), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	held := filepath.Join(t.TempDir(), "held.db")
	if err := BackupDir(t.Context(), dir, held); err != nil {
		t.Fatalf("BackupDir of a held directory: %v", err)
	}
	if _, err := s.BeginIdempotent(t.Context(), "after", "b", time.Now(), time.Minute); err != nil {
		t.Fatalf("the store after a BackupDir: %v", err)
	}
	s.Close()
	stopped := filepath.Join(t.TempDir(), "stopped.db")
	if err := BackupDir(t.Context(), dir, stopped); err != nil {
		t.Fatalf("BackupDir of a stopped directory: %v", err)
	}
	for file, want := range map[string]int{held: 50, stopped: 51} {
		if err := checkBackup(file); err != nil {
			t.Errorf("checkBackup(%s) = %v", file, err)
		}
		db, err := sql.Open("sqlite", "file:"+file+"?mode=ro&immutable=1")
		if err != nil {
			t.Fatal(err)
		}
		if got := opsKeys(t, db); got != want {
			t.Errorf("keys in %s = %d; want %d", filepath.Base(file), got, want)
		}
		db.Close()
	}
	if err := BackupDir(t.Context(), t.TempDir(), filepath.Join(t.TempDir(), "x.db")); err == nil {
		t.Errorf("BackupDir of an empty directory succeeded")
	}
}

// TestOpsRestoreRefusals: a held directory, a file that is not a Skillbook
// database, and one from a newer binary are refused, and leave the
// directory's database as it was.
func TestOpsRestoreRefusals(t *testing.T) {
	src, _ := openTest(t)
	good := filepath.Join(t.TempDir(), "good.db")
	if err := src.Backup(t.Context(), good); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	s, err := Open(t.Context(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginIdempotent(t.Context(), "mine", "b", time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	err = Restore(good, dir)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "pid ") {
		t.Fatalf("Restore into a held directory = %v; want ErrLocked naming the holder", err)
	}
	if n := opsKeys(t, s.reader); n != 1 {
		t.Fatalf("keys after a refused restore = %d; want 1", n)
	}
	s.Close()

	notOurs := filepath.Join(t.TempDir(), "other.db")
	other, err := sql.Open("sqlite", "file:"+notOurs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec("CREATE TABLE t (x); PRAGMA user_version = 3"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	text := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(text, []byte("not a database at all, but long enough to look like one........................................................"), 0o600); err != nil {
		t.Fatal(err)
	}
	newer := filepath.Join(t.TempDir(), "newer.db")
	if err := src.Backup(t.Context(), newer); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf("PRAGMA user_version = %d", SchemaVersion()+1)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, c := range []struct{ file, want string }{
		{notOurs, "not a Skillbook database"},
		{text, "not a readable SQLite database"},
		{newer, "newer than this binary"},
		{filepath.Join(t.TempDir(), "missing.db"), "no such file"},
	} {
		if err := Restore(c.file, dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Restore(%s) = %v; want %q", filepath.Base(c.file), err, c.want)
		}
	}
	again, err := Open(t.Context(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if n := opsKeys(t, again.reader); n != 1 {
		t.Fatalf("keys after refused restores = %d; want 1", n)
	}
}

// TestOpsRestoreReplacesTheDatabaseAndItsWAL: restoring over a stopped
// directory replaces its database, and the old -wal/-shm files go with it.
func TestOpsRestoreReplacesTheDatabaseAndItsWAL(t *testing.T) {
	src, _ := openTest(t)
	if _, err := src.BeginIdempotent(t.Context(), "from-backup", "b", time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "b.db")
	if err := src.Backup(t.Context(), file); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s, err := Open(t.Context(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginIdempotent(t.Context(), "replaced", "b", time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// A WAL left by a crash would be replayed into the restored file.
	stale := filepath.Join(dir, FileName+"-wal")
	if err := os.WriteFile(stale, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Restore(file, dir); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the replaced database's WAL is still there: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*restore*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	again, err := Open(t.Context(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var ids []string
	rows, err := again.reader.Query("SELECT id FROM idempotency")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) != 1 || ids[0] != "from-backup" {
		t.Fatalf("keys after restore = %v; want [from-backup]", ids)
	}
}

// TestOpsAFullDatabaseIsUnavailableAndRecovers fills the database to a
// page limit set on the writer connection (SQLITE_FULL, as when the file
// cannot grow): the failing write is models.ErrUnavailable, nothing
// acknowledged is lost, and once the limit is raised the same store takes
// writes again without reopening.
func TestOpsAFullDatabaseIsUnavailableAndRecovers(t *testing.T) {
	s, clk := openTest(t)
	ctx := t.Context()
	var pages int
	if err := s.writer.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+8)); err != nil {
		t.Fatal(err)
	}
	var acked []string
	var full error
	body := strings.Repeat("x", 3000)
	for i := range 1000 {
		key := fmt.Sprint("k", i)
		if _, err := s.BeginIdempotent(ctx, key, body, clk.Now(), time.Minute); err != nil {
			full = err
			break
		}
		acked = append(acked, key)
	}
	if !errors.Is(full, models.ErrUnavailable) {
		t.Fatalf("write to a full database = %v; want models.ErrUnavailable", full)
	}
	if len(acked) == 0 {
		t.Fatal("no write succeeded before the database was full")
	}
	// Still full: still unavailable, not wedged in another error.
	if _, err := s.BeginIdempotent(ctx, "still-full", body, clk.Now(), time.Minute); !errors.Is(err, models.ErrUnavailable) {
		t.Fatalf("a second write to the full database = %v; want models.ErrUnavailable", err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping while full = %v; reads go on", err)
	}

	if _, err := s.writer.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.BeginIdempotent(ctx, "after", body, clk.Now(), time.Minute); got != nil || err != nil {
		t.Fatalf("the first write once the database can grow = %v, %v; want it to succeed", got, err)
	}
	for _, key := range append(acked, "after") {
		if _, err := s.BeginIdempotent(ctx, key, body, clk.Now(), time.Minute); !errors.Is(err, models.ErrIdempotencyInFlight) {
			t.Fatalf("acknowledged key %s = %v; want it still claimed", key, err)
		}
	}
	if n := opsKeys(t, s.reader); n != len(acked)+1 {
		t.Fatalf("keys = %d; want the %d acknowledged and the one after", n, len(acked)+1)
	}
}

// TestOpsTheFileIsMarkedAsSkillbooks: migration 0008 sets the application
// id a restore checks.
func TestOpsTheFileIsMarkedAsSkillbooks(t *testing.T) {
	s, _ := openTest(t)
	var id int
	if err := s.reader.QueryRow("PRAGMA application_id").Scan(&id); err != nil || id != applicationID {
		t.Fatalf("application_id = %d (%v); want %d", id, err, applicationID)
	}
}

// TestOpsBackupDirOfACrashedDirectoryKeepsItsWAL: a directory left by a
// crash (the database and its WAL, no -shm) backs up with the commits
// that were still only in the WAL.
func TestOpsBackupDirOfACrashedDirectoryKeepsItsWAL(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(t.Context(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 30 {
		if _, err := s.BeginIdempotent(t.Context(), fmt.Sprint("k", i), "b", time.Now(), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	crashed := t.TempDir()
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, FileName+suffix))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(crashed, FileName+suffix), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "crashed.db")
	if err := BackupDir(t.Context(), crashed, file); err != nil {
		t.Fatalf("BackupDir of a crashed directory: %v", err)
	}
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro&immutable=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := opsKeys(t, db); n != 30 {
		t.Fatalf("keys in the backup = %d; want 30", n)
	}
}
