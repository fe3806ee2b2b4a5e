package sqlite

import (
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"skillbook/models"
)

// TestAttemptQueueRefusesAKeylessCursor: a well-formed queue cursor
// without a position is no cursor Queue returned (the contract suite
// checks the queue itself).
func TestAttemptQueueRefusesAKeylessCursor(t *testing.T) {
	s, _ := openTest(t)
	_, err := s.Queue(t.Context(), "p1", models.QueueFilter{}, models.Page{Cursor: encodeCursor(attemptQueueList, attemptQueueKey{})})
	var v *models.ValidationError
	if !errors.As(err, &v) || len(v.Problems) != 1 || v.Problems[0].Field != "cursor" {
		t.Errorf("Queue(keyless cursor) = %v; want a validation problem of cursor", err)
	}
}

// attemptAssertNoScan fails unless query's plan reads through index (and
// never scans a table).
func attemptAssertNoScan(tb testing.TB, db *sql.DB, index, query string, args ...any) {
	tb.Helper()
	whole := skillAssertNoScan(tb, db, query, args...)
	tb.Logf("plan:\n%s", whole)
	if !strings.Contains(whole, "INDEX "+index+" ") {
		tb.Errorf("plan of %s does not use %s:\n%s", query, index, whole)
	}
}

func TestAttemptQueriesReadThroughIndexes(t *testing.T) {
	s, _ := openTest(t)
	// Some rows and fresh statistics, so the planner chooses as it would
	// on a real program.
	for i := range 50 {
		a, ev := attemptRequest("p1", "s"+string(rune('a'+i%26))+string(rune('a'+i/26)), "bp-manual")
		attemptMustCreate(t, s, a, ev)
	}
	if _, err := s.writer.Exec("ANALYZE"); err != nil {
		t.Fatal(err)
	}
	after := &attemptQueueKey{At: 1, ID: "x"}
	cases := []struct {
		name, index string
		query       string
		args        []any
	}{
		{name: "AttemptByEvaluation", index: "attempts_evaluation", query: attemptByEvaluationSQL, args: []any{"e1", "p1"}},
	}
	add := func(name, index, q string, args []any) {
		cases = append(cases, struct {
			name, index string
			query       string
			args        []any
		}{name, index, q, args})
	}
	q, args := attemptQueueSQL("p1", models.QueueFilter{}, nil, 51)
	add("Queue", "attempts_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{Area: "vitals"}, after, 51)
	add("Queue after a cursor, by area", "attempts_area_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{}, after, 51)
	add("Queue after a cursor", "attempts_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{CohortIDs: []string{"c1"}}, after, 51)
	add("Queue of a cohort", "attempts_cohort_queue", q, args)
	q, args = attemptQueueSQL("p1", models.QueueFilter{CohortIDs: []string{"c1", "c2", "c3"}, Area: "vitals"}, nil, 51)
	add("Queue of cohorts", "attempts_cohort_queue", q, args)
	q, args = attemptSkillSQL("p1", []models.StudentSkill{{StudentID: "sa", ChecklistID: "bp-manual"}, {StudentID: "sb", ChecklistID: "pulse"}}, 4001)
	add("SkillAttempts", "attempts_student_skill", q, args)
	q, args = attemptRemediationsSQL("p1", []string{"sa", "sb"})
	add("RemediationsOf", "remediations_student", q, args)
	// A student's attempts, newest first: every filter reads one student's
	// rows in index order, no sort (a checklist is filtered among them).
	q, args = attemptHistorySQL("p1", "sa", models.AttemptFilter{}, nil, 51)
	add("StudentAttempts", "attempts_student_history", q, args)
	q, args = attemptHistorySQL("p1", "sa", models.AttemptFilter{Status: models.StatusPassed, From: time.UnixMilli(1), To: time.UnixMilli(9)}, after, 51)
	add("StudentAttempts by status and dates, after a cursor", "attempts_student_history", q, args)
	q, args = attemptHistorySQL("p1", "sa", models.AttemptFilter{ChecklistID: "bp-manual"}, after, 51)
	add("StudentAttempts of a checklist", "attempts_student_history", q, args)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { attemptAssertNoScan(t, s.reader, c.index, c.query, c.args...) })
	}
}
