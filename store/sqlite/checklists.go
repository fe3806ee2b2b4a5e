package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"skillbook/models"
	"skillbook/workflow"
)

// A checklist version is one row keyed by its owner, id and version. The
// shipped library has program_id ''; a program's own versions carry its
// id. Every program sees the library and its own versions; where both hold
// the same id and version, the program's own published (or retired) one
// wins and a draft loses to the shipped one (checklistRank).

// checklistKey names one stored version in one status. A version's content
// never changes once it leaves draft (published, then retired, each a
// single transition), so a non-draft version in a given status is the same
// record for the life of the process: the cache keeps it decoded.
type checklistKey struct {
	programID string
	id        string
	version   int
	status    models.ChecklistStatus
}

// checklistCache holds decoded published and retired checklist versions
// (shipped and programs'), keyed with their status, so a status change is
// a new key and nothing needs invalidating; drafts are never cached. Only
// this process writes the database (the directory lock), so what it
// caches cannot change behind it. The zero value is ready.
type checklistCache struct{ m sync.Map }

func (c *checklistCache) get(k checklistKey) (models.Checklist, bool) {
	v, ok := c.m.Load(k)
	if !ok {
		return models.Checklist{}, false
	}
	return v.(models.Checklist), true
}

func (c *checklistCache) put(k checklistKey, v models.Checklist) {
	if k.status != models.ChecklistDraft {
		c.m.Store(k, v)
	}
}

// checklistRank orders two versions of the same id and number, lower
// first: the program's own published or retired version, then the shipped
// one, then the program's draft.
func checklistRank(programID string, status models.ChecklistStatus) int {
	switch {
	case programID == "":
		return 1
	case status == models.ChecklistDraft:
		return 2
	}
	return 0
}

// checklistFrom is the version stored as doc, from the cache when it holds
// it.
func (s *Store) checklistFrom(k checklistKey, doc string) (models.Checklist, error) {
	if c, ok := s.checklists.get(k); ok {
		return c, nil
	}
	var c models.Checklist
	if err := decode(doc, &c); err != nil {
		return models.Checklist{}, err
	}
	s.checklists.put(k, c)
	return c, nil
}

// checklistRow is one version's key as a query returns it, with its doc
// when the query read it.
type checklistRow struct {
	key checklistKey
	doc string
}

func (r checklistRow) rank() int { return checklistRank(r.key.programID, r.key.status) }

