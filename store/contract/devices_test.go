package contract_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/store/storetest"
)

// tokens is the sorted tokens of user's devices.
func tokens(t *testing.T, s storetest.Store, user string) []string {
	t.Helper()
	ds, err := s.DevicesOf(context.Background(), []string{user})
	if err != nil {
		t.Fatalf("DevicesOf(%s) = %v", user, err)
	}
	out := []string{}
	for _, d := range ds {
		if d.UserID != user {
			t.Errorf("DevicesOf(%s) holds %+v", user, d)
		}
		out = append(out, d.Token)
	}
	slices.Sort(out)
	return out
}

func TestDevicesRegisterRefreshMoveAndPrune(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, clk *clock.Fake) {
		ctx := context.Background()
		reg := func(token, user string) (models.Device, bool) {
			t.Helper()
			d, created, err := s.RegisterDevice(ctx, models.Device{Token: token, ProgramID: "p1", UserID: user, Platform: models.PlatformAndroid, AppVersion: "1.0"})
			if err != nil {
				t.Fatalf("RegisterDevice(%s, %s) = %v", token, user, err)
			}
			return d, created
		}
		d1, created := reg("tok-a", "u1")
		if !created || d1.UserID != "u1" || d1.ProgramID != "p1" || d1.CreatedAt.IsZero() || !d1.RefreshedAt.Equal(epoch) ||
			d1.Platform != models.PlatformAndroid || d1.AppVersion != "1.0" {
			t.Fatalf("first registration = %+v, created %v", d1, created)
		}
		clk.Advance(time.Millisecond)
		d2, created := reg("tok-a", "u1")
		if created || !d2.RefreshedAt.After(d1.RefreshedAt) || !d2.CreatedAt.Equal(d1.CreatedAt) {
			t.Errorf("registering again = %+v, created %v; want refreshed", d2, created)
		}
		if d3, created := reg("tok-a", "u2"); created || d3.UserID != "u2" { // the phone changed hands
			t.Errorf("registering as another user = %+v, created %v; want moved", d3, created)
		}
		if got := tokens(t, s, "u1"); len(got) != 0 {
			t.Errorf("u1's devices after the move = %v; want none", got)
		}
		if err := s.RemoveDevice(ctx, "p1", "u1", "tok-a"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("RemoveDevice of a token another user holds = %v; want ErrNotFound", err)
		}
		if err := s.RemoveDevice(ctx, "p2", "u2", "tok-a"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("RemoveDevice in another program = %v; want ErrNotFound", err)
		}
		if err := s.RemoveDevice(ctx, "p1", "u2", "tok-a"); err != nil {
			t.Errorf("RemoveDevice = %v", err)
		}
		if err := s.RemoveDevice(ctx, "p1", "u2", "tok-a"); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("RemoveDevice again = %v; want ErrNotFound", err)
		}

		for i := range models.MaxDevicesPerUser + 2 {
			reg(string(rune('a'+i))+"-tok", "u3")
			clk.Advance(time.Millisecond)
		}
		got := tokens(t, s, "u3")
		if len(got) != models.MaxDevicesPerUser || slices.Contains(got, "a-tok") || slices.Contains(got, "b-tok") {
			t.Errorf("u3's devices = %v; want the newest %d", got, models.MaxDevicesPerUser)
		}
		reg("u4-tok", "u4")
		if ds, err := s.DevicesOf(ctx, []string{"u3", "u4", "nobody"}); err != nil || len(ds) != models.MaxDevicesPerUser+1 {
			t.Errorf("DevicesOf(u3, u4) = %d devices, %v; want %d", len(ds), err, models.MaxDevicesPerUser+1)
		}
		if ds, err := s.DevicesOf(ctx, nil); err != nil || ds == nil || len(ds) != 0 {
			t.Errorf("DevicesOf(nil) = %v, %v; want an empty list", ds, err)
		}

		n, err := s.PruneStaleDevices(ctx, clk.Now()) // u4's is fresh
		if err != nil || n != int64(models.MaxDevicesPerUser) {
			t.Errorf("PruneStaleDevices = %d, %v; want %d", n, err, models.MaxDevicesPerUser)
		}
		if dropped, err := s.DropDevice(ctx, "c-tok"); err != nil || dropped {
			t.Errorf("DropDevice of a pruned token = %v, %v; want false", dropped, err)
		}
		if dropped, err := s.DropDevice(ctx, "u4-tok"); err != nil || !dropped {
			t.Errorf("DropDevice = %v, %v; want true", dropped, err)
		}
		if got := tokens(t, s, "u4"); len(got) != 0 {
			t.Errorf("u4's devices after the drop = %v; want none", got)
		}
	})
}

func TestSaveDeviceKeepsTheNewestAndDropsStaleOnes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s storetest.Store, _ *clock.Fake) {
		ctx := context.Background()
		start := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
		save := func(token string, at time.Time, keep int, staleBefore time.Time) bool {
			t.Helper()
			d, created, err := s.SaveDevice(ctx, models.Device{Token: token, ProgramID: "p1", UserID: "u1", Platform: models.PlatformWeb, RefreshedAt: at},
				keep, staleBefore)
			if err != nil || !d.RefreshedAt.Equal(at) {
				t.Fatalf("SaveDevice(%s) = %+v, %v; want refreshed at %v", token, d, err, at)
			}
			return created
		}
		for i, tok := range []string{"old", "mid", "new"} {
			if !save(tok, start.Add(time.Duration(i)*time.Hour), 3, time.Time{}) {
				t.Errorf("SaveDevice(%s) was not new", tok)
			}
		}
		if save("new", start.Add(3*time.Hour), 2, start.Add(30*time.Minute)) {
			t.Error("SaveDevice of a known token reported it new")
		}
		if got := tokens(t, s, "u1"); !slices.Equal(got, []string{"mid", "new"}) {
			t.Errorf("devices = %v; want the stale one dropped and 2 kept", got)
		}
		save("newest", start.Add(4*time.Hour), 1, time.Time{})
		if ds, err := s.DevicesOf(ctx, []string{"u1"}); err != nil || len(ds) != 1 || ds[0].Token != "newest" {
			t.Errorf("devices after keeping 1 = %+v, %v; want the newest", ds, err)
		}
		// Devices refreshed at the same time: the surplus goes by token.
		for _, tok := range []string{"z", "y"} {
			save(tok, start.Add(5*time.Hour), 3, time.Time{})
		}
		save("x", start.Add(5*time.Hour), 2, time.Time{})
		if got := tokens(t, s, "u1"); !slices.Equal(got, []string{"x", "y"}) {
			t.Errorf("devices after a tie = %v; want x and y (the first tokens of the newest)", got)
		}
		// A refresh time is kept to the millisecond, as every record's.
		at := start.Add(6*time.Hour + 1500*time.Microsecond)
		d, _, err := s.SaveDevice(ctx, models.Device{Token: "w", ProgramID: "p1", UserID: "u1", Platform: models.PlatformWeb, RefreshedAt: at}, 3, time.Time{})
		if err != nil || !d.RefreshedAt.Equal(at.Truncate(time.Millisecond)) || !d.CreatedAt.Equal(d.RefreshedAt) {
			t.Errorf("SaveDevice at %v = %+v, %v; want it at the millisecond", at, d, err)
		}
	})
}
