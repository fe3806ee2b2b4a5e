package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"skillbook/models"
	"skillbook/workflow"
)

var (
	_ workflow.AttemptReader  = (*Store)(nil)
	_ workflow.AmendmentStore = (*Store)(nil)
	_ workflow.QueueStore     = (*Store)(nil)
)

// attemptOpenSlot marks the one evaluation request a student may have open
// per checklist (see models.Attempt.OpenSlot); UNIQUE (student_id,
// checklist_id, open_slot) keeps it one.
const attemptOpenSlot = "open"

// attemptMaxPerSkill bounds how many attempts one student's history at one
// checklist may hold when loaded whole (as the MongoDB engine).
const attemptMaxPerSkill = 2000

// errAttemptTooMany is a history larger than attemptMaxPerSkill allows.
var errAttemptTooMany = errors.New("too many results")

// attemptSelect reads an attempt: its record and the open slot kept beside
// it (the API never shows it).
const attemptSelect = `SELECT doc, open_slot FROM attempts `

// attemptScan decodes one row of attemptSelect.
func attemptScan(row interface{ Scan(...any) error }) (models.Attempt, error) {
	var doc, slot string
	if err := row.Scan(&doc, &slot); err != nil {
		return models.Attempt{}, err
	}
	var a models.Attempt
	if err := decode(doc, &a); err != nil {
		return models.Attempt{}, err
	}
	a.OpenSlot = slot
	return a, nil
}

// CreateAttempt stores a new practice attempt or evaluation request with
// its events; the caller chose its id, status and time stamps. A retry
// under the same id finds the first attempt: it returns the stored attempt
// and whether it is new. A different attempt under the same id, or a
// second waiting request for the same skill (see models.Attempt.OpenSlot),
// is a conflict.
func (s *Store) CreateAttempt(ctx context.Context, a models.Attempt, events ...models.Event) (models.Attempt, bool, error) {
	if a.ID == "" {
		return models.Attempt{}, false, errors.New("create attempt: the attempt has no id")
	}
	a.UpdatedAt = s.now()
	a.Version = 1
	a.OpenSlot = a.ID
	if a.Status.Waiting() {
		a.OpenSlot = attemptOpenSlot
	}
	var old *models.Attempt
	err := s.write(ctx, func(tx *sql.Tx) error {
		found, err := attemptScan(tx.QueryRowContext(ctx, attemptSelect+`WHERE id = ?`, a.ID))
		switch {
		case err == nil:
			if found.ProgramID == a.ProgramID && found.StudentID == a.StudentID && found.ChecklistID == a.ChecklistID && found.Kind == a.Kind {
				old = &found
				return nil
			}
			return fmt.Errorf("create attempt: %w: the id %s is already used by another attempt", models.ErrConflict, a.ID)
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("create attempt: %w", translate(err))
		}
		err = insertAttemptRow(ctx, tx, a)
		if err = translate(err); errors.Is(err, models.ErrConflict) {
			return fmt.Errorf("create attempt: %w: an evaluation of this checklist is already requested and waiting for an instructor", models.ErrConflict)
		} else if err != nil {
			return fmt.Errorf("create attempt: %w", err)
		}
		return s.recordEvents(ctx, tx, events...)
	})
	switch {
	case err != nil:
		return models.Attempt{}, false, err
	case old != nil:
		return *old, false, nil
	}
	return a, true, nil
}

// attemptEvaluationID is the evaluation_id column of a: its evaluation's
// id, or ”.
func attemptEvaluationID(a *models.Attempt) string {
	if a.Evaluation == nil {
		return ""
	}
	return a.Evaluation.ID
}

// attemptEvaluatedAt is the evaluated_at column of a.
func attemptEvaluatedAt(a *models.Attempt) int64 {
	if a.Evaluation == nil {
		return 0
	}
	return ms(a.Evaluation.EvaluatedAt)
}

// Attempt returns one attempt of a program.
func (s *Store) Attempt(ctx context.Context, programID, id string) (models.Attempt, error) {
	a, err := attemptScan(s.reader.QueryRowContext(ctx, attemptSelect+`WHERE id = ? AND program_id = ?`, id, programID))
	if err != nil {
		return models.Attempt{}, fmt.Errorf("find attempt %s: %w", id, translate(err))
	}
	return a, nil
}

// attemptByEvaluationSQL finds the attempt holding an evaluation; the
// partial index attempts_evaluation needs the non-empty test.
const attemptByEvaluationSQL = attemptSelect + `WHERE evaluation_id = ? AND evaluation_id <> '' AND program_id = ?`

// AttemptByEvaluation returns the attempt holding evaluation id.
func (s *Store) AttemptByEvaluation(ctx context.Context, programID, evaluationID string) (models.Attempt, error) {
	a, err := attemptScan(s.reader.QueryRowContext(ctx, attemptByEvaluationSQL, evaluationID, programID))
	if err != nil {
		return models.Attempt{}, fmt.Errorf("find evaluation %s: %w", evaluationID, translate(err))
	}
	return a, nil
}

