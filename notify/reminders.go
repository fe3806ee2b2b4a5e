package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"skillbook/models"
)

// Reminder kinds: an assignment due within 48 hours, and one past due.
const (
	reminderDueSoon = "due-soon"
	reminderOverdue = "overdue"
)

// overdueWindow bounds how long after its due date an assignment still
// gets its overdue reminder (when the worker was down meanwhile).
const overdueWindow = 14 * 24 * time.Hour

// pastDueAfter is how long after the start of its due day (UTC) an
// assignment is past due: when the day has ended everywhere on Earth
// (UTC-12), as progress counts a skill overdue.
const pastDueAfter = 36 * time.Hour

// reminderKind says which reminder an assignment due on date due calls for
// at now in program p, if any: due soon in the 48 hours before it is past
// due, overdue after. A program with a time zone is past due when the day
// ends there; one without when it has ended everywhere.
func reminderKind(due string, now time.Time, p models.Program) string {
	d, err := time.Parse(models.DateLayout, due)
	if err != nil {
		return ""
	}
	end := d.Add(pastDueAfter)
	if p.TimeZone != "" {
		loc := p.Location()
		end = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
	}
	switch {
	case !now.Before(end):
		return reminderOverdue
	case !now.Before(end.Add(-48 * time.Hour)):
		return reminderDueSoon
	}
	return ""
}

// reminderID is the notification id of one reminder: the same assignment,
// student and kind always give the same id, so it is queued once.
func reminderID(assignmentID, studentID, kind string) string {
	h := sha256.Sum256([]byte("reminder\x00" + assignmentID + "\x00" + studentID + "\x00" + kind))
	return "r" + hex.EncodeToString(h[:16])
}

// candidate is one reminder that may be due.
type candidate struct {
	id      string
	kind    string
	student models.User
	a       models.Assignment
}

// QueueReminders queues the due-soon and overdue reminders of every
// program's assignments, once per assignment, student and kind; students
// already competent in the skill get none. It reports how many it queued.
func (w *Worker) QueueReminders(ctx context.Context) (int, error) {
	now := w.clock.Now().UTC()
	from := now.Add(-overdueWindow).Format(models.DateLayout)
	// The latest due date already within 48 hours of its end: in a
	// program with a time zone as far east as UTC+14 a day ends 10 hours
	// after it starts in UTC (reminderKind sorts out which are due).
	to := now.Add(48*time.Hour - 10*time.Hour).Format(models.DateLayout)
	due, err := w.cfg.Store.DueAssignments(ctx, from, to)
	if err != nil {
		return 0, err
	}
	byProgram := map[string][]models.Assignment{}
	var programs []string
	for _, a := range due {
		if byProgram[a.ProgramID] == nil {
			programs = append(programs, a.ProgramID)
		}
		byProgram[a.ProgramID] = append(byProgram[a.ProgramID], a)
	}
	total := 0
	var errs []error
	for _, programID := range programs {
		n, err := w.programReminders(ctx, programID, byProgram[programID], now)
		total += n
		if err != nil {
			errs = append(errs, fmt.Errorf("reminders of program %s: %w", programID, err))
		}
	}
	w.m.Reminders.Add(float64(total))
	return total, errors.Join(errs...)
}

// reminderBatch is how many students' records one reminder read loads.
const reminderBatch = 200

// programReminders queues the reminders of one program's due assignments.
func (w *Worker) programReminders(ctx context.Context, programID string, due []models.Assignment, now time.Time) (int, error) {
	program, err := w.cfg.Store.Program(ctx, programID)
	if err != nil {
		return 0, err
	}
	var cands []candidate
	cohorts := map[string][]models.User{}
	for _, a := range due {
		kind := reminderKind(a.DueDate, now, program)
		if kind == "" {
			continue
		}
		students, err := w.studentsOf(ctx, a, cohorts)
		if err != nil {
			return 0, err
		}
		for _, st := range students {
			cands = append(cands, candidate{id: reminderID(a.ID, st.ID, kind), kind: kind, student: st, a: a})
		}
	}
	if len(cands) == 0 {
		return 0, nil
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	queued, err := w.cfg.Store.QueuedReminders(ctx, ids)
	if err != nil {
		return 0, err
	}
	var students []models.User
	seen := map[string]bool{}
	for _, c := range cands {
		if !queued[c.id] && !seen[c.student.ID] {
			seen[c.student.ID] = true
			students = append(students, c.student)
		}
	}
	if len(students) == 0 {
		return 0, nil
	}
	today := now.Format(models.DateLayout)
	if program.TimeZone != "" {
		today = program.Date(now)
	}
	skills := map[string]map[string]models.SkillProgress{}
	// A batch of students at a time: a whole program's records at once
	// would be one unbounded read.
	for batch := range slices.Chunk(students, reminderBatch) {
		records, err := w.cfg.Store.ProgressRecords(ctx, programID, batch)
		if err != nil {
			return 0, err
		}
		records.Program = program
		for _, st := range batch {
			m := map[string]models.SkillProgress{}
			for _, sp := range models.StudentProgressOf(st, &records, today).Skills {
				m[sp.ChecklistID] = sp
			}
			skills[st.ID] = m
		}
	}
	var rs []models.Reminder
	for _, c := range cands {
		if queued[c.id] {
			continue
		}
		sp, ok := skills[c.student.ID][c.a.ChecklistID]
		if !ok || sp.Status == models.SkillCompetent {
			continue
		}
		rs = append(rs, reminder(c, sp))
	}
	if len(rs) == 0 {
		return 0, nil
	}
	return w.cfg.Store.QueueReminders(ctx, rs)
}

// studentsOf returns the active students an assignment applies to.
func (w *Worker) studentsOf(ctx context.Context, a models.Assignment, cohorts map[string][]models.User) ([]models.User, error) {
	if a.StudentID != "" {
		u, err := w.cfg.Store.User(ctx, a.ProgramID, a.StudentID)
		if errors.Is(err, models.ErrNotFound) || (err == nil && (!u.Active || u.Role != models.RoleStudent)) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []models.User{u}, nil
	}
	if s, ok := cohorts[a.CohortID]; ok {
		return s, nil
	}
	s, err := w.cfg.Store.CohortStudents(ctx, a.ProgramID, a.CohortID)
	if err != nil {
		return nil, err
	}
	cohorts[a.CohortID] = s
	return s, nil
}

// reminder is the notification of candidate c, whose skill stands at sp.
func reminder(c candidate, sp models.SkillProgress) models.Reminder {
	title, body := "Skill due soon", fmt.Sprintf("%s is due %s", sp.Title, c.a.DueDate)
	if c.kind == reminderOverdue {
		title, body = "Skill overdue", fmt.Sprintf("%s was due %s", sp.Title, c.a.DueDate)
	}
	return models.Reminder{ID: c.id, ProgramID: c.a.ProgramID, Notification: models.Notification{
		UserID: c.student.ID, Category: models.CategoryReminders, Title: title, Body: body,
		Data: map[string]string{"screen": "assignments", "checklistId": c.a.ChecklistID, "assignmentId": c.a.ID,
			"dueDate": c.a.DueDate, "reminder": c.kind},
	}}
}
