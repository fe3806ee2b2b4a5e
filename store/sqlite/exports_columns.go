package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"skillbook/models"
)

// exportMaxStaff bounds the instructors and admins an export names.
const exportMaxStaff = 5000

// exportColumnsQuery lists the checklists assigned in a cohort: to the
// cohort, and to each of its students (through the membership's primary
// key and the students' partial index; CROSS JOIN keeps SQLite from
// reading the program's assignments first).
const exportColumnsQuery = `SELECT checklist_id, checklist_version, area FROM assignments
		WHERE program_id = ? AND cohort_id <> '' AND cohort_id = ? AND (? = '' OR area = ?)
	UNION ALL
	SELECT a.checklist_id, a.checklist_version, a.area FROM cohort_members m
		CROSS JOIN users u ON u.id = m.user_id
		CROSS JOIN assignments a ON a.program_id = ? AND a.student_id <> '' AND a.student_id = m.user_id
		WHERE m.cohort_id = ? AND u.program_id = ? AND u.role = ? AND (? = '' OR a.area = ?)`

// ExportColumns returns the checklists assigned in cohortID, to the cohort
// or to one of its students, of area (any when empty), in curriculum
// order: the columns of the cohort's matrix.
func (s *Store) ExportColumns(ctx context.Context, programID, cohortID string, area models.Area) ([]models.ChecklistColumn, error) {
	rows, err := s.reader.QueryContext(ctx, exportColumnsQuery, programID, cohortID, string(area), string(area),
		programID, cohortID, programID, string(models.RoleStudent), string(area), string(area))
	if err != nil {
		return nil, fmt.Errorf("list assignments of cohort %s: %w", cohortID, translate(err))
	}
	defer rows.Close()
	// The highest version assigned names the column, as progress does.
	latest := map[string]models.ChecklistRef{}
	areas := map[string]models.Area{}
	var refs []models.ChecklistRef
	for rows.Next() {
		var id, a string
		var version int
		if err := rows.Scan(&id, &version, &a); err != nil {
			return nil, fmt.Errorf("list assignments of cohort %s: %w", cohortID, translate(err))
		}
		if r, ok := latest[id]; !ok || version > r.Version {
			latest[id] = models.ChecklistRef{ID: id, Version: version}
			areas[id] = models.Area(a)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list assignments of cohort %s: %w", cohortID, translate(err))
	}
	for _, r := range latest {
		refs = append(refs, r)
	}
	skills := make([]models.SkillProgress, 0, len(refs))
	for _, r := range refs {
		c, err := exportChecklist(ctx, s.reader, programID, r)
		if err != nil {
			return nil, err
		}
		if c == nil {
			c = &models.Checklist{ID: r.ID, Title: r.ID, Area: areas[r.ID]}
		}
		skills = append(skills, models.SkillProgress{ChecklistID: c.ID, Title: c.Title, Area: c.Area})
	}
	return models.ProgressColumns([]models.StudentProgress{{Skills: skills}}), nil
}

// ExportStaff returns the program's instructors and admins by id, active
// or not (records of a deactivated instructor stay valid), to name the
// evaluators of unsigned evaluations.
func (s *Store) ExportStaff(ctx context.Context, programID string) (map[string]models.User, error) {
	staff, err := s.exportUsers(ctx, `SELECT id, uid, doc FROM users WHERE program_id = ? AND role IN (?, ?) LIMIT ?`,
		programID, string(models.RoleInstructor), string(models.RoleAdmin), exportMaxStaff)
	if err != nil {
		return nil, err
	}
	out := make(map[string]models.User, len(staff))
	for _, u := range staff {
		out[u.ID] = u
	}
	return out, nil
}

// exportChecklist reads version ref as programID sees it: its own
// published version before the shipped one, before its own draft; nil
// when there is none.
func exportChecklist(ctx context.Context, db *sql.DB, programID string, ref models.ChecklistRef) (*models.Checklist, error) {
	rows, err := db.QueryContext(ctx, `SELECT program_id, status, revision, doc FROM checklists
		WHERE program_id IN ('', ?) AND checklist_id = ? AND version = ?`, programID, ref.ID, ref.Version)
	if err != nil {
		return nil, fmt.Errorf("read checklist %s v%d: %w", ref.ID, ref.Version, translate(err))
	}
	defer rows.Close()
	var best *models.Checklist
	for rows.Next() {
		c, err := scanExportChecklist(rows, ref)
		if err != nil {
			return nil, err
		}
		if best == nil || exportChecklistRank(c) < exportChecklistRank(*best) {
			best = &c
		}
	}
	return best, translate(rows.Err())
}

func scanExportChecklist(rows *sql.Rows, ref models.ChecklistRef) (models.Checklist, error) {
	var owner, status, doc string
	var revision int64
	if err := rows.Scan(&owner, &status, &revision, &doc); err != nil {
		return models.Checklist{}, fmt.Errorf("read checklist %s v%d: %w", ref.ID, ref.Version, translate(err))
	}
	var c models.Checklist
	if err := decode(doc, &c); err != nil {
		return models.Checklist{}, err
	}
	c.ID, c.Version, c.ProgramID, c.Status, c.Revision = ref.ID, ref.Version, owner, models.ChecklistStatus(status), revision
	return c, nil
}

// exportChecklistRank orders the versions of one (id, version) a program sees:
// its own published, the shipped one, its own draft.
func exportChecklistRank(c models.Checklist) int {
	switch {
	case c.ProgramID == "":
		return 1
	case c.Status == models.ChecklistDraft:
		return 2
	}
	return 0
}
