package sqlite

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"skillbook/models"
)

// progressColumns decodes, for every attempt row, its progress column and
// its doc (and the doc as migration 0009 summarises it) as progress reads
// them.
func progressColumns(tb testing.TB, s *Store) (fromColumn, fromDoc, fromBackfill map[string]progressAttempt) {
	tb.Helper()
	rows, err := s.reader.Query(`SELECT id, progress, doc, json_remove(doc, '$.studentName', '$.checklistTitle', '$.steps', '$.note',
		'$.amendments', '$.evaluation.steps', '$.evaluation.comment', '$.evaluation.failedCritical', '$.evaluation.grading') FROM attempts`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	fromColumn, fromDoc, fromBackfill = map[string]progressAttempt{}, map[string]progressAttempt{}, map[string]progressAttempt{}
	for rows.Next() {
		var id, progress, doc, backfill string
		if err := rows.Scan(&id, &progress, &doc, &backfill); err != nil {
			tb.Fatal(err)
		}
		for _, d := range []struct {
			json string
			into map[string]progressAttempt
		}{{progress, fromColumn}, {doc, fromDoc}, {backfill, fromBackfill}} {
			var p progressAttempt
			if err := decode(d.json, &p); err != nil {
				tb.Fatalf("attempt %s: %v", id, err)
			}
			d.into[id] = p
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return fromColumn, fromDoc, fromBackfill
}

func TestProgressColumnFollowsEveryWriteOfAnAttempt(t *testing.T) {
	s, _ := openTest(t)
	ctx := t.Context()
	p := "p1"
	check := func(when string, want int) {
		t.Helper()
		col, doc, backfill := progressColumns(t, s)
		if len(col) != want {
			t.Fatalf("%s: %d attempt rows; want %d", when, len(col), want)
		}
		if diff := cmp.Diff(doc, col); diff != "" {
			t.Errorf("%s: progress column (-from doc +column):\n%s", when, diff)
		}
		if diff := cmp.Diff(doc, backfill); diff != "" {
			t.Errorf("%s: migration 0009's summary (-from doc +backfill):\n%s", when, diff)
		}
	}
	a, ev := attemptRequest(p, "ann", "bp-manual")
	a.Steps, a.Note = []models.StepGrade{{StepID: "s1", Result: models.StepPass}}, "ready"
	req := attemptMustCreate(t, s, a, ev)
	check("after CreateAttempt", 1)

	e := attemptEvaluation(models.OutcomePassed)
	e.Steps, e.Comment = []models.StepGrade{{StepID: "s1", Result: models.StepPass}}, "well done"
	e.Signature = &models.Signature{SignerID: "ivy", SignerName: "Ivy", SignerCredential: "RN", SignedAt: e.EvaluatedAt,
		Method: models.SignedInSession, Meaning: models.SignatureMeaning, Digest: "d"}
	passed, err := s.EvaluateAttempt(ctx, p, req.ID, req.Version, models.StatusPassed, e)
	if err != nil {
		t.Fatal(err)
	}
	check("after EvaluateAttempt", 1)

	am := models.Amendment{ID: newID(), EvaluationID: e.ID, Reason: "typo", Correction: "step 3 passed"}
	if _, err := s.AddAmendment(ctx, p, req.ID, passed.Version, am, models.Event{Type: models.EventEvaluationAmended, ProgramID: p,
		Actor: attemptByAdmin, Subject: "attempt", SubjectID: req.ID, StudentID: "ann"}); err != nil {
		t.Fatal(err)
	}
	check("after AddAmendment", 1)

	got, err := s.StandingsOf(ctx, p, []string{"ann"})
	if g := got["ann"]["bp-manual"].Graded; err != nil || len(g) != 1 || g[0].AttemptID != req.ID || g[0].Status != models.StatusPassed ||
		g[0].Signer != "Ivy" || g[0].Credential != "RN" || g[0].SignedAt == nil {
		t.Fatalf("StandingsOf = %+v, %v; want the amended, signed evaluation", got, err)
	}
}
