package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
)

var noticeStart = time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)

func noticesWith(st *fakeNotices) (*Notices, *clock.Fake) {
	clk := clock.NewFake(noticeStart)
	return newNotices(st, clk, EphemeralSigning()), clk
}

func callerAs(id string, role models.Role) Caller {
	return Caller{User: models.User{ID: id, ProgramID: "p1", Name: id, Role: role, Active: true}, RequestID: "req-" + id}
}

func TestRegisterDeviceCreatesRefreshesAndMoves(t *testing.T) {
	st := newFakeNotices()
	n, clk := noticesWith(st)
	ctx := context.Background()
	alice, bob := callerAs("alice", models.RoleStudent), callerAs("bob", models.RoleInstructor)

	first, err := n.RegisterDevice(ctx, alice, RegisterDeviceInput{Token: " tok-1 ", Platform: models.PlatformIOS, AppVersion: " 3.2.0 "})
	if err != nil || !first.Created || first.Device.Token != "tok-1" || first.Device.AppVersion != "3.2.0" ||
		first.Device.UserID != "alice" || first.Device.ProgramID != "p1" || !first.Device.RefreshedAt.Equal(noticeStart) {
		t.Fatalf("RegisterDevice(new) = %+v, %v; want created for alice at %v", first, err, noticeStart)
	}
	clk.Advance(time.Hour)
	again, err := n.RegisterDevice(ctx, alice, RegisterDeviceInput{Token: "tok-1", Platform: models.PlatformIOS})
	if err != nil || again.Created || !again.Device.RefreshedAt.Equal(noticeStart.Add(time.Hour)) {
		t.Errorf("RegisterDevice(known) = %+v, %v; want refreshed, not created", again, err)
	}
	moved, err := n.RegisterDevice(ctx, bob, RegisterDeviceInput{Token: "tok-1", Platform: models.PlatformIOS})
	if err != nil || moved.Created || moved.Device.UserID != "bob" {
		t.Errorf("RegisterDevice(another user's token) = %+v, %v; want moved to bob, not created", moved, err)
	}
	if got := st.tokensOf("alice"); len(got) != 0 {
		t.Errorf("alice's devices after the move = %v; want none", got)
	}
	if err := n.RemoveDevice(ctx, alice, "tok-1"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("RemoveDevice(bob's token as alice) = %v; want ErrNotFound", err)
	}
	if err := n.RemoveDevice(ctx, bob, "tok-1"); err != nil {
		t.Errorf("RemoveDevice = %v", err)
	}
}

func TestRegisterDeviceKeepsTheNewestAndDropsStale(t *testing.T) {
	st := newFakeNotices()
	n, clk := noticesWith(st)
	ctx := context.Background()
	alice := callerAs("alice", models.RoleStudent)
	reg := func(token string) {
		t.Helper()
		if _, err := n.RegisterDevice(ctx, alice, RegisterDeviceInput{Token: token, Platform: models.PlatformAndroid}); err != nil {
			t.Fatalf("RegisterDevice(%s) = %v", token, err)
		}
		clk.Advance(time.Minute)
	}
	for i := range models.MaxDevicesPerUser + 2 {
		reg(fmt.Sprintf("tok-%02d", i))
	}
	got := st.tokensOf("alice")
	if len(got) != models.MaxDevicesPerUser || slices.Contains(got, "tok-00") || slices.Contains(got, "tok-01") {
		t.Errorf("devices after %d registrations = %v; want the newest %d", models.MaxDevicesPerUser+2, got, models.MaxDevicesPerUser)
	}

	// A month later every old one is stale: registering drops them.
	clk.Advance(models.StaleDeviceAge)
	reg("tok-new")
	if got := st.tokensOf("alice"); !slices.Equal(got, []string{"tok-new"}) {
		t.Errorf("devices after %v = %v; want only the new one", models.StaleDeviceAge, got)
	}
}

func TestRegisterDeviceRefusesBadTokens(t *testing.T) {
	n, _ := noticesWith(newFakeNotices())
	for _, tok := range []string{"", "  ", "has space", "a/b", "a?b", "a#b", "a%b", `a\b`, "é"} {
		_, err := n.RegisterDevice(context.Background(), callerAs("alice", models.RoleStudent), RegisterDeviceInput{Token: tok, Platform: models.PlatformWeb})
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Problems[0].Field != "body.token" {
			t.Errorf("RegisterDevice(%q) = %v; want a validation error of body.token", tok, err)
		}
	}
}
