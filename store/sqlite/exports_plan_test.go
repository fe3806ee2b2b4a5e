package sqlite

import (
	"database/sql"
	"strings"
	"testing"
)

// exportAssertNoScan fails when query's plan scans a table (rather than
// searching it through an index).
func exportAssertNoScan(tb testing.TB, db *sql.DB, query string, args ...any) {
	tb.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatalf("EXPLAIN QUERY PLAN %s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			tb.Fatal(err)
		}
		plan = append(plan, detail)
	}
	for _, step := range plan {
		if strings.HasPrefix(step, "SCAN ") && !strings.HasPrefix(step, "SCAN CONSTANT ROW") {
			tb.Errorf("query scans: %s\n%s\nplan:\n  %s", step, query, strings.Join(plan, "\n  "))
		}
	}
}

// exportAssertPlanUses fails unless query's plan names index.
func exportAssertPlanUses(tb testing.TB, db *sql.DB, index, query string, args ...any) {
	tb.Helper()
	var plan []string
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatalf("EXPLAIN QUERY PLAN %s: %v", query, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			tb.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !strings.Contains(strings.Join(plan, "\n"), index) {
		tb.Errorf("query does not use %s:\n%s\nplan:\n  %s", index, query, strings.Join(plan, "\n  "))
	}
}

func TestExportQueriesUseIndexes(t *testing.T) {
	s, _ := openTest(t)
	ids := []any{"p", "s1", "s2"}
	for _, q := range []struct {
		query string
		args  []any
	}{
		{claimExportQuery, []any{"queued", "running", 0, MaxExportAttempts}},
		{sweepExpiredQuery, []any{"done", 0, 10}},
		{sweepDeadQuery, []any{"running", 0, 3, 10}},
		{`SELECT ` + exportRowColumns + ` FROM export_jobs WHERE id = ?`, []any{"j"}},
		{`SELECT program_id, data FROM export_chunks WHERE file_id = ? AND n = ?`, []any{"f", 0}},
		{`DELETE FROM export_chunks WHERE file_id IN (SELECT file_id FROM export_stale_files WHERE job_id = ?)`, []any{"j"}},
		{exportStudentQuery, []any{"s", "p", "student", ""}},
		{exportCohortQuery, []any{"c", "", "p", "student", 100}},
		{`SELECT count(*) FROM cohort_members m JOIN users u ON u.id = m.user_id WHERE m.cohort_id = ? AND u.program_id = ? AND u.role = ?`, []any{"c", "p", "student"}},
		{exportAttemptsQuery + `?, ?)`, ids},
		{exportSignedAttemptsQuery + `?, ?)`, ids},
		{`SELECT doc FROM remediations WHERE program_id = ? AND student_id IN (?, ?)`, ids},
		{`SELECT student_id, kind, status, count(*) FROM procedures WHERE program_id = ? AND student_id IN (?, ?) GROUP BY student_id, kind, status`, ids},
		{`SELECT id, doc FROM assignments WHERE program_id = ? AND student_id <> '' AND student_id IN (?, ?)
			UNION SELECT id, doc FROM assignments WHERE program_id = ? AND cohort_id <> '' AND cohort_id IN (?)`, []any{"p", "s1", "s2", "p", "c"}},
		{`SELECT program_id, status, revision, doc FROM checklists WHERE program_id IN ('', ?) AND checklist_id = ? AND version = ?`, []any{"p", "bp", 1}},
		{exportColumnsQuery, []any{"p", "c", "", "", "p", "c", "p", "student", "", ""}},
		{`SELECT id, uid, doc FROM users WHERE program_id = ? AND role IN (?, ?) LIMIT ?`, []any{"p", "instructor", "admin", 10}},
		{`SELECT id, coalesce(json_extract(doc, '$.name'), '') FROM cohorts WHERE program_id = ?`, []any{"p"}},
	} {
		exportAssertNoScan(t, s.reader, q.query, q.args...)
	}
	// The per-student reads seek each student, never the whole program
	// (through whichever index the planner prefers).
	for _, q := range []string{
		exportAttemptsQuery + `?, ?)`,
		`SELECT doc FROM remediations WHERE program_id = ? AND student_id IN (?, ?)`,
		`SELECT student_id, kind, status, count(*) FROM procedures WHERE program_id = ? AND student_id IN (?, ?) GROUP BY student_id, kind, status`,
	} {
		exportAssertPlanUses(t, s.reader, "(program_id=? AND student_id=?)", q, ids...)
	}
	exportAssertPlanUses(t, s.reader, "(program_id=? AND student_id=?)", exportColumnsQuery,
		"p", "c", "", "", "p", "c", "p", "student", "", "")
	batchAssignments := `SELECT id, doc FROM assignments WHERE program_id = ? AND student_id <> '' AND student_id IN (?, ?)
			UNION SELECT id, doc FROM assignments WHERE program_id = ? AND cohort_id <> '' AND cohort_id IN (?)`
	for _, index := range []string{"(program_id=? AND student_id=?)", "(program_id=? AND cohort_id=?)"} {
		exportAssertPlanUses(t, s.reader, index, batchAssignments, "p", "s1", "s2", "p", "c")
	}
	exportAssertPlanUses(t, s.reader, "USING PRIMARY KEY (cohort_id=? AND user_id>?)", exportCohortQuery, "c", "", "p", "student", 100)
	for _, src := range archiveSources {
		exportAssertNoScan(t, s.reader, src.query, "p")
		where := "program_id"
		if src.kind == ArchiveProgram {
			where = "id"
		}
		exportAssertNoScan(t, s.reader, `SELECT count(*) FROM `+src.table+` WHERE `+where+` = ?`, "p")
	}
	for _, tb := range archiveTables {
		exportAssertNoScan(t, s.reader, `SELECT 1 FROM `+tb.table+` WHERE program_id = ? LIMIT 1`, "p")
	}
}
