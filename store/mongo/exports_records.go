package mongo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"skillbook/models"
)

// ExportBatch is how many students an export reads at once: a page of
// students by id, then one query each for their assignments, attempts,
// remediations, procedure counts and checklist versions. Memory holds one
// batch, whatever the size of the cohort or program. A hundred students
// with a full history (30 skills × 3 evaluations each) is 9,000 attempts.
const ExportBatch = 100

// selectionQuery finds the students sel chooses in programID.
func selectionQuery(sel models.ExportSelection, programID string) bson.M {
	q := bson.M{"programId": programID, "role": models.RoleStudent}
	if sel.StudentID != "" {
		q["_id"] = sel.StudentID
	} else {
		q["cohortIds"] = sel.CohortID
	}
	return q
}

// CountExportStudents counts the students sel chooses.
func (s *Store) CountExportStudents(ctx context.Context, programID string, sel models.ExportSelection) (int, error) {
	ctx, cancel := s.boundExport(ctx)
	defer cancel()
	n, err := s.collection(colUsers).CountDocuments(ctx, selectionQuery(sel, programID))
	return int(n), translate(err, "count students to export")
}

// exportAttemptFields leaves out of an export's attempts what it never
// shows: step grades and notes (and events).
var exportAttemptFields = bson.M{"steps": 0, "note": 0, "evaluation.steps": 0,
	fieldPending: 0, fieldPendingIDs: 0, fieldHasPending: 0}

// exportSignedAttemptFields keeps the evaluations whole, as signed
// (transcripts attach their signed records).
var exportSignedAttemptFields = bson.M{"steps": 0, "note": 0, fieldPending: 0, fieldPendingIDs: 0, fieldHasPending: 0}

// userFields leaves signing-PIN secrets and events out of users read for
// exports.
var userFields = bson.M{"pinHash": 0, "pinFailures": 0, "pinLockedAt": 0, "pinRefused": 0, "pinSetAt": 0, fieldPending: 0, fieldPendingIDs: 0, fieldHasPending: 0}

