package sqlite

import (
	"context"
	"strings"
	"testing"

	"skillbook/models"
)

// TestPeoplePINHashStaysOutOfTheDoc: the hash lives in its own column,
// never in the user's JSON doc (the contract suite checks the tries and
// the lock).
func TestPeoplePINHashStaysOutOfTheDoc(t *testing.T) {
	t.Parallel()
	s, _ := openTest(t)
	ctx := context.Background()
	p := peopleProgram(t, s)
	in := peopleInvite(t, s, p, "in@example.com", models.RoleInstructor)
	ev := models.Event{Type: models.EventSigningPINSet, ProgramID: p, Actor: peopleAdmin, Subject: "user", SubjectID: in.ID}
	if err := s.SetSigningPIN(ctx, p, in.ID, "hash-1", ev); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.User(ctx, p, in.ID); u.PINHash != "hash-1" || !u.PINSet {
		t.Errorf("after SetSigningPIN = %+v; want the hash, set", u)
	}
	var doc string
	if err := s.reader.QueryRow(`SELECT doc FROM users WHERE id = ?`, in.ID).Scan(&doc); err != nil || strings.Contains(doc, "hash-1") {
		t.Errorf("the user's doc %s holds the PIN hash", doc)
	}
}
