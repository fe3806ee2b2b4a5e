package workflow

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"skillbook/models"
)

// logged logs a venipuncture of caller on 2026-03-01 and returns it.
func (w *skillsWorld) logged(tb testing.TB, caller Caller) models.Procedure {
	tb.Helper()
	out, err := w.skills.LogProcedure(context.Background(), caller, LogProcedureInput{Kind: "venipuncture", PerformedAt: "2026-03-01"})
	if err != nil {
		tb.Fatal(err)
	}
	return out.Procedure
}

// uuidV7At is a UUIDv7 a client made at t.
func uuidV7At(t time.Time) string {
	u := uuid.Must(uuid.NewV7())
	ms := uint64(t.UnixMilli())
	for i := range 6 {
		u[i] = byte(ms >> (8 * (5 - i)))
	}
	return u.String()
}

func TestLogProcedure(t *testing.T) {
	t.Parallel()
	id := uuidV7At(skillsNow)
	entry := LogProcedureInput{ID: id, Kind: "venipuncture", PerformedAt: "2026-03-01", Site: " Lab 2 ", Note: "Left arm"}
	tests := []struct {
		name        string
		first       *LogProcedureInput // logged before, by the student
		by          func(w *skillsWorld) Caller
		in          LogProcedureInput
		want        error
		wantCreated bool
	}{
		{"new", nil, nil, entry, nil, true},
		{"no id", nil, nil, LogProcedureInput{Kind: "venipuncture", PerformedAt: "2026-03-01"}, nil, true},
		{"retry, same content", &entry, nil, entry, nil, false},
		{"retry, same content once trimmed", &entry, nil, func() LogProcedureInput { e := entry; e.Site = "Lab 2"; return e }(), nil, false},
		{"same id, other kind", &entry, nil, func() LogProcedureInput { e := entry; e.Kind = "capillary-puncture"; return e }(), models.ErrConflict, false},
		{"same id, other note", &entry, nil, func() LogProcedureInput { e := entry; e.Note = "Right arm"; return e }(), models.ErrConflict, false},
		{"same id, another student", &entry, func(w *skillsWorld) Caller { return w.classmate }, entry, models.ErrConflict, false},
		{"same id, another program", &entry, func(w *skillsWorld) Caller { return w.foreignPupil }, entry, models.ErrConflict, false},
		{"today, where it is already tomorrow", nil, nil, LogProcedureInput{Kind: "venipuncture", PerformedAt: "2026-03-02"}, nil, true},
		{"the future", nil, nil, LogProcedureInput{Kind: "venipuncture", PerformedAt: "2026-03-04"}, &models.ValidationError{}, false},
		{"a kind the program does not count", nil, nil, LogProcedureInput{Kind: "arterial-puncture", PerformedAt: "2026-03-01"}, &models.ValidationError{}, false},
		{"a UUIDv7 of tomorrow", nil, nil, LogProcedureInput{ID: uuidV7At(skillsNow.Add(25 * time.Hour)), Kind: "venipuncture", PerformedAt: "2026-03-01"}, &models.ValidationError{}, false},
		{"not a UUIDv7", nil, nil, LogProcedureInput{ID: "6ba7b810-9dad-41d1-80b4-00c04fd430c8", Kind: "venipuncture", PerformedAt: "2026-03-01"}, &models.ValidationError{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSkillsWorld(t)
			ctx := context.Background()
			var first models.Procedure
			if tt.first != nil {
				out, err := w.skills.LogProcedure(ctx, w.student, *tt.first)
				if err != nil {
					t.Fatal(err)
				}
				first = out.Procedure
			}
			w.clk.Advance(time.Minute)
			caller := w.student
			if tt.by != nil {
				caller = tt.by(w)
			}
			events := len(w.st.events)
			out, err := w.skills.LogProcedure(ctx, caller, tt.in)
			wantErr(t, "LogProcedure", err, tt.want)
			if err != nil {
				return
			}
			if out.Created != tt.wantCreated {
				t.Errorf("LogProcedure created = %v; want %v", out.Created, tt.wantCreated)
			}
			p := out.Procedure
			if !tt.wantCreated {
				if p.ID != first.ID || !p.CreatedAt.Equal(first.CreatedAt) || len(w.st.events) != events {
					t.Errorf("retry = %+v with %d new events; want the stored procedure, nothing recorded", p, len(w.st.events)-events)
				}
				return
			}
			now := skillsNow.Add(time.Minute)
			if p.ID == "" || p.Status != models.ProcedurePending || p.Version != 1 || p.StudentID != caller.ID || p.StudentName != caller.Name ||
				!p.CreatedAt.Equal(now) || !p.UpdatedAt.Equal(now) || p.Review != nil {
				t.Errorf("LogProcedure = %+v; want pending at version 1, the caller's, at the clock's time", p)
			}
			if tt.in.ID != "" && (p.ID != tt.in.ID || p.Site != "Lab 2") {
				t.Errorf("LogProcedure = %+v; want the client's id and the site trimmed", p)
			}
			if len(w.st.events) != events+1 {
				t.Fatalf("events = %d; want one more", len(w.st.events)-events)
			}
			if e := w.st.events[events]; e.Type != models.EventProcedureLogged || e.SubjectID != p.ID || e.StudentID != caller.ID || e.Actor != caller.Actor() {
				t.Errorf("event = %+v; want procedure.logged about the procedure, by the student", e)
			}
		})
	}
}

func TestReviewProcedureRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		caller  func(w *skillsWorld) Caller
		reject  string // "" confirms
		version int64
		decided bool // the procedure was confirmed already
		want    error
	}{
		{"the student's instructor confirms", (*skillsWorld).teacherOf, "", 0, false, nil},
		{"at the version read", (*skillsWorld).teacherOf, "", 1, false, nil},
		{"the student's instructor rejects", (*skillsWorld).teacherOf, "No witness", 1, false, nil},
		{"at a stale version", (*skillsWorld).teacherOf, "", 7, false, models.ErrPreconditionFailed},
		{"decided already", (*skillsWorld).teacherOf, "", 0, true, models.ErrConflict},
		{"rejected after a decision", (*skillsWorld).teacherOf, "Changed my mind", 0, true, models.ErrConflict},
		{"a rejection without a reason", (*skillsWorld).teacherOf, "   ", 0, false, &models.ValidationError{}},
		{"the admin", (*skillsWorld).adminOf, "", 0, false, models.ErrForbidden},
		{"an instructor of another cohort", func(w *skillsWorld) Caller { return w.outsider }, "", 0, false, models.ErrForbidden},
		{"the student", func(w *skillsWorld) Caller { return w.student }, "", 0, false, models.ErrForbidden},
		{"a classmate", func(w *skillsWorld) Caller { return w.classmate }, "", 0, false, models.ErrForbidden},
		{"another program", func(w *skillsWorld) Caller { return w.foreignAdmin }, "", 0, false, models.ErrNotFound},
		{"a deactivated instructor", func(w *skillsWorld) Caller { c := w.teacher; c.Active = false; return c }, "", 0, false, models.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := newSkillsWorld(t)
			ctx := context.Background()
			p := w.logged(t, w.student)
			if tt.decided {
				if _, err := w.skills.ConfirmProcedure(ctx, w.teacher, ReviewInput{ID: p.ID}); err != nil {
					t.Fatal(err)
				}
			}
			events := len(w.st.events)
			w.clk.Advance(time.Hour)
			caller := tt.caller(w)
			var got models.Procedure
			var err error
			if tt.reject == "" {
				got, err = w.skills.ConfirmProcedure(ctx, caller, ReviewInput{ID: p.ID, Version: tt.version})
			} else {
				got, err = w.skills.RejectProcedure(ctx, caller, ReviewInput{ID: p.ID, Version: tt.version}, tt.reject)
			}
			wantErr(t, "review", err, tt.want)
			if err != nil {
				if len(w.st.events) != events {
					t.Errorf("a refused review recorded %d events", len(w.st.events)-events)
				}
				return
			}
			status, typ := models.ProcedureConfirmed, models.EventProcedureConfirmed
			if tt.reject != "" {
				status, typ = models.ProcedureRejected, models.EventProcedureRejected
			}
			if got.Status != status || got.Version != 2 || got.Review == nil || got.Review.ReviewerID != caller.ID ||
				got.Review.ReviewerCredential != "CMA (AAMA)" || got.Review.Reason != tt.reject ||
				!got.Review.ReviewedAt.Equal(skillsNow.Add(time.Hour)) || !got.UpdatedAt.Equal(skillsNow.Add(time.Hour)) {
				t.Errorf("review = %+v (%+v); want %s at version 2 by the caller at the clock's time", got, got.Review, status)
			}
			if len(w.st.events) != events+1 || w.st.events[events].Type != typ || w.st.events[events].StudentID != "student" {
				t.Errorf("events = %v; want one %s", w.st.eventTypes()[events:], typ)
			}
		})
	}
}

