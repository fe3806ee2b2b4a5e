package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"skillbook/models"
)

// A cohort is one row of cohorts: the record as doc, and name_key (the
// name folded by models.CohortNameKey) unique per program, so names are
// unique whatever their case and spacing.

// cohortColumns are the columns scanCohort reads, in its order.
const cohortColumns = `created_at, doc`

// The queries of cohorts, named so a test can check each one's plan.
const (
	cohortByIDSQL     = `SELECT ` + cohortColumns + ` FROM cohorts WHERE id = ? AND program_id = ?`
	programCohortsSQL = `SELECT ` + cohortColumns + ` FROM cohorts WHERE program_id = ? ORDER BY created_at, id LIMIT ?`
)

// cohortsByIDSQL: the fields saying whether a user may join, of n cohorts.
func cohortsByIDSQL(n int) string {
	return `SELECT id, program_id, json_extract(doc, '$.name'), archived FROM cohorts WHERE id IN (` + placeholders(n) + `)`
}

func scanCohort(scan func(...any) error) (models.Cohort, int64, error) {
	var (
		created int64
		doc     string
		c       models.Cohort
	)
	if err := scan(&created, &doc); err != nil {
		return c, 0, err
	}
	return c, created, decode(doc, &c)
}

func duplicateCohortName(what, name string) error {
	return fmt.Errorf("%s: %w: a cohort named %q already exists in this program; choose another name", what, models.ErrConflict, name)
}

// InsertCohort stores a new cohort with the events that record it. Its
// name must be new in the program (models.ErrConflict otherwise).
func (s *Store) InsertCohort(ctx context.Context, c models.Cohort, events ...models.Event) error {
	if c.ProgramID == "" {
		return fmt.Errorf("create cohort: %w", errNoProgramID)
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		err := insertCohortRow(ctx, tx, c)
		if isUniqueViolation(err) {
			return duplicateCohortName("create cohort", c.Name)
		}
		if err != nil {
			return fmt.Errorf("create cohort: %w", translate(err))
		}
		return s.recordEvents(ctx, tx, events...)
	})
}

// CreateCohort stores a new cohort of c.ProgramID for bootstrap, seeding
// and tests, validated and audited as the CreateCohort use case stores one
// but without its access rules.
func (s *Store) CreateCohort(ctx context.Context, actor models.Actor, c models.Cohort) (models.Cohort, error) {
	c.Name = strings.TrimSpace(c.Name)
	if err := c.Validate(); err != nil {
		return models.Cohort{}, err
	}
	now := s.now()
	c.ID = newID()
	c.Archived, c.ArchivedAt = false, nil
	c.Version = 1
	c.CreatedAt, c.UpdatedAt = now, now
	if err := s.InsertCohort(ctx, c, models.CohortCreatedEvent(actor, c, now)); err != nil {
		return models.Cohort{}, err
	}
	return c, nil
}

// Cohort returns the cohort with id in program.
func (s *Store) Cohort(ctx context.Context, programID, id string) (models.Cohort, error) {
	c, _, err := scanCohort(s.reader.QueryRowContext(ctx, cohortByIDSQL, id, programID).Scan)
	if err != nil {
		return models.Cohort{}, fmt.Errorf("find cohort %s: %w", id, translate(err))
	}
	return c, nil
}

