package workflow

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"skillbook/models"
)

func TestNotificationsReadOnce(t *testing.T) {
	st := newFakeNotices()
	st.feed["alice"] = []models.FeedItem{{ID: "n1"}, {ID: "n2"}, {ID: "n3"}}
	n, clk := noticesWith(st)
	ctx := context.Background()
	alice, bob := callerAs("alice", models.RoleStudent), callerAs("bob", models.RoleStudent)

	item, err := n.ReadNotification(ctx, alice, "n2")
	if err != nil || !item.Read || item.ReadAt == nil || !item.ReadAt.Equal(noticeStart) {
		t.Fatalf("ReadNotification = %+v, %v; want read at %v", item, err, noticeStart)
	}
	if _, err := n.ReadNotification(ctx, bob, "n1"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("ReadNotification(alice's, as bob) = %v; want ErrNotFound", err)
	}
	unread, err := n.Notifications(ctx, alice, NotificationsInput{UnreadOnly: true})
	if err != nil || len(unread.Items) != 2 {
		t.Errorf("unread feed = %+v, %v; want 2", unread.Items, err)
	}
	clk.Advance(time.Hour)
	marked, err := n.ReadAllNotifications(ctx, alice)
	if err != nil || marked != 2 {
		t.Errorf("ReadAllNotifications = %d, %v; want 2", marked, err)
	}
	for _, it := range st.feed["alice"] {
		want := noticeStart.Add(time.Hour)
		if it.ID == "n2" {
			want = noticeStart
		}
		if it.ReadAt == nil || !it.ReadAt.Equal(want) {
			t.Errorf("%s read at %v; want %v", it.ID, it.ReadAt, want)
		}
	}
}

func TestNotificationPreferencesVersions(t *testing.T) {
	st := newFakeNotices()
	n, _ := noticesWith(st)
	ctx := context.Background()
	alice := callerAs("alice", models.RoleInstructor)
	v := func(n int64) *int64 { return &n }

	p, err := n.NotificationPreferences(ctx, alice)
	if err != nil || p.Version != 0 || len(p.MutedCategories) != 0 {
		t.Fatalf("preferences before any = %+v, %v", p, err)
	}
	tests := []struct {
		name      string
		muted     []string
		ifVersion *int64
		want      []string
		version   int64
		err       error
	}{
		{"first, none set yet", []string{"reminders", "reminders", "assignments"}, v(0), []string{"reminders", "assignments"}, 1, nil},
		{"none set yet, again", []string{"reminders"}, v(0), nil, 0, models.ErrPreconditionFailed},
		{"at the version read", []string{"remediation"}, v(1), []string{"remediation"}, 2, nil},
		{"at a stale version", nil, v(1), nil, 0, models.ErrPreconditionFailed},
		{"unconditional", nil, nil, []string{}, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := n.SetNotificationPreferences(ctx, alice, SetPreferencesInput{MutedCategories: tt.muted, IfVersion: tt.ifVersion})
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Errorf("SetNotificationPreferences = %+v, %v; want %v", got, err, tt.err)
				}
				return
			}
			if err != nil || got.Version != tt.version || !slices.Equal(got.MutedCategories, tt.want) {
				t.Errorf("SetNotificationPreferences = %+v, %v; want %v at version %d", got, err, tt.want, tt.version)
			}
		})
	}

	var ve *models.ValidationError
	if _, err := n.SetNotificationPreferences(ctx, alice, SetPreferencesInput{MutedCategories: []string{"assignments", "gossip"}}); !errors.As(err, &ve) ||
		ve.Problems[0].Field != "body.mutedCategories[1]" {
		t.Errorf("an unknown category = %v; want a validation error of body.mutedCategories[1]", err)
	}
	if p := st.prefs["alice"]; p.Version != 3 {
		t.Errorf("preferences after a refused change = %+v; want version 3 kept", p)
	}
}
