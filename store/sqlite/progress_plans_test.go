package sqlite

import (
	"database/sql"
	"regexp"
	"strings"
	"testing"

	"skillbook/models"
)

// skillScan matches a plan step that reads a whole table (or a whole
// index of it): "SCAN t", "SCAN t USING INDEX i", "SCAN m USING COVERING
// INDEX …". Searches ("SEARCH t USING INDEX i (a=? AND b>?)") are what a
// hot query should do.
var skillScan = regexp.MustCompile(`^SCAN (\w+)`)

// skillAssertNoScan fails when the plan of query reads a whole table. It
// returns the plan, one step a line. A scan of a subquery's result (a
// co-routine or materialized view, whose own steps are checked) or of the
// query's own VALUES list is not a scan of a table.
func skillAssertNoScan(tb testing.TB, db *sql.DB, query string, args ...any) string {
	tb.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatalf("EXPLAIN QUERY PLAN %s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	subqueries := map[string]bool{}
	for rows.Next() {
		var id, parent, notUsed int
		var detail string
		if err := rows.Scan(&id, &parent, &notUsed, &detail); err != nil {
			tb.Fatal(err)
		}
		plan = append(plan, detail)
		if f := strings.Fields(detail); len(f) == 2 && (f[0] == "CO-ROUTINE" || f[0] == "MATERIALIZE") {
			subqueries[f[1]] = true
		}
		literal := strings.HasSuffix(detail, "CONSTANT ROWS") || strings.HasSuffix(detail, "VALUES CLAUSE")
		if m := skillScan.FindStringSubmatch(detail); m != nil && !subqueries[m[1]] && !literal {
			tb.Errorf("plan of\n\t%s\nscans %s: %q", strings.Join(strings.Fields(query), " "), m[1], detail)
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return strings.Join(plan, "\n")
}

// skillArgsN is n arguments for a query's parameters.
func skillArgsN(n int) []any {
	args := make([]any, n)
	for i := range args {
		args[i] = "x"
	}
	return args
}

// TestSkillQueriesUseIndexes: every list and lookup of checklists,
// assignments, procedures and progress searches an index, whatever the
// filter.
func TestSkillQueriesUseIndexes(t *testing.T) {
	s, _ := openTest(t)
	assignments := func(f models.AssignmentFilter) (string, []any) {
		where, args := assignmentsWhere("p1", f)
		return skillListQuery("assignments", append(where, "id > ?"), "ASC"), append(args, "cursor", 50)
	}
	procedures := func(f models.ProcedureFilter) (string, []any) {
		where, args := loggedWhere("p1", f.StudentIDs, f.Status)
		return skillListQuery(loggedFrom("procedures", f.StudentIDs, f.Status), append(where, "id < ?"), "DESC"), append(args, "cursor", 50)
	}
	one, two := []string{"s1"}, []string{"s1", "s2", "s3"}
	assignmentsOf, assignmentsOfArgs := assignmentsOfQuery("p1", two, []string{"c1", "c2"}, "")
	assignmentFor, assignmentForArgs := assignmentsOfQuery("p1", one, []string{"c1"}, "AND checklist_id = ?", "bp-manual")
	onlyCohorts, onlyCohortsArgs := assignmentsOfQuery("p1", nil, []string{"c1"}, "")

	type query struct {
		name string
		q    string
		args []any
	}
	queries := []query{
		{"Checklist", qChecklist, skillArgsN(3)},
		{"CurrentChecklist", qCurrentChecklist, skillArgsN(3)},
		{"ChecklistVersions", qChecklistVersions, skillArgsN(2)},
		{"Checklists", qChecklistsPublished, skillArgsN(3)},
		{"Checklists doc", qChecklistInStatus, skillArgsN(4)},
		{"OwnChecklist", qChecklistOwn, skillArgsN(3)},
		{"ChecklistNumbering", qChecklistNumbers, skillArgsN(2)},
		{"UpdateChecklist read", qChecklistRevision, skillArgsN(3)},
		{"ChecklistsByRef", qChecklistRefs(3), skillArgsN(4)},
		{"UpsertLibrary", qLibraryDigests, nil},
		{"Assignment", qAssignment, skillArgsN(2)},
		{"DueAssignments", qDueAssignments, []any{"2026-05-01", "2026-05-03", 5000}},
		{"AssignmentsOf", assignmentsOf, assignmentsOfArgs},
		{"AssignmentsOf cohorts only", onlyCohorts, onlyCohortsArgs},
		{"AssignmentFor", assignmentFor + " ORDER BY checklist_version DESC LIMIT 1", assignmentForArgs},
		{"Procedure", qLogged("procedures"), skillArgsN(2)},
		{"ProcedureCounts", qProcedureCounts(3), skillArgsN(4)},
		{"PracticumEntry", qLogged("practicum"), skillArgsN(2)},
		{"PracticumTotals", qPracticumTotals(3), skillArgsN(4)},
		{"StandingsOf", qStandingsOf(3), skillArgsN(4)},
		// What the standings triggers of 0010 run on every write of an attempt.
		// What a bulk load (the seeder) runs per student at the end of a batch.
		{"standings refresh of a student", `SELECT program_id, student_id, checklist_id, practice, open_id, graded FROM standings_source
			WHERE program_id = ? AND student_id = ?`, skillArgsN(2)},
		{"standings refresh", `SELECT program_id, student_id, checklist_id, practice, open_id, graded FROM standings_source
			WHERE program_id = ? AND student_id = ? AND checklist_id = ?`, skillArgsN(3)},
		{"CohortProgress students", qCohortStudentPage, []any{"c1", "", "p1", "student", 51}},
	}
	for _, f := range []models.AssignmentFilter{{}, {CohortID: "c1"}, {StudentID: "s1"}, {CohortID: "c1", StudentID: "s1"}} {
		q, args := assignments(f)
		queries = append(queries, query{"Assignments " + strings.Join(strings.Fields(strings.Trim(strings.ReplaceAll(q, "\n", " "), " ")), " "), q, args})
	}
	for _, f := range []models.ProcedureFilter{{}, {StudentIDs: one}, {StudentIDs: two}, {Status: models.ProcedurePending},
		{StudentIDs: one, Status: models.ProcedurePending}, {StudentIDs: two, Status: models.ProcedurePending}} {
		q, args := procedures(f)
		queries = append(queries, query{"Procedures " + q, q, args})
		where, pargs := loggedWhere("p1", f.StudentIDs, f.Status)
		pq := skillListQuery(loggedFrom("practicum", f.StudentIDs, f.Status), append(where, "id < ?"), "DESC")
		queries = append(queries, query{"Procedures practicum " + pq, pq, append(pargs, "cursor", 50)})
	}
	// Where a search of a wider index would pass the no-scan rule but
	// still read what grows with the program, the plan must start on the
	// narrow index.
	first := map[string]string{
		"CohortProgress students":        "SEARCH m USING PRIMARY KEY (cohort_id=? AND user_id>?)",
		"ProcedureCounts":                "SEARCH procedures USING COVERING INDEX procedures_counts (program_id=? AND student_id=?)",
		"PracticumTotals":                "SEARCH practicum USING COVERING INDEX practicum_totals (program_id=? AND student_id=?)",
		"StandingsOf":                    "SEARCH standings USING PRIMARY KEY (program_id=? AND student_id=?)",
		"standings refresh of a student": "CO-ROUTINE standings_source\nSEARCH attempts USING INDEX attempts_student_skill (program_id=? AND student_id=?)",
		"standings refresh":              "CO-ROUTINE standings_source\nSEARCH attempts USING INDEX attempts_student_skill (program_id=? AND student_id=? AND checklist_id=?)",
		"Checklists":                     "SEARCH checklists USING COVERING INDEX checklists_status (program_id=? AND status=? AND checklist_id>?)",
		"ChecklistsByRef":                "SEARCH checklists USING COVERING INDEX checklists_status (program_id=?)",
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			plan := skillAssertNoScan(t, s.reader, q.q, q.args...)
			if testing.Verbose() {
				t.Logf("%s\n%s", q.q, plan)
			}
			if want, ok := first[q.name]; ok && !strings.HasPrefix(plan, want) {
				t.Errorf("plan of %s =\n%s\nwant it to start with %q", q.name, plan, want)
			}
			if strings.Contains(q.q, "student_id IN") && strings.HasPrefix(q.name, "Procedures") && !strings.Contains(plan, "student_id=?") {
				t.Errorf("plan of %s =\n%s\nwant a search by student", q.name, plan)
			}
		})
	}
}