// Cohorts returns one page of a program's cohorts in creation order.
func (s *Store) Cohorts(ctx context.Context, programID string, f models.CohortFilter, page models.Page) (models.List[models.Cohort], error) {
	if programID == "" {
		return models.List[models.Cohort]{}, errNoProgramID
	}
	what := "list cohorts of " + programID
	if f.IDs != nil && len(f.IDs) == 0 {
		return models.List[models.Cohort]{Items: []models.Cohort{}}, nil
	}
	var after *peopleKey
	if page.Cursor != "" {
		k, err := decodeCursor[peopleKey](cohortsList, page.Cursor)
		if err != nil {
			return models.List[models.Cohort]{}, err
		}
		after = &k
	}
	size := page.Size()
	q, args := cohortsPageQuery(programID, f, after, size)
	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return models.List[models.Cohort]{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	defer rows.Close()
	out := models.List[models.Cohort]{Items: make([]models.Cohort, 0, min(size, 64))}
	var last peopleKey
	for rows.Next() {
		if len(out.Items) == size {
			out.NextCursor = encodeCursor(cohortsList, last)
			break
		}
		c, at, err := scanCohort(rows.Scan)
		if err != nil {
			return models.List[models.Cohort]{}, fmt.Errorf("%s: %w", what, translate(err))
		}
		out.Items = append(out.Items, c)
		last = peopleKey{At: at, ID: c.ID}
	}
	if err := rows.Err(); err != nil {
		return models.List[models.Cohort]{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	return out, nil
}

// cohortsList names the cohort list's cursors.
const cohortsList = "cohorts"

// cohortsPageQuery is the query of one page (size, and one more) of the
// cohorts f selects, after a keyset position.
func cohortsPageQuery(programID string, f models.CohortFilter, after *peopleKey, size int) (string, []any) {
	q := `SELECT ` + cohortColumns + ` FROM cohorts WHERE program_id = ? AND archived = ?`
	args := []any{programID, f.Archived}
	if f.IDs != nil {
		q += ` AND id IN (` + placeholders(len(f.IDs)) + `)`
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if after != nil {
		q += ` AND (created_at, id) > (?, ?)`
		args = append(args, after.At, after.ID)
	}
	return q + ` ORDER BY created_at, id LIMIT ?`, append(args, size+1)
}

// maxProgramCohorts bounds ProgramCohorts; a program keeps a few cohorts a
// year.
const maxProgramCohorts = 10000

// ProgramCohorts returns every cohort of a program, archived ones too, in
// creation order; a roster import resolves cohort names against them.
func (s *Store) ProgramCohorts(ctx context.Context, programID string) ([]models.Cohort, error) {
	what := "list cohorts of " + programID
	rows, err := s.reader.QueryContext(ctx, programCohortsSQL, programID, maxProgramCohorts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, translate(err))
	}
	defer rows.Close()
	out := []models.Cohort{}
	for rows.Next() {
		c, _, err := scanCohort(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, translate(err))
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, translate(err))
	}
	return out, nil
}

// CohortsByID returns the cohorts with ids, of any program, keyed by id;
// ids no cohort has are absent. Only the fields that say whether a user may
// join one are read: id, program, name and archived.
func (s *Store) CohortsByID(ctx context.Context, ids []string) (map[string]models.Cohort, error) {
	out := map[string]models.Cohort{}
	for start := 0; start < len(ids); start += emailBatch {
		batch := ids[start:min(start+emailBatch, len(ids))]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := s.reader.QueryContext(ctx, cohortsByIDSQL(len(batch)), args...)
		if err != nil {
			return nil, fmt.Errorf("check cohorts: %w", translate(err))
		}
		for rows.Next() {
			var c models.Cohort
			if err := rows.Scan(&c.ID, &c.ProgramID, &c.Name, &c.Archived); err != nil {
				rows.Close()
				return nil, fmt.Errorf("check cohorts: %w", translate(err))
			}
			out[c.ID] = c
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("check cohorts: %w", translate(err))
		}
	}
	return out, nil
}

// SaveCohort writes after, a changed cohort (name, dates, archived), with
// the events that record the change, if the stored cohort is still at
// before.Version (models.ErrPreconditionFailed otherwise). A name taken in
// the program is models.ErrConflict. It returns the cohort as stored, its
// version one up.
func (s *Store) SaveCohort(ctx context.Context, before, after models.Cohort, events ...models.Event) (models.Cohort, error) {
	what := "update cohort " + before.ID
	var out models.Cohort
	err := s.write(ctx, func(tx *sql.Tx) error {
		cur, _, err := scanCohort(tx.QueryRowContext(ctx, `SELECT `+cohortColumns+` FROM cohorts WHERE id = ?`, before.ID).Scan)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && cur.Version != before.Version) {
			return fmt.Errorf("%s: %w", what, models.ErrPreconditionFailed)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, translate(err))
		}
		next := cur
		next.Name, next.StartDate, next.EndDate = after.Name, after.StartDate, after.EndDate
		next.Archived, next.ArchivedAt, next.UpdatedAt = after.Archived, after.ArchivedAt, after.UpdatedAt
		next.Version++
		doc, err := encode(next)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE cohorts SET name_key = ?, archived = ?, version = ?, doc = ? WHERE id = ? AND version = ?`,
			models.CohortNameKey(next.Name), next.Archived, next.Version, doc, next.ID, cur.Version)
		if isUniqueViolation(err) {
			return duplicateCohortName(what, after.Name)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, translate(err))
		}
		out = next
		return s.recordEvents(ctx, tx, events...)
	})
	if err != nil {
		return models.Cohort{}, err
	}
	return out, nil
}

// SetCohortArchived archives a cohort or brings it back, for seeding and
// tests, audited as the use cases do it but without their access rules.
// version, when not 0, must be current. Archiving an archived cohort
// changes nothing.
func (s *Store) SetCohortArchived(ctx context.Context, actor models.Actor, programID, id string, archived bool, version int64) (models.Cohort, error) {
	cur, err := s.Cohort(ctx, programID, id)
	if err != nil {
		return models.Cohort{}, err
	}
	if version != 0 && cur.Version != version {
		return models.Cohort{}, fmt.Errorf("archive cohort %s: %w", id, models.ErrPreconditionFailed)
	}
	if cur.Archived == archived {
		return cur, nil
	}
	now := s.now()
	next := cur
	next.SetArchived(archived, now)
	return s.SaveCohort(ctx, cur, next, models.CohortArchivedEvent(actor, cur, archived, now))
}