// SkillAttempts returns every attempt of each of skills (a student at a
// checklist), in one query: a student's history for the rules and for the
// queue.
func (s *Store) SkillAttempts(ctx context.Context, programID string, skills []models.StudentSkill) ([]models.Attempt, error) {
	out := []models.Attempt{}
	if len(skills) == 0 {
		return out, nil
	}
	limit := attemptMaxPerSkill * len(skills)
	q, args := attemptSkillSQL(programID, skills, limit+1)
	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list attempts: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		a, err := attemptScan(rows)
		if err != nil {
			return nil, fmt.Errorf("list attempts: %w", translate(err))
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list attempts: %w", translate(err))
	}
	if len(out) > limit {
		return nil, fmt.Errorf("list attempts: %w (more than %d)", errAttemptTooMany, limit)
	}
	return out, nil
}

// attemptSkillSQL is the query of every attempt of skills, at most limit:
// a search of attempts_student_skill per pair, not of every student's
// attempts at every checklist named.
func attemptSkillSQL(programID string, skills []models.StudentSkill, limit int) (string, []any) {
	args := make([]any, 0, 2+2*len(skills))
	for _, k := range skills {
		args = append(args, k.StudentID, k.ChecklistID)
	}
	// The pairs are a VALUES table joined to the index: a row-value IN
	// would search by student only and filter the checklists.
	return `WITH k(student_id, checklist_id) AS (VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?), ", len(skills)), ", ") + `)
		SELECT a.doc, a.open_slot FROM k CROSS JOIN attempts a
		WHERE a.program_id = ? AND a.student_id = k.student_id AND a.checklist_id = k.checklist_id LIMIT ?`,
		append(args, programID, limit)
}

// attemptPlaceholders is n comma-separated "?".
func attemptPlaceholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// attemptArgs appends vs to args.
func attemptArgs(args []any, vs []string) []any {
	for _, v := range vs {
		args = append(args, v)
	}
	return args
}

// EvaluateAttempt records an instructor's evaluation e of a waiting
// request, moving it to status, with its events, in one transaction
// conditional on the attempt being still requested at version: of two
// instructors evaluating at once exactly one succeeds; the other gets
// ErrConflict. A missing attempt is ErrNotFound.
func (s *Store) EvaluateAttempt(ctx context.Context, programID, attemptID string, version int64, status models.AttemptStatus, e models.Evaluation, events ...models.Event) (models.Attempt, error) {
	var a models.Attempt
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = attemptScan(tx.QueryRowContext(ctx, attemptSelect+`WHERE id = ? AND program_id = ?`, attemptID, programID))
		if err != nil {
			return fmt.Errorf("find attempt %s: %w", attemptID, translate(err))
		}
		if a.Version != version || a.Status != models.StatusRequested {
			return attemptNotWaiting(attemptID)
		}
		a.Evaluation, a.Status, a.OpenSlot, a.UpdatedAt, a.Version = &e, status, attemptID, s.now(), version+1
		doc, err := encode(a)
		if err != nil {
			return err
		}
		progress, err := attemptProgress(&a)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE attempts SET status = ?, open_slot = ?, evaluation_id = ?, evaluated_at = ?, version = ?, doc = ?, progress = ?
				WHERE id = ? AND program_id = ? AND version = ? AND status = ?`,
			string(a.Status), a.OpenSlot, e.ID, ms(e.EvaluatedAt), a.Version, doc, progress, attemptID, programID, version, string(models.StatusRequested))
		if err != nil {
			return fmt.Errorf("evaluate attempt %s: %w", attemptID, translate(err))
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return attemptNotWaiting(attemptID)
		}
		return s.recordEvents(ctx, tx, events...)
	})
	if err != nil {
		return models.Attempt{}, err
	}
	return a, nil
}

func attemptNotWaiting(id string) error {
	return fmt.Errorf("evaluate attempt %s: %w: this attempt is not waiting for an evaluation (it was already evaluated or is a practice)", id, models.ErrConflict)
}

// AddAmendment appends a signed amendment to an evaluated attempt with its
// event, guarded by the attempt's version so amendments are ordered and
// none is lost. An attempt that is missing, at another version or not
// evaluated is ErrConflict (as on the MongoDB engine).
func (s *Store) AddAmendment(ctx context.Context, programID, attemptID string, version int64, am models.Amendment, ev models.Event) (models.Attempt, error) {
	changed := fmt.Errorf("amend attempt %s: %w: the evaluation changed meanwhile; retry", attemptID, models.ErrConflict)
	var a models.Attempt
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = attemptScan(tx.QueryRowContext(ctx, attemptSelect+`WHERE id = ? AND program_id = ?`, attemptID, programID))
		if errors.Is(err, sql.ErrNoRows) {
			return changed
		}
		if err != nil {
			return fmt.Errorf("amend attempt %s: %w", attemptID, translate(err))
		}
		if a.Version != version || a.Evaluation == nil {
			return changed
		}
		a.Amendments = append(a.Amendments, am)
		a.UpdatedAt, a.Version = s.now(), version+1
		doc, err := encode(a)
		if err != nil {
			return err
		}
		progress, err := attemptProgress(&a)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE attempts SET version = ?, doc = ?, progress = ? WHERE id = ? AND program_id = ? AND version = ?`,
			a.Version, doc, progress, attemptID, programID, version)
		if err != nil {
			return fmt.Errorf("amend attempt %s: %w", attemptID, translate(err))
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return changed
		}
		return s.recordEvents(ctx, tx, ev)
	})
	if err != nil {
		return models.Attempt{}, err
	}
	return a, nil
}
