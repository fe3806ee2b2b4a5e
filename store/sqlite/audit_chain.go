package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"skillbook/models"
)

// chainPage is how many entries one read of a chain walk holds.
const chainPage = 500

// rowQuerier is a database, or a transaction, read one row at a time.
type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// auditHead reads programID's chain head in tx (Seq 0 before its first
// entry).
func auditHead(ctx context.Context, q rowQuerier, programID string) (models.AuditHead, error) {
	h := models.AuditHead{ProgramID: programID}
	var at int64
	err := q.QueryRowContext(ctx, `SELECT seq, hash, at FROM audit_heads WHERE program_id = ?`, programID).Scan(&h.Seq, &h.Hash, &at)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return h, nil
	case err != nil:
		return h, fmt.Errorf("read audit head of %s: %w", programID, translate(err))
	}
	h.At = fromMS(at)
	return h, nil
}

// saveAuditHead moves programID's chain head to h, in the transaction that
// appended h's entry.
func saveAuditHead(ctx context.Context, tx *sql.Tx, h models.AuditHead) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_heads (program_id, seq, hash, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (program_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, at = excluded.at`,
		h.ProgramID, h.Seq, h.Hash, ms(h.At))
	if err != nil {
		return fmt.Errorf("move audit head of %s: %w", h.ProgramID, translate(err))
	}
	return nil
}

// chainBacklog links the entries written before the trail was chained
// (seq 0) into their programs' chains in their stored order (rowid: the
// order they were inserted), a page at a time.
func chainBacklog(ctx context.Context, tx *sql.Tx) error {
	heads := map[string]*models.AuditHead{}
	var after int64
	for {
		type row struct {
			rowid int64
			e     models.Event
		}
		var page []row
		rows, err := tx.QueryContext(ctx, `SELECT rowid, doc FROM events WHERE rowid > ? AND seq = 0 ORDER BY rowid LIMIT ?`, after, chainPage)
		if err != nil {
			return fmt.Errorf("chain audit backlog: %w", err)
		}
		for rows.Next() {
			var r row
			var doc string
			if err := rows.Scan(&r.rowid, &doc); err != nil {
				rows.Close()
				return fmt.Errorf("chain audit backlog: %w", err)
			}
			if err := decode(doc, &r.e); err != nil {
				rows.Close()
				return fmt.Errorf("chain audit backlog: %w", err)
			}
			page = append(page, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("chain audit backlog: %w", err)
		}
		if len(page) == 0 {
			break
		}
		for _, r := range page {
			h := heads[r.e.ProgramID]
			if h == nil {
				hh, err := auditHead(ctx, tx, r.e.ProgramID)
				if err != nil {
					return err
				}
				h = &hh
				heads[r.e.ProgramID] = h
			}
			h.Link(&r.e)
			doc, err := encode(r.e)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE events SET seq = ?, doc = ? WHERE rowid = ?`, r.e.Seq, doc, r.rowid); err != nil {
				return fmt.Errorf("chain audit backlog: %w", err)
			}
			after = r.rowid
		}
	}
	for _, h := range heads {
		if err := saveAuditHead(ctx, tx, *h); err != nil {
			return err
		}
	}
	return nil
}

