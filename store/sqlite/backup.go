package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// applicationID marks a database file as Skillbook's (PRAGMA
// application_id, set by migration 0008): "SkBk".
const applicationID = 0x536B426B

// Backup writes a consistent snapshot of the database to path (VACUUM INTO
// on a reader connection: writers go on meanwhile, and the snapshot is
// the database as of one commit). An existing path is never overwritten;
// the file appears whole or not at all.
func (s *Store) Backup(ctx context.Context, path string) error {
	return vacuumInto(ctx, s.reader, path)
}

// BackupDir snapshots the database of the data directory dir to path
// while another process (a running server) may hold the directory and
// write: it opens the file read-only, without the directory's lock, as
// one more WAL reader.
func BackupDir(ctx context.Context, dir, path string) error {
	file := filepath.Join(dir, FileName)
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("backup: no database in %s: %w", dir, err)
	}
	q := url.Values{"_pragma": {"busy_timeout(10000)"}, "mode": {"ro"}}
	db, err := sql.Open("sqlite", "file:"+file+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", file, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := checkSkillbook(ctx, db, file); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return vacuumInto(ctx, db, path)
}

// vacuumInto snapshots db to path: VACUUM INTO a fresh temporary file
// beside path, synced, then linked to path, which fails if path exists.
func vacuumInto(ctx context.Context, db *sql.DB, path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup: %s: %w (a backup never replaces a file)", path, fs.ErrExist)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	// VACUUM INTO accepts an empty file as its target.
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", tmp.Name()); err != nil {
		return fmt.Errorf("backup: %w", translate(err))
	}
	if err := syncFile(tmp.Name()); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("backup: %s: %w (a backup never replaces a file)", path, fs.ErrExist)
		}
		return fmt.Errorf("backup: %w", err)
	}
	return syncFile(filepath.Dir(path))
}

// checkSkillbook tells whether db (file) is a Skillbook database this
// binary can read: a SQLite file with Skillbook's application id (or, from
// before migration 0008 set it, the events table of migration 0001) and a
// schema version no newer than SchemaVersion.
func checkSkillbook(ctx context.Context, db *sql.DB, file string) error {
	var appID, version int
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return fmt.Errorf("%s is not a readable SQLite database: %w", file, err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("%s is not a readable SQLite database: %w", file, err)
	}
	var events int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'events'").Scan(&events); err != nil {
		return fmt.Errorf("%s is not a readable SQLite database: %w", file, err)
	}
	if version < 1 || (appID != applicationID && (appID != 0 || events != 1)) {
		return fmt.Errorf("%s is not a Skillbook database", file)
	}
	if version > SchemaVersion() {
		return fmt.Errorf("%s has schema version %d, newer than this binary's %d: use the release that wrote it, or a newer one", file, version, SchemaVersion())
	}
	return nil
}

// Restore puts the backup at backupPath into the data directory dir as its
// database, replacing the one there. dir must not be held: Restore takes
// its lock, and refuses (ErrLocked, naming the holder) while a server or
// another command has it. The backup is checked first (a Skillbook
// database, intact, of a schema version this binary reads), then copied
// to a temporary file in dir, synced and renamed over the database, after
// the old database's -wal and -shm files are removed (they belong to the
// replaced file and would corrupt the restored one).
func Restore(backupPath, dir string) error {
	if err := checkBackup(backupPath); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("restore: create data directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer lock.release()
	if err := refuseFerretDB(dir); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tmp, err := copyToTemp(backupPath, dir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(tmp)
	db := filepath.Join(dir, FileName)
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if err := os.Remove(db + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restore: remove the replaced database's %s file: %w", suffix, err)
		}
	}
	if err := os.Rename(tmp, db); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := syncFile(dir); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// checkBackup opens backupPath read-only as an immutable file (nothing is
// written beside it) and checks it is an intact Skillbook database this
// binary can read.
func checkBackup(backupPath string) error {
	fi, err := os.Stat(backupPath)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a file", backupPath)
	}
	abs, err := filepath.Abs(backupPath)
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+abs+"?"+url.Values{"mode": {"ro"}, "immutable": {"1"}}.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	if err := checkSkillbook(ctx, db, backupPath); err != nil {
		return err
	}
	var verdict string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&verdict); err != nil {
		return fmt.Errorf("%s: check: %w", backupPath, err)
	}
	if verdict != "ok" {
		return fmt.Errorf("%s is damaged: %s", backupPath, verdict)
	}
	return nil
}

// copyToTemp copies src to a synced temporary file in dir and returns its
// name.
func copyToTemp(src, dir string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, "."+FileName+".restore-*")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", err
	}
	if err := errors.Join(out.Sync(), out.Close()); err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// syncFile flushes a file or a directory (its entries) to stable storage.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
