package sqlite

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkOpsRawSignOffTx is the floor the API's sign-off is compared
// with: the raw SQLite transaction writing the rows a sign-off writes —
// one ~2 KB attempts row updated under its version guard, one events row,
// one notifications row — BEGIN IMMEDIATE … COMMIT on the store's writer
// (WAL, synchronous=FULL), with no encoding or rules around it.
func BenchmarkOpsRawSignOffTx(b *testing.B) {
	s, _ := openTest(b)
	ctx := b.Context()
	doc := `{"id":"a1","steps":"` + strings.Repeat("s", 2000) + `"}`
	if _, err := s.writer.ExecContext(ctx, `INSERT INTO attempts (id, program_id, student_id, cohort_id, checklist_id, area, kind, status,
		open_slot, requested_at, version, doc) VALUES ('a1', 'p1', 's1', 'c1', 'ck1', 'clinical', 'evaluation', 'requested', 'open', 1, 1, ?)`, doc); err != nil {
		b.Fatal(err)
	}
	event := `{"id":"%s","type":"evaluation.signed","programId":"p1","subject":"attempt","subjectId":"a1","studentId":"s1"}`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		version := i + 1
		eventID := fmt.Sprintf("e%d", i)
		tx, err := s.writer.BeginTx(ctx, nil) // BEGIN IMMEDIATE (the writer's _txlock)
		if err != nil {
			b.Fatal(err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE attempts SET status = 'passed', open_slot = id, evaluation_id = ?, evaluated_at = ?,
			version = version + 1, doc = ? WHERE id = 'a1' AND version = ?`, "ev"+eventID, int64(i+2), doc, version)
		if err != nil {
			b.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			b.Fatalf("update at version %d changed %d rows", version, n)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (id, program_id, type, at, actor_id, subject, subject_id, student_id, doc)
			VALUES (?, 'p1', 'evaluation.signed', ?, 'i1', 'attempt', 'a1', 's1', ?)`, eventID, int64(i+2), fmt.Sprintf(event, eventID)); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, program_id, user_id, event_id, event_type, category, title, body,
			created_at, state, next_attempt_at) VALUES (?, 'p1', 's1', ?, 'evaluation.signed', 'evaluation-results', 'Evaluation signed', 'Your evaluation was signed.', ?, 'pending', ?)`,
			notificationID(eventID, "s1"), eventID, int64(i+2), int64(i+2)); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
