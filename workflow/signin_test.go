package workflow

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"skillbook/models"
)

func TestSignIn(t *testing.T) {
	t.Parallel()
	invitation := models.User{ID: "u-new", ProgramID: peopleProgram, Email: "new@example.com", Name: "New", Role: models.RoleStudent,
		CohortIDs: []string{"fall"}, Active: true, UID: "invited:u-new"}
	tests := []struct {
		name     string
		setup    func(x *peopleFixture)
		identity models.Identity
		wantID   string
		wantErr  string // a piece of the refusal, "" for success
		binds    bool
	}{
		{"a bound user by uid", nil, models.Identity{UID: "uid-sam", Email: "sam@example.com", EmailVerified: true}, "u-sam", "", false},
		{"a bound user needs no verified email", nil, models.Identity{UID: "uid-sam"}, "u-sam", "", false},
		{"a deactivated user", func(x *peopleFixture) {
			u := x.store.users["u-sam"]
			u.Active = false
			x.store.users["u-sam"] = u
		}, models.Identity{UID: "uid-sam"}, "", "deactivated", false},
		{"an invitation and a verified email", nil, models.Identity{UID: "uid-new", Email: "NEW@example.com", EmailVerified: true}, "u-new", "", true},
		{"an invitation and an unverified email", nil, models.Identity{UID: "uid-new", Email: "new@example.com"}, "", "verified email", false},
		{"an invitation and no email", nil, models.Identity{UID: "uid-new", EmailVerified: true}, "", "verified email", false},
		{"no invitation", nil, models.Identity{UID: "uid-x", Email: "stranger@example.com", EmailVerified: true}, "", "no Skillbook invitation", false},
		{"an invitation bound to another account", func(x *peopleFixture) {
			u := x.store.users["u-new"]
			u.Bound, u.UID = true, "uid-other"
			x.store.users["u-new"] = u
		}, models.Identity{UID: "uid-new", Email: "new@example.com", EmailVerified: true}, "", "no Skillbook invitation", false},
		{"a deactivated invitation", func(x *peopleFixture) {
			u := x.store.users["u-new"]
			u.Active = false
			x.store.users["u-new"] = u
		}, models.Identity{UID: "uid-new", Email: "new@example.com", EmailVerified: true}, "", "deactivated", false},
		{"bound by a concurrent first request", func(x *peopleFixture) {
			x.store.beforeWrite = func(f *fakePeople) {
				u := f.users["u-new"]
				u.Bound, u.UID = true, "uid-new"
				u.Version++
				f.users["u-new"] = u
			}
		}, models.Identity{UID: "uid-new", Email: "new@example.com", EmailVerified: true}, "u-new", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x := newPeopleFixture(t)
			x.store.addUser(invitation)
			if tt.setup != nil {
				tt.setup(x)
			}
			u, err := x.people.SignIn(t.Context(), SignInInput{Identity: tt.identity, RequestID: "req-1"})
			if tt.wantErr != "" {
				if !errors.Is(err, models.ErrForbidden) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("SignIn = %+v, %v; want forbidden: %s", u, err, tt.wantErr)
				}
			} else if err != nil || u.ID != tt.wantID {
				t.Fatalf("SignIn = %+v, %v; want user %s", u, err, tt.wantID)
			}
			events := x.store.events
			if !tt.binds {
				if len(events) != 0 {
					t.Errorf("events = %v; want none", x.store.eventTypes())
				}
				if tt.wantErr != "" && tt.name != "an invitation bound to another account" && x.store.users["u-new"].Bound {
					t.Errorf("the invitation was bound by a refused sign-in")
				}
				return
			}
			if !u.Bound || u.UID != tt.identity.UID || u.Version != 2 || !u.UpdatedAt.Equal(peopleEpoch) {
				t.Errorf("bound user = %+v; want bound to %s at version 2, stamped by the clock", u, tt.identity.UID)
			}
			want := models.Event{Type: models.EventInvitationAccepted, ProgramID: peopleProgram, At: peopleEpoch, Subject: "user", SubjectID: "u-new", StudentID: "u-new"}
			if len(events) != 1 {
				t.Fatalf("events = %v; want one acceptance", x.store.eventTypes())
			}
			e := events[0]
			if e.Type != want.Type || e.ProgramID != want.ProgramID || !e.At.Equal(want.At) || e.SubjectID != want.SubjectID || e.StudentID != want.StudentID ||
				e.Actor.UserID != models.SystemActor.UserID || e.Actor.RequestID != "req-1" {
				t.Errorf("acceptance event = %+v; want %+v by the system in req-1", e, want)
			}
			// The next request finds the user by uid and binds nothing more.
			again, err := x.people.SignIn(t.Context(), SignInInput{Identity: tt.identity})
			if err != nil || again.ID != u.ID || !slices.Equal(x.store.eventTypes(), []models.EventType{models.EventInvitationAccepted}) {
				t.Errorf("second sign-in = %+v, %v, events %v", again, err, x.store.eventTypes())
			}
		})
	}
}
