package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"skillbook/models"
)

// Progress is read in bulk: each read below is one indexed search whatever
// the number of students or checklists, so a dashboard costs a fixed
// number of queries (the assigned checklist versions come from the cache
// once warm). The rows read still grow with the students' history (every
// attempt is read): no read model is kept yet.

// ProgressRecords loads, in six indexed reads, everything the progress of
// students needs besides their program: the assignments that apply to
// them, their attempts, remediations and procedure counts, and the
// checklist versions assigned or passed (evidence reads the codes of a
// passed version whether or not it is still assigned). The caller sets
// Program.
func (s *Store) ProgressRecords(ctx context.Context, programID string, students []models.User) (models.ProgressRecords, error) {
	r := models.ProgressRecords{Checklists: map[models.ChecklistRef]models.Checklist{}}
	ids := make([]string, len(students))
	for i, u := range students {
		ids[i] = u.ID
	}
	var err error
	if r.Assignments, err = s.AssignmentsOf(ctx, programID, students); err != nil {
		return r, err
	}
	if r.Standings, err = s.StandingsOf(ctx, programID, ids); err != nil {
		return r, err
	}
	if r.Remediations, err = s.RemediationsOf(ctx, programID, ids); err != nil {
		return r, err
	}
	if r.Procedures, err = s.ProcedureCounts(ctx, programID, ids); err != nil {
		return r, err
	}
	if r.Practicum, err = s.PracticumTotals(ctx, programID, ids); err != nil {
		return r, err
	}
	if r.Checklists, err = s.ChecklistsByRef(ctx, programID, r.NeededChecklists()); err != nil {
		return r, err
	}
	return r, nil
}

// progressAttempt is the part of an attempt progress is computed from (the
// MongoDB engine's projection): no names or titles, step grades, notes,
// amendments, comments or grading rules. It is the attempts row's progress
// column, which the standings triggers (0010) read with json_extract
// instead of parsing the whole doc.
type progressAttempt struct {
	ID               string               `json:"id"`
	ProgramID        string               `json:"programId"`
	StudentID        string               `json:"studentId"`
	CohortID         string               `json:"cohortId"`
	ChecklistID      string               `json:"checklistId"`
	ChecklistVersion int                  `json:"checklistVersion"`
	Area             models.Area          `json:"area"`
	Kind             models.AttemptKind   `json:"kind"`
	Status           models.AttemptStatus `json:"status"`
	RequestedAt      time.Time            `json:"requestedAt"`
	Version          int64                `json:"version"`
	UpdatedAt        time.Time            `json:"updatedAt"`
	Evaluation       *progressEvaluation  `json:"evaluation"`
}

// progressEvaluation is the part of an evaluation progress is computed
// from.
type progressEvaluation struct {
	ID          string            `json:"id"`
	EvaluatorID string            `json:"evaluatorId"`
	Outcome     models.Outcome    `json:"outcome"`
	Score       int               `json:"score"`
	Setting     models.Setting    `json:"setting"`
	EvaluatedAt time.Time         `json:"evaluatedAt"`
	Signature   *models.Signature `json:"signature"`
}

// attemptProgress is a's progress column: a as progressAttempt (every
// write of an attempt row sets it with the doc).
func attemptProgress(a *models.Attempt) (string, error) {
	p := progressAttempt{ID: a.ID, ProgramID: a.ProgramID, StudentID: a.StudentID, CohortID: a.CohortID, ChecklistID: a.ChecklistID,
		ChecklistVersion: a.ChecklistVersion, Area: a.Area, Kind: a.Kind, Status: a.Status, RequestedAt: a.RequestedAt,
		Version: a.Version, UpdatedAt: a.UpdatedAt}
	if e := a.Evaluation; e != nil {
		p.Evaluation = &progressEvaluation{ID: e.ID, EvaluatorID: e.EvaluatorID, Outcome: e.Outcome, Score: e.Score,
			Setting: e.Setting, EvaluatedAt: e.EvaluatedAt, Signature: e.Signature}
	}
	return encode(p)
}