// EachStudentRecord calls fn with the records of each student sel chooses,
// in id order, as they stood on asOf (DateLayout) under sel.Filter; a
// positive sel.Batch overrides ExportBatch. It
// lists the chosen students' ids first (a few bytes each), then reads a
// batch of students at a time by id (see ExportBatch), so no query asks
// the engine to sort the cohort.
func (s *Store) EachStudentRecord(ctx context.Context, program models.Program, sel models.ExportSelection, asOf string, fn func(*models.StudentRecord) error) error {
	batch := sel.Batch
	if batch <= 0 {
		batch = ExportBatch
	}
	cohorts, err := s.ProgramCohorts(ctx, program.ID)
	if err != nil {
		return err
	}
	cohortNames := make(map[string]string, len(cohorts))
	for _, c := range cohorts {
		cohortNames[c.ID] = c.Name
	}
	ids := []string{sel.StudentID}
	if sel.StudentID == "" {
		if ids, err = s.StudentIDsInCohorts(ctx, program.ID, []string{sel.CohortID}); err != nil {
			return err
		}
	}
	slices.Sort(ids)
	for chunk := range slices.Chunk(ids, batch) {
		q := selectionQuery(sel, program.ID)
		q["_id"] = bson.M{"$in": chunk}
		students, err := s.exportStudents(ctx, q, len(chunk))
		if err != nil {
			return err
		}
		slices.SortFunc(students, func(a, b models.User) int { return strings.Compare(a.ID, b.ID) })
		if err := s.exportBatch(ctx, program, students, sel, asOf, cohortNames, fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) exportStudents(ctx context.Context, q bson.M, limit int) ([]models.User, error) {
	ctx, cancel := s.boundExport(ctx)
	defer cancel()
	cur, err := s.collection(colUsers).Find(ctx, q, options.Find().SetProjection(userFields).SetBatchSize(int32(limit)+1))
	if err != nil {
		return nil, translate(err, "list students to export")
	}
	out := make([]models.User, 0, limit)
	if err := cur.All(ctx, &out); err != nil {
		return nil, translate(err, "list students to export")
	}
	return out, nil
}

// exportQueryTimeout bounds one read of an export whose caller set no
// deadline (a job): a large program's export reads for minutes.
const exportQueryTimeout = 10 * time.Minute

// boundExport is bound with exportQueryTimeout.
func (s *Store) boundExport(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, exportQueryTimeout)
}

// exportReplyBatch is how many documents one reply of an export's cursor
// carries: the engine holds one reply's documents at a time, not the
// whole result.
const exportReplyBatch = 500

// exportAttempts reads the attempts of students with a cursor, without
// step grades and notes.
func (s *Store) exportAttempts(ctx context.Context, programID string, studentIDs []string, signed bool) ([]models.Attempt, error) {
	ctx, cancel := s.boundExport(ctx)
	defer cancel()
	fields := exportAttemptFields
	if signed {
		fields = exportSignedAttemptFields
	}
	cur, err := s.collection(colAttempts).Find(ctx, bson.M{"programId": programID, "studentId": bson.M{"$in": studentIDs}},
		options.Find().SetProjection(fields).SetBatchSize(exportReplyBatch))
	if err != nil {
		return nil, translate(err, "list attempts to export")
	}
	defer cur.Close(context.WithoutCancel(ctx))
	out := make([]models.Attempt, 0, len(studentIDs)*16)
	for cur.Next(ctx) {
		var a models.Attempt
		if err := cur.Decode(&a); err != nil {
			return nil, fmt.Errorf("list attempts to export: decode: %w", err)
		}
		out = append(out, a)
	}
	return out, translate(cur.Err(), "list attempts to export")
}

// exportBatch loads one batch of students' records and calls fn for each.
func (s *Store) exportBatch(ctx context.Context, program models.Program, students []models.User, sel models.ExportSelection, asOf string,
	cohortNames map[string]string, fn func(*models.StudentRecord) error) error {
	ids := make([]string, len(students))
	for i, u := range students {
		ids[i] = u.ID
	}
	r := models.ProgressRecords{Program: program}
	var err error
	if r.Assignments, err = s.AssignmentsOf(ctx, program.ID, students); err != nil {
		return err
	}
	attempts, err := s.exportAttempts(ctx, program.ID, ids, sel.Signed)
	if err != nil {
		return err
	}
	if r.Remediations, err = s.RemediationsOf(ctx, program.ID, ids); err != nil {
		return err
	}
	if r.Procedures, err = s.ProcedureCounts(ctx, program.ID, ids); err != nil {
		return err
	}
	if r.Practicum, err = s.PracticumTotals(ctx, program.ID, ids); err != nil {
		return err
	}
	attempts = sel.Filter.Apply(&r, attempts)
	r.Standings = models.StandingsOf(attempts)
	if r.Checklists, err = s.ChecklistsByRef(ctx, program.ID, r.NeededChecklists()); err != nil {
		return err
	}
	return models.EachRecord(students, &r, attempts, asOf, cohortNames, fn)
}

// ExportColumns returns the checklists assigned in cohortID, to the cohort
// or to one of its students, of area (any when empty), in curriculum
// order: the columns of the cohort's matrix.
func (s *Store) ExportColumns(ctx context.Context, programID, cohortID string, area models.Area) ([]models.ChecklistColumn, error) {
	ids, err := s.StudentIDsInCohorts(ctx, programID, []string{cohortID})
	if err != nil {
		return nil, err
	}
	q := bson.M{"programId": programID, "$or": bson.A{bson.M{"cohortId": cohortID}, bson.M{"studentId": bson.M{"$in": ids}}}}
	if area != "" {
		q["area"] = area
	}
	as, err := findBulk[models.Assignment](ctx, s, colAssignments, q, hideEvents, "list assignments of cohort "+cohortID)
	if err != nil {
		return nil, err
	}
	// The highest version assigned names the column, as progress does.
	latest := map[string]models.ChecklistRef{}
	areas := map[string]models.Area{}
	for _, a := range as {
		if r, ok := latest[a.ChecklistID]; !ok || a.ChecklistVersion > r.Version {
			latest[a.ChecklistID] = models.ChecklistRef{ID: a.ChecklistID, Version: a.ChecklistVersion}
			areas[a.ChecklistID] = a.Area
		}
	}
	refs := make([]models.ChecklistRef, 0, len(latest))
	for _, r := range latest {
		refs = append(refs, r)
	}
	found, err := s.ChecklistsByRef(ctx, programID, refs)
	if err != nil {
		return nil, err
	}
	skills := make([]models.SkillProgress, 0, len(refs))
	for _, r := range refs {
		c, ok := found[r]
		if !ok {
			c = models.Checklist{ID: r.ID, Title: r.ID, Area: areas[r.ID]}
		}
		skills = append(skills, models.SkillProgress{ChecklistID: c.ID, Title: c.Title, Area: c.Area})
	}
	return models.ProgressColumns([]models.StudentProgress{{Skills: skills}}), nil
}

// maxStaff bounds the instructors and admins an export names.
const maxStaff = 5000

// ExportStaff returns the program's instructors and admins by id, active
// or not (records of a deactivated instructor stay valid), to name the
// evaluators of unsigned evaluations.
func (s *Store) ExportStaff(ctx context.Context, programID string) (map[string]models.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	cur, err := s.collection(colUsers).Find(ctx, bson.M{"programId": programID,
		"role": bson.M{"$in": bson.A{models.RoleInstructor, models.RoleAdmin}}},
		options.Find().SetLimit(maxStaff).SetProjection(userFields))
	if err != nil {
		return nil, translate(err, "list staff of "+programID)
	}
	var staff []models.User
	if err := cur.All(ctx, &staff); err != nil {
		return nil, translate(err, "list staff of "+programID)
	}
	out := make(map[string]models.User, len(staff))
	for _, u := range staff {
		out[u.ID] = u
	}
	return out, nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
