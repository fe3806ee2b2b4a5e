package mongo

import (
	"cmp"
	"context"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// Progress is read in bulk: each read below is one query whatever the
// number of students, checklists or attempts, so a dashboard costs a fixed
// number of round trips. bulkBatch lets the first reply carry the whole
// result (up to the server's 16 MB reply limit), so no getMore follows.
const bulkBatch = 100000

// hideEvents hides the events a document carries.
var hideEvents = bson.M{fieldPending: 0, fieldPendingIDs: 0, fieldHasPending: 0}

// ProgressRecords loads, in five queries, everything the progress of
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
	attempts, err := s.AttemptsOf(ctx, programID, ids)
	if err != nil {
		return r, err
	}
	r.Standings = models.StandingsOf(attempts)
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

// AssignmentsOf returns, in one query, every assignment of program that
// applies to one of students: made to the student or to a cohort they
// belong to.
func (s *Store) AssignmentsOf(ctx context.Context, programID string, students []models.User) ([]models.Assignment, error) {
	if len(students) == 0 {
		return []models.Assignment{}, nil
	}
	ids := make([]string, 0, len(students))
	cohorts := []string{}
	seen := map[string]bool{}
	for _, u := range students {
		ids = append(ids, u.ID)
		for _, c := range u.CohortIDs {
			if !seen[c] {
				seen[c] = true
				cohorts = append(cohorts, c)
			}
		}
	}
	q := bson.M{"programId": programID, "$or": bson.A{
		bson.M{"studentId": bson.M{"$in": ids}},
		bson.M{"cohortId": bson.M{"$in": cohorts}},
	}}
	return findBulk[models.Assignment](ctx, s, colAssignments, q, hideEvents, "list assignments of students")
}

// progressAttemptFields are the parts of an attempt progress reads: no step
// grades, notes or amendments.
var progressAttemptFields = bson.M{
	"programId": 1, "studentId": 1, "cohortId": 1, "checklistId": 1, "checklistVersion": 1,
	"area": 1, "kind": 1, "status": 1, "requestedAt": 1, "version": 1, "updatedAt": 1,
	"evaluation.id": 1, "evaluation.evaluatorId": 1, "evaluation.outcome": 1, "evaluation.score": 1,
	"evaluation.setting": 1, "evaluation.evaluatedAt": 1, "evaluation.signature": 1,
}

// AttemptsOf returns, in one query, every attempt of students, with only
// the fields progress needs (step grades, notes and amendments are left
// out).
func (s *Store) AttemptsOf(ctx context.Context, programID string, studentIDs []string) ([]models.Attempt, error) {
	if len(studentIDs) == 0 {
		return []models.Attempt{}, nil
	}
	q := bson.M{"programId": programID, "studentId": bson.M{"$in": studentIDs}}
	return findBulk[models.Attempt](ctx, s, colAttempts, q, progressAttemptFields, "list attempts of students")
}

// RemediationsOf returns, in one query, every remediation of students.
func (s *Store) RemediationsOf(ctx context.Context, programID string, studentIDs []string) ([]models.Remediation, error) {
	if len(studentIDs) == 0 {
		return []models.Remediation{}, nil
	}
	q := bson.M{"programId": programID, "studentId": bson.M{"$in": studentIDs}}
	plans, err := findBulk[models.Remediation](ctx, s, colRemediations, q, hideEvents, "list remediations of students")
	// Each student's plans oldest first, as on SQLite (a find's order is
	// the server's).
	slices.SortStableFunc(plans, func(a, b models.Remediation) int {
		return cmp.Or(cmp.Compare(a.StudentID, b.StudentID), a.CreatedAt.Compare(b.CreatedAt))
	})
	return plans, err
}

// ChecklistsByRef returns, in one query, the checklist versions refs name
// as programID sees them (its own published version before the shipped
// one). Versions that do not exist are left out.
func (s *Store) ChecklistsByRef(ctx context.Context, programID string, refs []models.ChecklistRef) (map[models.ChecklistRef]models.Checklist, error) {
	out := make(map[models.ChecklistRef]models.Checklist, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	keys := make(bson.A, 0, 2*len(refs))
	var found []models.Checklist
	for _, r := range refs {
		// A shipped version never changes (start-up refuses an edit
		// without a new version), so it is read once per process.
		shipped := checklistKey("", r.ID, r.Version)
		if c, ok := s.shipped.Load(shipped); ok {
			found = append(found, c.(models.Checklist))
		} else {
			keys = append(keys, shipped)
		}
		if programID != "" {
			keys = append(keys, checklistKey(programID, r.ID, r.Version))
		}
	}
	read, err := findBulk[models.Checklist](ctx, s, colChecklists, bson.M{"_id": bson.M{"$in": keys}}, hideEvents, "list assigned checklists")
	if err != nil {
		return nil, err
	}
	for _, c := range read {
		if c.ProgramID == "" {
			s.shipped.Store(checklistKey("", c.ID, c.Version), c)
		}
	}
	for _, c := range append(found, read...) {
		ref := models.ChecklistRef{ID: c.ID, Version: c.Version}
		if best, ok := out[ref]; !ok || rank(c) < rank(best) {
			out[ref] = c
		}
	}
	return out, nil
}

// idOnly decodes a document's _id alone.
type idOnly struct {
	ID string `bson:"_id"`
}

// pendingOf decodes a document's pending events.
type pendingOf struct {
	ID      string                  `bson:"_id"`
	Pending map[string]models.Event `bson:"pending"`
}

// findBulk runs one find and decodes every document of its single reply.
func findBulk[T any](ctx context.Context, s *Store, col string, q, projection bson.M, what string) ([]T, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	cur, err := s.collection(col).Find(ctx, q, options.Find().SetProjection(projection).SetBatchSize(bulkBatch))
	if err != nil {
		return nil, translate(err, what)
	}
	out := []T{}
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, what)
	}
	return out, nil
}

// CohortProgress loads one page of cohort id's students (ordered by id) and
// their progress records, in a fixed number of queries: the page of
// students, then ProgressRecords. The caller checks the cohort and sets
// Records.Program.
func (s *Store) CohortProgress(ctx context.Context, programID, cohortID string, page models.Page) (models.CohortProgressPage, error) {
	var out models.CohortProgressPage
	var err error
	if out.Students, err = s.Users(ctx, programID, UserFilter{Role: models.RoleStudent, CohortID: cohortID}, page); err != nil {
		return out, err
	}
	out.Records, err = s.ProgressRecords(ctx, programID, out.Students.Items)
	return out, err
}

// StudentIDsInCohorts returns, in one query, the ids of every student of
// program who belongs to one of cohortIDs.
func (s *Store) StudentIDsInCohorts(ctx context.Context, programID string, cohortIDs []string) ([]string, error) {
	if len(cohortIDs) == 0 {
		return []string{}, nil
	}
	q := bson.M{"programId": programID, "role": models.RoleStudent, "cohortIds": bson.M{"$in": cohortIDs}}
	docs, err := findBulk[struct {
		ID string `bson:"_id"`
	}](ctx, s, colUsers, q, bson.M{"_id": 1}, "list students of cohorts")
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}