// VerifyAudit walks programID's audit chain in sequence order, a page at a
// time, and reports its first broken link, or that it is intact up to its
// head. It also holds the chain to the program's latest checkpoint.
func (s *Store) VerifyAudit(ctx context.Context, programID string) (models.AuditVerification, error) {
	if programID == "" {
		return models.AuditVerification{}, errAuditNoProgram
	}
	what := "verify audit chain of " + programID
	// One read transaction: the head, the checkpoint and the entries are
	// of one moment, however many entries are appended meanwhile.
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return models.AuditVerification{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	defer tx.Rollback()
	head, err := auditHead(ctx, tx, programID)
	if err != nil {
		return models.AuditVerification{}, err
	}
	var cp *models.AuditCheckpoint
	switch c, err := latestCheckpoint(ctx, tx, programID); {
	case err == nil:
		cp = &c
	case !errors.Is(err, models.ErrNotFound):
		return models.AuditVerification{}, err
	}
	check := models.NewChainCheck(programID, cp)
	var after int64
	for {
		rows, err := tx.QueryContext(ctx, `SELECT seq, doc FROM events WHERE program_id = ? AND seq > ? AND seq > 0 ORDER BY seq LIMIT ?`,
			programID, after, chainPage)
		if err != nil {
			return models.AuditVerification{}, fmt.Errorf("%s: %w", what, translate(err))
		}
		n, intact := 0, true
		for intact && rows.Next() {
			var doc string
			if err := rows.Scan(&after, &doc); err != nil {
				rows.Close()
				return models.AuditVerification{}, fmt.Errorf("%s: %w", what, translate(err))
			}
			n++
			var e models.Event
			if err := decode(doc, &e); err != nil {
				// An entry that no longer decodes was changed too.
				e = models.Event{ID: "?", Seq: after}
			}
			intact = check.Add(e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return models.AuditVerification{}, fmt.Errorf("%s: %w", what, translate(err))
		}
		if !intact || n < chainPage {
			break
		}
	}
	// Every entry is appended linked: one without a link was slipped in.
	var unlinked string
	switch err := tx.QueryRowContext(ctx, `SELECT id FROM events WHERE program_id = ? AND seq = 0 LIMIT 1`, programID).Scan(&unlinked); {
	case err == nil:
		check.Unlinked(unlinked)
	case !errors.Is(err, sql.ErrNoRows):
		return models.AuditVerification{}, fmt.Errorf("%s: %w", what, translate(err))
	}
	return check.Result(head), nil
}

// AuditHeads lists every program's audit chain head.
func (s *Store) AuditHeads(ctx context.Context) ([]models.AuditHead, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT program_id, seq, hash, at FROM audit_heads ORDER BY program_id`)
	if err != nil {
		return nil, fmt.Errorf("list audit heads: %w", translate(err))
	}
	defer rows.Close()
	var out []models.AuditHead
	for rows.Next() {
		var h models.AuditHead
		var at int64
		if err := rows.Scan(&h.ProgramID, &h.Seq, &h.Hash, &at); err != nil {
			return nil, fmt.Errorf("list audit heads: %w", translate(err))
		}
		h.At = fromMS(at)
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list audit heads: %w", translate(err))
	}
	return out, nil
}

// LatestAuditCheckpoint returns programID's newest chain checkpoint, or
// models.ErrNotFound before its first.
func (s *Store) LatestAuditCheckpoint(ctx context.Context, programID string) (models.AuditCheckpoint, error) {
	return latestCheckpoint(ctx, s.reader, programID)
}

func latestCheckpoint(ctx context.Context, q rowQuerier, programID string) (models.AuditCheckpoint, error) {
	c := models.AuditCheckpoint{ProgramID: programID}
	var at int64
	err := q.QueryRowContext(ctx, `SELECT seq, hash, at, key_id, signature FROM audit_checkpoints
		WHERE program_id = ? ORDER BY seq DESC LIMIT 1`, programID).Scan(&c.Seq, &c.Hash, &at, &c.KeyID, &c.Signature)
	if err != nil {
		return models.AuditCheckpoint{}, fmt.Errorf("latest audit checkpoint of %s: %w", programID, translate(err))
	}
	c.At = fromMS(at)
	return c, nil
}

// AppendAuditCheckpoint stores c; a second checkpoint at the same sequence
// number of a program is models.ErrConflict.
func (s *Store) AppendAuditCheckpoint(ctx context.Context, c models.AuditCheckpoint) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (program_id, seq, hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)`,
			c.ProgramID, c.Seq, c.Hash, ms(c.At), c.KeyID, c.Signature)
		if err != nil {
			return fmt.Errorf("append audit checkpoint of %s at %d: %w", c.ProgramID, c.Seq, translate(err))
		}
		return nil
	})
}

// Path is the database file's path (tests that play an intruder with
// direct access to the file open it).
func (s *Store) Path() string { return s.path }
