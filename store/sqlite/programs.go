package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"skillbook/models"
)

// CreateProgram stores a new program with the default grading rule.
func (s *Store) CreateProgram(ctx context.Context, name string) (models.Program, error) {
	p := models.Program{ID: newID(), Name: name, Grading: models.DefaultGrading,
		ProcedureTargets: models.DefaultProcedureTargets, CreatedAt: s.now()}
	doc, err := encode(p)
	if err != nil {
		return models.Program{}, fmt.Errorf("create program: %w", err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO programs (id, name, created_at, doc) VALUES (?, ?, ?, ?)`,
			p.ID, p.Name, ms(p.CreatedAt), doc)
		return translate(err)
	})
	if err != nil {
		return models.Program{}, fmt.Errorf("create program: %w", err)
	}
	return p, nil
}

// Program returns the program with id, from the cache once read
// (programs are written only when created and by an archive import, which
// invalidates it).
func (s *Store) Program(ctx context.Context, id string) (models.Program, error) {
	if p, ok := s.programs.get(id); ok {
		return p, nil
	}
	gen := s.programs.generation()
	var doc string
	if err := s.reader.QueryRowContext(ctx, `SELECT doc FROM programs WHERE id = ?`, id).Scan(&doc); err != nil {
		return models.Program{}, fmt.Errorf("find program %s: %w", id, translate(err))
	}
	var p models.Program
	if err := decode(doc, &p); err != nil {
		return models.Program{}, fmt.Errorf("find program %s: %w", id, err)
	}
	s.programs.put(id, gen, p)
	return p, nil
}

// SetPINVoidWindow sets a program's PIN void window, in hours, with its
// event, and drops the cached programs.
func (s *Store) SetPINVoidWindow(ctx context.Context, programID string, hours int, ev models.Event) (models.Program, error) {
	var p models.Program
	err := s.write(ctx, func(tx *sql.Tx) error {
		var doc string
		if err := tx.QueryRowContext(ctx, `SELECT doc FROM programs WHERE id = ?`, programID).Scan(&doc); err != nil {
			return translate(err)
		}
		if err := decode(doc, &p); err != nil {
			return err
		}
		p.PINVoidHours = hours
		doc, err := encode(p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE programs SET doc = ? WHERE id = ?`, doc, programID); err != nil {
			return translate(err)
		}
		return s.recordEvents(ctx, tx, ev)
	})
	// Invalidated whatever the outcome: a cached program may be stale
	// once the transaction might have committed.
	s.programs.invalidate()
	if err != nil {
		return models.Program{}, fmt.Errorf("set PIN void window of %s: %w", programID, err)
	}
	return p, nil
}

// UpdateProgramSettings makes patch's changes to a program, with its
// event, in one transaction, and drops the cached programs.
func (s *Store) UpdateProgramSettings(ctx context.Context, programID string, patch models.SettingsPatch, ev models.Event) (models.Program, error) {
	var p models.Program
	err := s.write(ctx, func(tx *sql.Tx) error {
		var doc string
		if err := tx.QueryRowContext(ctx, `SELECT doc FROM programs WHERE id = ?`, programID).Scan(&doc); err != nil {
			return translate(err)
		}
		if err := decode(doc, &p); err != nil {
			return err
		}
		patch.Apply(&p)
		doc, err := encode(p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE programs SET doc = ? WHERE id = ?`, doc, programID); err != nil {
			return translate(err)
		}
		return s.recordEvents(ctx, tx, ev)
	})
	// Invalidated whatever the outcome, as in SetPINVoidWindow.
	s.programs.invalidate()
	if err != nil {
		return models.Program{}, fmt.Errorf("update settings of %s: %w", programID, err)
	}
	return p, nil
}
