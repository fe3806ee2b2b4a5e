package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"skillbook/clock"
	"skillbook/models"
	"skillbook/notify/fcmtest"
	"skillbook/store/storetest"
)

func TestLoadConfigNotifySettings(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil || !c.NotifyWorker || c.FCMEndpoint != "" {
		t.Errorf("defaults: NotifyWorker %v, FCMEndpoint %q, %v; want the worker on, FCM itself", c.NotifyWorker, c.FCMEndpoint, err)
	}
	c, err = loadConfig(env(map[string]string{"NOTIFY_WORKER": "false", "FCM_ENDPOINT": "http://127.0.0.1:9399/v1"}))
	if err != nil || c.NotifyWorker || c.FCMEndpoint != "http://127.0.0.1:9399/v1" {
		t.Errorf("NOTIFY_WORKER=false, FCM_ENDPOINT set: %+v, %v", c, err)
	}
	for _, bad := range []map[string]string{{"NOTIFY_WORKER": "maybe"}, {"FCM_ENDPOINT": "fcm.local"}, {"FCM_ENDPOINT": "ftp://x/v1"}} {
		var ce *configError
		if _, err := loadConfig(env(bad)); !errors.As(err, &ce) {
			t.Errorf("loadConfig(%v) = %v; want a configuration error", bad, err)
		}
	}
}

// TestNotifierDeliversToFCMEndpoint: serve's worker, pointed at a local FCM
// server by FCM_ENDPOINT, delivers the outbox and stops when asked.
func TestNotifierDeliversToFCMEndpoint(t *testing.T) {
	st := storetest.New(t)
	fcm := fcmtest.New(t)
	ctx := context.Background()
	if _, _, err := st.RegisterDevice(ctx, models.Device{Token: "tok-1", ProgramID: "p1", UserID: "u1", Platform: models.PlatformIOS}); err != nil {
		t.Fatal(err)
	}
	a := models.Assignment{ProgramID: "p1", ChecklistID: "bp-manual", ChecklistVersion: 1, StudentID: "u1"}
	n := []models.Notification{{UserID: "u1", Category: "assignments", Title: "New skill assigned", Body: "Blood pressure"}}
	if _, _, err := storetest.CreateAssignment(ctx, st, models.SystemActor, a, n); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(env(map[string]string{"FCM_ENDPOINT": fcm.Endpoint()}))
	if err != nil {
		t.Fatal(err)
	}
	_, m := newMetrics()
	stop, err := startNotifier(ctx, cfg, st, clock.System{}, m, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	msgs := fcm.WaitMessages(t, 1, 20*time.Second)
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(30 * time.Second):
		t.Fatal("the worker did not stop within 30s")
	}
	if msgs[0].Token != "tok-1" || msgs[0].Title != "New skill assigned" {
		t.Errorf("message = %+v", msgs[0])
	}
}