// queryChecklistRows runs q, which selects program_id, checklist_id,
// version, status and doc, in that order.
func (s *Store) queryChecklistRows(ctx context.Context, q string, args ...any) ([]checklistRow, error) {
	rows, err := s.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []checklistRow
	for rows.Next() {
		var r checklistRow
		var status string
		if err := rows.Scan(&r.key.programID, &r.key.id, &r.key.version, &status, &r.doc); err != nil {
			return nil, translate(err)
		}
		r.key.status = models.ChecklistStatus(status)
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// UpsertLibrary stores the shipped checklists at start-up. A new (id,
// version) is inserted as published; one already stored with the same
// digest is left alone; one stored with another digest was edited without
// a version bump, which is an error (wrapping models.ErrConflict) naming
// every such checklist, and start-up must stop. It returns how many
// versions were added.
func (s *Store) UpsertLibrary(ctx context.Context, lib []models.Checklist) (int, error) {
	defer s.wroteSkills()
	var errs []error
	added := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		errs, added = nil, 0
		stored := map[checklistKey]string{}
		rows, err := tx.QueryContext(ctx, qLibraryDigests)
		if err != nil {
			return fmt.Errorf("read checklist library: %w", translate(err))
		}
		for rows.Next() {
			var k checklistKey
			var digest string
			if err := rows.Scan(&k.id, &k.version, &digest); err != nil {
				rows.Close()
				return fmt.Errorf("read checklist library: %w", translate(err))
			}
			stored[k] = digest
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read checklist library: %w", translate(err))
		}
		now := s.now()
		for _, c := range lib {
			c.ProgramID, c.Status, c.Revision = "", models.ChecklistPublished, 1
			c.Digest = c.ContentDigest()
			c.CreatedAt, c.UpdatedAt, c.PublishedAt = now, now, &now
			if err := c.Validate(); err != nil {
				errs = append(errs, fmt.Errorf("shipped checklist %s version %d: %w", c.ID, c.Version, err))
				continue
			}
			k := checklistKey{id: c.ID, version: c.Version}
			digest, ok := stored[k]
			if !ok {
				if err := insertChecklist(ctx, tx, c); err != nil {
					return fmt.Errorf("store shipped checklist %s version %d: %w", c.ID, c.Version, err)
				}
				added++
				stored[k] = c.Digest
				continue
			}
			if digest != c.Digest {
				errs = append(errs, fmt.Errorf("shipped checklist %s version %d was edited without a version bump "+
					"(stored digest %.12s…, file %.12s…): restore the file or raise its version: %w",
					c.ID, c.Version, digest, c.Digest, models.ErrConflict))
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, errors.Join(errs...)
}

// insertChecklist stores c as a new row; a taken (program, id, version) is
// models.ErrConflict.
func insertChecklist(ctx context.Context, tx *sql.Tx, c models.Checklist) error {
	doc, err := encode(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO checklists (program_id, checklist_id, version, status, area, revision, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ProgramID, c.ID, c.Version, string(c.Status), string(c.Area), c.Revision, doc)
	return translate(err)
}

// The checklist queries (each checked against its plan in a test).
const (
	// checklistColumns are what queryChecklistRows reads.
	checklistColumns = `program_id, checklist_id, version, status, doc`

	qChecklist = `SELECT ` + checklistColumns + ` FROM checklists
		WHERE program_id IN ('', ?) AND checklist_id = ? AND version = ?`
	qCurrentChecklist = `SELECT ` + checklistColumns + ` FROM checklists
		WHERE program_id IN ('', ?) AND status = ? AND checklist_id = ? ORDER BY version DESC LIMIT 2`
	qChecklistVersions = `SELECT ` + checklistColumns + ` FROM checklists
		WHERE program_id IN ('', ?) AND checklist_id = ? ORDER BY version`
	qChecklistsPublished = `SELECT program_id, checklist_id, version FROM checklists
		WHERE program_id IN ('', ?) AND status = ? AND checklist_id > ? ORDER BY checklist_id, version DESC`
	qChecklistInStatus = `SELECT doc FROM checklists WHERE program_id = ? AND checklist_id = ? AND version = ? AND status = ?`
	qChecklistOwn      = `SELECT status, doc FROM checklists WHERE program_id = ? AND checklist_id = ? AND version = ?`
	qChecklistNumbers  = `SELECT program_id, version, status FROM checklists WHERE program_id IN ('', ?) AND checklist_id = ?`
	qChecklistRevision = `SELECT revision, doc FROM checklists WHERE program_id = ? AND checklist_id = ? AND version = ?`
	qLibraryDigests    = `SELECT checklist_id, version, json_extract(doc, '$.digest') FROM checklists WHERE program_id = ''`
)

// Checklist returns version of checklist id as programID sees it: shipped
// or the program's own, in any status. Callers decide who may see a draft.
func (s *Store) Checklist(ctx context.Context, programID, id string, version int) (models.Checklist, error) {
	what := fmt.Sprintf("find checklist %s version %d", id, version)
	found, err := s.queryChecklistRows(ctx, qChecklist, programID, id, version)
	if err != nil {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, err)
	}
	if len(found) == 0 {
		return models.Checklist{}, notFound(what)
	}
	best := found[0]
	for _, r := range found[1:] {
		if r.rank() < best.rank() {
			best = r
		}
	}
	return s.checklistFrom(best.key, best.doc)
}

// CurrentChecklist returns the latest published version of checklist id
// that programID sees; retired versions and drafts are skipped, and a
// program's own version beats a shipped one of the same number.
func (s *Store) CurrentChecklist(ctx context.Context, programID, id string) (models.Checklist, error) {
	what := "find current checklist " + id
	found, err := s.queryChecklistRows(ctx, qCurrentChecklist, programID, string(models.ChecklistPublished), id)
	if err != nil {
		return models.Checklist{}, fmt.Errorf("%s: %w", what, err)
	}
	if len(found) == 0 {
		return models.Checklist{}, notFound(what)
	}
	best := found[0]
	if len(found) == 2 && found[1].key.version == best.key.version && found[1].rank() < best.rank() {
		best = found[1]
	}
	return s.checklistFrom(best.key, best.doc)
}

// ChecklistVersions returns every version of checklist id that programID
// sees, drafts and retired ones included, oldest first; one per version
// number, chosen as Checklist chooses.
func (s *Store) ChecklistVersions(ctx context.Context, programID, id string) ([]models.Checklist, error) {
	what := "list versions of checklist " + id
	found, err := s.queryChecklistRows(ctx, qChecklistVersions, programID, id)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if len(found) == 0 {
		return nil, notFound(what)
	}
	best := found[:1]
	for _, r := range found[1:] {
		last := &best[len(best)-1]
		switch {
		case r.key.version != last.key.version:
			best = append(best, r)
		case r.rank() < last.rank():
			*last = r
		}
	}
	out := make([]models.Checklist, 0, len(best))
	for _, r := range best {
		c, err := s.checklistFrom(r.key, r.doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// Checklists returns one page of the current published checklists that
// programID sees, ordered by id. The current version is chosen before the
// filter applies (an older version's title does not match): one covering
// index read lists the published versions after the cursor (keys only),
// then the chosen versions are read (from the cache, once warm) in id
// order until the page is full.
func (s *Store) Checklists(ctx context.Context, programID string, f models.ChecklistFilter) (models.List[models.Checklist], error) {
	var after idKey
	if f.Page.Cursor != "" {
		k, err := decodeCursor[idKey]("checklists", f.Page.Cursor)
		if err != nil {
			return models.List[models.Checklist]{}, err
		}
		after = k
	}
	rows, err := s.reader.QueryContext(ctx, qChecklistsPublished, programID, string(models.ChecklistPublished), after.ID)
	if err != nil {
		return models.List[models.Checklist]{}, fmt.Errorf("list checklists: %w", translate(err))
	}
	var current []checklistKey // the best version of each id, in id order
	for rows.Next() {
		k := checklistKey{status: models.ChecklistPublished}
		if err := rows.Scan(&k.programID, &k.id, &k.version); err != nil {
			rows.Close()
			return models.List[models.Checklist]{}, fmt.Errorf("list checklists: %w", translate(err))
		}
		n := len(current)
		switch {
		case n == 0 || current[n-1].id != k.id:
			current = append(current, k)
		case current[n-1].version == k.version && checklistRank(k.programID, k.status) < checklistRank(current[n-1].programID, k.status):
			// Versions come newest first; only a tie can replace the best.
			current[n-1] = k
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return models.List[models.Checklist]{}, fmt.Errorf("list checklists: %w", translate(err))
	}

	size := f.Page.Size()
	items := make([]models.Checklist, 0, min(size+1, 64))
	for _, k := range current {
		c, err := s.publishedChecklist(ctx, k)
		if errors.Is(err, models.ErrNotFound) {
			continue // retired since the keys were read
		}
		if err != nil {
			return models.List[models.Checklist]{}, fmt.Errorf("list checklists: %w", err)
		}
		if f.Matches(c) {
			items = append(items, c)
		}
		if len(items) > size {
			break
		}
	}
	out := models.List[models.Checklist]{Items: items}
	if len(items) > size {
		out.Items = items[:size]
		out.NextCursor = encodeCursor("checklists", idKey{ID: items[size-1].ID})
	}
	return out, nil
}

// publishedChecklist reads the version k names, from the cache when it
// holds it.
func (s *Store) publishedChecklist(ctx context.Context, k checklistKey) (models.Checklist, error) {
	if c, ok := s.checklists.get(k); ok {
		return c, nil
	}
	var doc string
	err := s.reader.QueryRowContext(ctx, qChecklistInStatus, k.programID, k.id, k.version, string(k.status)).Scan(&doc)
	if err != nil {
		return models.Checklist{}, translate(err)
	}
	return s.checklistFrom(k, doc)
}

var (
	_ workflow.ChecklistReadStore  = (*Store)(nil)
	_ workflow.ChecklistDraftStore = (*Store)(nil)
)
