package workflow

import (
	"context"
	"errors"
	"testing"

	"skillbook/models"
)

func TestLogPracticum(t *testing.T) {
	t.Parallel()
	id := uuidV7At(skillsNow)
	entry := LogPracticumInput{ID: id, Date: "2026-03-01", Hours: 8, Site: " Valley Clinic ", Preceptor: "Pat Preceptor", PreceptorCredential: "RN"}
	tests := []struct {
		name        string
		first       *LogPracticumInput // logged before, by the student
		by          func(w *skillsWorld) Caller
		in          LogPracticumInput
		want        error
		wantCreated bool
	}{
		{"new", nil, nil, entry, nil, true},
		{"retry, same content once trimmed", &entry, nil, func() LogPracticumInput { e := entry; e.Site = "Valley Clinic"; return e }(), nil, false},
		{"same id, other hours", &entry, nil, func() LogPracticumInput { e := entry; e.Hours = 7.5; return e }(), models.ErrConflict, false},
		{"same id, other preceptor", &entry, nil, func() LogPracticumInput { e := entry; e.Preceptor = "Dr. Lee"; return e }(), models.ErrConflict, false},
		{"same id, another student", &entry, func(w *skillsWorld) Caller { return w.classmate }, entry, models.ErrConflict, false},
		{"the future", nil, nil, func() LogPracticumInput { e := entry; e.ID, e.Date = "", "2026-03-04"; return e }(), &models.ValidationError{}, false},
		{"no preceptor", nil, nil, func() LogPracticumInput { e := entry; e.ID, e.Preceptor = "", " "; return e }(), &models.ValidationError{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newSkillsWorld(t)
			ctx := context.Background()
			if tt.first != nil {
				if _, err := w.skills.LogPracticum(ctx, w.student, *tt.first); err != nil {
					t.Fatal(err)
				}
			}
			caller := w.student
			if tt.by != nil {
				caller = tt.by(w)
			}
			events := len(w.st.events)
			out, err := w.skills.LogPracticum(ctx, caller, tt.in)
			switch want := tt.want; {
			case want == nil && err != nil:
				t.Fatalf("LogPracticum = %v; want it logged", err)
			case want == nil:
				if out.Created != tt.wantCreated || out.Entry.Site != "Valley Clinic" || out.Entry.Status != models.ProcedurePending {
					t.Errorf("LogPracticum = %+v; want created %v, the site trimmed, pending", out, tt.wantCreated)
				}
				if wantEvents := map[bool]int{true: 1, false: 0}[tt.wantCreated]; len(w.st.events)-events != wantEvents {
					t.Errorf("LogPracticum recorded %d events; want %d", len(w.st.events)-events, wantEvents)
				}
			default:
				var ve *models.ValidationError
				if errors.As(want, &ve) {
					if !errors.As(err, &ve) {
						t.Fatalf("LogPracticum = %v; want a ValidationError", err)
					}
				} else if !errors.Is(err, want) {
					t.Fatalf("LogPracticum = %v; want %v", err, want)
				}
			}
		})
	}
}

func TestReviewPracticum(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		by      func(w *skillsWorld) Caller
		reject  bool
		comment string
		want    error
	}{
		{"their instructor confirms", func(w *skillsWorld) Caller { return w.teacher }, false, "", nil},
		{"the admin confirms", func(w *skillsWorld) Caller { return w.admin }, false, "Timesheet seen", nil},
		{"the admin rejects, saying why", func(w *skillsWorld) Caller { return w.admin }, true, "No such shift", nil},
		{"a rejection without a reason", func(w *skillsWorld) Caller { return w.teacher }, true, "  ", &models.ValidationError{}},
		{"another cohort's instructor", func(w *skillsWorld) Caller { return w.outsider }, false, "", models.ErrForbidden},
		{"the student", func(w *skillsWorld) Caller { return w.student }, false, "", models.ErrForbidden},
		{"another program's admin", func(w *skillsWorld) Caller { return w.foreignAdmin }, false, "", models.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newSkillsWorld(t)
			ctx := context.Background()
			out, err := w.skills.LogPracticum(ctx, w.student, LogPracticumInput{Date: "2026-03-01", Hours: 6, Site: "Valley Clinic", Preceptor: "Pat"})
			if err != nil {
				t.Fatal(err)
			}
			review := w.skills.ConfirmPracticum
			if tt.reject {
				review = w.skills.RejectPracticum
			}
			got, err := review(ctx, tt.by(w), ReviewInput{ID: out.Entry.ID}, tt.comment)
			var ve *models.ValidationError
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("review = %v; want decided", err)
			case tt.want == nil:
				if got.Version != 2 || got.Review == nil || got.Review.ReviewerID != tt.by(w).ID || got.Status == models.ProcedurePending {
					t.Errorf("review = %+v; want decided by the caller at version 2", got)
				}
				if last := w.st.events[len(w.st.events)-1]; last.Type != models.EventPracticumConfirmed && last.Type != models.EventPracticumRejected {
					t.Errorf("last event = %s; want the decision", last.Type)
				}
				if _, err := w.skills.ConfirmPracticum(ctx, w.teacher, ReviewInput{ID: got.ID}, ""); !errors.Is(err, models.ErrConflict) {
					t.Errorf("second decision = %v; want a conflict", err)
				}
			case errors.As(tt.want, &ve):
				if !errors.As(err, &ve) {
					t.Fatalf("review = %v; want a ValidationError", err)
				}
			case !errors.Is(err, tt.want):
				t.Fatalf("review = %v; want %v", err, tt.want)
			}
		})
	}
}