func TestProceduresScope(t *testing.T) {
	t.Parallel()
	w := newSkillsWorld(t)
	ctx := context.Background()
	mine, classmates, loners := w.logged(t, w.student), w.logged(t, w.classmate), w.logged(t, w.loner)
	w.logged(t, w.foreignPupil)
	if _, err := w.skills.ConfirmProcedure(ctx, w.teacher, ReviewInput{ID: mine.ID}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		caller Caller
		in     ProceduresInput
		want   []string
		err    error
	}{
		{"a student, their own", w.student, ProceduresInput{}, []string{mine.ID}, nil},
		{"a student, by their id", w.student, ProceduresInput{StudentID: "student"}, []string{mine.ID}, nil},
		{"a student, a classmate's", w.student, ProceduresInput{StudentID: "classmate"}, nil, models.ErrForbidden},
		{"an instructor, their students'", w.teacher, ProceduresInput{}, []string{mine.ID, classmates.ID}, nil},
		{"an instructor, pending ones", w.teacher, ProceduresInput{Status: models.ProcedurePending}, []string{classmates.ID}, nil},
		{"an instructor, another cohort's student", w.teacher, ProceduresInput{StudentID: "loner"}, nil, models.ErrForbidden},
		{"an instructor, an instructor's", w.teacher, ProceduresInput{StudentID: "outsider"}, nil, models.ErrNotFound},
		{"an admin, all", w.admin, ProceduresInput{}, []string{mine.ID, classmates.ID, loners.ID}, nil},
		{"an admin, another program's student", w.admin, ProceduresInput{StudentID: "foreign-pupil"}, nil, models.ErrNotFound},
	}
	for _, tt := range tests {
		list, err := w.skills.Procedures(ctx, tt.caller, tt.in)
		wantErr(t, tt.name, err, tt.err)
		if err != nil {
			continue
		}
		got := map[string]bool{}
		for _, p := range list.Items {
			got[p.ID] = true
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: Procedures = %d items; want %d", tt.name, len(got), len(tt.want))
		}
		for _, id := range tt.want {
			if !got[id] {
				t.Errorf("%s: Procedures lacks %s", tt.name, id)
			}
		}
	}
	for _, tt := range []struct {
		name   string
		caller Caller
		want   error
	}{
		{"the student", w.student, nil},
		{"their instructor", w.teacher, nil},
		{"the admin", w.admin, nil},
		{"a classmate", w.classmate, models.ErrForbidden},
		{"another cohort's instructor", w.outsider, models.ErrForbidden},
		{"another program", w.foreignAdmin, models.ErrNotFound},
	} {
		_, err := w.skills.Procedure(ctx, tt.caller, mine.ID)
		wantErr(t, "Procedure as "+tt.name, err, tt.want)
	}
}
