package mongo_test

import (
	"context"
	"testing"

	"skillbook/models"
	"skillbook/store/mongo"
	"skillbook/store/storetest"
)

// TestRelayQueuesEachNotificationOnce repeats the relay's enqueue step,
// as a relay after a crash would: each recipient still has one
// notification (the contract suite checks the write path).
func TestRelayQueuesEachNotificationOnce(t *testing.T) {
	t.Parallel()
	s := storetest.New(t)
	ctx := context.Background()
	n := func(userID string) models.Notification {
		return models.Notification{UserID: userID, Category: "evaluation-requests", Title: "T " + userID}
	}
	e := models.Event{ID: mongo.NewID(), Type: "evaluation.requested", ProgramID: "p1", Notify: []models.Notification{n("u1"), n("u2"), n("u2")}}
	for range 2 {
		if err := s.EnqueueNotifications(ctx, e); err != nil {
			t.Fatalf("EnqueueNotifications = %v", err)
		}
	}
	e.Notify = append(e.Notify, n("u3"))
	if err := s.EnqueueNotifications(ctx, e); err != nil {
		t.Fatalf("EnqueueNotifications with a new recipient = %v", err)
	}
	for _, u := range []string{"u1", "u2", "u3"} {
		if l, err := s.Notifications(ctx, "p1", u, models.FeedFilter{}, models.Page{}); err != nil || len(l.Items) != 1 {
			t.Errorf("feed of %s = %+v, %v; want one notification", u, l.Items, err)
		}
	}
	if n, err := s.PendingPushes(ctx); err != nil || n != 3 {
		t.Errorf("PendingPushes = %d, %v; want 3", n, err)
	}
}
