package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"skillbook/models"
)

// errSkillNoProgram refuses a program's record without a program.
var errSkillNoProgram = errors.New("program id is required")

// ChecklistNumbering returns what numbering a program's next version of
// checklist id needs: the latest version number the program sees (shipped
// or its own, any status; 0 for a new id) and the number of the program's
// own draft of it (0 when it has none).
func (s *Store) ChecklistNumbering(ctx context.Context, programID, id string) (latest, draft int, err error) {
	rows, err := s.reader.QueryContext(ctx, qChecklistNumbers, programID, id)
	if err != nil {
		return 0, 0, fmt.Errorf("number the next version of checklist %s: %w", id, translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var owner, status string
		var version int
		if err := rows.Scan(&owner, &version, &status); err != nil {
			return 0, 0, fmt.Errorf("number the next version of checklist %s: %w", id, translate(err))
		}
		latest = max(latest, version)
		if programID != "" && owner == programID && models.ChecklistStatus(status) == models.ChecklistDraft {
			draft = version
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("number the next version of checklist %s: %w", id, translate(err))
	}
	return latest, draft, nil
}

// CreateChecklistDraft stores c, a program's new version, with its
// events. The version number is c's: when the program already holds that
// number (another admin took it first) the answer is models.ErrConflict.
func (s *Store) CreateChecklistDraft(ctx context.Context, c models.Checklist, events ...models.Event) (models.Checklist, error) {
	defer s.wroteSkills()
	what := fmt.Sprintf("create checklist %s version %d", c.ID, c.Version)
	if c.ProgramID == "" {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, errSkillNoProgram)
	}
	c.CreatedAt, c.UpdatedAt, c.PublishedAt = skillTime(c.CreatedAt), skillTime(c.UpdatedAt), skillTimePtr(c.PublishedAt)
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := insertChecklist(ctx, tx, c); err != nil {
			if errors.Is(err, models.ErrConflict) {
				return fmt.Errorf("%s: %w: the version was created meanwhile", what, models.ErrConflict)
			}
			return fmt.Errorf("%s: %w", what, err)
		}
		return s.recordEvents(ctx, tx, events...)
	})
	if err != nil {
		return models.Checklist{}, err
	}
	return c, nil
}

// UpdateChecklist replaces the program's checklist version c (its
// ProgramID, ID and Version) with c and records events, if the stored
// version is still at revision: one guarded write. A version that moved on
// is models.ErrPreconditionFailed, a missing one models.ErrNotFound. Its
// creation time is kept.
func (s *Store) UpdateChecklist(ctx context.Context, c models.Checklist, revision int64, events ...models.Event) (models.Checklist, error) {
	defer s.wroteSkills()
	what := fmt.Sprintf("update checklist %s version %d", c.ID, c.Version)
	if c.ProgramID == "" {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, errSkillNoProgram)
	}
	var stored models.Checklist
	err := s.write(ctx, func(tx *sql.Tx) error {
		var doc string
		var have int64
		err := tx.QueryRowContext(ctx, qChecklistRevision, c.ProgramID, c.ID, c.Version).Scan(&have, &doc)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%s: %w", what, notFound(fmt.Sprintf("find checklist %s version %d", c.ID, c.Version)))
		}
		if err != nil {
			return fmt.Errorf("%s: %w", what, translate(err))
		}
		if have != revision {
			return fmt.Errorf("%s at revision %d: %w: it changed meanwhile", what, revision, models.ErrPreconditionFailed)
		}
		if err := decode(doc, &stored); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		stored.Area, stored.Title, stored.Purpose = c.Area, c.Title, c.Purpose
		stored.Competencies, stored.Equipment, stored.Steps, stored.Grading = c.Competencies, c.Equipment, c.Steps, c.Grading
		stored.Sources = c.Sources
		stored.Status, stored.Revision, stored.Digest = c.Status, c.Revision, c.Digest
		stored.PublishedAt, stored.UpdatedAt = skillTimePtr(c.PublishedAt), skillTime(c.UpdatedAt)
		if doc, err = encode(stored); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checklists SET status = ?, area = ?, revision = ?, doc = ?
			WHERE program_id = ? AND checklist_id = ? AND version = ? AND revision = ?`,
			string(stored.Status), string(stored.Area), stored.Revision, doc, c.ProgramID, c.ID, c.Version, revision); err != nil {
			return fmt.Errorf("%s: %w", what, translate(err))
		}
		return s.recordEvents(ctx, tx, events...)
	})
	if err != nil {
		return models.Checklist{}, err
	}
	return stored, nil
}

// OwnChecklist reads a program's own version of checklist id, in any
// status, never a shipped one.
func (s *Store) OwnChecklist(ctx context.Context, programID, id string, version int) (models.Checklist, error) {
	what := fmt.Sprintf("find checklist %s version %d", id, version)
	var status, doc string
	err := s.reader.QueryRowContext(ctx, qChecklistOwn, programID, id, version).Scan(&status, &doc)
	if err != nil {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	c, err := s.checklistFrom(checklistKey{programID: programID, id: id, version: version, status: models.ChecklistStatus(status)}, doc)
	if err != nil {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, err)
	}
	return c, nil
}

// skillTime is t as a record keeps it: UTC, to the millisecond, so a
// record returned after a write equals the record read back.
func skillTime(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// skillTimePtr is skillTime of *t, nil for nil.
func skillTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := skillTime(*t)
	return &v
}
