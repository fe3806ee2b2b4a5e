package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"skillbook/clock"
	"skillbook/models"
)

// TestMigrationLinksExistingAuditEntries writes a trail with a schema from
// before the chain, then opens it: migration 0013 links the entries of
// each program in the order they were stored, and new entries follow.
func TestMigrationLinksExistingAuditEntries(t *testing.T) {
	ctx := context.Background()
	dir, db := databaseAt(t, 12)
	// Stored order is not time order: the chain follows the former.
	old := []struct {
		id, program string
		atMS        int64
	}{{"e-b", "p1", 2000}, {"e-a", "p1", 1000}, {"e-x", "p2", 1500}, {"e-c", "p1", 3000}}
	for _, o := range old {
		e := models.Event{ID: o.id, Type: "user.updated", ProgramID: o.program, Actor: models.SystemActor, At: fromMS(o.atMS),
			Subject: "user", SubjectID: "u1", Summary: "before the chain " + o.id}
		doc, err := encode(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO events (id, program_id, type, at, actor_id, subject, subject_id, student_id, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, '', ?)`, e.ID, e.ProgramID, string(e.Type), o.atMS, e.Actor.UserID, e.Subject, e.SubjectID, doc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, "PRAGMA user_version = 12"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err := Open(ctx, Options{Dir: dir, Clock: clock.NewFake(testEpoch)})
	if err != nil {
		t.Fatalf("Open a version 12 database: %v", err)
	}
	defer s.Close()
	if err := s.write(ctx, func(tx *sql.Tx) error {
		return s.recordEvents(ctx, tx, models.Event{Type: "user.updated", ProgramID: "p1", Actor: models.SystemActor, Subject: "user", SubjectID: "u2"})
	}); err != nil {
		t.Fatal(err)
	}
	l, err := s.Audit(ctx, "p1", models.AuditFilter{}, models.Page{})
	if err != nil {
		t.Fatal(err)
	}
	seqs := map[string]int64{}
	for _, e := range l.Items {
		seqs[e.ID] = e.Seq
	}
	if seqs["e-b"] != 1 || seqs["e-a"] != 2 || seqs["e-c"] != 3 || len(seqs) != 4 || l.Items[0].Seq != 4 {
		t.Errorf("seqs after migration = %v (newest %d); want e-b 1, e-a 2, e-c 3 in stored order, then the new entry 4", seqs, l.Items[0].Seq)
	}
	for p, n := range map[string]int64{"p1": 4, "p2": 1} {
		v, err := s.VerifyAudit(ctx, p)
		if err != nil || !v.Intact || v.Entries != n {
			t.Errorf("VerifyAudit(%s) = %+v, %v; want intact with %d entries", p, v, err, n)
		}
	}
}

// databaseAt is a database in a new directory with the schema of version
// n (the first n migrations), to write records the way an older binary
// did before opening it with this one (then set PRAGMA user_version to n
// and close db).
func databaseAt(t *testing.T, n int) (string, *sql.DB) {
	t.Helper()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	migs, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range migs[:n] {
		if _, err := db.ExecContext(t.Context(), m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	return dir, db
}