// StandingsOf returns the standings of students, by student and
// checklist, in one indexed read of the standings read model (0010; its
// passed evaluations carry their checklist version since 0016, which
// evidence names and reads the codes of).
func (s *Store) StandingsOf(ctx context.Context, programID string, studentIDs []string) (models.Standings, error) {
	out := models.Standings{}
	if len(studentIDs) == 0 {
		return out, nil
	}
	rows, err := s.reader.QueryContext(ctx, qStandingsOf(len(studentIDs)), skillArgs(programID, studentIDs)...)
	if err != nil {
		return nil, fmt.Errorf("read standings: %w", translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var student, checklist string
		var st models.Standing
		var graded []byte
		if err := rows.Scan(&student, &checklist, &st.Practice, &st.OpenRequestID, &graded); err != nil {
			return nil, fmt.Errorf("read standings: %w", translate(err))
		}
		if len(graded) > 2 { // not "[]"
			if err := json.Unmarshal(graded, &st.Graded); err != nil {
				return nil, fmt.Errorf("read standings of %s at %s: %w", student, checklist, err)
			}
			st.SortGraded()
		}
		of := out[student]
		if of == nil {
			of = map[string]models.Standing{}
			out[student] = of
		}
		of[checklist] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read standings: %w", translate(err))
	}
	return out, nil
}

// ChecklistsByRef returns the checklist versions refs name as programID
// sees them (its own published version before the shipped one), from the
// cache where it holds them and else in one query. Versions that do not
// exist are left out.
func (s *Store) ChecklistsByRef(ctx context.Context, programID string, refs []models.ChecklistRef) (map[models.ChecklistRef]models.Checklist, error) {
	out := make(map[models.ChecklistRef]models.Checklist, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	// One row per (owner, id, version), keys only: which versions exist
	// and in what status, on the primary key; refs go in chunks under
	// SQLite's bound on a compound SELECT.
	best := map[models.ChecklistRef]checklistKey{}
	var missing []models.ChecklistRef
	for _, ref := range refs {
		if k, ok := s.checklistViews.get(checklistView{programID, ref}); ok {
			if k.id != "" {
				best[ref] = k
			}
		} else {
			missing = append(missing, ref)
		}
	}
	gen := s.checklistViews.generation()
	for chunk := range slices.Chunk(missing, refsPerQuery) {
		if err := s.checklistKeysOf(ctx, programID, chunk, best); err != nil {
			return nil, fmt.Errorf("list assigned checklists: %w", err)
		}
	}
	for _, ref := range missing {
		// A version that does not exist is kept as the zero key.
		s.checklistViews.put(checklistView{programID, ref}, gen, best[ref])
	}
	for ref, k := range best {
		c, err := s.checklistVersion(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("list assigned checklists: %w", err)
		}
		out[ref] = c
	}
	return out, nil
}

// refsPerQuery bounds the checklist ids one query asks for.
const refsPerQuery = 500

// checklistKeysOf puts in best, for each of refs, the key of the version
// programID sees: every version the program and the library hold, read as
// keys from the narrow checklists_status index (a few hundred short
// entries), which costs less than a search per id of the primary key,
// whose leaves hold the whole docs.
func (s *Store) checklistKeysOf(ctx context.Context, programID string, refs []models.ChecklistRef, best map[models.ChecklistRef]checklistKey) error {
	wanted := make(map[models.ChecklistRef]bool, len(refs))
	args := make([]any, 0, len(refs)+1)
	args = append(args, programID)
	for _, r := range refs {
		if !wanted[models.ChecklistRef{ID: r.ID}] {
			wanted[models.ChecklistRef{ID: r.ID}] = true
			args = append(args, r.ID)
		}
		wanted[r] = true
	}
	rows, err := s.reader.QueryContext(ctx, qChecklistRefs(len(args)-1), args...)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k checklistKey
		var status string
		if err := rows.Scan(&k.programID, &k.id, &k.version, &status); err != nil {
			return translate(err)
		}
		k.status = models.ChecklistStatus(status)
		ref := models.ChecklistRef{ID: k.id, Version: k.version}
		if !wanted[ref] {
			continue
		}
		if b, ok := best[ref]; !ok || checklistRank(k.programID, k.status) < checklistRank(b.programID, b.status) {
			best[ref] = k
		}
	}
	return translate(rows.Err())
}

// qChecklistRefs selects the keys of every version of n checklist ids a
// program sees, from the covering index (see checklistKeysOf).
func qChecklistRefs(n int) string {
	return `SELECT program_id, checklist_id, version, status FROM checklists INDEXED BY checklists_status
		WHERE program_id IN ('', ?) AND checklist_id IN (` + skillPlaceholders(n) + `)`
}

// checklistVersion reads the version k names (in any status), from the
// cache when it holds it.
func (s *Store) checklistVersion(ctx context.Context, k checklistKey) (models.Checklist, error) {
	if c, ok := s.checklists.get(k); ok {
		return c, nil
	}
	var status, doc string
	err := s.reader.QueryRowContext(ctx, qChecklistOwn, k.programID, k.id, k.version).Scan(&status, &doc)
	if err != nil {
		return models.Checklist{}, translate(err)
	}
	var c models.Checklist
	if err := decode(doc, &c); err != nil {
		return models.Checklist{}, err
	}
	// Cache it under the status it has now, which may have moved on.
	s.checklists.put(checklistKey{programID: k.programID, id: k.id, version: k.version, status: c.Status}, c)
	return c, nil
}

// CohortProgress loads one page of cohort id's students (ordered by id) and
// their progress records, in a fixed number of queries: the page of
// students, then ProgressRecords. The caller checks the cohort and sets
// Records.Program.
func (s *Store) CohortProgress(ctx context.Context, programID, cohortID string, page models.Page) (models.CohortProgressPage, error) {
	var out models.CohortProgressPage
	var err error
	if out.Students, err = s.cohortStudentPage(ctx, programID, cohortID, page); err != nil {
		return out, err
	}
	out.Records, err = s.ProgressRecords(ctx, programID, out.Students.Items)
	return out, err
}

// cohortStudentPage is one page of the students of a cohort, by id, read
// through the cohort's roster (cohort_members, kept with the users), as
// Users with a student role and cohort filter pages them.
func (s *Store) cohortStudentPage(ctx context.Context, programID, cohortID string, page models.Page) (models.List[models.User], error) {
	what := "list users of " + programID
	if programID == "" {
		return models.List[models.User]{}, errSkillNoProgram
	}
	var after idKey
	if page.Cursor != "" {
		k, err := decodeCursor[idKey]("cohort-students", page.Cursor)
		if err != nil {
			return models.List[models.User]{}, err
		}
		after = k
	}
	size := page.Size()
	rows, err := s.reader.QueryContext(ctx, qCohortStudentPage, cohortID, after.ID, programID, string(models.RoleStudent), size+1)
	if err != nil {
		return models.List[models.User]{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	defer rows.Close()
	out := models.List[models.User]{Items: make([]models.User, 0, min(size, 64))}
	for rows.Next() {
		if len(out.Items) == size {
			out.NextCursor = encodeCursor("cohort-students", idKey{ID: out.Items[size-1].ID})
			break
		}
		var id, doc string
		var uid *string
		if err := rows.Scan(&id, &uid, &doc); err != nil {
			return models.List[models.User]{}, fmt.Errorf("%s: %w", what, translate(err))
		}
		var u models.User
		if err := decode(doc, &u); err != nil {
			return models.List[models.User]{}, fmt.Errorf("%s: %w", what, err)
		}
		if uid != nil {
			u.UID = *uid
		}
		out.Items = append(out.Items, u)
	}
	if err := rows.Err(); err != nil {
		return models.List[models.User]{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	return out, nil
}

// The progress queries (each checked against its plan in a test). CROSS
// JOIN keeps the roster the outer loop: without statistics the planner
// would otherwise walk every student of the program.
const qCohortStudentPage = `SELECT u.id, u.uid, u.doc FROM cohort_members m CROSS JOIN users u ON u.id = m.user_id
	WHERE m.cohort_id = ? AND m.user_id > ? AND u.program_id = ? AND u.role = ? ORDER BY m.user_id LIMIT ?`

// qStandingsOf selects the standings of n students.
func qStandingsOf(n int) string {
	return `SELECT student_id, checklist_id, practice, open_id, graded FROM standings
		WHERE program_id = ? AND student_id IN (` + skillPlaceholders(n) + `)`
}

// skillArgs is first followed by ids, as query arguments.
func skillArgs(first string, ids []string) []any {
	args := make([]any, 0, len(ids)+1)
	args = append(args, first)
	for _, id := range ids {
		args = append(args, id)
	}
	return args
}
