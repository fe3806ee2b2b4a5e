package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// migrations are the schema's versions, applied in order: NNNN_name.sql
// brings the database to version NNNN. They are part of the binary; the
// database's PRAGMA user_version says which it has.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrationSteps are the Go steps of migrations whose work SQL cannot do,
// run after the migration's SQL in its transaction.
var migrationSteps = map[int]func(ctx context.Context, tx *sql.Tx) error{
	13: chainBacklog,
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlite: migration %s: name it NNNN_what.sql", e.Name())
		}
		b, err := migrations.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlite: migration %s: versions must run 1, 2, 3 … without gaps", m.name)
		}
	}
	return out, nil
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		panic(err)
	}
	return len(ms)
}

// migrate applies the migrations the database lacks, each in its own
// transaction, and refuses a database written by a newer binary.
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	var have int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return fmt.Errorf("sqlite: read schema version: %w", translate(err))
	}
	if have > len(ms) {
		return fmt.Errorf("sqlite: the database has schema version %d, newer than this binary's %d: run the release that wrote it, or a newer one", have, len(ms))
	}
	for _, m := range ms[have:] {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlite: migrate to %s: %w", m.name, translate(err))
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("sqlite: migrate to %s: %w", m.name, err)
		}
		if step := migrationSteps[m.version]; step != nil {
			if err := step(ctx, tx); err != nil {
				_ = tx.Rollback()
				return fmt.Errorf("sqlite: migrate to %s: %w", m.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version)); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("sqlite: migrate to %s: %w", m.name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite: migrate to %s: %w", m.name, translate(err))
		}
	}
	return nil
}

// refuseFerretDB recognises a data directory written by the FerretDB
// engine of earlier releases (its files live in DIR/ferretdb) and says how
// to move it.
func refuseFerretDB(dir string) error {
	old := filepath.Join(dir, "ferretdb")
	if _, err := os.Stat(old); err != nil {
		return nil
	}
	return fmt.Errorf("sqlite: %s holds the database of the FerretDB engine of earlier releases, which this release no longer reads. "+
		"To move it: with the previous release, `skillbook export --program ID --out program.ndjson.gz` for each program; "+
		"then move %s away, start this release, and `skillbook import --in program.ndjson.gz`", dir, old)
}
