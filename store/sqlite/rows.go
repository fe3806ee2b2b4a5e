package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"skillbook/models"
)

// Each table's row is written by one function from its record: the
// columns queries use and the record whole (doc) in one statement, so the
// two never disagree. The use cases' writes, the archive import and the
// bulk seed all go through them. Errors come back as the driver gave them
// (callers tell a unique violation from other failures); ifAbsent leaves
// an existing row alone and reports false.

func insertCohortRow(ctx context.Context, tx *sql.Tx, c models.Cohort) error {
	doc, err := encode(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO cohorts (id, program_id, name_key, archived, version, created_at, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, c.ProgramID, models.CohortNameKey(c.Name), c.Archived, c.Version, ms(c.CreatedAt), doc)
	return err
}

func insertAssignmentRow(ctx context.Context, tx *sql.Tx, a models.Assignment, ifAbsent bool) (bool, error) {
	doc, err := encode(a)
	if err != nil {
		return false, err
	}
	return inserted(tx.ExecContext(ctx, `INSERT INTO assignments (id, program_id, checklist_id, checklist_version, area, cohort_id,
		student_id, due_date, created_at, version, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+onConflict(ifAbsent),
		a.ID, a.ProgramID, a.ChecklistID, a.ChecklistVersion, string(a.Area), a.CohortID, a.StudentID, a.DueDate,
		ms(a.CreatedAt), a.Version, doc))
}

func insertAttemptRow(ctx context.Context, tx *sql.Tx, a models.Attempt) error {
	return insertAttemptRows(ctx, tx, []models.Attempt{a})
}

// insertAttemptRows stores attempts in one statement: the seeder writes
// them in batches, because every statement that inserts attempts is
// compiled with the standings triggers (0010), and the driver compiles a
// statement each time it runs.
func insertAttemptRows(ctx context.Context, tx *sql.Tx, attempts []models.Attempt) error {
	if len(attempts) == 0 {
		return nil
	}
	const columns = 15
	args := make([]any, 0, columns*len(attempts))
	for _, a := range attempts {
		if a.OpenSlot == "" {
			a.OpenSlot = a.ID
		}
		doc, err := encode(a)
		if err != nil {
			return err
		}
		progress, err := attemptProgress(&a)
		if err != nil {
			return err
		}
		args = append(args, a.ID, a.ProgramID, a.StudentID, a.CohortID, a.ChecklistID, string(a.Area), string(a.Kind), string(a.Status),
			a.OpenSlot, attemptEvaluationID(&a), ms(a.RequestedAt), attemptEvaluatedAt(&a), a.Version, doc, progress)
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", columns), ", ") + ")"
	_, err := tx.ExecContext(ctx, `INSERT INTO attempts (id, program_id, student_id, cohort_id, checklist_id, area, kind, status,
		open_slot, evaluation_id, requested_at, evaluated_at, version, doc, progress) VALUES `+
		strings.TrimSuffix(strings.Repeat(row+", ", len(attempts)), ", "), args...)
	return err
}

func insertRemediationRow(ctx context.Context, tx *sql.Tx, r models.Remediation) error {
	doc, err := encode(r)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO remediations (id, program_id, student_id, checklist_id, created_at, doc)
		VALUES (?, ?, ?, ?, ?, ?)`, r.ID, r.ProgramID, r.StudentID, r.ChecklistID, ms(r.CreatedAt), doc)
	return err
}

func insertProcedureRow(ctx context.Context, tx *sql.Tx, p models.Procedure, ifAbsent bool) (bool, error) {
	doc, err := encode(p)
	if err != nil {
		return false, err
	}
	return inserted(tx.ExecContext(ctx, `INSERT INTO procedures (id, program_id, student_id, kind, status, performed_at, created_at,
		version, doc, successful) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+onConflict(ifAbsent),
		p.ID, p.ProgramID, p.StudentID, p.Kind, string(p.Status), p.PerformedAt, ms(p.CreatedAt), p.Version, doc, p.Success()))
}

// insertEventRow appends e to the audit trail once: a repeated id changes
// nothing.
func insertEventRow(ctx context.Context, tx *sql.Tx, e models.Event) error {
	// The entry becomes the next link of its program's chain (whatever
	// links it carried from elsewhere, such as an archive).
	head, err := auditHead(ctx, tx, e.ProgramID)
	if err != nil {
		return err
	}
	head.Link(&e)
	doc, err := encode(e)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO events (id, program_id, type, at, actor_id, subject, subject_id, student_id, doc, seq)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		e.ID, e.ProgramID, string(e.Type), ms(e.At), e.Actor.UserID, e.Subject, e.SubjectID, e.StudentID, doc, e.Seq)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err // already in the trail
	}
	return saveAuditHead(ctx, tx, head)
}

// putDeviceRow stores d, or refreshes and moves the token to d's user when
// it is known.
func putDeviceRow(ctx context.Context, tx *sql.Tx, d models.Device) error {
	doc, err := encode(d)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO devices (token, program_id, user_id, refreshed_at, doc) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET program_id = excluded.program_id, user_id = excluded.user_id,
			refreshed_at = excluded.refreshed_at, doc = excluded.doc`,
		d.Token, d.ProgramID, d.UserID, ms(d.RefreshedAt), doc)
	return err
}

func onConflict(ifAbsent bool) string {
	if ifAbsent {
		return ` ON CONFLICT (id) DO NOTHING`
	}
	return ""
}

// inserted reports whether an INSERT wrote its row.
func inserted(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
