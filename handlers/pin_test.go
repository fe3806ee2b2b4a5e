package handlers_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"skillbook/handlers/apitest"
	"skillbook/models"
)

// TestALockedPIN: the lock is one audit entry that tells the instructor
// (their feed, in its own category) and shows on their /v1/me; tries on
// the locked PIN are counted, not audited one by one, and beyond the
// student's limit they are answered 429 with Retry-After.
func TestALockedPIN(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaVitalSigns)
	student := c.students[0]
	a := c.request(t, student, "pulse-oximetry")
	grade := func(pin string) apitest.Response {
		return c.env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", student.Token, map[string]any{
			"steps": c.grades(t, a), "setting": "skills-lab", "attest": true,
			"signer": map[string]any{"instructorId": c.instructor.ID, "pin": pin},
		})
	}
	setPIN := func(pin string) {
		c.env.Do(t, apitest.Request{Method: http.MethodPut, Path: "/v1/me/signing-pin", Token: c.instructor.Token, Body: map[string]any{"pin": pin}}).
			WantStatus(t, http.StatusNoContent)
	}
	type me struct {
		ID         string                   `json:"id"`
		SigningPIN *models.SigningPINStatus `json:"signingPin"`
	}
	pinOf := func(u apitest.User) *models.SigningPINStatus {
		var m me
		c.env.Get(t, "/v1/me", u.Token).WantStatus(t, http.StatusOK).JSON(t, &m)
		return m.SigningPIN
	}
	if st := pinOf(student); st != nil {
		t.Errorf("a student's /v1/me signingPin = %+v; want none", st)
	}
	setPIN("482913")
	if st := pinOf(c.instructor); st == nil || !st.Set || st.Locked {
		t.Fatalf("signingPin after setting it = %+v; want set, not locked", st)
	}

	for i := range 5 {
		grade(fmt.Sprintf("97531%d", i)).WantProblem(t, http.StatusForbidden, "signing-pin-rejected")
	}
	grade("482913").WantProblem(t, http.StatusForbidden, "signing-pin-locked")
	grade("482913").WantProblem(t, http.StatusForbidden, "signing-pin-locked")
	st := pinOf(c.instructor)
	if st == nil || !st.Set || !st.Locked || st.LockedAt == nil || st.RefusedTries != 2 {
		t.Fatalf("signingPin after the lock = %+v; want set, locked with its time, 2 tries refused", st)
	}

	// The student's device has ten tries at once; the next is 429.
	for range 3 {
		grade("482913").WantProblem(t, http.StatusForbidden, "signing-pin-locked")
	}
	r := grade("482913")
	r.WantProblem(t, http.StatusTooManyRequests, "signing-pin-tries-limited")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("Retry-After = %q; want 1 to 60 seconds", r.Header.Get("Retry-After"))
	}

	var feed models.List[models.FeedItem]
	c.env.Get(t, "/v1/me/notifications", c.instructor.Token).WantStatus(t, http.StatusOK).JSON(t, &feed)
	locks := 0
	for _, n := range feed.Items {
		if n.Category == models.CategorySigningPIN {
			locks++
		}
	}
	if locks != 1 {
		t.Errorf("instructor's feed = %+v; want one %q notification", feed.Items, models.CategorySigningPIN)
	}

	setPIN("559120")
	if st := pinOf(c.instructor); st == nil || !st.Set || st.Locked || st.RefusedTries != 0 {
		t.Errorf("signingPin after a new PIN = %+v; want set, unlocked", st)
	}
	var trail models.List[models.Event]
	c.env.Get(t, "/v1/audit?subjectId="+c.instructor.ID+"&limit=200", c.admin.Token).WantStatus(t, http.StatusOK).JSON(t, &trail)
	count := map[models.EventType]int{}
	var unlock models.Event
	for _, e := range trail.Items {
		count[e.Type]++
		if e.Type == models.EventSigningPINSet && e.Data["unlocked"] == "true" {
			unlock = e
		}
	}
	if count[models.EventSigningPINRejected] != 5 || count[models.EventSigningPINLocked] != 1 || count[models.EventSigningPINAccepted] != 0 {
		t.Errorf("audit = %v; want 5 rejected tries and one lock, the refused tries not one by one", count)
	}
	if unlock.Data["refusedWhileLocked"] != "5" {
		t.Errorf("the new PIN's entry = %+v; want it to carry the 5 tries refused while locked", unlock)
	}
}
